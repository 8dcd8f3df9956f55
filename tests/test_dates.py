import datetime

import pytest

from rivalries.dates import (
    DateError,
    PreciseDate,
    Precision,
    check_typed,
    display,
    read_partial,
    typed_precision,
)

d = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "precision"),
    [
        ("2023", d(2023, 1, 1), Precision.YEAR),
        ("2023-11", d(2023, 11, 1), Precision.MONTH),
        ("2024-05-25", d(2024, 5, 25), Precision.DAY),
        (" 2024-02 ", d(2024, 2, 1), Precision.MONTH),
    ],
)
def test_parse_reads_each_precision(text, start, precision):
    parsed = PreciseDate.parse(text)
    assert (parsed.start, parsed.precision) == (start, precision)


@pytest.mark.parametrize(
    ("text", "precision", "message"),
    [
        ("2023-11", "day", "'2023-11' is not a date at day precision: write YYYY-MM-DD"),
        ("2023-11-04", "month", "'2023-11-04' is not a date at month precision: write YYYY-MM"),
        ("Nov 2023", None, "'Nov 2023' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2023-13", "month", "'2023-13' is not a date: month must be in 1..12"),
        ("2023-02-30", "day", "'2023-02-30' is not a date: day is out of range for month"),
        ("", "year", "'' is not a date at year precision: write YYYY"),
    ],
)
def test_parse_rejects_with_a_message_quoting_the_input(text, precision, message):
    with pytest.raises(DateError) as error:
        PreciseDate.parse(text, precision)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("start", "precision", "end"),
    [
        (d(2023, 11, 1), "month", d(2023, 11, 30)),
        (d(2024, 2, 1), "month", d(2024, 2, 29)),
        (d(2023, 2, 1), "month", d(2023, 2, 28)),
        (d(2023, 1, 1), "year", d(2023, 12, 31)),
        (d(2024, 5, 25), "day", d(2024, 5, 25)),
    ],
)
def test_a_date_covers_its_whole_interval(start, precision, end):
    assert PreciseDate(start, precision).end == end


@pytest.mark.parametrize(
    ("start", "precision", "shown", "iso"),
    [
        (d(2024, 5, 25), "day", "25 May 2024", "2024-05-25"),
        (d(2024, 5, 5), "day", "5 May 2024", "2024-05-05"),
        (d(2023, 11, 1), "month", "Nov 2023", "2023-11"),
        (d(2023, 1, 1), "year", "2023", "2023"),
    ],
)
def test_a_date_is_shown_at_its_precision(start, precision, shown, iso):
    date = PreciseDate(start, precision)
    assert (date.display(), str(date), date.isoformat()) == (shown, shown, iso)


def test_a_stored_date_must_be_the_first_day_of_its_interval():
    with pytest.raises(DateError, match="2023-11-04 is not the first day of its month"):
        PreciseDate(d(2023, 11, 4), "month")


def test_of_truncates_to_the_precision():
    assert PreciseDate.of(d(2023, 11, 4), "month") == PreciseDate(d(2023, 11, 1), "month")
    assert display(d(2023, 11, 4), "year") == "2023"


def test_sorting_by_start_then_the_more_precise_first():
    year = PreciseDate(d(2024, 1, 1), "year")
    month = PreciseDate(d(2024, 1, 1), "month")
    day = PreciseDate(d(2024, 1, 1), "day")
    earlier = PreciseDate(d(2023, 11, 1), "month")
    later_day = PreciseDate(d(2024, 1, 2), "day")
    ordered = sorted([year, later_day, month, day, earlier], key=lambda date: date.sort_key)
    assert ordered == [earlier, day, month, year, later_day]


@pytest.mark.parametrize(
    ("date", "day", "before", "after", "contains"),
    [
        (PreciseDate(d(2023, 8, 1), "month"), d(2023, 8, 23), False, False, True),
        (PreciseDate(d(2023, 8, 1), "month"), d(2023, 9, 1), True, False, False),
        (PreciseDate(d(2023, 8, 1), "month"), d(2023, 7, 31), False, True, False),
        (PreciseDate(d(2024, 5, 24), "day"), d(2024, 5, 25), True, False, False),
        (PreciseDate(d(2024, 5, 25), "day"), d(2024, 5, 25), False, False, True),
        (PreciseDate(d(2024, 1, 1), "year"), d(2024, 12, 31), False, False, True),
    ],
)
def test_certainly_before_after_and_contains(date, day, before, after, contains):
    assert date.certainly_before(day) is before
    assert date.certainly_after(day) is after
    assert date.contains(day) is contains


def test_overlaps():
    aug = PreciseDate(d(2023, 8, 1), "month")
    assert aug.overlaps(PreciseDate(d(2023, 8, 23), "day"))
    assert aug.overlaps(PreciseDate(d(2023, 1, 1), "year"))
    assert not aug.overlaps(PreciseDate(d(2023, 9, 1), "day"))
    assert not PreciseDate(d(2023, 9, 1), "day").overlaps(aug)


@pytest.mark.parametrize(
    ("text", "typed", "partial"),
    [
        ("2025", Precision.YEAR, d(2025, 1, 1)),
        (" 2025 ", Precision.YEAR, d(2025, 1, 1)),
        ("2025-06", Precision.MONTH, d(2025, 6, 1)),
        ("2025-6", Precision.MONTH, d(2025, 6, 1)),
        ("2025-06-14", Precision.DAY, None),
        ("14/06/2025", Precision.DAY, None),
        ("", Precision.DAY, None),
        ("June 2025", Precision.DAY, None),
    ],
)
def test_what_an_editor_typed(text, typed, partial):
    assert typed_precision(text) == typed
    assert read_partial(text) == partial


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", "'2025-13' is not a month: months run from 01 to 12"),
        ("2025-00", "'2025-00' is not a month: months run from 01 to 12"),
        ("0000", "'0000' is not a year we can store"),
    ],
)
def test_a_partial_date_that_cannot_be_says_why(text, message):
    with pytest.raises(DateError) as error:
        read_partial(text)
    assert str(error.value) == message


MONTH_AS_DAY = "'2025-06' is a month: choose month precision, or type the day (2025-06-14)"


@pytest.mark.parametrize(
    ("text", "precision", "error"),
    [
        ("2025-06", "month", None),
        ("2025", "year", None),
        ("2025-06-14", "month", None),  # any day of the month: its first is stored
        ("2025-06-14", "year", None),
        ("2025-06", "year", None),
        ("2025-06", "day", MONTH_AS_DAY),
        ("2025", "month", "'2025' is a year: choose year precision, or type the month (2025-06)"),
        ("2025", "day", "'2025' is a year: choose year precision, or type the day (2025-06-14)"),
    ],
)
def test_typed_date_and_precision_must_agree(text, precision, error):
    if error is None:
        check_typed(text, precision)
        return
    with pytest.raises(DateError) as raised:
        check_typed(text, precision)
    assert str(raised.value) == error
