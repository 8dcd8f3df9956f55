"""Template filters that write marks and gaps as athletics fans write them."""

from django import template

from athletes import marks

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
