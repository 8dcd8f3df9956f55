"""OpenTrack competition JSON: the reader's rules, its messages, and the same record as CSV.

The real results file (tests/data/real_results.csv: 20 races of five championships and two
one-day meets, heats and semi-finals included) is written out as one OpenTrack competition per
meet, imported on its own, and must give every pair the head-to-head the CSV import gives,
under both counting rules.
"""

import csv
import datetime
import json
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command

from athletes import headtohead
from athletes.importing import import_results
from athletes.importing.readers.opentrack import event_name, round_of
from athletes.models import Athlete, Race, Result, ResultStatus, Round
from tests.factories import AthleteFactory

pytestmark = pytest.mark.django_db

EXAMPLE = {
    "full_name": "World Athletics Championships",
    "country_id": "HUN",
    "address": "National Athletics Centre, Budapest",
    "date": "2023-08-19",
    "finish_date": "2023-08-27",
    "results_link": "https://example.org/budapest-2023-1500m",
    "competitors": [
        {
            "competitor_id": "1",
            "first_name": "Josh",
            "last_name": "KERR",
            "nationality": "GBR",
            "gender": "M",
        },
        {
            "competitor_id": "2",
            "first_name": "Jakob",
            "last_name": "Ingebrigtsen",
            "nationality": "NOR",
            "gender": "M",
        },
        {
            "competitor_id": 3,
            "first_name": "Narve",
            "last_name": "Gilje Nordås",
            "nationality": "NOR",
            "gender": "M",
        },
    ],
    "events": [
        {
            "event_code": "1500",
            "genders": "M",
            "rounds": "3,2,1",
            "units": [
                {
                    "round": 1,
                    "heat": 2,
                    "day": 1,
                    "results": [
                        {"bib": "1", "place": 1, "performance": "3:34.00"},
                        {"bib": "2", "place": 2, "performance": "3:34.10"},
                        {"bib": 3, "place": None, "performance": "DNF"},
                    ],
                },
                {
                    "round": 2,
                    "heat": 1,
                    "day": 3,
                    "results": [
                        {"bib": "2", "place": "1", "performance": "3:32.9h"},
                        {"bib": "1", "place": 2, "performance": "3:33.00"},
                    ],
                },
                {
                    "round": 3,
                    "heat": 1,
                    "day": 5,
                    "results": [
                        {"bib": "1", "place": 1, "performance": "3:29.38"},
                        {"bib": "2", "place": 2, "performance": "3:29.65"},
                        {"bib": "3", "performance": "DQ"},
                    ],
                },
            ],
        }
    ],
}


def competition(**changes) -> dict:
    data = json.loads(json.dumps(EXAMPLE))
    data.update(changes)
    return data


def import_json(data: dict, tmp_path, **options):
    path = tmp_path / "competition.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return import_results(path, filename="competition.json", **options)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("800", "800m"),
        ("1500", "1500m"),
        ("5000", "5000m"),
        ("10000", "10,000m"),
        ("MILE", "Mile"),
        ("mile", "Mile"),
        ("2MILE", "2 Miles"),
        ("2MILES", "2 Miles"),
        ("3000SC", None),
        ("HJ", None),
        ("", None),
        ("0", None),
    ],
)
def test_event_codes_name_flat_distances(code, name):
    assert event_name(code) == name


@pytest.mark.parametrize(
    ("round_no", "rounds", "heat", "expected"),
    [
        (1, 1, 1, (Round.FINAL, None, "")),
        (1, 2, 3, (Round.HEAT, 3, "")),
        (2, 2, 1, (Round.FINAL, None, "")),
        (1, 3, 2, (Round.HEAT, 2, "")),
        (2, 3, 2, (Round.SEMI_FINAL, 2, "")),
        (3, 3, 1, (Round.FINAL, None, "")),
        (3, 3, 2, (Round.FINAL, None, "Final 2")),
        (1, 4, 5, (Round.HEAT, 5, "")),
        (2, 4, 1, (Round.QUARTER_FINAL, 1, "")),
        (3, 4, 1, (Round.SEMI_FINAL, 1, "")),
        (1, 5, 1, (Round.HEAT, 1, "Round 1")),
        (2, 5, 1, (Round.HEAT, 1, "")),
    ],
)
def test_rounds_are_heats_semi_finals_and_the_final(round_no, rounds, heat, expected):
    assert round_of(round_no, rounds, heat) == expected


