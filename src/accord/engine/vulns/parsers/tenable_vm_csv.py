"""Tenable Vulnerability Management (formerly Tenable.io) findings export as CSV: one finding per row.

The columns are the export's keys (`asset.display_ipv4_address`, `asset.host_name`,
`definition.id`, `definition.name`, `definition.cvss3.base_vector`, `definition.vpr.score`,
`output`, `port`, `protocol`, `severity`, `state`, `first_observed`, `last_seen`...), separated by
semicolons or commas (both occur; the header line says which). Findings in state `FIXED` are left
out and counted in the notes; findings whose risk was accepted in Tenable are kept, suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._csv import CsvRecord, csv_records, normalise_header, sniff_delimiter
from accord.engine.vulns.parsers._values import CellError, parse_bool, parse_int, parse_score, parse_timestamp
from accord.engine.vulns.records import ScanFinding, Severity, cves_in, is_ip_address

FORMAT = "tenable-vm"

ALIASES: dict[str, tuple[str, ...]] = {
    "plugin_id": ("definition.id", "plugin.id"),
    "name": ("definition.name", "plugin.name"),
    "severity": ("severity", "definition.severity"),
    "state": ("state",),
    "fqdn": ("asset.display_fqdn", "asset.fqdn"),
    "host_name": ("asset.host_name", "asset.hostname", "asset.name"),
    "ipv4": ("asset.display_ipv4_address", "asset.ipv4", "asset.ipv4_addresses"),
    "ipv6": ("asset.display_ipv6_address", "asset.ipv6"),
    "port": ("port", "asset.port"),
    "protocol": ("protocol", "asset.protocol"),
    "cve": ("definition.cve",),
    "cvss3": ("definition.cvss3.base_score",),
    "cvss3_vector": ("definition.cvss3.base_vector",),
    "cvss4": ("definition.cvss4.base_score",),
    "cvss4_vector": ("definition.cvss4.base_vector",),
    "vpr": ("definition.vpr.score", "definition.vpr_v2.score"),
    "epss": ("definition.epss.score",),
    "ease": ("definition.exploitability_ease",),
    "by_malware": ("definition.exploited_by_malware",),
    "by_nessus": ("definition.exploited_by_nessus",),
    "synopsis": ("definition.synopsis",),
    "description": ("definition.description",),
    "solution": ("definition.solution",),
    "output": ("output",),
    "first": ("first_observed", "first_found", "first_seen"),
    "last": ("last_seen", "last_observed", "last_found"),
    "risk_modified": ("risk_modified",),
    "recast_reason": ("recast_reason",),
}
REQUIRED = ("plugin_id", "name", "severity")
_NESSUS_LEVELS = {"0": Severity.INFO, "1": Severity.LOW, "2": Severity.MEDIUM, "3": Severity.HIGH,
                  "4": Severity.CRITICAL}  # fmt: skip
_EXPLOITS_AVAILABLE = frozenset({"exploits are available", "available", "exploits_available"})


def looks_like_header(fields: list[str]) -> bool:
    names = {normalise_header(field) for field in fields}
    return "definition.id" in names and any(name.startswith("asset.") for name in names)


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    delimiter, stream = sniff_delimiter(stream)
    records = csv_records(stream, source, notes, aliases=ALIASES, required=REQUIRED, delimiter=delimiter)
    fixed = 0
    for record in records:
        if record.text("state").lower() == "fixed":
            fixed += 1
            continue
        yield _finding(record)
    if fixed:
        notes.note(f"{fixed} finding(s) in state FIXED left out: the asset no longer has them")


def _finding(record: CsvRecord) -> ScanFinding:
    name = record.text("fqdn") or record.text("host_name")
    ip = record.text("ipv4") or record.text("ipv6")
    if not ip and is_ip_address(name):
        name, ip = "", name
    if not (name or ip):
        raise record.refuse("no asset: the asset's FQDN, host name and addresses are all empty")
    accepted = record.text("risk_modified").lower() == "accepted"
    evidence = _exploit_evidence(record)
    return ScanFinding(
        source_format=FORMAT,
        scanner="nessus",  # Tenable's plugins: the same rule ids as Nessus files
        rule_id=record.require("plugin_id"),
        title=record.require("name"),
        severity=record.read("severity", _severity),
        hostname=name,
        ip=ip if is_ip_address(ip) else "",
        port=record.read("port", parse_int),
        protocol=record.text("protocol").lower(),
        cves=cves_in(record.text("cve")),
        cvss3_vector=record.text("cvss3_vector"),
        cvss3_score=record.read("cvss3", parse_score),
        cvss4_vector=record.text("cvss4_vector"),
        cvss4_score=record.read("cvss4", parse_score),
        vpr=record.read("vpr", parse_score),
        epss=record.read("epss", lambda text: parse_score(text, 1.0)),
        exploit_available=bool(evidence) if _has_exploit_info(record) else None,
        exploit_evidence=", ".join(evidence),
        description=record.text("synopsis") or record.text("description"),
        solution=record.text("solution"),
        evidence=record.text("output"),
        first_seen=record.read("first", parse_timestamp),
        last_seen=record.read("last", parse_timestamp),
        suppressed=accepted,
        suppression_justification=(
            "risk accepted in Tenable Vulnerability Management" + _reason(record.text("recast_reason"))
            if accepted
            else ""
        ),
        origin=f"line {record.line}",
    )


def _severity(text: str) -> Severity:
    severity = Severity.from_label(text) or _NESSUS_LEVELS.get(text)
    if severity is None:
        raise CellError(f"expected Critical, High, Medium, Low or Info, found {text!r}")
    return severity


def _has_exploit_info(record: CsvRecord) -> bool:
    return any(record.columns.has(key) for key in ("ease", "by_malware", "by_nessus"))


def _exploit_evidence(record: CsvRecord) -> list[str]:
    evidence = []
    if record.text("ease").lower().replace("_", " ") in _EXPLOITS_AVAILABLE:
        evidence.append("exploits are available")
    if record.read("by_malware", parse_bool):
        evidence.append("exploited by malware")
    if record.read("by_nessus", parse_bool):
        evidence.append("exploited by Nessus")
    return evidence


def _reason(text: str) -> str:
    return f": {text}" if text else ""
