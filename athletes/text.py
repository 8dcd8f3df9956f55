"""Folding names for matching: case and accents do not make two athletes different.

"Jakob Ingebrigtsen", "JAKOB INGEBRIGTSEN" and "Jákob Ingebrigtsen" all fold to
"jakob ingebrigtsen"; letters that Unicode does not decompose (ø, æ, ß, ł, ...) are spelled
out the way English-language results lists do.
"""

import re
import unicodedata

from django.utils.text import slugify

_SPELLED_OUT = str.maketrans(
    {
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
        "ħ": "h", "Ħ": "H",
        "ı": "i",  # noqa: RUF001 - dotless i, Turkish
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")


def to_ascii(text: str) -> str:
    """Drop accents and spell out the letters that have no ASCII base."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def fold(text: str) -> str:
    """The form names are compared in: ASCII, lowercase, single spaces, no dots."""
    folded = to_ascii(text).lower().replace(".", " ").replace("’", "'")  # noqa: RUF001
    return _SPACES.sub(" ", folded).strip()


def ascii_slug(text: str) -> str:
    """A URL slug that keeps the letters of non-English names ("ødegaard", not "degaard")."""
    return slugify(to_ascii(text))
