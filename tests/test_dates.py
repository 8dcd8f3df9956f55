import datetime

import pytest

from rivalries.dates import DateError, PreciseDate, Precision, display

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
