"""The CSV import: what editors' messy files turn into, and what a bad file is told."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from simple_history.models import HistoricalRecords

from athletes.headtohead import Tally, between
from athletes.importing import (
    MILE_M,
    event_name,
    free_slugs,
    guess_level,
    import_results,
    import_results_text,
    parse_bool,
    parse_country,
    parse_distance,
    parse_place,
    parse_round,
    parse_sex,
)
from athletes.models import Athlete, Event, Level, Meet, Race, Result, ResultStatus, Round
from rivalries.importing import guess_medium, import_quotes_text
from rivalries.models import Quote, Source
from tests.factories import (
    AthleteAliasFactory,
    AthleteFactory,
    EventFactory,
    MeetFactory,
    RaceFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
HEADER = (
    "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,"
    "mark,status,flags,source_url"
)
PRE = "2024-05-25,Prefontaine Classic,Bowerman Mile,Eugene,USA,Hayward Field,Mile,final,false"
PRE_URL = "https://en.wikipedia.org/wiki/2024_Prefontaine_Classic"
BOWERMAN = f"""{HEADER}
{PRE},1,Josh Kerr,GBR,3:45.34,,WL NR,{PRE_URL}
{PRE},2,Jakob Ingebrigtsen,NOR,3:45.60,,,{PRE_URL}
{PRE},3,Yared Nuguse,USA,3:46.22,,,{PRE_URL}
"""


def results(text: str, **options):
    options.setdefault("filename", "results.csv")
    return import_results_text(text, **options)


def quotes(text: str, **options):
    options.setdefault("filename", "quotes.csv")
    return import_quotes_text(text, **options)


def the_three():
    return (
        AthleteFactory(name="Josh Kerr", country="GB"),
        AthleteFactory(name="Jakob Ingebrigtsen", country="NO"),
        AthleteFactory(name="Yared Nuguse", country="US"),
    )


def everything() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Athlete, Event, Meet, Race, Result, Quote, Source)
    )


# --- reading values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (Round.FINAL, None)),
        ("final", (Round.FINAL, None)),
        ("F", (Round.FINAL, None)),
        (" Final ", (Round.FINAL, None)),
        ("semi-final 2", (Round.SEMI_FINAL, 2)),
        ("Semi-Final 1", (Round.SEMI_FINAL, 1)),
        ("semi 2", (Round.SEMI_FINAL, 2)),
        ("SF2", (Round.SEMI_FINAL, 2)),
        ("sf 1", (Round.SEMI_FINAL, 1)),
        ("semifinal", (Round.SEMI_FINAL, None)),
        ("heat 3", (Round.HEAT, 3)),
        ("H3", (Round.HEAT, 3)),
        ("round 1 heat 3", (Round.HEAT, 3)),
        ("Round 1, Heat 12", (Round.HEAT, 12)),
        ("R1 H2", (Round.HEAT, 2)),
        ("quarter-final 1", (Round.QUARTER_FINAL, 1)),
        ("QF1", (Round.QUARTER_FINAL, 1)),
    ],
)
def test_round_reads_the_usual_spellings(text, expected):
    assert parse_round(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("repechage 1", "'repechage 1' is not a round: write final, semi-final 2 (SF2)"),
        ("heat 0", "'heat 0' is not a round: numbers start at 1"),
        ("round 2 heat 1", "'round 2 heat 1' is not a round: only first-round heats"),
        ("A final", "'A final' is not a round"),
    ],
)
def test_unreadable_round_is_refused_with_its_value(text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_round(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("men", "men"),
        ("Men", "men"),
        ("M", "men"),
        ("male", "men"),
        ("Men's", "men"),
        ("women", "women"),
        ("W", "women"),
        ("f", "women"),
        ("FEMALE", "women"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_sex_reads_any_case_and_initials(text, expected):
    assert parse_sex(text) == expected


def test_unknown_sex_is_refused():
    with pytest.raises(ValueError, match=r"^'mixed' is not a sex"):
        parse_sex("mixed")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("1", True),
        ("false", False),
        ("No", False),
        ("0", False),
        ("", False),
        (" yes ", True),
    ],
)
def test_booleans_read_true_false_yes_no_one_zero(text, expected):
    assert parse_bool(text) is expected


def test_unreadable_boolean_is_refused():
    with pytest.raises(ValueError, match=r"^'indoors' is not true or false"):
        parse_bool("indoors")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GBR", "GB"),
        ("NOR", "NO"),
        ("SUI", "CH"),
        ("GER", "DE"),
        ("NED", "NL"),
        ("KEN", "KE"),
        ("gbr", "GB"),
        ("GB", "GB"),
        ("CHE", "CH"),
        ("DEU", "DE"),
        ("us", "US"),
        ("", ""),
    ],
)
def test_countries_read_ioc_and_iso_codes(text, expected):
    assert parse_country(text) == expected


@pytest.mark.parametrize("text", ["XYZ", "Britain", "826", "Q"])
def test_unknown_country_code_is_refused(text):
    with pytest.raises(ValueError, match=f"^'{text}' is not a country code"):
        parse_country(text)


@pytest.mark.parametrize(
    ("text", "distance", "name"),
    [
        ("1500m", 1500, "1500m"),
        ("1500 m", 1500, "1500m"),
        ("1,500 metres", 1500, "1500m"),
        ("Mile", MILE_M, "Mile"),
        ("1 mile", MILE_M, "Mile"),
        ("2 Miles", 2 * MILE_M, "2 Miles"),
        ("two miles", 3218.688, "2 Miles"),
        ("3000m", 3000, "3000m"),
        ("5000m", 5000, "5000m"),
        ("10,000m", 10_000, "10,000m"),
        ("10000", 10_000, "10,000m"),
    ],
)
def test_event_distance_is_read_from_its_name(text, distance, name):
    assert parse_distance(text) == pytest.approx(distance)
    assert event_name(parse_distance(text)) == name


@pytest.mark.parametrize("text", ["3000m Steeplechase", "400m hurdles", "Marathon", "0m"])
def test_event_without_a_plain_distance_is_refused(text):
    with pytest.raises(ValueError, match=f"^'{text}' is not an event we know"):
        parse_distance(text)


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("Olympic Games", Level.OLYMPIC),
        ("Games of the XXXIII Olympiad", Level.OLYMPIC),
        ("World Athletics Championships", Level.WORLD),
        ("World Championships", Level.WORLD),
        ("World Indoor Championships", Level.WORLD),
        ("World Athletics Indoor Championships", Level.WORLD),
        ("European Athletics Championships", Level.CONTINENTAL),
        ("Commonwealth Games", Level.CONTINENTAL),
        ("African Championships", Level.CONTINENTAL),
        ("Asian Games", Level.CONTINENTAL),
        ("Pan American Games", Level.CONTINENTAL),
        ("Oceania Championships", Level.CONTINENTAL),
        ("British Championships", Level.NATIONAL),
        ("USATF Outdoor Championships", Level.NATIONAL),
        ("US Olympic Trials", Level.NATIONAL),
        ("Norwegian Championships", Level.NATIONAL),
        ("Prefontaine Classic", Level.DIAMOND_LEAGUE),
        ("Bislett Games", Level.DIAMOND_LEAGUE),
        ("Weltklasse Zürich", Level.DIAMOND_LEAGUE),
        ("Memorial Van Damme", Level.DIAMOND_LEAGUE),
        ("Herculis", Level.DIAMOND_LEAGUE),
        ("Athletissima", Level.DIAMOND_LEAGUE),
        ("London Athletics Meet", Level.DIAMOND_LEAGUE),
        ("Anniversary Games", Level.DIAMOND_LEAGUE),
        ("Meeting de Paris", Level.DIAMOND_LEAGUE),
        ("Golden Gala Pietro Mennea", Level.DIAMOND_LEAGUE),
        ("Bauhaus-Galan", Level.DIAMOND_LEAGUE),
        ("Kamila Skolimowska Memorial", Level.DIAMOND_LEAGUE),
        ("Doha Diamond League", Level.DIAMOND_LEAGUE),
        ("Shanghai/Suzhou Diamond League", Level.DIAMOND_LEAGUE),
        ("Xiamen Diamond League", Level.DIAMOND_LEAGUE),
        ("Meeting International Mohammed VI d'Athlétisme de Rabat", Level.DIAMOND_LEAGUE),
        ("Diamond League Final", Level.DIAMOND_LEAGUE),
        ("Millrose Games", Level.ONE_DAY),
        ("Golden Spike Ostrava", Level.ONE_DAY),
        ("World Indoor Tour Liévin", Level.ONE_DAY),
    ],
)
def test_new_meet_level_is_guessed_from_its_name(name, level):
    assert guess_level(name) == level


@pytest.mark.parametrize(
    ("text", "place"), [("1", 1), ("12", 12), ("=3", 3), ("4.", 4), ("", None)]
)
def test_place_reads_whole_numbers_and_shared_places(text, place):
    assert parse_place(text) == place


@pytest.mark.parametrize(
    ("publisher", "url", "medium"),
    [
        ("The Times", "https://www.thetimes.com/sport/x", Source.Medium.ARTICLE),
        ("BBC Sport", "https://x.com/BBCSport/status/1", Source.Medium.SOCIAL_POST),
        ("The Sunday Plodcast", "", Source.Medium.PODCAST),
        ("Prefontaine Classic press conference", "", Source.Medium.PRESS_CONFERENCE),
        ("NRK", "https://www.youtube.com/watch?v=1", Source.Medium.BROADCAST),
    ],
)
def test_new_source_medium_is_guessed_lightly(publisher, url, medium):
    assert guess_medium(publisher, url) == medium


# --- importing results ------------------------------------------------------------------------


def test_import_creates_meet_event_race_and_results():
    kerr, jakob, yared = the_three()
    report = results(BOWERMAN)
    assert report.ok, report.summary()
    race = Race.objects.select_related("meet", "event").get()
    assert (race.meet.name, race.meet.level, race.meet.city, race.meet.country.code) == (
        "Prefontaine Classic",
        Level.DIAMOND_LEAGUE,
        "Eugene",
        "US",
    )
    assert (race.meet.start_date, race.meet.end_date, race.meet.indoor) == (
        datetime.date(2024, 5, 25),
        datetime.date(2024, 5, 25),
        False,
    )
    assert (race.event.name, race.event.distance_m) == ("Mile", MILE_M)
    assert (race.name, race.round, race.round_number, race.sex) == (
        "Bowerman Mile",
        Round.FINAL,
        None,
        "men",
    )
    assert (race.status, race.source_url) == (Race.Status.OFFICIAL, PRE_URL)
    rows = list(race.results.order_by("place").values_list("athlete", "place", "time_ms", "flags"))
    assert rows == [
        (kerr.pk, 1, 225_340, "WL NR"),
        (jakob.pk, 2, 225_600, ""),
        (yared.pk, 3, 226_220, ""),
    ]
    counts = {kind: (c.created, c.updated, c.unchanged) for kind, c in report.counts.items()}
    assert counts == {
        "athletes": (0, 0, 3),
        "events": (1, 0, 0),
        "meets": (1, 0, 0),
        "races": (1, 0, 0),
        "results": (3, 0, 0),
    }
    assert report.changed


def test_imported_records_keep_their_history():
    AthleteFactory(name="Josh Kerr", country="GB")
    results(BOWERMAN, create_athletes=True)
    assert (Result.history.count(), Race.history.count(), Meet.history.count()) == (3, 1, 1)
    assert Athlete.history.count() == 3  # the factory's own, and the two the import created
    created = Result.history.get(athlete__name="Jakob Ingebrigtsen")
    assert (created.history_type, created.place, created.time_ms, created.status) == (
        "+",
        2,
        225_600,
        "finished",
    )
    assert created.history_change_reason == "imported from results.csv"
    jakob = Athlete.history.get(name="Jakob Ingebrigtsen")
    assert (jakob.slug, jakob.search_name, jakob.history_type) == (
        "jakob-ingebrigtsen",
        "jakob ingebrigtsen",
        "+",
    )


def test_history_rows_name_the_editor_behind_an_upload(rf, django_user_model):
    editor = django_user_model.objects.create_user("editor")
    request = rf.post("/admin/import/")
    request.user = editor
    HistoricalRecords.context.request = request
    try:
        results(BOWERMAN, create_athletes=True)
    finally:
        del HistoricalRecords.context.request
    assert set(Result.history.values_list("history_user", flat=True)) == {editor.pk}
    assert set(Athlete.history.values_list("history_user", flat=True)) == {editor.pk}


def test_new_slugs_are_numbered_past_existing_and_each_other():
    AthleteFactory(name="John Smith")
    slugs = free_slugs(Athlete, ["John-Smith", "John Smith 2", "Ann Lee"])
    assert slugs == {
        "John-Smith": "john-smith-2",
        "John Smith 2": "john-smith-2-2",
        "Ann Lee": "ann-lee",
    }


def test_reimporting_the_same_file_changes_nothing_and_says_so():
    the_three()
    results(BOWERMAN)
    before = everything()
    history = Result.history.count()
    report = results(BOWERMAN)
    assert report.ok
    assert everything() == before
    assert Result.history.count() == history
    assert not report.changed
    assert all(c.created == 0 and c.updated == 0 for c in report.counts.values())
    assert report.counts["results"].unchanged == 3
    assert report.counts["races"].unchanged == 1
    assert "nothing changed, everything was already there" in report.lines()[0]


def test_changed_values_for_an_existing_result_are_updated():
    the_three()
    results(BOWERMAN)
    corrected = BOWERMAN.replace("3:46.22,,,", "3:46.21,,PB,")
    report = results(corrected)
    assert (report.counts["results"].updated, report.counts["results"].unchanged) == (1, 2)
    result = Result.objects.get(athlete__name="Yared Nuguse")
    assert (result.time_ms, result.flags) == (226_210, "PB")
    assert result.history.count() == 2


def test_one_bad_row_writes_nothing_and_names_its_line_column_and_value():
    the_three()
    bad = BOWERMAN.replace("3:45.60", "3:4x.12")
    report = results(bad)
    assert not report.ok
    assert everything() == (3, 0, 0, 0, 0, 0, 0)
    [error] = report.errors
    assert (error.line, error.column, error.value) == (3, "mark", "3:4x.12")
    assert error.describe("results.csv").startswith(
        "results.csv:3: column 'mark': '3:4x.12' is not a time: "
    )
    assert report.lines()[0] == "results.csv: 1 bad row (1 error); nothing was written."


def test_every_bad_row_is_reported_not_just_the_first():
    the_three()
    AthleteFactory(name="Jake Wightman")
    bad = f"""{HEADER}
{PRE},1,Josh Kerr,GBR,3:45.34,,WL XX,{PRE_URL}
{PRE},2,Jakob Ingebrigtsen,NORWAY,3:45.60,,,{PRE_URL}
{PRE.replace("2024-05-25", "2024-05-32")},3,Yared Nuguse,USA,3:46.22,,,
{PRE},4,Jake Wightman,GBR,3:47.83,finished,,not a url
"""
    report = results(bad)
    found = [(e.line, e.column, e.value) for e in report.errors]
    assert found == [
        (2, "flags", "WL XX"),
        (3, "nationality", "NORWAY"),
        (4, "date", "2024-05-32"),
        (5, "source_url", "not a url"),
    ]
    assert report.bad_lines == [2, 3, 4, 5]
    assert everything() == (4, 0, 0, 0, 0, 0, 0)


def test_unknown_athlete_is_an_error_that_suggests_create_athletes():
    the_three()
    text = BOWERMAN.replace("Yared Nuguse", "Hobbs Kessler")
    report = results(text)
    [error] = report.errors
    assert (error.line, error.column, error.value) == (4, "athlete", "Hobbs Kessler")
    assert "no athlete is called 'Hobbs Kessler'" in error.message
    assert "--create-athletes" in error.message
    assert Result.objects.count() == 0


def test_create_athletes_creates_them_with_country_and_the_races_sex():
    kerr = AthleteFactory(name="Josh Kerr", country="GB", sex="men")
    report = results(BOWERMAN, create_athletes=True)
    assert report.ok
    assert (report.counts["athletes"].created, report.counts["athletes"].unchanged) == (2, 1)
    jakob = Athlete.objects.get(name="Jakob Ingebrigtsen")
    assert (jakob.country.code, jakob.sex, jakob.slug) == ("NO", "men", "jakob-ingebrigtsen")
    assert Race.objects.get().sex == "men"
    assert Result.objects.filter(athlete=kerr).exists()


def test_sex_column_gives_the_race_and_new_athletes_their_sex():
    text = BOWERMAN.replace(HEADER, HEADER + ",sex").replace(PRE_URL + "\n", PRE_URL + ",W\n")
    report = results(text, create_athletes=True)
    assert report.ok, report.summary()
    assert Race.objects.get().sex == "women"
    assert set(Athlete.objects.values_list("sex", flat=True)) == {"women"}


def test_names_and_aliases_match_with_case_and_accents_folded():
    kerr, jakob, yared = the_three()
    AthleteAliasFactory(athlete=jakob, name="Ingebritsen")
    text = (
        BOWERMAN.replace("Josh Kerr", "JOSH KERR")
        .replace("Jakob Ingebrigtsen", "Ingebritsen")
        .replace("Yared Nuguse", "Yáred Nugusé")
    )
    report = results(text)
    assert report.ok, report.summary()
    assert set(Result.objects.values_list("athlete", flat=True)) == {kerr.pk, jakob.pk, yared.pk}
    text = BOWERMAN.replace("Jakob Ingebrigtsen", "JAKOB INGEBRIGTSEN")
    assert not results(text).changed


def test_two_athletes_of_one_name_are_told_apart_by_nationality():
    the_three()
    british = AthleteFactory(name="John Smith", country="GB")
    AthleteFactory(name="John Smith", country="US")
    text = f"{HEADER}\n{PRE},4,John Smith,GBR,3:47.00,,,\n"
    assert results(text).ok
    assert Result.objects.get().athlete == british
    text = f"{HEADER}\n{PRE},4,John Smith,,3:47.00,,,\n{PRE},5,John Smith,KEN,3:48.00,,,\n"
    report = results(text)
    assert [(e.line, e.column) for e in report.errors] == [(2, "athlete"), (3, "athlete")]
    assert "'John Smith' matches 2 athletes" in report.errors[0].message


def test_same_athlete_twice_in_one_race_is_an_error_on_the_second_row():
    the_three()
    text = BOWERMAN + f"{PRE},4,josh kerr,GBR,3:47.00,,,\n"
    report = results(text)
    [error] = report.errors
    assert (error.line, error.column, error.value) == (5, "athlete", "josh kerr")
    assert "also on line 2" in error.message


def test_rows_of_one_race_must_agree_on_its_date():
    the_three()
    text = BOWERMAN.replace(f"{PRE},2,", f"{PRE.replace('05-25', '05-26')},2,")
    report = results(text)
    assert [(e.line, e.column, e.value) for e in report.errors] == [(3, "date", "2024-05-26")]
    assert "line 2 dates it 2024-05-25" in report.errors[0].message


def test_a_row_with_another_source_keeps_it_as_its_own():
    """Real files read the top of a race from the official list and the rest from a report."""
    the_three()
    other = "https://example.com/report"
    report = results(BOWERMAN.replace(f"3:46.22,,,{PRE_URL}", f"3:46.22,,,{other}"))
    assert report.ok, report.summary()
    race = Race.objects.get()
    assert race.source_url == PRE_URL
    own = dict(race.results.values_list("athlete__name", "source_url"))
    assert own == {"Josh Kerr": "", "Jakob Ingebrigtsen": "", "Yared Nuguse": other}
    again = results(BOWERMAN.replace(f"3:46.22,,,{PRE_URL}", f"3:46.22,,,{other}"))
    assert not again.changed, again.summary()


def test_a_race_takes_its_first_rows_source():
    the_three()
    other = "https://example.com/report"
    text = BOWERMAN.replace(f"3:45.34,,WL NR,{PRE_URL}", f"3:45.34,,WL NR,{other}")
    assert results(text).ok
    race = Race.objects.get()
    assert race.source_url == other
    own = dict(race.results.values_list("athlete__name", "source_url"))
    assert own == {"Josh Kerr": "", "Jakob Ingebrigtsen": PRE_URL, "Yared Nuguse": PRE_URL}


def test_file_with_a_byte_order_mark_imports():
    the_three()
    report = import_results(("\ufeff" + BOWERMAN).encode("utf-8"), filename="results.csv")
    assert report.ok, report.summary()
    assert Result.objects.count() == 3


def test_file_that_is_not_utf8_gets_a_clear_error_not_a_traceback():
    the_three()
    text = BOWERMAN.replace("Yared Nuguse", "Yared Nugusé")
    report = import_results(text.encode("latin-1"), filename="results.csv")
    [error] = report.errors
    assert error.line == 4
    assert error.describe("results.csv").startswith("results.csv:4: the file is not UTF-8 text")
    assert "save it as UTF-8" in error.message
    assert Result.objects.count() == 0


def test_extra_column_is_an_error():
    text = BOWERMAN.replace(HEADER, HEADER + ",wind")
    report = results(text)
    [error] = report.errors
    assert (error.line, error.column) == (1, "wind")
    assert error.message.startswith("'wind' is not a column of a results file")


def test_missing_column_is_an_error():
    text = BOWERMAN.replace(",flags,", ",")
    report = results(text)
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (1, "flags", "the column 'flags' is missing")
    ]


def test_messy_but_readable_file_imports():
    """Blank lines, spaces, any case in status, booleans and flags, CRLF line ends."""
    the_three()
    text = (
        f"{HEADER.upper()}\r\n\r\n"
        f"{PRE.replace('false', ' FALSE ')}, 1 , Josh Kerr ,gbr, 3:45.34 ,Finished, wl nr ,\r\n"
        f"\r\n{PRE},2,Jakob Ingebrigtsen,NOR,3:45.60,FINISHED,,\r\n"
        f"{PRE},,Yared Nuguse,USA,dnf,,,\r\n,,,,,,,,,,,,,,,\r\n"
    )
    report = results(text)
    assert report.ok, report.summary()
    assert report.rows == 3
    kerr = Result.objects.get(place=1)
    assert (kerr.time_ms, kerr.flags) == (225_340, "WL NR")
    assert Result.objects.get(athlete__name="Yared Nuguse").status == ResultStatus.DNF


def test_dnf_in_the_mark_column_means_did_not_finish():
    the_three()
    text = f"{HEADER}\n{PRE},,Josh Kerr,GBR,DNF,,,\n{PRE},,Jakob Ingebrigtsen,NOR,,dns,,\n"
    assert results(text).ok
    assert dict(Result.objects.values_list("athlete__name", "status")) == {
        "Josh Kerr": "DNF",
        "Jakob Ingebrigtsen": "DNS",
    }
    assert not Result.objects.filter(place__isnull=False).exists()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            ",Josh Kerr,GBR,3:45.34,DNF,,",
            "mark",
            "'3:45.34' is a time, but a DNF result has no mark",
        ),
        ("1,Josh Kerr,GBR,,DNF,,", "place", "'1' is a place, but a DNF has none"),
        (",Josh Kerr,GBR,3:45.34,,,", "place", "'' is not a place: a finisher needs a place"),
        ("1,Josh Kerr,GBR,,finished,,", "mark", "'' is not a time: a finisher needs a mark"),
        ("1,Josh Kerr,GBR,,,,", "mark", "'' is not a time: give a mark, or a status"),
        (",Josh Kerr,GBR,DQ,DNF,,", "mark", "'DQ' contradicts the status 'DNF'"),
        ("1,Josh Kerr,GBR,3:45.34,lapped,,", "status", "'lapped' is not a status"),
        ("0,Josh Kerr,GBR,3:45.34,,,", "place", "'0' is not a place"),
    ],
)
def test_status_mark_and_place_must_agree(row, column, message):
    the_three()
    report = results(f"{HEADER}\n{PRE},{row}\n")
    [error] = report.errors
    assert error.column == column
    assert error.message.startswith(message)


def test_unknown_round_and_event_are_row_errors():
    the_three()
    text = BOWERMAN.replace("Mile,final,false,2", "Mile,repechage,false,2").replace(
        "Mile,final,false,3", "3000m Steeplechase,final,false,3"
    )
    report = results(text)
    assert [(e.line, e.column) for e in report.errors] == [(3, "round"), (4, "event")]


def test_events_are_matched_by_name_slug_or_distance():
    the_three()
    metric = EventFactory(name="1500m", distance_m=1500)
    oslo = "Bislett Games,,Oslo,NOR,Bislett Stadium"
    text = f"""{HEADER}
