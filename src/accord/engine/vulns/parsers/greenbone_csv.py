"""Greenbone / OpenVAS CSV results export (the "CSV Results" report format): one finding per row.

Columns: `IP`, `Hostname`, `Port`, `Port Protocol`, `CVSS`, `Severity`, `QoD`, `Solution Type`,
`NVT Name`, `Summary`, `Specific Result`, `NVT OID`, `CVEs`, `Task ID`, `Task Name`, `Timestamp`,
`Result ID`, `Impact`, `Solution`, `Affected Software/OS`, `Vulnerability Insight`, `Vulnerability
Detection Method`, `Product Detection Result`, `BIDs`, `CERTs`, `Other References` (newer versions
add EPSS columns). Read as the XML report is read (`openvas_xml`), so a result has the same
identity and details whichever of the two exports brought it: rule = NVT OID, severity from the
CVSS score, description = summary, evidence = the specific result; a result overridden to false
positive (score -1) is kept, suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import _greenbone
from accord.engine.vulns.parsers._csv import CsvRecord, csv_records, normalise_header
from accord.engine.vulns.parsers._values import parse_float, parse_score, parse_timestamp
from accord.engine.vulns.records import ScanFinding, cves_in, is_ip_address

FORMAT = "greenbone-csv"

ALIASES: dict[str, tuple[str, ...]] = {
    "ip": ("IP",),
    "hostname": ("Hostname",),
    "port": ("Port",),
    "protocol": ("Port Protocol",),
    "cvss": ("CVSS",),
    "severity": ("Severity",),
    "name": ("NVT Name",),
    "summary": ("Summary",),
    "result": ("Specific Result",),
    "oid": ("NVT OID",),
    "cves": ("CVEs",),
    "timestamp": ("Timestamp",),
    "solution": ("Solution",),
    "epss": ("EPSS Score", "Max EPSS Score", "EPSS"),
}
REQUIRED = ("ip", "oid", "name")


def looks_like_header(fields: list[str]) -> bool:
    names = {normalise_header(field) for field in fields}
    return {"ip", "nvt oid", "nvt name"} <= names


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    records = csv_records(stream, source, notes, aliases=ALIASES, required=REQUIRED)
    for record in records:
        yield _finding(record)


def _finding(record: CsvRecord) -> ScanFinding:
    address, hostname = record.require("ip"), record.text("hostname")
    score = record.read("cvss", parse_float)
    threat = record.text("severity")
    false_positive = _greenbone.is_false_positive(score, threat)
    if score is not None and not false_positive and not 0.0 <= score <= 10.0:
        raise record.refuse(f"column {record.columns.name('cvss')!r}: {score:g} is out of range 0-10")
    port, protocol = _greenbone.port(record.text("port"), record.text("protocol"))
    return ScanFinding(
        source_format=FORMAT,
        scanner="openvas",
        rule_id=record.require("oid"),
        title=record.require("name"),
        severity=_greenbone.severity(score, threat),
        hostname=hostname or ("" if is_ip_address(address) else address),
        ip=address if is_ip_address(address) else "",
        port=port,
        protocol=protocol,
        cves=cves_in(record.text("cves")),
        epss=record.read("epss", lambda text: parse_score(text, 1.0)),
        description=record.text("summary"),
        solution=record.text("solution"),
        evidence=record.text("result"),
        last_seen=record.read("timestamp", parse_timestamp),
        suppressed=false_positive,
        suppression_justification=_greenbone.FALSE_POSITIVE if false_positive else "",
        origin=f"line {record.line}",
    )
