"""Template filters that write marks and gaps as athletics fans write them.

Some are here for speed: a timeline or a results table calls them once per row, where the
general tool (``{% url %}``, ``{% include %}``, humanize) costs tens of microseconds a call.
"""

import functools
from collections.abc import Iterable
from pathlib import Path

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy

from athletes import marks
from athletes.links import outbound, path_to
from athletes.models import Flag

register = template.Library()


@register.filter
def mark(millis: int | None) -> str:
    """225340 -> "3:45.34"; nothing for a missing time."""
    return marks.format(millis) if millis is not None else ""


@register.filter
def gap(millis: int | None) -> str:
    """A margin in seconds to the hundredth: 260 -> "0.26", 1_500 -> "1.50"."""
    return f"{millis / 1000:.2f}" if millis is not None else ""


@register.filter
def lookup(mapping: dict, key: str):
    """``tally|lookup:slug``: a dict value by a key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def ordinal(number: int | None) -> str:
    """3 -> "3rd", 11 -> "11th", 22 -> "22nd": places as English writes them; "3." in bokmål.

    Humanize's ``ordinal`` says the same through the translation machinery, at a hundred
    times the cost, and a timeline writes a place for every result on it.
    """
    if number is None:
        return ""
    if get_language() == "nb":
        return f"{number}."
    suffix = (
        "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


@register.filter
def path(key: int | str, name: str) -> str:
    """``{{ slug|path:"athlete" }}``: ``{% url 'athlete' slug %}`` at a fraction of the cost."""
    return path_to(name, key)


_FLAG_NAMES = {flag.value: flag.label for flag in Flag}
"""Lazy: each page names a flag in its own language."""


@register.simple_tag
def flags(codes: Iterable[str]) -> str:
    """A result's flags ("PB", "NR") as abbreviations that spell themselves out on hover; the
    abbreviations stay as athletics writes them, the words are the reader's language."""
    return format_html_join(
        " ",
        '<abbr class="flag" title="{}">{}</abbr>',
        ((_FLAG_NAMES.get(code, code), code) for code in codes),
    )


@register.filter
def outlink(url: str | None) -> str:
    """``{{ source.url|outlink }}``: the URL when it is http(s), else "" (athletes.links)."""
    return outbound(url)


FLAGS = Path(__file__).resolve().parent.parent.parent / "static" / "flags"


@functools.cache
def _flag_codes() -> frozenset[str]:
    """The ISO codes we hold a flag for (flag-icons' 4x3 set, copied into static/flags/)."""
    return frozenset(path.stem for path in FLAGS.glob("*.svg"))


@register.simple_tag
def country_flag(athlete) -> str:
    """The athlete's flag as an image from our own static files; nothing without a country.

    Decorative (alt=""): the country's code or name is always written beside it.
    """
    code = str(athlete.country.code).lower() if athlete.country else ""
    if code not in _flag_codes():
        return ""
    return format_html(
        '<img class="flag-icon" src="{}" alt="" width="32" height="24">',
        static(f"flags/{code}.svg"),
    )


TALLY_LABELS = {
    "championships": gettext_lazy("Championships"),
    "one-day meets": gettext_lazy("One-day meets"),
    "outdoor": gettext_lazy("Outdoor"),
    "indoor": gettext_lazy("Indoor"),
}
"""The head-to-head's breakdown rows by level and venue: keys the JSON gives as they are."""


@register.filter
def tally_label(key: str) -> str:
    """``{{ label|tally_label }}``: "Championships" ("Mesterskap"); an event or a year as given."""
    return str(TALLY_LABELS.get(key, key))


MEDIA = {
    "article": pgettext_lazy("medium", "article"),
    "interview": pgettext_lazy("medium", "interview"),
    "press conference": pgettext_lazy("medium", "press conference"),
    "social post": pgettext_lazy("medium", "social post"),
    "broadcast": pgettext_lazy("medium", "broadcast"),
    "documentary": pgettext_lazy("medium", "documentary"),
    "podcast": pgettext_lazy("medium", "podcast"),
}


@register.filter
def medium_name(value: str) -> str:
    """A source's medium ("press conference") in the reader's words."""
    return str(MEDIA.get(value, value))
