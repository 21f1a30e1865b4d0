"""Recognise a scan file's format from its first bytes, and the one-call entry point `read_scan`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import (
    PARSERS,
    ScanFormat,
    defectdojo,
    generic_csv,
    greenbone_csv,
    nessus_csv,
    qualys_csv,
    qualys_pci_csv,
    qualys_vmdr_csv,
    tenable_vm_csv,
)
from accord.engine.vulns.parsers._json import top_level_keys
from accord.engine.vulns.records import ScanFinding
from accord.engine.vulns.streams import ProgressCallback, counting_stream, peek_head
from accord.engine.vulns.validate import validated

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
        by_root = _XML_ROOTS.get(_xml_root(text))
        if by_root is not None:
            return by_root
        raise ScanFileError(
            source,
            f"XML with root element <{_xml_root(text) or '?'}>, but not a format Accord reads (Nessus, "
            "Greenbone/OpenVAS report, Qualys ASSET_DATA_REPORT, SCAN or WAS report, CycloneDX BOM)",
        )
    if stripped.startswith("{"):
        if "findings" in top_level_keys(head):
            return ScanFormat.DEFECTDOJO
        if '"bomFormat"' in text and "CycloneDX" in text:
            return ScanFormat.CYCLONEDX
        if '"runs"' in text or "sarif" in text.lower():
            return ScanFormat.SARIF
        raise ScanFileError(source, "JSON, but neither SARIF, a CycloneDX BOM nor DefectDojo generic findings")
    return _detect_csv(text, source)


# Formats recognised by their root element alone.
_XML_ROOTS = {
    "ASSET_DATA_REPORT": ScanFormat.QUALYS_XML,
    "SCAN": ScanFormat.QUALYS_SCAN_XML,
    "WAS_SCAN_REPORT": ScanFormat.QUALYS_WAS,
    "WAS_WEBAPP_REPORT": ScanFormat.QUALYS_WAS,
    "bom": ScanFormat.CYCLONEDX_XML,
}
_XML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_XML_ELEMENT = re.compile(r"<([A-Za-z_][^\s>/]*)")


def _xml_root(text: str) -> str:
    """The local name of the first element, past the declaration, DOCTYPE and comments."""
    match = _XML_ELEMENT.search(_XML_COMMENT.sub("", text))
    return match.group(1).rsplit(":", 1)[-1] if match else ""


def _detect_csv(text: str, source: str) -> ScanFormat:
    # Only whole lines: the last line of the sniffed block may be cut short.
    lines = text.splitlines()[:-1] if len(text.encode()) >= SNIFF_BYTES else text.splitlines()
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        rows = []
    if lines and tenable_vm_csv.looks_like_header(_fields(lines[0])):
        return ScanFormat.TENABLE_VM  # semicolon- or comma-separated
    header = rows[0] if rows else []
    for fmt, looks_like_header in _CSV_BY_HEADER:
        if looks_like_header(header):
            return fmt
    for fmt, looks_like_header, preamble in _CSV_AFTER_PREAMBLE:
        if any(looks_like_header(row) for row in rows[: preamble + 1]):
            return fmt
    raise ScanFileError(
        source,
        "format not recognised: expected Nessus XML or CSV, Tenable.sc or Tenable Vulnerability Management "
        "CSV, Greenbone/OpenVAS XML or CSV, Qualys CSV (scan report, VMDR, PCI) or XML (report, scan, WAS), "
        "SARIF, CycloneDX JSON or XML, DefectDojo generic JSON or CSV or Accord's generic CSV; pass the "
        "format explicitly if it is one of these",
    )


# CSV formats whose first row is the header, tried in order (Qualys PCI before the Qualys report:
# both have `IP` and `QID`), then those that may open with report metadata.
_CSV_BY_HEADER: tuple[tuple[ScanFormat, Callable[[list[str]], bool]], ...] = (
    (ScanFormat.NESSUS_CSV, nessus_csv.looks_like_header),
    (ScanFormat.GREENBONE_CSV, greenbone_csv.looks_like_header),
    (ScanFormat.QUALYS_PCI, qualys_pci_csv.looks_like_header),
    (ScanFormat.DEFECTDOJO_CSV, defectdojo.looks_like_header),
    (ScanFormat.CSV, generic_csv.looks_like_header),
)
_CSV_AFTER_PREAMBLE: tuple[tuple[ScanFormat, Callable[[list[str]], bool], int], ...] = (
    (ScanFormat.QUALYS_VMDR, qualys_vmdr_csv.looks_like_header, qualys_vmdr_csv.MAX_PREAMBLE_ROWS),
    (ScanFormat.QUALYS, qualys_csv.looks_like_header, qualys_csv.MAX_PREAMBLE_ROWS),
)


def _fields(line: str) -> list[str]:
    """A header line's names, split on `;` or `,` (whichever it uses more)."""
    delimiter = ";" if line.count(";") > line.count(",") else ","
    return next(csv.reader([line], delimiter=delimiter), [])


def read_scan(
    stream: BinaryIO,
    *,
    source: str,
    format: ScanFormat | str = "auto",
    application: str | None = None,
    on_progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
    notes: ParseNotes | None = None,
) -> tuple[ScanFormat, Iterator[ScanFinding]]:
    """Open a scan: detect its format (unless given) and return it with the findings iterator.

    `on_progress(bytes_read)` is called as the file is read; `max_bytes` refuses a stream that
    grows past it (use `check_file_size` first when the size is known). Findings come one at a
    time, each through the one validation every reader shares (`validate.validated`); errors
    surface while iterating. `notes` collects what the parser read but did not keep.
    """
    notes = notes if notes is not None else ParseNotes()
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
    findings = PARSERS[chosen](counted, source=source, application=application, notes=notes)
    return chosen, validated(findings, source=source, notes=notes)
