"""``import_results FILE.txt``: a pasted results table, its race given as options, through the
same pipeline as every other file."""

import pytest
from django.core.management import CommandError, call_command

from athletes.models import Race, Result
from tests.factories import AthleteFactory, RaceFactory

pytestmark = pytest.mark.django_db

WEB_TABLE = (
    "Place\tAthlete\tNat\tMark\tNotes\n"
    "1\tJosh KERR\tGBR\t3:45.34\tWL NR\n"
    "2\tJakob INGEBRIGTSEN\tNOR\t3:45.60\t\n"
    "3\tYared NUGUSE\tUSA\t3:46.22\t\n"
    "\tJane DOE\tXYZ\tDNF\t\n"
)
RACE = [
    "--meet", "Prefontaine Classic", "--date", "2024-05-25", "--event", "Mile",
    "--race-name", "Bowerman Mile", "--sex", "men", "--city", "Eugene", "--country", "USA",
    "--source-url", "https://example.org/pre-2024",
]  # fmt: skip


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "bowerman.txt"
    path.write_text(WEB_TABLE.replace("\tJane DOE\tXYZ\tDNF\t\n", ""), encoding="utf-8")
    return path


def test_a_pasted_table_becomes_a_race_and_a_second_import_changes_nothing(table, capsys):
    call_command("import_results", str(table), *RACE, "--create-athletes")
    race = Race.objects.get()
    assert (race.name, race.meet.name, race.event.name, race.sex) == (
        "Bowerman Mile",
        "Prefontaine Classic",
        "Mile",
        "men",
    )
    assert race.source_url == "https://example.org/pre-2024"
    marks = list(race.results.in_finishing_order().values_list("athlete__name", "time_ms", "flags"))
    assert marks == [
        ("Josh Kerr", 225_340, "WL NR"),
        ("Jakob Ingebrigtsen", 225_600, ""),
        ("Yared Nuguse", 226_220, ""),
    ]
    capsys.readouterr()
    call_command("import_results", str(table), *RACE)
    assert "nothing changed" in capsys.readouterr().out


def test_a_table_goes_into_a_stored_race_by_its_id(table):
    race = RaceFactory()
    for name in ("Josh Kerr", "Jakob Ingebrigtsen", "Yared Nuguse"):
        AthleteFactory(name=name)
    call_command("import_results", str(table), "--race", str(race.pk))
    assert Result.objects.filter(race=race).count() == 3


def test_an_unknown_athlete_and_a_missing_race_are_refused_writing_nothing(tmp_path, table, capsys):
    path = tmp_path / "with-doe.txt"
    path.write_text(WEB_TABLE, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_results", str(path), *RACE)
    assert "no athlete is called 'Josh Kerr'" in capsys.readouterr().err
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_results", str(table))
    assert "a pasted results table needs its race" in capsys.readouterr().err
    with pytest.raises(CommandError, match="is not a date"):
        call_command("import_results", str(table), "--meet", "X", "--date", "25/05/2024")
    assert not Race.objects.exists()


def test_a_table_in_parts_cites_each_parts_source_and_a_second_import_changes_nothing(tmp_path):
    """The top of a field from one report and a row from another: one race, each row its source."""
    path = tmp_path / "bowerman.txt"
    path.write_text(
        "1\tJosh KERR\tGBR\t3:45.34\n"
        "2\tJakob INGEBRIGTSEN\tNOR\t3:45.60\n"
        "Source: https://example.com/report\n"
        "3\tYared NUGUSE\tUSA\t3:46.22\n",
        encoding="utf-8",
    )
    call_command("import_results", str(path), *RACE, "--create-athletes")
    race = Race.objects.get()
    assert race.source_url == "https://example.org/pre-2024"
    own = dict(race.results.values_list("athlete__name", "source_url"))
    assert own == {
        "Josh Kerr": "",
        "Jakob Ingebrigtsen": "",
        "Yared Nuguse": "https://example.com/report",
    }
    call_command("import_results", str(path), *RACE)
    assert Race.objects.get().source_url == "https://example.org/pre-2024"
    assert (
        Result.objects.get(athlete__name="Yared Nuguse").source_url == "https://example.com/report"
    )


def test_a_bad_source_line_is_reported_with_its_line_and_nothing_is_written(tmp_path, capsys):
    path = tmp_path / "bowerman.txt"
    path.write_text(
        "1\tJosh KERR\tGBR\t3:45.34\nsource: example dot com\n3\tYared NUGUSE\tUSA\t3:46.22\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_results", str(path), *RACE, "--create-athletes")
    assert (
        "bowerman.txt:2: column 'source': 'example dot com' is not a URL" in capsys.readouterr().err
    )
    assert not Result.objects.exists()
