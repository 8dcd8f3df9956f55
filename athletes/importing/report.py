"""The one report every intake gives: counts per kind of record, and every bad value by place.

The same report is printed by the management commands, shown by the admin's import and paste
pages, and returned to tests, so what a file did (or why it did nothing) reads the same
everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_ERRORS = 1_000
"""Errors kept in full; a file with more is wrong throughout, and its report says how many more
there were rather than growing with the file."""


@dataclass(frozen=True)
class RowError:
    """One bad value: where it is (the file's own line, header = 1), what it is, and why."""

    line: int
    """0 for a problem with the whole file (it is not UTF-8 text, say)."""
    column: str
    value: str
    message: str
    """Quotes the value: "'3:4x.12' is not a time: ..."."""

    def describe(self, filename: str) -> str:
        """ "results.csv:7: column 'mark': '3:4x.12' is not a time: ..."."""
        where = f"{filename}:{self.line}" if self.line else filename
        if self.column:
            return f"{where}: column '{self.column}': {self.message}"
        return f"{where}: {self.message}"


@dataclass
class Counts:
    """What happened to one kind of record: created, found and changed, found as it was."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def matched(self) -> int:
        """Records the file named that were already there."""
        return self.updated + self.unchanged


@dataclass
class ImportReport:
    """Counts per kind and every bad row; ``lines()`` is the text shown to people."""

    filename: str
    kinds: Sequence[str]
    dry_run: bool = False
    rows: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0
    """Errors past ``MAX_ERRORS``: counted, not kept."""

    def __post_init__(self) -> None:
        for kind in self.kinds:
            self.counts.setdefault(kind, Counts())

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        """Whether the import wrote (or, on a dry run, would write) anything."""
        return any(counts.created or counts.updated for counts in self.counts.values())

    @property
    def bad_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    def error(self, line: int, column: str, value: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, value, message))
        else:
            self.more_errors += 1

    def lines(self) -> list[str]:
        if self.errors:
            rows = len(self.bad_lines)
            errors = len(self.errors) + self.more_errors
            head = (
                f"{self.filename}: {'at least ' if self.more_errors else ''}{rows}"
                f" bad row{'s' if rows != 1 else ''}"
                f" ({errors:,} error{'s' if errors != 1 else ''}); nothing was written."
            )
            in_file_order = sorted(self.errors, key=lambda error: error.line)
            body = [error.describe(self.filename) for error in in_file_order]
            if self.more_errors:
                body.append(f"... and {self.more_errors:,} more errors after these")
            return [head, *body]
        head = f"{self.filename}: {self.rows} row{'s' if self.rows != 1 else ''} read"
        if self.dry_run:
            head += "; dry run, nothing was written: this is what the import would do"
        if not self.changed:
            head += "; nothing changed, everything was already there"
        body = [
            f"  {kind}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            for kind, c in self.counts.items()
        ]
        return [head, *body]

    def summary(self) -> str:
        return "\n".join(self.lines())


class ImportAbort(Exception):
    """Rolls the import's transaction back: a bad row, or a dry run."""
