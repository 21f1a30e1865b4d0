"""Qualys PCI (and HackerGuardian, its resold form) CSV export: one finding per row.

Upper-case headers: `IP`, `HOSTNAME`, `QID`, `VULN TITLE`, `TYPE`, `SEVERITY` (the PCI severity in
words or their first letter: High, Medium, Low, or H/M/L), `Q_SEVERITY` (the Qualys level 1-5, used
when `SEVERITY` is empty), `PORT`, `PROTOCOL`, `THREAT`, `IMPACT`, `SOLUTION`, `RESULT`, `CVEID`,
`LAST SCAN`, `FALSE POSITIVE STATUS`. A row whose false-positive request was approved is kept,
suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import _qualys
from accord.engine.vulns.parsers._csv import CsvRecord, csv_records, normalise_header
from accord.engine.vulns.parsers._values import CellError, parse_int, parse_timestamp
from accord.engine.vulns.records import ScanFinding, Severity, cves_in, is_ip_address

FORMAT = "qualys-pci"

ALIASES: dict[str, tuple[str, ...]] = {
    "ip": ("IP",),
    "hostname": ("HOSTNAME", "DNS"),
    "qid": ("QID",),
    "title": ("VULN TITLE",),
    "type": ("TYPE",),
    "severity": ("SEVERITY", "PCI SEVERITY"),
    "q_severity": ("Q_SEVERITY",),
    "port": ("PORT",),
    "protocol": ("PROTOCOL",),
    "threat": ("THREAT",),
    "impact": ("IMPACT",),
    "solution": ("SOLUTION",),
    "result": ("RESULT",),
    "cve": ("CVEID", "CVE ID", "CVE"),
    "last": ("LAST SCAN",),
    "false_positive": ("FALSE POSITIVE STATUS",),
}
REQUIRED = ("ip", "qid", "title")
_LETTERS = {"c": Severity.CRITICAL, "u": Severity.CRITICAL, "h": Severity.HIGH, "m": Severity.MEDIUM,
            "l": Severity.LOW, "i": Severity.INFO}  # fmt: skip
_APPROVED = frozenset({"approved", "accepted", "yes", "true"})


def looks_like_header(fields: list[str]) -> bool:
    names = {normalise_header(field) for field in fields}
    return {"ip", "qid", "vuln title"} <= names


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    records = csv_records(
        stream,
        source,
        notes,
        aliases=ALIASES,
        required=REQUIRED,
        header_test=looks_like_header,
        expected="the columns 'IP', 'QID' and 'VULN TITLE' (a Qualys PCI export)",
    )
    for record in records:
        yield _finding(record)


def _finding(record: CsvRecord) -> ScanFinding:
    ip = record.require("ip")
    hostname = record.text("hostname")
    status = _qualys.given(record.text("false_positive")).lower()
    suppressed = status in _APPROVED
    return ScanFinding(
        source_format=FORMAT,
        scanner="qualys",
        rule_id=record.require("qid"),
        title=record.require("title"),
        severity=_severity(record),
        hostname="" if is_ip_address(hostname) else hostname,
        ip=ip,
        port=record.read("port", parse_int),
        protocol=record.text("protocol").lower(),
        cves=cves_in(record.text("cve")),
        description=_qualys.describe(record.text("threat"), record.text("impact")),
        solution=record.text("solution"),
        evidence=record.text("result"),
        last_seen=record.read("last", parse_timestamp),
        suppressed=suppressed,
        suppression_justification="false positive approved in Qualys PCI" if suppressed else "",
        origin=f"line {record.line}",
    )


def _severity(record: CsvRecord) -> Severity:
    if _qualys.is_information(record.text("type")):
        return Severity.INFO
    word = record.text("severity")
    if not word:
        return record.read("q_severity", _qualys.level)
    return record.read("severity", _word_severity)


def _word_severity(text: str) -> Severity:
    severity = Severity.from_label(text) or _LETTERS.get(text.lower()) or _qualys.LEVELS.get(text)
    if severity is None:
        raise CellError(f"expected High, Medium, Low (or H/M/L) or a level 1-5, found {text!r}")
    return severity
