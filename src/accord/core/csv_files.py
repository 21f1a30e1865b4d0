"""CSV in and out, the same way everywhere.

Reading: the whole file is checked before anything is written; each problem names its line and
column, and one refusal covers the whole file. Writing: cells that a spreadsheet would run as a
formula are escaped.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from accord.core.errors import Problem, ValidationFailed

R = TypeVar("R")

MAX_PROBLEMS = 200  # enough to fix a file in one go without drowning the user
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ProblemList:
    """Problems found while reading a file, each with its line and column."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(field=column, line=line, column=column, message=message))

    def __len__(self) -> int:
        return len(self.problems)

    def refuse_if_any(self, filename: str) -> None:
        if self.problems:
            raise ValidationFailed(self.problems, source=filename)


def decoded_lines(raw: bytes, filename: str) -> Iterator[str]:
    """The file's lines as text; a byte that is not UTF-8 refuses the file naming its line."""
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    for number, line in enumerate(body.splitlines(keepends=True), start=1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(Problem(field="", line=number, message=(
                f"not UTF-8 text (byte {exc.start + 1} of the line); save the file as UTF-8")), source=filename) from None


def _header(reader: Any, filename: str, known: Sequence[str], required: Sequence[str]) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed(Problem(field="", line=1, message="the file is empty"), source=filename) from None
    columns = [h.strip().lower() for h in header]
    problems = [Problem(field=c, line=1, column=c, message=f"unknown column; expected some of {', '.join(known)}")
                for c in columns if c not in known]
    problems += [Problem(field=c, line=1, column=c, message=f"the {c} column is required")
                 for c in required if c not in columns]
    if problems:
        raise ValidationFailed(problems, source=filename)
    return columns


def read_rows(raw: bytes, filename: str, *, known: Sequence[str], required: Sequence[str], key: str,
              parse: Callable[[int, dict[str, str]], R | None], problems: ProblemList) -> list[R]:
    """Parse every data row with `parse(line, cells)`, which reports its own problems and returns None
    for a bad row. Blank lines are skipped; a wrong cell count, a repeated `key` value and malformed
    CSV are reported here. Header problems refuse the file at once; the caller refuses on the rest."""
    reader = csv.reader(decoded_lines(raw, filename))
    columns = _header(reader, filename, known, required)
    rows: list[R] = []
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(columns):
                problems.add(line, "", f"{len(cells)} cells where the header has {len(columns)}")
                continue
            named = dict(zip(columns, cells, strict=True))
            value = named.get(key, "").strip().lower()
            if value and value in seen:
                problems.add(line, key, f"{value!r} already appears on line {seen[value]}")
            seen.setdefault(value, line)
            row = parse(line, named)
            if row is not None:
                rows.append(row)
            if len(problems) >= MAX_PROBLEMS:
                break
    except csv.Error as exc:
        problems.add(reader.line_num, "", f"malformed CSV: {exc}")
    return rows


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) gets a quote in front."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def unescape_cell(text: str) -> str:
    """Undo `safe_cell`, so an exported file imports back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def read_upload(file: Any, filename: str) -> bytes:
    """The whole uploaded file, refused when it is over ACCORD_MAX_UPLOAD_MB."""
    from django.conf import settings

    limit = settings.ACCORD_MAX_UPLOAD_MB * 1024 * 1024
    raw = file.read(limit + 1)
    if len(raw) > limit:
        raise ValidationFailed.field("file", f"{filename} is larger than the {settings.ACCORD_MAX_UPLOAD_MB} MB limit")
    return bytes(raw)
