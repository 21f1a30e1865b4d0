"""Reading input files as byte streams: size limits, progress counting, line-named decoding.

Parsers take a binary file object, so the same code serves a file on disk, a web upload and a
test's `io.BytesIO`. `CountingReader` wraps one to report bytes read (for a progress bar) and to
refuse a stream that grows past a size limit even when its size was not known up front.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from accord.engine.vulns.errors import InputFileError, ScanFileError

DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
"""Default refusal threshold for one input file (1 GiB); callers pass their configured limit."""

ProgressCallback = Callable[[int], None]


def check_size(size: int, limit: int, source: str, *, error: type[InputFileError] = ScanFileError) -> None:
    """Refuse a file of `size` bytes when it is over `limit` bytes."""
    if size > limit:
        raise error(source, f"file is {_human(size)}, over the {_human(limit)} limit for one import")


def check_file_size(path: str | os.PathLike[str], limit: int = DEFAULT_MAX_BYTES) -> int:
    """Refuse the file at `path` when it is over `limit` bytes; return its size."""
    size = Path(path).stat().st_size
    check_size(size, limit, str(path))
    return size


def _human(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


class CountingReader(io.RawIOBase):
    """A read-only byte stream over `raw` that counts bytes, reports progress and enforces a limit.

    Wrap it in `io.BufferedReader` (see `counting_stream`) before handing it to a parser.
    """

    def __init__(
        self,
        raw: BinaryIO,
        *,
        source: str = "",
        on_progress: ProgressCallback | None = None,
        limit: int | None = None,
    ) -> None:
        super().__init__()
        self._raw = raw
        self._source = source
        self._on_progress = on_progress
        self._limit = limit
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._raw.read(len(buffer))
        count = len(chunk)
        buffer[:count] = chunk
        self.bytes_read += count
        if self._limit is not None and self.bytes_read > self._limit:
            check_size(self.bytes_read, self._limit, self._source)
        if self._on_progress is not None and count:
            self._on_progress(self.bytes_read)
        return count


def counting_stream(
    raw: BinaryIO,
    *,
    source: str = "",
    on_progress: ProgressCallback | None = None,
    limit: int | None = None,
    buffer_size: int = 256 * 1024,
) -> io.BufferedReader:
    """`raw` as a buffered stream that counts bytes (see `CountingReader`)."""
    reader = CountingReader(raw, source=source, on_progress=on_progress, limit=limit)
    return io.BufferedReader(reader, buffer_size=buffer_size)


class _PrefixedReader(io.RawIOBase):
    """Replays bytes already read from a stream, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        chunk = self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def peek_head(stream: BinaryIO, size: int = 16 * 1024) -> tuple[bytes, BinaryIO]:
    """Read the first `size` bytes of `stream`; return them and a stream that starts over.

    Works on streams that cannot seek (uploads, pipes) by replaying the bytes read.
    """
    head = stream.read(size)
    replay = io.BufferedReader(_PrefixedReader(head, stream), buffer_size=256 * 1024)
    return head, replay


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"


def decoded_lines(
    stream: BinaryIO, source: str, *, error: type[InputFileError] = ScanFileError
) -> Iterator[str]:
    """The lines of a UTF-8 byte stream as text, refusing bad bytes with the line they are on.

    Decoding line by line (rather than through `io.TextIOWrapper`) is what lets the error name the
    line. A UTF-8 byte order mark is dropped; UTF-16 is refused with a hint; so is a NUL byte.
    """
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            if raw.startswith(_UTF16_BOMS):
                raise error(source, "file is UTF-16 encoded; save it as UTF-8 (CSV UTF-8)", line=1)
            if raw.startswith(_UTF8_BOM):
                raw = raw[len(_UTF8_BOM) :]
        if b"\x00" in raw:  # in any cell, read or not: no database text column can hold one
            column = raw.index(b"\x00") + 1
            raise error(
                source, f"NUL byte at column {column}: a text file cannot carry one (binary or corrupt?)",
                line=number, column=column,
            )
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(
                source,
                f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}; "
                "save the file as UTF-8",
                line=number,
                column=exc.start + 1,
            ) from None


def line_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of byte `offset` in `data`."""
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column
