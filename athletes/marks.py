"""Athletics marks: parse what editors type, store integer milliseconds, show hundredths.

Accepted input is ``[[h:]m]m:ss[.f{1,3}]`` or ``ss[.f{1,3}]``: "3:45.34", "3:29.379",
"12:44.78", "1:02:03.4", "47.10". Display rounds *up* to the hundredth, as athletics does for
fully-automatic times read to the thousandth (3:29.371 is shown as 3:29.38).

A hand-timed mark ends in ``h`` and is read to tenths ("3:30.2h", "10.0h"): it is kept with its
``hand_timed`` flag and shown as written, never padded to hundredths it was not read to.
"""

import re
from typing import NamedTuple

_MARK = re.compile(
    r"""
    (?:(?:(?P<hours>\d+):)?(?P<minutes>\d+):)?   # optional [h:]m: prefix
    (?P<seconds>\d+)
    (?:\.(?P<fraction>\d+))?
    """,
    re.VERBOSE,
)


class MarkError(ValueError):
    """A mark that cannot be read; the message quotes the input."""


class Mark(NamedTuple):
    """A mark as read: its time, and whether it was taken by hand (to tenths)."""

    time_ms: int
    hand_timed: bool = False


def parse(text: str) -> int:
    """Read a mark such as "3:45.34" (or "3:30.2h") and return it in integer milliseconds."""
    return read(text).time_ms


def read(text: str) -> Mark:
    """Read a mark, fully automatic ("3:45.34") or hand-timed ("3:30.2h", tenths only)."""
    if not isinstance(text, str):
        raise MarkError(f"{text!r} is not a time: a mark is text such as '3:45.34'")
    raw = text.strip()
    if not raw:
        raise MarkError("'' is not a time: the mark is empty")
    hand_timed = raw[-1] in "hH"
    if hand_timed:
        raw = raw[:-1].rstrip()
        fraction = raw.rpartition(".")[2] if "." in raw else ""
        if len(fraction) != 1 or not fraction.isdigit():
            raise MarkError(
                f"'{text}' is not a time: a hand-timed mark is read to tenths, e.g. '3:30.2h'"
            )
    return Mark(_millis(text, raw), hand_timed)


def _millis(text: str, raw: str) -> int:
    match = _MARK.fullmatch(raw)
    if match is None:
        raise MarkError(f"'{text}' is not a time: {_why_not(raw)}")
    hours, minutes, seconds, fraction = match.group("hours", "minutes", "seconds", "fraction")
    if fraction is not None and len(fraction) > 3:
        raise MarkError(f"'{text}' is not a time: at most three decimals (thousandths)")
    if minutes is not None:
        if len(seconds) != 2:
            raise MarkError(f"'{text}' is not a time: seconds after a minute part take two digits")
        if int(seconds) >= 60:
            raise MarkError(f"'{text}' is not a time: seconds must be under 60")
    elif len(seconds) > 2:
        raise MarkError(f"'{text}' is not a time: write {len(seconds)}-digit seconds as m:ss")
    if hours is not None and (len(minutes) != 2 or int(minutes) >= 60):
        raise MarkError(
            f"'{text}' is not a time: minutes after an hour part take two digits under 60"
        )
    millis = int((fraction or "").ljust(3, "0"))
    total = ((int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds)) * 1000 + millis
    if total == 0:
        raise MarkError(f"'{text}' is not a time: a mark must be more than zero")
    return total


def _why_not(raw: str) -> str:
    """Name the most likely fault in a string the pattern refused."""
    if raw[0] in "+-":
        return "a mark has no sign"
    if re.search(r"[^\d:.]", raw):
        return "only digits, ':' and '.' are allowed"
    if re.search(r"(^|[:.])([:.]|$)", raw):
        return "a part is empty"
    if raw.count(":") > 2:
        return "at most hours, minutes and seconds"
    return "more than one decimal point"


def format(millis: int, hand_timed: bool = False) -> str:
    """Show integer milliseconds as athletics does: "3:45.34", "12:44.78", "1:02:03.40";
    a hand-timed mark to tenths, as written: "3:30.2h"."""
    if millis is None or millis < 0:
        raise ValueError(f"{millis!r} is not a mark in milliseconds")
    if hand_timed:
        tenths = -(-millis // 100)
        return _clock(tenths // 10, f"{tenths % 10}") + "h"
    hundredths = -(-millis // 10)  # round up: 3:29.371 shows as 3:29.38
    return _clock(hundredths // 100, f"{hundredths % 100:02d}")


def _clock(whole_seconds: int, fraction: str) -> str:
    seconds = whole_seconds
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{fraction}"
    if minutes:
        return f"{minutes}:{seconds:02d}.{fraction}"
    return f"{seconds}.{fraction}"
