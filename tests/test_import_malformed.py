"""Malformed CSV files: each gets a report that says what is wrong and where, and none of them
writes anything, to any table (history included)."""

from __future__ import annotations

import io
import time

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from athletes.importing import import_results
from rivalries.importing import import_quotes
from tests.factories import AthleteFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,"
    "mark,status,flags,source_url"
)
PRE = "2024-05-25,Prefontaine Classic,Bowerman Mile,Eugene,USA,Hayward Field,Mile,final,false"
GOOD_ROWS = [f"{PRE},1,Josh Kerr,GBR,3:45.34,,,", f"{PRE},2,Jakob Ingebrigtsen,NOR,3:45.60,,,"]
Q_HEADER = "date,date_precision,speaker,about,text,source_name,source_url"


def results_file(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


@pytest.fixture
def runners():
    AthleteFactory(name="Josh Kerr", country="GB")
    AthleteFactory(name="Jakob Ingebrigtsen", country="NO")


def row_counts() -> dict[str, int]:
    """Rows in every table of the record and the story, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("athletes", "rivalries")
        for model in apps.get_app_config(app).get_models()
    }


def import_bytes(data: bytes, tmp_path, importer=import_results, **options):
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    return importer(path, filename="upload.csv", **options)


MALFORMED = {
    "latin-1": (
        results_file(*GOOD_ROWS, f"{PRE},3,Øyvind Ødegaard,NOR,3:46.00,,,").encode("latin-1"),
        ["upload.csv:4: the file is not UTF-8 text (byte 0xd8", "save it as UTF-8"],
    ),
    "utf-16": (
        results_file(*GOOD_ROWS).encode("utf-16"),
        ["the file is not UTF-8 text (byte 0xff"],
    ),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        ["the file is not UTF-8 text"],
    ),
    "empty": (b"", ["the file is empty: a results file starts with a header row"]),
    "missing column": (
        results_file(
            "2024-05-25,Pre,,Eugene,USA,Hayward,Mile,final,false,1,Josh Kerr,GBR,,,",
            header=HEADER.replace(",mark", ""),
        ).encode(),
        ["column 'mark': the column 'mark' is missing"],
    ),
    "extra column": (
        results_file(*(row + ",+1.2" for row in GOOD_ROWS), header=HEADER + ",wind").encode(),
        ["'wind' is not a column of a results file"],
    ),
    "extra cells": (
        results_file(GOOD_ROWS[0] + ",surprise", GOOD_ROWS[1]).encode(),
        ["upload.csv:2: 'surprise' is in a column the header does not name"],
    ),
    "missing cells": (
        results_file("2024-05-25,Prefontaine Classic,Bowerman Mile", GOOD_ROWS[1]).encode(),
        ["upload.csv:2: column 'event': 'event' is empty", "upload.csv:2: column 'athlete'"],
    ),
    "bad marks": (
        results_file(
            f"{PRE},1,Josh Kerr,GBR,3:4x.34,,,",
            f"{PRE},2,Jakob Ingebrigtsen,NOR,3:60.00,,,",
        ).encode(),
        ["upload.csv:2: column 'mark': '3:4x.34' is not a time", "upload.csv:3: column 'mark'"],
    ),
    "bad dates": (
        results_file(
            GOOD_ROWS[0].replace("2024-05-25", "2024-13-01"),
            GOOD_ROWS[1].replace("2024-05-25", "25/05/2024"),
        ).encode(),
        ["upload.csv:2: column 'date': '2024-13-01'", "'25/05/2024' is not a date"],
    ),
    "duplicate rows": (
        results_file(*GOOD_ROWS, GOOD_ROWS[1]).encode(),
        ["upload.csv:4: column 'athlete': 'Jakob Ingebrigtsen' is in this race twice"],
    ),
    "unknown athlete": (
        results_file(*GOOD_ROWS, f"{PRE},3,Yared Nuguse,USA,3:46.22,,,").encode(),
        ["upload.csv:4: column 'athlete': no athlete is called 'Yared Nuguse'"],
    ),
    "NUL byte": (
        results_file(
            GOOD_ROWS[0].replace("Bowerman Mile", "Bowerman\x00Mile"), GOOD_ROWS[1]
        ).encode(),
        ["column 'race_name': 'Bowerman\\x00Mile' contains a control character (U+0000)"],
    ),
    "unterminated quote": (
        results_file(
            GOOD_ROWS[0].replace("Bowerman Mile", '"Bowerman Mile'), *GOOD_ROWS[1:]
        ).encode(),
        ["upload.csv:2:"],
    ),
    "everything at once": (
        (
            "\ufeff"
            + results_file(
                GOOD_ROWS[0].replace("3:45.34", "fast"),
                GOOD_ROWS[1].replace("NOR", "XYZ").replace("final", "final 9 of 12"),
                f"{PRE},x,Nobody,GBR,3:50.00,,,",
            ).replace("\n", "\r\n")
        ).encode(),
        [
            "upload.csv:2: column 'mark': 'fast' is not a time",
            "upload.csv:3: column 'round'",
            "upload.csv:3: column 'nationality': 'XYZ' is not a country code",
            "upload.csv:4: column 'place': 'x' is not a place",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_results_file_gets_a_clear_report_and_writes_nothing(tmp_path, runners, case):
    data, expected = MALFORMED[case]
    before = row_counts()
    report = import_bytes(data, tmp_path)
    assert not report.ok, case
    text = report.summary()
    assert text.splitlines()[0].endswith("nothing was written."), text
    for words in expected:
        assert words in text, (case, text)
    assert row_counts() == before


def test_a_byte_order_mark_is_not_malformed(tmp_path, runners):
    report = import_bytes(("\ufeff" + results_file(*GOOD_ROWS)).encode(), tmp_path)
    assert report.ok, report.summary()
    assert report.counts["results"].created == 2


def test_a_malformed_file_writes_nothing_even_with_create_athletes(tmp_path):
    before = row_counts()
    data = results_file(*GOOD_ROWS, f"{PRE},3,Yared Nuguse,USA,3:4x.22,,,").encode()
    report = import_bytes(data, tmp_path, create_athletes=True)
    assert report.bad_lines == [4]
    assert row_counts() == before


def test_malformed_quotes_files_get_a_report_and_write_nothing(tmp_path, runners):
    before = row_counts()
    rows = [
        "2024-05,day,Josh Kerr,Jakob Ingebrigtsen,Words.,BBC,",
        "2024-05-24,day,Nobody Known,,Words.,BBC,",
        "2024-05-24,day,Josh Kerr,,,BBC,",
        "2024-05-24,fortnight,Josh Kerr,,Words.,BBC,not a url",
    ]
    data = (f"{Q_HEADER}\n" + "\n".join(rows) + "\n").encode()
    report = import_bytes(data, tmp_path, import_quotes)
    text = report.summary()
    assert report.bad_lines == [2, 3, 4, 5], text
    assert "upload.csv:3: column 'speaker'" in text
    assert "'fortnight' is not a precision" in text
    assert "'not a url' is not a URL" in text
    assert row_counts() == before

    data = f"{Q_HEADER}\n2024-05-24,day,Josh Kerr,,Bad\x07bell,BBC,\n".encode()
    text = import_bytes(data, tmp_path, import_quotes).summary()
    assert "upload.csv:2: column 'text': 'Bad\\x07bell' contains a control character" in text
    assert row_counts() == before


# --- size ------------------------------------------------------------------------------------

HUNDRED_MB = 100 * 1024 * 1024


def write_big_file(path, size: int = HUNDRED_MB) -> None:
    """A results file of ``size`` bytes: a header and one row, many times over."""
    row = (GOOD_ROWS[0] + "\n").encode()
    block = row * (1024 * 1024 // len(row))
    with open(path, "wb") as handle:
        handle.write((HEADER + "\n").encode())
        while handle.tell() + len(block) <= size:
            handle.write(block)
        handle.write(row * ((size - handle.tell()) // len(row) + 1))


@pytest.fixture
def big_file(tmp_path, settings):
    """A 100 MB file, over a limit of 50 MB (the default is higher: memory no longer grows
    with the file, so only a wrong file is refused)."""
    settings.IMPORT_MAX_BYTES = 50_000_000
    path = tmp_path / "huge.csv"
    write_big_file(path)
    return path


def test_a_100_mb_file_is_refused_by_its_size_quickly_with_a_clear_message(big_file, runners):
    before = row_counts()
    started = time.perf_counter()
    report = import_results(big_file, filename="huge.csv")
    assert time.perf_counter() - started < 1, "refused before reading it"
    assert report.summary().splitlines()[1] == (
        "huge.csv: the file is 104.9 MB: an import takes files of at most 50 MB;"
        " split it into smaller files and import each"
    )
    assert row_counts() == before


def test_an_open_file_or_a_stream_over_the_limit_is_refused_too(big_file, runners):
    with open(big_file, "rb") as handle:
        report = import_results(handle, filename="huge.csv")
    assert "the file is 104.9 MB" in report.summary()

    class Pipe(io.RawIOBase):  # a stream whose size cannot be told before reading it
        def __init__(self) -> None:
            self.handle = open(big_file, "rb")  # noqa: SIM115 - closed below

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            return self.handle.readinto(buffer)

    pipe = Pipe()
    try:
        report = import_results(io.BufferedReader(pipe), filename="stdin")
    finally:
        pipe.handle.close()
    assert "the file is over 50 MB" in report.summary()
    assert row_counts()["athletes.Result"] == 0


def test_the_limit_is_a_setting(tmp_path, runners, settings):
    settings.IMPORT_MAX_BYTES = 100
    report = import_bytes(results_file(*GOOD_ROWS).encode(), tmp_path)
    assert "an import takes files of at most 100 bytes" in report.summary()
    settings.IMPORT_MAX_BYTES = 10_000
    assert import_bytes(results_file(*GOOD_ROWS).encode(), tmp_path).ok


def test_the_command_refuses_a_100_mb_file_and_says_why(big_file, runners):
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_results", str(big_file), stderr=err)
    assert "the file is 104.9 MB: an import takes files of at most 50 MB" in err.getvalue()
