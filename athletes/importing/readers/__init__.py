"""One reader per format, each turning a source into ``ResultRow``s and reporting what it
cannot read: adding a format is a new module here and its tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from athletes.importing.files import ImportSource
from athletes.importing.readers import opentrack, pasted, results_csv
from athletes.importing.report import ImportReport
from athletes.importing.rows import ResultRow

Reader = Callable[[ImportSource, ImportReport], Iterator[ResultRow]]


def reader_for(filename: str, source: ImportSource, race: ResultRow | None = None) -> Reader:
    """The reader of a file, told by its name's extension, else by its first character: JSON
    starts with "{"; a ``.txt`` file, or any file given with its ``race``, is a pasted results
    table; anything else is CSV."""
    extension = os.path.splitext(filename)[1].lower()
    if race is not None or extension == ".txt":
        return pasted.reader(race)
    if extension == ".json" or (extension != ".csv" and _starts_with_brace(source)):
        return opentrack.read
    return results_csv.read


def _starts_with_brace(source: ImportSource) -> bool:
    """Whether the first character that is not white space is "{", without consuming a
    stream that cannot be rewound (such a source is read as CSV)."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            head = handle.read(256)
    elif isinstance(source, bytes | bytearray):
        head = bytes(source[:256])
    elif hasattr(source, "seek") and hasattr(source, "tell") and source.seekable():
        here = source.tell()
        head = source.read(256)
        source.seek(here)
    else:
        return False
    if isinstance(head, str):
        head = head.encode()
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
