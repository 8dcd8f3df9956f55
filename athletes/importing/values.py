"""The small readers of single values every intake shares: booleans, sexes, countries, dates,
places, statuses, rounds, event distances, flags, URLs, and a new meet's level.

Each takes the text as written and returns the stored value, or raises ``ValueError`` with a
message that quotes the text; most are cached, since a file repeats its values thousands of
times.
"""

from __future__ import annotations

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django_countries import countries
from django_countries.ioc_data import IOC_TO_ISO

from athletes.models import Level, ResultStatus, Round, Sex, normalise_flags
from athletes.text import fold

MILE_M = 1609.344

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}


@functools.cache
def parse_bool(text: str) -> bool:
    """true/false, yes/no, 1/0 in any case; empty is false."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"'{text}' is not true or false: write true/false, yes/no or 1/0")


_SEXES = {
    "men": Sex.MEN,
    "man": Sex.MEN,
    "m": Sex.MEN,
    "male": Sex.MEN,
    "mens": Sex.MEN,
    "women": Sex.WOMEN,
    "woman": Sex.WOMEN,
    "w": Sex.WOMEN,
    "f": Sex.WOMEN,
    "female": Sex.WOMEN,
    "womens": Sex.WOMEN,
}


@functools.cache
def parse_sex(text: str) -> str:
    """men/women, M/W/F, male/female, any case; empty is unknown ("")."""
    value = fold(text).replace("'", "")
    if not value:
        return ""
    if value in _SEXES:
        return _SEXES[value]
    raise ValueError(f"'{text}' is not a sex: write men or women (M, W or F)")


@functools.cache
def parse_country(text: str) -> str:
    """The ISO alpha-2 code for an IOC code (GBR, SUI, GER, NED) or ISO alpha-2/alpha-3 code."""
    code = text.strip().upper()
    if not code:
        return ""
    if code in IOC_TO_ISO:
        return IOC_TO_ISO[code]
    if code.isalpha() and len(code) in (2, 3):
        alpha2 = countries.alpha2(code)
        if alpha2:
            return alpha2
    raise ValueError(
        f"'{text}' is not a country code: write an IOC code (GBR, NOR, SUI) or an ISO code"
        " (GB, GBR)"
    )


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.cache
def parse_date(text: str) -> datetime.date:
    """YYYY-MM-DD."""
    value = text.strip()
    if not value:
        raise ValueError("'' is not a date: the date is empty (write YYYY-MM-DD)")
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"'{text}' is not a date: write YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"'{text}' is not a date: {error}") from None


def parse_place(text: str) -> int | None:
    """A place from 1 up ("=3" for a shared place reads as 3); empty is no place."""
    value = text.strip().removeprefix("=").removesuffix(".")
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"'{text}' is not a place: write a whole number from 1")
    return int(value)


STATUS_WORDS = {
    "finished": ResultStatus.FINISHED,
    "dnf": ResultStatus.DNF,
    "dns": ResultStatus.DNS,
    "dq": ResultStatus.DQ,
    "dsq": ResultStatus.DQ,
}


@functools.cache
def parse_status(text: str) -> str:
    """finished, DNF, DNS or DQ in any case; empty is "" (decided by the mark)."""
    value = text.strip().lower()
    if not value:
        return ""
    if value in STATUS_WORDS:
        return STATUS_WORDS[value]
    raise ValueError(f"'{text}' is not a status: write finished, DNF, DNS or DQ")


_ROUND_WORDS = {
    "semi": Round.SEMI_FINAL,
    "semi final": Round.SEMI_FINAL,
    "semifinal": Round.SEMI_FINAL,
    "sf": Round.SEMI_FINAL,
    "quarter": Round.QUARTER_FINAL,
    "quarter final": Round.QUARTER_FINAL,
    "quarterfinal": Round.QUARTER_FINAL,
    "qf": Round.QUARTER_FINAL,
    "heat": Round.HEAT,
    "h": Round.HEAT,
}
_ROUND = re.compile(r"(?P<word>[a-z ]*?) ?(?P<number>\d+)?")


@functools.cache
def parse_round(text: str) -> tuple[str, int | None]:
    """ "final"/"F"/"" -> (final, None); "SF2", "semi 2", "semi-final 2" -> (semi-final, 2);
    "QF1" -> (quarter-final, 1); "H3", "heat 3", "round 1 heat 3" -> (heat, 3)."""
    value = re.sub(r"[-_,.]", " ", fold(text))
    value = re.sub(r"\s+", " ", value).strip().replace("finals", "final")
    if value in ("", "final", "f", "fin"):
        return Round.FINAL, None
    first_round = re.fullmatch(r"(?:round|r) ?(\d+) (.*)", value)
    if first_round:
        if first_round.group(1) != "1":
            raise ValueError(
                f"'{text}' is not a round: only first-round heats read as 'heat N';"
                " call a later round quarter-final N or semi-final N"
            )
        value = first_round.group(2)
    match = _ROUND.fullmatch(value)
    word = match.group("word").strip() if match else ""
    if match and word in _ROUND_WORDS:
        number = match.group("number")
        if number is not None and int(number) < 1:
            raise ValueError(f"'{text}' is not a round: numbers start at 1")
        return _ROUND_WORDS[word], int(number) if number else None
    raise ValueError(
        f"'{text}' is not a round: write final, semi-final 2 (SF2), quarter-final 1 (QF1)"
        " or heat 3 (H3)"
    )


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_METRES = re.compile(r"(?P<n>\d{1,3}(?:[ ,.]\d{3})+|\d+) ?(?:m|metres|meters|metre|meter)?")
_MILES = re.compile(r"(?:(?P<n>\d+|one|two|three|four|five) ?)?miles?")


@functools.cache
def parse_distance(name: str) -> float:
    """The distance in metres of a flat event named "1500m", "1,500 m", "Mile", "2 Miles"."""
    value = fold(name)
    miles = _MILES.fullmatch(value)
    if miles:
        count = miles.group("n") or "1"
        return MILE_M * (_NUMBER_WORDS.get(count) or int(count))
    metres = _METRES.fullmatch(value)
    if metres:
        distance = float(re.sub(r"[ ,.]", "", metres.group("n")))
        if distance > 0:
            return distance
    raise ValueError(
        f"'{name}' is not an event we know, and no distance can be read from its name:"
        " write e.g. 1500m, 5000m, Mile or 2 Miles"
    )


def event_name(distance_m: float) -> str:
    """How results lists name a flat distance: "1500m", "10,000m", "Mile", "2 Miles"."""
    miles = distance_m / MILE_M
    if abs(miles - round(miles)) < 1e-9:
        return "Mile" if round(miles) == 1 else f"{round(miles)} Miles"
    metres = round(distance_m)
    return f"{metres:,}m" if metres >= 10_000 else f"{metres}m"


_OLYMPIC = re.compile(r"\bolympic games\b|\bolympics\b|\bgames of the [a-z]+ olympiad\b")
_WORLD = re.compile(r"\bworld\b.*\bchampionships?\b")
_CONTINENTAL = re.compile(
    r"\b(european|commonwealth|african|asian|pan american|pan am|oceania|south american"
    r"|nacac|central american|caribbean|balkan|mediterranean)\b.*\b(championships?|games)\b"
)
_DIAMOND = re.compile(
    r"diamond league|prefontaine|\bpre classic\b|bislett|weltklasse|van damme|herculis"
    r"|athletissima|london athletics meet|anniversary games|british grand prix"
    r"|meeting de paris|golden gala|bauhaus ?galan|skolimowska|\bdoha\b|\bqatar\b"
    r"|shanghai|suzhou|xiamen|\brabat\b|mohammed vi|\bdl final\b"
)
_NATIONAL = re.compile(r"\btrials\b|\bchampionships?\b|\bchamps\b|\busatf\b|\bncaa\b")


def guess_level(name: str) -> str:
    """A new meet's level from its name; editors correct the odd miss in the admin.

    Trials before the Olympics (they are national), world before continental, the Diamond
    League meets by their usual names, any other championships national, else a one-day meet.
    """
    value = fold(name).replace("-", " ")
    if re.search(r"\btrials\b", value):
        return Level.NATIONAL
    if _OLYMPIC.search(value):
        return Level.OLYMPIC
    if _WORLD.search(value):
        return Level.WORLD
    if _CONTINENTAL.search(value):
        return Level.CONTINENTAL
    if _DIAMOND.search(value):
        return Level.DIAMOND_LEAGUE
    if _NATIONAL.search(value):
        return Level.NATIONAL
    return Level.ONE_DAY


@functools.cache
def parse_flags(text: str) -> str:
    """Flag codes in any case, space- or comma-separated (athletes.models.normalise_flags)."""
    return normalise_flags(text)


folded = functools.lru_cache(maxsize=65_536)(fold)
"""``fold`` for the importers: a file repeats its meets, events and athletes thousands of times."""

_URL = URLValidator(schemes=["http", "https"])


@functools.lru_cache(maxsize=4096)
def parse_url(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    if len(value) > 500:
        raise ValueError(f"'{value[:40]}...' is too long for a URL: at most 500 characters")
    try:
        _URL(value)
    except ValidationError:
        raise ValueError(f"'{text}' is not a URL: write it in full, with https://") from None
    return value
