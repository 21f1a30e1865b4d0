"""One parser per scanner format; each turns a binary stream into `ScanFinding`s one at a time.

Every parser has the signature `parse(stream, *, source, application=None) -> Iterator[ScanFinding]`
and raises `ScanFileError` naming the line or element for malformed input. Nothing is yielded
that the caller must undo except findings already produced: callers that need all-or-nothing
imports consume the whole iterator inside their transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum

from accord.engine.vulns.parsers import (
    cyclonedx_json,
    generic_csv,
    nessus_csv,
    nessus_xml,
    openvas_xml,
    qualys_csv,
    sarif,
)
from accord.engine.vulns.records import ScanFinding


class ScanFormat(StrEnum):
    """The formats Accord reads; the values are the CLI's `--format` names."""

    NESSUS = "nessus"
    NESSUS_CSV = "nessus-csv"
    OPENVAS = "openvas"
    QUALYS = "qualys"
    SARIF = "sarif"
    CYCLONEDX = "cyclonedx"
    CSV = "csv"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ScanFormat.NESSUS: "Nessus XML (.nessus)",
    ScanFormat.NESSUS_CSV: "Nessus CSV",
    ScanFormat.OPENVAS: "Greenbone/OpenVAS XML",
    ScanFormat.QUALYS: "Qualys CSV",
    ScanFormat.SARIF: "SARIF 2.1.0",
    ScanFormat.CYCLONEDX: "CycloneDX JSON",
    ScanFormat.CSV: "generic CSV",
}


PARSERS: dict[ScanFormat, Callable[..., Iterator[ScanFinding]]] = {
    ScanFormat.NESSUS: nessus_xml.parse,
    ScanFormat.NESSUS_CSV: nessus_csv.parse,
    ScanFormat.OPENVAS: openvas_xml.parse,
    ScanFormat.QUALYS: qualys_csv.parse,
    ScanFormat.SARIF: sarif.parse,
    ScanFormat.CYCLONEDX: cyclonedx_json.parse,
    ScanFormat.CSV: generic_csv.parse,
}

__all__ = ["PARSERS", "ScanFormat"]
