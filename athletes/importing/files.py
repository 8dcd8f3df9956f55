"""Reading what an editor brings: a path, an upload, bytes or text, as UTF-8 text.

Files are read a line at a time (``text_lines``), so a 500,000-row file costs no more memory
than a 5,000-row one; a format that needs the whole text at once (JSON, a pasted table) takes
``read_text``. Either refuses a file that is not UTF-8, naming the line of the first bad byte,
and a file over ``max_import_bytes()``, before reading it where its size can be told.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO

from django.conf import settings

from athletes.importing.report import ImportReport

ImportSource = str | os.PathLike | bytes | IO[str] | IO[bytes]
"""A path, the raw bytes of a file, or an open file (text or binary, e.g. an upload)."""


def source_name(source: ImportSource) -> str:
    """The name to put in messages: the path, or the open file's name."""
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return os.path.basename(name) if isinstance(name, str) and name else "upload.csv"


DEFAULT_MAX_IMPORT_BYTES = 200_000_000
"""The largest file an import reads (settings.IMPORT_MAX_BYTES overrides): a 100,000-row
results file is about 12 MB, so this is well over a million rows; a bigger file is far more
likely a wrong one than a real one. Memory does not grow with the file, so this is the only
bound."""


def max_import_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_IMPORT_BYTES))


def read_text(source: ImportSource) -> str:
    """The file as text: UTF-8, with or without a byte-order mark; anything else is refused.

    Raises ``UnreadableFile`` with the line of the first byte that is not UTF-8, so a file
    saved as Latin-1 or UTF-16 gets a message, not a traceback. A file over
    ``max_import_bytes()`` gets one too, from its size, before it is read.
    """
    limit = max_import_bytes()
    size = _size_of(source)
    if size is not None and size > limit:
        raise UnreadableFile(0, _too_big(_size_text(size), limit))
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            data: str | bytes = handle.read(limit + 1)
    elif isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        try:
            data = source.read(limit + 1)
        except UnicodeDecodeError as error:
            raise UnreadableFile(0, _not_utf8(error)) from None
    if len(data) > limit:  # it grew, or its size could not be told beforehand
        raise UnreadableFile(0, _too_big(f"over {_size_text(limit)}", limit))
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableFile(line, _not_utf8(error)) from None


def reported_text(source: ImportSource, report: ImportReport) -> str | None:
    """``read_text``, with a file that cannot be read reported (None then)."""
    try:
        return read_text(source)
    except UnreadableFile as error:
        report.error(error.line, "", "", error.message)
    except OSError as error:
        report.error(0, "", "", f"the file cannot be read: {error.strerror or error}")
    return None


def text_lines(source: ImportSource) -> Iterator[str]:
    """The file's lines as text with their line ends, read as they are needed.

    Raises ``UnreadableFile`` (from the iteration) as ``read_text`` does; the line of a byte
    that is not UTF-8 is exact, since each line is decoded on its own.
    """
    limit = max_import_bytes()
    size = _size_of(source)
    if size is not None and size > limit:
        raise UnreadableFile(0, _too_big(_size_text(size), limit))
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            yield from _decoded(handle, limit)
    elif isinstance(source, bytes | bytearray):
        yield from _decoded(io.BytesIO(source), limit)
    else:
        yield from _decoded(source, limit)


def _decoded(lines: IO[str] | IO[bytes], limit: int) -> Iterator[str]:
    read = 0
    number = 0
    try:
        for raw in lines:
            number += 1
            read += len(raw)
            if read > limit:  # it grew, or its size could not be told beforehand
                raise UnreadableFile(0, _too_big(f"over {_size_text(limit)}", limit))
            if isinstance(raw, bytes):
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    raise UnreadableFile(number, _not_utf8(error)) from None
            else:
                text = raw.removeprefix("\ufeff") if number == 1 else raw
            if "\r" in text.rstrip("\r\n"):  # old Mac line ends: split like universal newlines
                yield from text.splitlines(keepends=True)
            else:
                yield text
    except UnicodeDecodeError as error:  # a text file opened with the wrong encoding
        raise UnreadableFile(0, _not_utf8(error)) from None


def _size_of(source: ImportSource) -> int | None:
    """The size in bytes without reading: a path's, the bytes', an upload's or a seekable
    file's (what is left of it); None when it cannot be told."""
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    if isinstance(source, bytes | bytearray):
        return len(source)
    size = getattr(source, "size", None)  # Django's UploadedFile
    if isinstance(size, int):
        return size
    try:
        if isinstance(source, io.BufferedIOBase | io.RawIOBase) and source.seekable():
            here = source.tell()
            end = source.seek(0, os.SEEK_END)
            source.seek(here)
            return end - here
    except (OSError, ValueError):
        pass
    return None


def _too_big(size: str, limit: int) -> str:
    return (
        f"the file is {size}: an import takes files of at most {_size_text(limit)};"
        " split it into smaller files and import each"
    )


def _size_text(size: int) -> str:
    """104857600 -> "104.9 MB", 50000000 -> "50 MB", 100 -> "100 bytes"."""
    if size < 1_000_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


class UnreadableFile(Exception):
    """A file that is not UTF-8 text; ``line`` is 0 when the line cannot be told."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _not_utf8(error: UnicodeDecodeError) -> str:
    byte = error.object[error.start : error.start + 1].hex() if error.object else "?"
    return (
        f"the file is not UTF-8 text (byte 0x{byte} cannot be read): save it as UTF-8"
        " ('CSV UTF-8' in Excel) and import it again"
    )
