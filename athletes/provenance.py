"""Where a race's results were read: each source once, numbered, the race's own first.

Real results are assembled from several places (the top eight from the official list, the rest
from a news report), so a result may cite its own source; the race page lists every source once
and marks each result that has its own with that source's number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Citations:
    sources: tuple[str, ...]
    """Each URL once: the race's source first, then the results' own in the order given."""
    numbers: tuple[int | None, ...]
    """For each result, the number (1-based) of its own source; None when it has none, and so
    cites the race's."""


def cite(race_url: str, own_urls: Sequence[str]) -> Citations:
    """Number the sources of a race whose results (in finishing order) cite ``own_urls``."""
    numbered: dict[str, int] = {}
    for url in (race_url, *own_urls):
        if url and url not in numbered:
            numbered[url] = len(numbered) + 1
    return Citations(
        sources=tuple(numbered),
        numbers=tuple(numbered[url] if url and url != race_url else None for url in own_urls),
    )
