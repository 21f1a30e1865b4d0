"""One parser per scanner format; each turns a binary stream into `ScanFinding`s one at a time.

Every parser has the signature `parse(stream, *, source, application=None, notes=None) ->
Iterator[ScanFinding]`, records in `notes` (a `ParseNotes`) what it read but did not keep, and raises
`ScanFileError` naming the line or element for malformed input. Nothing is yielded
that the caller must undo except findings already produced: callers that need all-or-nothing
imports consume the whole iterator inside their transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum

from accord.engine.vulns.parsers import (
    cyclonedx_json,
    cyclonedx_xml,
    defectdojo,
    generic_csv,
    greenbone_csv,
    nessus_csv,
    nessus_xml,
    openvas_xml,
    qualys_csv,
    qualys_pci_csv,
    qualys_scan_xml,
    qualys_vmdr_csv,
    qualys_was_xml,
    qualys_xml,
    sarif,
    tenable_vm_csv,
)
from accord.engine.vulns.records import ScanFinding


class ScanFormat(StrEnum):
    """The formats Accord reads; the values are the CLI's `--format` names."""

    NESSUS = "nessus"
    NESSUS_CSV = "nessus-csv"
    OPENVAS = "openvas"
    QUALYS = "qualys"
    QUALYS_VMDR = "qualys-vmdr"
    QUALYS_PCI = "qualys-pci"
    QUALYS_XML = "qualys-xml"
    QUALYS_SCAN_XML = "qualys-scan-xml"
    QUALYS_WAS = "qualys-was"
    TENABLE_VM = "tenable-vm"
    GREENBONE_CSV = "greenbone-csv"
    SARIF = "sarif"
    CYCLONEDX = "cyclonedx"
    CYCLONEDX_XML = "cyclonedx-xml"
    DEFECTDOJO = "defectdojo"
    DEFECTDOJO_CSV = "defectdojo-csv"
    CSV = "csv"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ScanFormat.NESSUS: "Nessus XML (.nessus)",
    ScanFormat.NESSUS_CSV: "Nessus CSV",
    ScanFormat.OPENVAS: "Greenbone/OpenVAS XML",
    ScanFormat.QUALYS: "Qualys CSV",
    ScanFormat.QUALYS_VMDR: "Qualys VMDR CSV",
    ScanFormat.QUALYS_PCI: "Qualys PCI / HackerGuardian CSV",
    ScanFormat.QUALYS_XML: "Qualys scan report XML (ASSET_DATA_REPORT)",
    ScanFormat.QUALYS_SCAN_XML: "Qualys scan XML from the web GUI (SCAN)",
    ScanFormat.QUALYS_WAS: "Qualys WAS XML",
    ScanFormat.TENABLE_VM: "Tenable Vulnerability Management CSV",
    ScanFormat.GREENBONE_CSV: "Greenbone/OpenVAS CSV",
    ScanFormat.SARIF: "SARIF 2.1.0",
    ScanFormat.CYCLONEDX: "CycloneDX JSON",
    ScanFormat.CYCLONEDX_XML: "CycloneDX XML",
    ScanFormat.DEFECTDOJO: "DefectDojo generic findings JSON",
    ScanFormat.DEFECTDOJO_CSV: "DefectDojo generic findings CSV",
    ScanFormat.CSV: "generic CSV",
}


PARSERS: dict[ScanFormat, Callable[..., Iterator[ScanFinding]]] = {
    ScanFormat.NESSUS: nessus_xml.parse,
    ScanFormat.NESSUS_CSV: nessus_csv.parse,
    ScanFormat.OPENVAS: openvas_xml.parse,
    ScanFormat.QUALYS: qualys_csv.parse,
    ScanFormat.QUALYS_VMDR: qualys_vmdr_csv.parse,
    ScanFormat.QUALYS_PCI: qualys_pci_csv.parse,
    ScanFormat.QUALYS_XML: qualys_xml.parse,
    ScanFormat.QUALYS_SCAN_XML: qualys_scan_xml.parse,
    ScanFormat.QUALYS_WAS: qualys_was_xml.parse,
    ScanFormat.TENABLE_VM: tenable_vm_csv.parse,
    ScanFormat.GREENBONE_CSV: greenbone_csv.parse,
    ScanFormat.SARIF: sarif.parse,
    ScanFormat.CYCLONEDX: cyclonedx_json.parse,
    ScanFormat.CYCLONEDX_XML: cyclonedx_xml.parse,
    ScanFormat.DEFECTDOJO: defectdojo.parse_json,
    ScanFormat.DEFECTDOJO_CSV: defectdojo.parse_csv,
    ScanFormat.CSV: generic_csv.parse,
}

__all__ = ["PARSERS", "ScanFormat"]