def test_every_unit_becomes_a_race_with_its_round_date_and_source(tmp_path):
    report = import_json(competition(), tmp_path, create_athletes=True)
    assert report.ok, report.summary()
    races = {
        (race.round, race.round_number): race
        for race in Race.objects.select_related("meet", "event")
    }
    assert set(races) == {(Round.HEAT, 2), (Round.SEMI_FINAL, 1), (Round.FINAL, None)}
    heat, semi, final = races[Round.HEAT, 2], races[Round.SEMI_FINAL, 1], races[Round.FINAL, None]
    assert [heat.date, semi.date, final.date] == [
        datetime.date(2023, 8, 19),
        datetime.date(2023, 8, 21),
        datetime.date(2023, 8, 23),
    ]
    assert {race.source_url for race in races.values()} == {EXAMPLE["results_link"]}
    assert (final.event.name, final.sex, final.status) == ("1500m", "men", Race.Status.OFFICIAL)
    meet = final.meet
    assert (meet.name, meet.venue, meet.city, meet.country.code) == (
        "World Athletics Championships",
        "National Athletics Centre",
        "Budapest",
        "HU",
    )
    kerr = Athlete.objects.get(name="Josh Kerr")  # "KERR" title-cased
    assert (kerr.country.code, kerr.sex) == ("GB", "men")
    outcomes = {
        (result.race.round, result.athlete.name): (
            result.place,
            result.time,
            result.status,
        )
        for result in Result.objects.select_related("race", "athlete")
    }
    assert outcomes[Round.HEAT, "Narve Gilje Nordås"] == (None, "", ResultStatus.DNF)
    assert outcomes[Round.FINAL, "Narve Gilje Nordås"] == (None, "", ResultStatus.DQ)
    assert outcomes[Round.SEMI_FINAL, "Jakob Ingebrigtsen"] == (1, "3:32.9h", "finished")
    assert outcomes[Round.FINAL, "Josh Kerr"] == (1, "3:29.38", "finished")


def test_a_second_import_changes_nothing(tmp_path):
    assert import_json(competition(), tmp_path, create_athletes=True).ok
    again = import_json(competition(), tmp_path)
    assert again.ok, again.summary()
    assert not again.changed
    assert again.counts["results"].unchanged == 8


def test_competitors_are_matched_through_the_matcher(tmp_path):
    AthleteFactory(name="Josh Kerr", country="GB")
    AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    AthleteFactory(name="Narve Gilje Nordås", country="NO")
    report = import_json(competition(), tmp_path)
    assert report.ok, report.summary()
    assert report.counts["athletes"].created == 0
    assert Athlete.objects.count() == 3


def test_an_unknown_competitor_names_its_line(tmp_path):
    report = import_json(competition(), tmp_path)
    assert not report.ok
    first = report.errors[0]
    assert (first.column, first.value) == ("bib", "Josh Kerr")
    assert "no athlete is called 'Josh Kerr'" in first.message
    text = (tmp_path / "competition.json").read_text().splitlines()
    assert '"bib": "1"' in text[first.line]  # the result's object opens the line above its bib
    assert Race.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "column", "value", "message"),
    [
        (
            lambda d: d["events"][0]["units"][2]["results"][0].update(performance="3:2x.38"),
            "performance",
            "3:2x.38",
            "'3:2x.38' is not a time",
        ),
        (
            lambda d: d["events"][0]["units"][2]["results"][0].update(performance=""),
            "performance",
            "",
            "give a mark, or DNF, DNS or DQ",
        ),
        (
            lambda d: d["events"][0]["units"][2]["results"][0].update(place=None),
            "place",
            "",
            "a finisher needs a place",
        ),
        (
            lambda d: d["events"][0]["units"][2]["results"][0].update(bib="99"),
            "bib",
            "99",
            "'99' is not the competitor_id of a competitor",
        ),
        (lambda d: d["events"][0]["units"][2].update(day=12), "day", "12", "it ends on 2023-08-27"),
        (lambda d: d["events"][0]["units"][2].update(round=4), "round", "4", "its plan has 3"),
        (
            lambda d: d["events"][0].update(event_code="HJ"),
            "event_code",
            "HJ",
            "'HJ' is not an event code we read",
        ),
        (lambda d: d.update(date="19/08/2023"), "date", "19/08/2023", "is not a date"),
        (
            lambda d: d.update(results_link="javascript:alert(1)"),
            "results_link",
            "javascript:alert(1)",
            "is not a URL",
        ),
        (
            lambda d: d["competitors"][0].update(nationality="XX1"),
            "nationality",
            "XX1",
            "is not a country code",
        ),
    ],
)
def test_a_bad_value_writes_nothing_and_is_named(tmp_path, change, column, value, message):
    data = competition()
    change(data)
    report = import_json(data, tmp_path, create_athletes=True)
    assert not report.ok
    assert any(
        (error.column, error.value) == (column, value) and message in error.message
        for error in report.errors
    ), report.summary()
    assert all(error.line > 0 for error in report.errors)
    assert Race.objects.count() == Result.objects.count() == Athlete.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"full_name": "x"', "the JSON cannot be read here"),
        ("[1, 2]", "this is not an OpenTrack competition"),
        ('{"full_name": "x", "date": "2024-01-01"}', "this is not an OpenTrack competition"),
    ],
)
def test_what_is_not_a_competition_is_refused(tmp_path, text, message):
    path = tmp_path / "x.json"
    path.write_text(text)
    report = import_results(path, filename="x.json")
    assert not report.ok
    assert message in report.summary()


def test_the_command_and_its_dry_run_take_json(tmp_path, capsys):
    path = tmp_path / "budapest.json"
    path.write_text(json.dumps(competition()))
    call_command("import_results", str(path), "--create-athletes", "--dry-run")
    assert "dry run" in capsys.readouterr().out
    assert Race.objects.count() == 0
    call_command("import_results", str(path), "--create-athletes")
    assert Race.objects.count() == 3
    path.write_text(json.dumps(competition(date="x")))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_results", str(path))


