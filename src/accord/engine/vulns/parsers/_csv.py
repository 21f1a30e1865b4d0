"""CSV reading shared by the CSV parsers: streamed rows, header lookup by aliases, line numbers."""

from __future__ import annotations

import csv
import operator
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.streams import decoded_lines

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

    def getter(self, row: Sequence[str]) -> Callable[[str], str]:
        index = self.index

        def get(key: str) -> str:
            position = index.get(key)
            return row[position] if position is not None else ""

        return get


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
    ) -> None:
        _raise_field_limit()
        self.source = source
        self._reader = csv.reader(decoded_lines(stream, source), strict=True)
        self._last_line = 0
        self.header: list[str] = []
        self.header_line = 0
        for _ in range(max_preamble + 1):
            row = self._next_row()
            if row is None:
                break
            line, fields = row
            if header_test is None or header_test(fields):
                self.header, self.header_line = fields, line
                break
        if not self.header:
            what = "no header row" if header_test is None else "no recognisable header row"
            raise ScanFileError(
                source, f"{what} in the first {max_preamble + 1} row(s)", line=self._last_line or 1
            )

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
