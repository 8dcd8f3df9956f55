"""Corrections: what changed in a quote after it was published, read from its edit history.

django-simple-history keeps every saved version. A reader sees, for each change made once the
quote was public, when it was made and which fields it changed (with the earlier wording when
the words themselves changed), never who made it: editors are not named on the public site.
Edits before publication are drafting, not corrections, and are not shown.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from rivalries.models import Quote

MAX_VERSIONS = 50
"""The newest versions read; a quote corrected more often than this shows the latest ones."""
WORDING_FIELDS = ("text", "translation")
# Bookkeeping, not content: a change to these alone is not a correction.
IGNORED_FIELDS = {"published", "version"}


@dataclass(frozen=True)
class Correction:
    changed_on: datetime.date
    fields: tuple[str, ...]
    """Verbose names of the changed fields, in the model's order ("text", "said on")."""
    earlier_wording: tuple[tuple[str, str], ...]
    """(field, earlier value) for changes of the quote's words or translation."""
    reason: str


def corrections(quote: Quote) -> list[Correction]:
    """Changes made after the quote was first published, newest first (one query)."""
    versions = list(
        quote.history.order_by("-history_date", "-history_id").only(
            *(field.attname for field in Quote._meta.concrete_fields),
            "history_id",
            "history_date",
            "history_type",
            "history_change_reason",
        )[:MAX_VERSIONS]
    )
    versions.reverse()  # oldest first
    labels = {field.attname: str(field.verbose_name) for field in Quote._meta.concrete_fields}
    order = list(labels)
    found: list[Correction] = []
    for earlier, later in itertools.pairwise(versions):
        if not earlier.published:
            continue
        changed = [
            name
            for name in order
            if name not in IGNORED_FIELDS and getattr(earlier, name) != getattr(later, name)
        ]
        if not changed:
            continue
        found.append(
            Correction(
                changed_on=later.history_date.date(),
                fields=tuple(labels[name] for name in changed),
                earlier_wording=tuple(
                    (labels[name], getattr(earlier, name))
                    for name in changed
                    if name in WORDING_FIELDS and getattr(earlier, name)
                ),
                reason=later.history_change_reason or "",
            )
        )
    found.reverse()
    return found
