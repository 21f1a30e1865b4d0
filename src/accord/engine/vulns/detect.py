"""Recognise a scan file's format from its first bytes, and the one-call entry point `read_scan`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.parsers import PARSERS, ScanFormat, generic_csv, nessus_csv, qualys_csv
from accord.engine.vulns.records import ScanFinding
from accord.engine.vulns.streams import ProgressCallback, counting_stream, peek_head

SNIFF_BYTES = 16 * 1024


def detect_format(head: bytes, source: str = "") -> ScanFormat:
    """The format of a file that starts with `head` (its first few KB)."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith("<"):
        if "<NessusClientData_v2" in text:
            return ScanFormat.NESSUS
        if "<get_reports_response" in text or (
            "<report" in text and ("<results" in text or "<gmp>" in text or "format_id=" in text)
        ):
            return ScanFormat.OPENVAS
        raise ScanFileError(source, "XML, but neither a Nessus (.nessus) file nor a Greenbone/OpenVAS report")
    if stripped.startswith("{"):
        if '"bomFormat"' in text and "CycloneDX" in text:
            return ScanFormat.CYCLONEDX
        if '"runs"' in text or "sarif" in text.lower():
            return ScanFormat.SARIF
        raise ScanFileError(source, "JSON, but neither SARIF nor a CycloneDX BOM")
    return _detect_csv(text, source)


def _detect_csv(text: str, source: str) -> ScanFormat:
    # Only whole lines: the last line of the sniffed block may be cut short.
    lines = text.splitlines()[:-1] if len(text.encode()) >= SNIFF_BYTES else text.splitlines()
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        rows = []
    if rows and nessus_csv.looks_like_header(rows[0]):
        return ScanFormat.NESSUS_CSV
    if rows and generic_csv.looks_like_header(rows[0]):
        return ScanFormat.CSV
    if any(qualys_csv.looks_like_header(row) for row in rows[: qualys_csv.MAX_PREAMBLE_ROWS + 1]):
        return ScanFormat.QUALYS
    raise ScanFileError(
        source,
        "format not recognised: expected Nessus XML or CSV, Greenbone/OpenVAS XML, Qualys CSV, SARIF, "
        "CycloneDX JSON or Accord's generic CSV; pass the format explicitly if it is one of these",
    )


def read_scan(
    stream: BinaryIO,
    *,
    source: str,
    format: ScanFormat | str = "auto",
    application: str | None = None,
    on_progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
) -> tuple[ScanFormat, Iterator[ScanFinding]]:
    """Open a scan: detect its format (unless given) and return it with the findings iterator.

    `on_progress(bytes_read)` is called as the file is read; `max_bytes` refuses a stream that
    grows past it (use `check_file_size` first when the size is known). Findings come one at a
    time; errors surface while iterating.
    """
    counted: BinaryIO = counting_stream(stream, source=source, on_progress=on_progress, limit=max_bytes)
    if format == "auto":
        head, counted = peek_head(counted, SNIFF_BYTES)
        chosen = detect_format(head, source)
    else:
        try:
            chosen = ScanFormat(format)
        except ValueError:
            names = ", ".join(item.value for item in ScanFormat)
            raise ScanFileError(source, f"unknown format {format!r}; one of auto, {names}") from None
    return chosen, PARSERS[chosen](counted, source=source, application=application)
