"""CSV reading shared by the CSV parsers: streamed rows, header lookup by aliases, line numbers."""

from __future__ import annotations

import csv
import operator
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO, TypeVar

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._values import CellError, cell_error
from accord.engine.vulns.streams import decoded_lines, peek_head

T = TypeVar("T")

# Scanner cells (plugin output, software lists) can exceed the csv module's 128 KiB default.
# The limit is process-wide; it is only ever raised here, never lowered.
_FIELD_LIMIT = 64 * 1024 * 1024


def _raise_field_limit() -> None:
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(min(_FIELD_LIMIT, sys.maxsize))


def normalise_header(name: str) -> str:
    return " ".join(name.strip().lower().split())


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each known column sits in a header, found by case-insensitive aliases."""

    header: tuple[str, ...]
    index: Mapping[str, int]

    @classmethod
    def find(cls, header: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> Columns:
        positions = {normalise_header(name): i for i, name in enumerate(header)}
        index: dict[str, int] = {}
        for key, names in aliases.items():
            for name in names:
                position = positions.get(normalise_header(name))
                if position is not None:
                    index[key] = position
                    break
        return cls(tuple(header), index)

    def has(self, key: str) -> bool:
        return key in self.index

    def name(self, key: str) -> str:
        return self.header[self.index[key]]

    def require(
        self, keys: Sequence[str], aliases: Mapping[str, Sequence[str]], source: str, line: int
    ) -> None:
        missing = [aliases[key][0] for key in keys if key not in self.index]
        if missing:
            raise ScanFileError(
                source,
                f"missing column(s) {', '.join(repr(name) for name in missing)}; header has "
                f"{', '.join(repr(name) for name in self.header)}",
                line=line,
            )

    def picker(self, keys: Sequence[str]) -> Callable[[Sequence[str]], tuple[str, ...]]:
        """A function returning the cells of `keys` from a row, in one C-level call.

        Rows from `CsvRows` end with an extra empty cell, which stands in for absent columns.
        """
        return operator.itemgetter(*(self.index.get(key, -1) for key in keys))

    def ignored(self) -> IgnoredColumns:
        """A counter of the cells in columns that no finding field reads (for the import summary)."""
        used = set(self.index.values())
        return IgnoredColumns([(i, name) for i, name in enumerate(self.header) if i not in used])

    def getter(self, row: Sequence[str]) -> Callable[[str], str]:
        index = self.index

        def get(key: str) -> str:
            position = index.get(key)
            return row[position] if position is not None else ""

        return get


class IgnoredColumns:
    """Counts, per column no finding field reads, the rows where it held a value.

    `report` hands the counts to the parse notes ("Plugin Family: 1,200 rows"), so the summary
    lists what a file carried that Accord did not keep. A column without a name is named by its
    position.
    """

    def __init__(self, columns: list[tuple[int, str]]) -> None:
        self._positions = [position for position, _ in columns]
        self._names = [name.strip() or f"(unnamed column {position + 1})" for position, name in columns]
        self._counts = [0] * len(columns)

    def count(self, row: Sequence[str]) -> None:
        counts = self._counts
        for slot, position in enumerate(self._positions):
            if row[position].strip():
                counts[slot] += 1

    def report(self, notes: ParseNotes) -> None:
        for name, count in zip(self._names, self._counts, strict=True):
            if count:
                notes.ignore(name, count)
        self._counts = [0] * len(self._counts)


def sniff_delimiter(stream: BinaryIO, candidates: str = ",;") -> tuple[str, BinaryIO]:
    """The delimiter of a CSV whose header row uses one of `candidates`, and the stream from the start.

    The most frequent candidate on the first line wins (Tenable's exports use `;` or `,`).
    """
    head, replay = peek_head(stream, 64 * 1024)
    first_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return max(candidates, key=first_line.count), replay


class CsvRows:
    """Rows of a CSV byte stream with the physical line each row starts on.

    `header_test` picks the header row among the first `max_preamble + 1` rows (Qualys reports
    open with a preamble); rows whose length differs from the header's are refused.
    """

    def __init__(
        self,
        stream: BinaryIO,
        source: str,
        *,
        header_test: Callable[[list[str]], bool] | None = None,
        max_preamble: int = 0,
        expected: str = "",
        delimiter: str = ",",
    ) -> None:
        _raise_field_limit()
        self.source = source
        self._reader = csv.reader(decoded_lines(stream, source), strict=True, delimiter=delimiter)
        self._last_line = 0
        self.header: list[str] = []
        self.header_line = 0
        rows_read = 0
        for _ in range(max_preamble + 1):
            row = self._next_row()
            if row is None:
                break
            rows_read += 1
            line, fields = row
            if header_test is None or header_test(fields):
                self.header, self.header_line = fields, line
                break
        if not self.header:
            # Say what the header needs and how much was searched, so a file of another layout
            # is told what it lacks (`expected`, e.g. "the columns 'IP' and 'QID'").
            what = "no header row" + (f" naming {expected}" if expected else "")
            searched = f"the first {rows_read} row(s)" if row is not None else f"its {rows_read} row(s)"
            raise ScanFileError(source, f"{what} in {searched}", line=self._last_line or 1)

    def _next_row(self) -> tuple[int, list[str]] | None:
        while True:
            start = self._last_line + 1
            try:
                fields = next(self._reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                hint = " (a quoted cell is never closed)" if "unexpected end of data" in str(exc) else ""
                raise ScanFileError(self.source, f"malformed CSV: {exc}{hint}", line=start) from None
            self._last_line = self._reader.line_num
            if fields and any(field.strip() for field in fields):
                return start, fields

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        while (row := self._next_row()) is not None:
            line, fields = row
            if len(fields) != width:
                raise ScanFileError(
                    self.source, f"expected {width} fields as in the header, found {len(fields)}", line=line
                )
            fields.append("")  # the cell that absent columns read (see Columns.picker)
            yield line, fields


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """One data row, its line, and reading by column key with errors naming line and column."""

    line: int
    row: list[str]
    columns: Columns
    source: str

    def text(self, key: str) -> str:
        """The stripped cell of `key` ("" when the file has no such column)."""
        position = self.columns.index.get(key)
        return self.row[position].strip() if position is not None else ""

    def read(self, key: str, parse: Callable[[str], T]) -> T:
        """The cell of `key` through `parse`; a bad cell is refused naming line and column."""
        try:
            return parse(self.text(key))
        except CellError as exc:
            raise cell_error(self.source, self.line, self.columns.name(key), exc) from None

    def refuse(self, message: str) -> ScanFileError:
        return ScanFileError(self.source, message, line=self.line)

    def require(self, key: str) -> str:
        """The cell of `key`, refused when empty."""
        value = self.text(key)
        if not value:
            raise self.refuse(f"column {self.columns.name(key)!r} is empty")
        return value


def csv_records(
    stream: BinaryIO,
    source: str,
    notes: ParseNotes,
    *,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    header_test: Callable[[list[str]], bool] | None = None,
    max_preamble: int = 0,
    expected: str = "",
    delimiter: str = ",",
) -> Iterator[CsvRecord]:
    """The rows of a scanner CSV as `CsvRecord`s, the unread columns counted into `notes`."""
    rows = CsvRows(
        stream, source, header_test=header_test, max_preamble=max_preamble, expected=expected, delimiter=delimiter
    )
    columns = Columns.find(rows.header, aliases)
    columns.require(required, aliases, source, rows.header_line)
    ignored = columns.ignored()
    try:
        for line, row in rows:
            ignored.count(row)
            yield CsvRecord(line, row, columns, source)
    finally:
        ignored.report(notes)
