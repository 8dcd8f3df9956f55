import pytest
from hypothesis import given
from hypothesis import strategies as st

from athletes import marks
from athletes.marks import MarkError


@pytest.mark.parametrize(
    ("text", "millis"),
    [
        ("3:45.34", 225_340),
        ("3:29.379", 209_379),
        ("12:44.78", 764_780),
        ("1:02:03.4", 3_723_400),
        ("47.10", 47_100),
        ("3:45", 225_000),
        ("8:00.67", 480_670),
        (" 3:45.60 ", 225_600),
        ("0:59.99", 59_990),
        ("9.58", 9_580),
        ("2:00:35", 7_235_000),
    ],
)
def test_parse_reads_every_accepted_shape(text, millis):
    assert marks.parse(text) == millis


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("3:60.00", "seconds must be under 60"),
        ("3:75.1", "seconds must be under 60"),
        ("1:60:00", "minutes after an hour part take two digits under 60"),
        ("1:5:00", "minutes after an hour part take two digits under 60"),
        ("3:5.2", "seconds after a minute part take two digits"),
        ("-3:45.34", "a mark has no sign"),
        ("+47.10", "a mark has no sign"),
        ("3:45.3a", "only digits"),
        ("DNF", "only digits"),
        ("3 45", "only digits"),
        ("3:.45", "a part is empty"),
        (":45.34", "a part is empty"),
        ("3:45.", "a part is empty"),
        ("3::45", "a part is empty"),
        ("1:2:3:45", "at most hours, minutes and seconds"),
        ("3:45.3.4", "more than one decimal point"),
        ("3:45.3456", "at most three decimals"),
        ("345.34", "write 3-digit seconds as m:ss"),
        ("0.00", "more than zero"),
        ("", "the mark is empty"),
        ("   ", "the mark is empty"),
    ],
)
def test_parse_rejects_bad_input_with_a_message_quoting_it(text, reason):
    with pytest.raises(MarkError) as error:
        marks.parse(text)
    message = str(error.value)
    assert reason in message
    if text.strip():
        assert f"'{text}'" in message


def test_parse_rejects_what_is_not_text():
    with pytest.raises(MarkError, match="is not a time"):
        marks.parse(225.34)


@pytest.mark.parametrize(
    ("millis", "shown"),
    [
        (225_340, "3:45.34"),
        (209_371, "3:29.38"),  # rounded up, as for fully-automatic times
        (209_379, "3:29.38"),
        (209_370, "3:29.37"),
        (209_999, "3:30.00"),  # rounding up carries into the seconds
        (59_999, "1:00.00"),  # ... and into the minutes
        (764_780, "12:44.78"),
        (3_723_400, "1:02:03.40"),
        (47_100, "47.10"),
        (9_580, "9.58"),
        (185_000, "3:05.00"),  # seconds always two digits under a minute part
    ],
)
def test_format_shows_hundredths_rounded_up(millis, shown):
    assert marks.format(millis) == shown


def test_format_refuses_a_negative_mark():
    with pytest.raises(ValueError, match="-1"):
        marks.format(-1)


hundredths_marks = st.integers(min_value=1, max_value=3 * 3600 * 100 - 1).map(lambda cs: cs * 10)


@given(hundredths_marks)
def test_format_then_parse_round_trips_every_hundredths_mark(millis):
    assert marks.parse(marks.format(millis)) == millis


@given(hundredths_marks)
def test_parse_then_format_round_trips_the_text(millis):
    text = marks.format(millis)
    assert marks.format(marks.parse(text)) == text


@given(st.integers(min_value=1, max_value=10_000_000))
def test_format_never_shows_less_than_the_time_run(millis):
    assert marks.parse(marks.format(millis)) >= millis > marks.parse(marks.format(millis)) - 10


@pytest.mark.parametrize(
    ("text", "millis"),
    [
        ("3:30.2h", 210_200),
        ("3:30.2H", 210_200),
        ("10.0h", 10_000),
        ("13:24.2h", 804_200),
        ("1:02:03.4h", 3_723_400),
        (" 3:58.0h ", 238_000),
    ],
)
def test_read_keeps_a_hand_timed_mark_and_its_flag(text, millis):
    assert marks.read(text) == marks.Mark(millis, hand_timed=True)
    assert marks.parse(text) == millis


def test_read_of_an_automatic_mark_is_not_hand_timed():
    assert marks.read("3:29.379") == marks.Mark(209_379, hand_timed=False)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("3:30h", "a hand-timed mark is read to tenths"),
        ("3:30.25h", "a hand-timed mark is read to tenths"),
        ("3:30.h", "a hand-timed mark is read to tenths"),
        ("h", "a hand-timed mark is read to tenths"),
        ("3:60.2h", "seconds must be under 60"),
        ("-3:30.2h", "a mark has no sign"),
        ("3:30.2hh", "a hand-timed mark is read to tenths"),
    ],
)
def test_read_rejects_bad_hand_timed_marks_quoting_them(text, reason):
    with pytest.raises(MarkError) as error:
        marks.read(text)
    assert reason in str(error.value)
    assert f"'{text}'" in str(error.value)


@pytest.mark.parametrize(
    ("millis", "shown"),
    [(210_200, "3:30.2h"), (10_000, "10.0h"), (804_200, "13:24.2h"), (3_723_400, "1:02:03.4h")],
)
def test_format_shows_a_hand_timed_mark_as_written(millis, shown):
    assert marks.format(millis, hand_timed=True) == shown


tenths_marks = st.integers(min_value=1, max_value=3 * 3600 * 10 - 1).map(lambda ds: ds * 100)


@given(tenths_marks)
def test_hand_timed_marks_round_trip_as_written(millis):
    text = marks.format(millis, hand_timed=True)
    assert text.endswith("h")
    assert marks.read(text) == marks.Mark(millis, hand_timed=True)
    assert marks.format(*marks.read(text)) == text