# --- the real results, as OpenTrack would publish them ---------------------------------------


REAL = "tests/data/real_results.csv"


def real_competitions() -> list[dict]:
    """tests/data/real_results.csv, one OpenTrack competition per meet and year."""
    with open(REAL, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_meet: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        by_meet[(row["meet"], row["date"][:4])].append(row)
    competitions = []
    for (meet, _), meet_rows in by_meet.items():
        first_day = min(datetime.date.fromisoformat(row["date"]) for row in meet_rows)
        names = sorted({row["athlete"] for row in meet_rows})
        ids = {name: str(number) for number, name in enumerate(names, start=1)}
        nationality = {row["athlete"]: row["nationality"] for row in meet_rows}
        units: dict[tuple, list[dict]] = defaultdict(list)
        for row in meet_rows:
            units[(row["event"], row["round"], row["date"])].append(row)
        kinds = {round_name.split()[0] for _, round_name, _ in units}
        # The meet's round plan: heats, semi-finals, final, even where the file has no heats.
        plan = ["final"]
        if "semi-final" in kinds:
            plan = ["heat", "semi-final", "final"]
        elif "heat" in kinds:
            plan = ["heat", "final"]
        events: dict[str, list[dict]] = defaultdict(list)
        for (event, round_name, date), unit_rows in units.items():
            kind, _, heat = round_name.partition(" ")
            day = (datetime.date.fromisoformat(date) - first_day).days + 1
            results = [
                {
                    "bib": ids[row["athlete"]],
                    "place": int(row["place"]) if row["place"] else None,
                    "performance": row["mark"] or row["status"],
                }
                for row in unit_rows
            ]
            events[event].append(
                {
                    "round": plan.index(kind) + 1,
                    "heat": int(heat or 1),
                    "day": day,
                    "results_status": "official",
                    "results": results,
                }
            )
        competitions.append(
            {
                "full_name": meet,
                "date": first_day.isoformat(),
                "finish_date": max(row["date"] for row in meet_rows),
                "country_id": meet_rows[0]["country"],
                "address": f"{meet_rows[0]['venue']}, {meet_rows[0]['city']}",
                "results_link": meet_rows[0]["source_url"],
                "competitors": [
                    {
                        "competitor_id": ids[name],
                        "first_name": name.split(" ", 1)[0],
                        "last_name": name.split(" ", 1)[1],
                        "nationality": nationality[name],
                        "gender": "M",
                    }
                    for name in names
                ],
                "events": [
                    {
                        "event_code": event.upper().removesuffix("M"),
                        "genders": "M",
                        "rounds": ",".join(str(n) for n in range(len(plan), 0, -1)),
                        "units": u,
                    }
                    for event, u in events.items()
                ],
            }
        )
    return competitions


def the_record() -> set[tuple]:
    """Every result with its race, as a reader would compare two results lists (the CSV file
    gives no sex, so the races' sex is left out)."""
    return set(
        Result.objects.values_list(
            "race__meet__name",
            "race__date",
            "race__event__name",
            "race__round",
            "race__round_number",
            "race__source_url",
            "athlete__name",
            "athlete__country",
            "place",
            "time_ms",
            "status",
            "source_url",
        )
    )


PAIRS = [
    ("Jakob Ingebrigtsen", "Josh Kerr"),
    ("Jakob Ingebrigtsen", "Jake Wightman"),
    ("Josh Kerr", "Yared Nuguse"),
    ("Cole Hocker", "Yared Nuguse"),
]


def head_to_heads() -> dict[tuple[str, str, str], tuple[int, ...]]:
    tallies = {}
    for a_name, b_name in PAIRS:
        a, b = Athlete.objects.get(name=a_name), Athlete.objects.get(name=b_name)
        for rounds in ("all", "finals"):
            overall = headtohead.between(a, b, headtohead.Filters(rounds=rounds)).overall
            tallies[(a_name, b_name, rounds)] = (
                overall.meetings,
                overall.a_ahead,
                overall.b_ahead,
                overall.ties,
                overall.no_decision,
            )
    return tallies


def test_the_real_results_as_opentrack_json_give_the_csvs_head_to_heads(tmp_path):
    assert import_results(REAL, create_athletes=True).ok
    record, tallies = the_record(), head_to_heads()
    assert tallies[("Jakob Ingebrigtsen", "Josh Kerr", "all")] == (9, 5, 4, 0, 0)
    assert tallies[("Jakob Ingebrigtsen", "Josh Kerr", "finals")] == (5, 2, 3, 0, 0)
    Result.objects.all().delete()
    Race.objects.all().delete()
    Athlete.objects.all().delete()
    for number, data in enumerate(real_competitions()):
        path = tmp_path / f"competition-{number}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        report = import_results(path, create_athletes=True)
        assert report.ok, report.summary()
    assert Race.objects.count() == Race.objects.filter(sex="men").count() == 20
    assert the_record() == record
    assert head_to_heads() == tallies