2024-06-01,{oslo},1500 m,final,false,1,Josh Kerr,GBR,3:30.00,,,
2024-06-01,{oslo},"1,500m",final,false,2,Yared Nuguse,USA,3:30.10,,,
2024-06-02,{oslo},1500M,heat 1,false,1,Yared Nuguse,USA,3:35.00,,,
"""
    report = results(text)
    assert report.ok, report.summary()
    assert list(Event.objects.all()) == [metric]
    assert (report.counts["events"].created, report.counts["events"].unchanged) == (0, 1)


def test_meet_dates_widen_to_cover_its_rounds():
    the_three()
    paris = "Olympic Games,,Saint-Denis,FRA,Stade de France,1500m"
    text = f"""{HEADER}
2024-08-06,{paris},final,false,2,Josh Kerr,GBR,3:27.79,,,
2024-08-04,{paris},SF1,false,2,Josh Kerr,GBR,3:32.46,,,
2024-08-02,{paris},H1,false,1,Josh Kerr,GBR,3:35.00,,,
"""
    assert results(text).ok
    meet = Meet.objects.get()
    assert (meet.start_date, meet.end_date, meet.level) == (
        datetime.date(2024, 8, 2),
        datetime.date(2024, 8, 6),
        Level.OLYMPIC,
    )
    assert Race.objects.count() == 3
    [history] = meet.history.all()
    assert (history.start_date, history.end_date) == (meet.start_date, meet.end_date)


def test_existing_meet_of_the_same_name_and_year_is_matched_and_widened():
    the_three()
    meet = MeetFactory(
        name="Prefontaine Classic",
        start_date=datetime.date(2024, 5, 24),
        end_date=datetime.date(2024, 5, 24),
    )
    MeetFactory(name="Prefontaine Classic", start_date=datetime.date(2023, 9, 16))
    report = results(BOWERMAN)
    assert report.ok
    meet.refresh_from_db()
    assert meet.end_date == datetime.date(2024, 5, 25)
    assert Race.objects.get().meet == meet
    assert (report.counts["meets"].created, report.counts["meets"].updated) == (0, 1)


def test_a_scheduled_races_entries_become_results():
    kerr, _, _ = the_three()
    race = RaceFactory(
        meet=MeetFactory(name="Prefontaine Classic", start_date=datetime.date(2024, 5, 25)),
        event=Event.objects.create(name="Mile", distance_m=MILE_M),
        name="Bowerman Mile",
        status=Race.Status.SCHEDULED,
    )
    ResultFactory(race=race, athlete=kerr, status=ResultStatus.ENTERED, place=None, time_ms=None)
    report = results(BOWERMAN)
    assert report.ok, report.summary()
    race.refresh_from_db()
    assert race.status == Race.Status.OFFICIAL
    assert (report.counts["results"].created, report.counts["results"].updated) == (2, 1)
    assert race.results.get(athlete=kerr).status == ResultStatus.FINISHED


def test_dry_run_writes_nothing_but_reports_what_would_happen():
    the_three()
    report = results(BOWERMAN, dry_run=True, create_athletes=True)
    assert report.ok
    assert everything() == (3, 0, 0, 0, 0, 0, 0)
    assert report.counts["results"].created == 3
    assert report.counts["races"].created == 1
    assert "dry run, nothing was written" in report.lines()[0]


def test_empty_file_is_an_error():
    report = results("")
    assert (
        report.lines()[1]
        == "results.csv: the file is empty: a results file starts with a header row"
    )


# --- importing quotes -------------------------------------------------------------------------

Q_HEADER = "date,date_precision,speaker,about,text,source_name,source_url"
Q_FULL = Q_HEADER + ",language,translation,occasion,is_paraphrase,timing"


def test_quote_import_creates_published_quotes_with_source_and_about():
    kerr, jakob, _ = the_three()
    wightman = AthleteFactory(name="Jake Wightman")
    text = (
        f"{Q_FULL}\n"
        "2024-02,month,Ingebritsen,Josh Kerr; Jake Wightman,He would win 98 out of 100 races.,"
        "The Athletic,,en,,,yes,\n"
        "2024-03,MONTH,Jakob Ingebrigtsen,Josh Kerr,The big problem is giving attention to"
        " people like Kerr.,The Times,https://www.thetimes.com/a,,,,,\n"
    )
    AthleteAliasFactory(athlete=jakob, name="Ingebritsen")
    report = quotes(text)
    assert report.ok, report.summary()
    first, second = Quote.objects.order_by("said_on")
    assert (first.speaker, first.said_on, first.said_on_precision) == (
        jakob,
        datetime.date(2024, 2, 1),
        "month",
    )
    assert set(first.about.all()) == {kerr, wightman}
    assert first.is_paraphrase
    assert first.published
    assert (first.source.publisher, first.source.url) == ("The Athletic", "")
    assert (second.source.publisher, second.source.url) == (
        "The Times",
        "https://www.thetimes.com/a",
    )
    assert list(second.about.all()) == [kerr]
    assert report.counts["sources"].created == 2


def test_quote_reimport_changes_nothing_and_updates_what_changed():
    the_three()
    text = (
        f"{Q_FULL}\n2024-05-24,day,Josh Kerr,Jakob Ingebrigtsen,I'm not here to resolve"
        " tensions.,The Athletic,,,,press conference,,\n"
    )
    assert quotes(text).ok
    again = quotes(text)
    assert not again.changed
    assert again.counts["quotes"].unchanged == 1
    assert again.counts["sources"].unchanged == 1
    changed = quotes(text.replace("press conference", "Prefontaine Classic press conference"))
    assert changed.counts["quotes"].updated == 1
    assert Quote.objects.get().occasion == "Prefontaine Classic press conference"


def test_reimport_after_an_editor_corrected_the_wording_makes_no_second_copy():
    """A quote is (speaker, date, source, its words as first imported): DESIGN.md, "Intake"."""
    the_three()
    text = (
        f"{Q_FULL}\n2024-05-25,day,Josh Kerr,,I'll go with my gut when it comes to game"
        " strategy.,The Athletic,,,,mixed zone,,\n"
    )
    assert quotes(text).ok
    quote = Quote.objects.get()
    quote.text = "I'll go with my gut when it comes to race strategy."
    quote.save()
    again = quotes(text)
    assert again.ok
    assert again.counts["quotes"].unchanged == 1
    assert list(Quote.objects.values_list("text", flat=True)) == [
        "I'll go with my gut when it comes to race strategy."
    ]
    assert quote.imported_text == "I'll go with my gut when it comes to game strategy."


def test_the_same_words_from_another_source_are_another_quote():
    the_three()
    row = "2024-05-25,day,Josh Kerr,,I'll go with my gut.,{},,,,,,\n"
    assert quotes(f"{Q_FULL}\n" + row.format("The Athletic")).ok
    assert quotes(f"{Q_FULL}\n" + row.format("BBC Sport")).counts["quotes"].created == 1
    assert Quote.objects.count() == 2


def test_a_quote_without_a_source_is_a_row_error():
    the_three()
    report = quotes(f"{Q_HEADER}\n2024-05-24,day,Josh Kerr,,Words.,,\n")
    [error] = report.errors
    assert (error.line, error.column) == (2, "source_name")
    assert error.message.startswith("a quote needs a source")
    assert Quote.objects.count() == 0


@pytest.mark.parametrize(
    ("date", "precision", "column", "message"),
    [
        ("2023-11", "day", "date", "'2023-11' is not a date at day precision: write YYYY-MM-DD"),
        ("2023-11-04", "month", "date", "'2023-11-04' is not a date at month precision"),
        ("Nov 2023", "", "date", "'Nov 2023' is not a date"),
        ("2023-11", "week", "date_precision", "'week' is not a precision"),
    ],
)
def test_quote_date_must_match_its_precision(date, precision, column, message):
    the_three()
    report = quotes(f"{Q_HEADER}\n{date},{precision},Josh Kerr,,Words.,The Times,\n")
    [error] = report.errors
    assert error.column == column
    assert error.message.startswith(message)


def test_quote_date_precision_may_be_left_to_the_dates_shape():
    the_three()
    assert quotes(f"{Q_HEADER}\n2023,,Josh Kerr,,Words.,The Times,\n").ok
    assert Quote.objects.get().said_on_precision == "year"


def test_timing_links_the_quote_to_the_one_race_the_speaker_ran_that_day():
    the_three()
    results(BOWERMAN)
    text = (
        f"{Q_FULL}\n2024-05-25,day,Jakob Ingebrigtsen,Josh Kerr,I tried to compete with him.,"
        "The Athletic,,,,mixed zone,,After\n"
    )
    report = quotes(text)
    assert report.ok, report.summary()
    quote = Quote.objects.get()
    assert (quote.race, quote.timing) == (Race.objects.get(), "after")


def test_timing_without_a_race_that_day_is_a_row_error():
    the_three()
    results(BOWERMAN)
    text = f"{Q_FULL}\n2024-05-24,day,Josh Kerr,,Words.,The Athletic,,,,,,before\n"
    [error] = quotes(text).errors
    assert (error.column, error.value) == ("timing", "before")
    assert "Josh Kerr ran no official race on 2024-05-24" in error.message


def test_timing_with_two_races_that_day_is_ambiguous():
    kerr, _, _ = the_three()
    results(BOWERMAN)
    heat = RaceFactory(
        meet=Race.objects.get().meet, date=datetime.date(2024, 5, 25), round=Round.HEAT
    )
    ResultFactory(race=heat, athlete=kerr)
    text = f"{Q_FULL}\n2024-05-25,day,Josh Kerr,,Words.,The Athletic,,,,,,after\n"
    [error] = quotes(text).errors
    assert "'after' is ambiguous: Josh Kerr ran 2 official races on 2024-05-25" in error.message


def test_timing_needs_a_quote_dated_to_the_day():
    the_three()
    text = f"{Q_FULL}\n2024-05,month,Josh Kerr,,Words.,The Athletic,,,,,,after\n"
    [error] = quotes(text).errors
    assert error.column == "timing"
    assert "the date '2024-05' is a month: give the day" in error.message


def test_unknown_speaker_and_about_are_errors_unless_creating_athletes():
    text = f"{Q_HEADER}\n2024-05-24,day,Josh Kerr,Jakob Ingebrigtsen;Nobody Known,Words.,BBC,\n"
    report = quotes(text)
    assert [(e.column, e.value) for e in report.errors] == [
        ("speaker", "Josh Kerr"),
        ("about", "Jakob Ingebrigtsen"),
        ("about", "Nobody Known"),
    ]
    assert Athlete.objects.count() == 0
    report = quotes(text, create_athletes=True)
    assert report.ok
    assert report.counts["athletes"].created == 3
    assert Quote.objects.get().about.count() == 2


def test_the_same_quote_twice_in_one_file_is_an_error():
    the_three()
    row = "2024-05-24,day,Josh Kerr,,Words.,BBC,"
    [error] = quotes(f"{Q_HEADER}\n{row}\n{row}\n").errors
    assert (error.line, error.column) == (3, "text")
    assert "also on line 2" in error.message


def test_quote_dry_run_writes_nothing():
    the_three()
    report = quotes(f"{Q_HEADER}\n2024-05-24,day,Josh Kerr,,Words.,BBC,\n", dry_run=True)
    assert report.counts["quotes"].created == 1
    assert (Quote.objects.count(), Source.objects.count()) == (0, 0)


# --- the commands -----------------------------------------------------------------------------


def test_import_results_command_prints_the_summary(tmp_path):
    the_three()
    path = tmp_path / "results.csv"
    path.write_text(BOWERMAN, encoding="utf-8")
    out = io.StringIO()
    call_command("import_results", str(path), stdout=out)
    assert out.getvalue().splitlines()[0] == f"{path}: 3 rows read"
    assert "results: 3 created, 0 updated, 0 unchanged" in out.getvalue()
    out = io.StringIO()
    call_command("import_results", str(path), "--dry-run", stdout=out)
    assert "nothing changed" in out.getvalue()


def test_import_results_command_fails_on_bad_rows_and_lists_them(tmp_path):
    the_three()
    path = tmp_path / "results.csv"
    path.write_text(BOWERMAN.replace("3:45.60", "3:4x.12").replace("Yared", "Hobbs"), "utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 bad rows .* nothing was written"):
        call_command("import_results", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"{path}:3: column 'mark': '3:4x.12' is not a time")
    assert lines[1].startswith(f"{path}:4: column 'athlete': no athlete is called 'Hobbs")
    assert Result.objects.count() == 0


def test_import_results_command_creates_athletes_when_asked(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(BOWERMAN, encoding="utf-8")
    call_command("import_results", str(path), "--create-athletes", stdout=io.StringIO())
    assert Athlete.objects.count() == 3


def test_import_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match=r"nowhere\.csv: no such file"):
        call_command("import_results", "nowhere.csv")


def test_import_quotes_command(tmp_path):
    the_three()
    path = tmp_path / "quotes.csv"
    path.write_text(f"{Q_HEADER}\n2024-05-24,day,Josh Kerr,,Words.,BBC,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_quotes", str(path), stdout=out)
    assert "quotes: 1 created" in out.getvalue()
    path.write_text(f"{Q_HEADER}\n2024-05-24,day,Josh Kerr,,Words.,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("import_quotes", str(path), stderr=err)
    assert "column 'source_name': a quote needs a source" in err.getvalue()


# --- a real file ------------------------------------------------------------------------------

REAL = DATA / "real_results.csv"


def test_real_results_file_imports_and_counts_head_to_heads_as_counted_by_hand():
    """20 official races of 2021-24 (men's 1500m and mile; see tests/data/real_results.csv).

    Counted by hand from the file:
    - Kerr v Ingebrigtsen, 9 meetings: Tokyo SF2 (J), Tokyo final (J), Eugene SF1 (K), Eugene
      final (J), Budapest heat 1 (J), Budapest final (K), Bowerman Mile 2024 (K), Paris SF1 (J),
      Paris final (K): Kerr 4, Ingebrigtsen 5.
    - Ingebrigtsen v Wightman, 4: Tokyo final (J), Dream Mile 2022 (J), Eugene final (W),
      Bowerman Mile 2024 (J): 3-1.
    - Kerr v Nuguse, 3: Budapest final, Bowerman Mile 2024, Paris final: 3-0.
    - Kerr v Wightman, 3: Tokyo final (K), Eugene final (W), Bowerman Mile 2024 (K): 2-1.
    - Ingebrigtsen v Timothy Cheruiyot, 6: Tokyo final, Bowerman Miles 2021 and 2022, Eugene
      SF1 and final, Paris final: 6-0.
    - Myers v Sowinski, both DNF in the 2023 Bowerman Mile: 1 meeting, no decision.
    """
    report = import_results(REAL, create_athletes=True)
    assert report.ok, report.summary()
    counts = {kind: c.created for kind, c in report.counts.items()}
    assert counts == {"athletes": 40, "events": 2, "meets": 9, "races": 20, "results": 124}

    def athlete(name):
        return Athlete.objects.matching(name).get()

    kerr, jakob = athlete("Josh Kerr"), athlete("Jakob Ingebrigtsen")
    wightman, nuguse = athlete("Jake Wightman"), athlete("Yared Nuguse")
    assert between(kerr, jakob).overall == Tally(9, 4, 5, 0, 0)
    assert between(jakob, kerr).overall == Tally(9, 5, 4, 0, 0)
    assert between(jakob, wightman).overall == Tally(4, 3, 1, 0, 0)
    assert between(kerr, nuguse).overall == Tally(3, 3, 0, 0, 0)
    assert between(kerr, wightman).overall == Tally(3, 2, 1, 0, 0)
    assert between(jakob, athlete("Timothy Cheruiyot")).overall == Tally(6, 6, 0, 0, 0)
    assert between(athlete("Cameron Myers"), athlete("Erik Sowinski")).overall == Tally(
        1, 0, 0, 0, 1
    )
    assert athlete("Narve Gilje Nordas").country.code == "NO"
    assert Meet.objects.get(name="Olympic Games", start_date__year=2021).end_date == (
        datetime.date(2021, 8, 7)
    )

    again = import_results(REAL, create_athletes=True)
    assert again.ok
    assert not again.changed
    assert again.counts["results"].unchanged == 124


def test_real_results_file_with_one_broken_mark_writes_nothing_and_names_that_line():
    lines = REAL.read_text(encoding="utf-8").splitlines(keepends=True)
    [number] = [n for n, line in enumerate(lines, start=1) if ",Josh Kerr,GBR,3:29.38," in line]
    lines[number - 1] = lines[number - 1].replace("3:29.38", "3:29.3x")
    report = import_results(
        "".join(lines).encode("utf-8"), create_athletes=True, filename="real.csv"
    )
    assert [(e.line, e.column, e.value) for e in report.errors] == [(number, "mark", "3:29.3x")]
    assert (
        report.errors[0]
        .describe("real.csv")
        .startswith(f"real.csv:{number}: column 'mark': '3:29.3x' is not a time")
    )
    assert everything() == (0, 0, 0, 0, 0, 0, 0)


def test_real_results_read_from_several_sources_per_race_import_and_reimport():
    """Real files are assembled: here every race's rows from the fourth down cite another page
    (a news report) than its top three; each such result keeps its own source."""
    lines = REAL.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], list(csv.reader(lines[1:]))
    place = header.split(",").index("place")

    def from_the_report(row: list[str]) -> bool:
        return not row[place] or int(row[place]) > 3

    for row in rows:
        if from_the_report(row):
            row[-1] = f"https://example.org/report/{row[0]}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = header + out.getvalue()
    report = import_results_text(text, create_athletes=True, filename="assembled.csv")
    assert report.ok, report.summary()
    assert report.counts["results"].created == 124
    own = Result.objects.exclude(source_url="")
    assert own.count() == sum(1 for row in rows if from_the_report(row))
    assert all(result.source_url != result.race.source_url for result in own)
    assert not Race.objects.filter(source_url__startswith="https://example.org/report/").exists()
    again = import_results_text(text, create_athletes=True, filename="assembled.csv")
    assert again.ok
    assert not again.changed, again.summary()


def test_real_results_file_with_a_broken_mark_on_its_last_line_writes_nothing():
    lines = REAL.read_text(encoding="utf-8").splitlines(keepends=True)
    last = lines[-1].split(",")
    mark_column = lines[0].split(",").index("mark")
    bad = last[mark_column][:-1] + "x"
    last[mark_column] = bad
    lines[-1] = ",".join(last)
    report = import_results("".join(lines).encode("utf-8"), create_athletes=True, filename="r.csv")
    assert [(e.line, e.column, e.value) for e in report.errors] == [(len(lines), "mark", bad)]
    assert everything() == (0, 0, 0, 0, 0, 0, 0)
