"""Qualys VM CSV (scan results or vulnerability report): one finding per row.

A preamble of report metadata before the header row is skipped. Rows whose `Vuln Status` is
`Fixed` are not findings (the host no longer has them): they are left out and counted in the
notes. Information-gathered rows (`Type` = `Ig`) come through with severity `info`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import _qualys
from accord.engine.vulns.parsers._csv import CsvRecord, csv_records, normalise_header
from accord.engine.vulns.parsers._values import parse_int, parse_timestamp
from accord.engine.vulns.records import ScanFinding, Severity, cves_in

FORMAT = "qualys"
MAX_PREAMBLE_ROWS = 100

ALIASES: dict[str, tuple[str, ...]] = {
    "ip": ("IP",),
    "dns": ("DNS", "DNS Name"),
    "fqdn": ("FQDN",),
    "netbios": ("NetBIOS",),
    "qid": ("QID",),
    "title": ("Title",),
    "status": ("Vuln Status", "Status"),
    "type": ("Type",),
    "severity": ("Severity",),
    "port": ("Port",),
    "protocol": ("Protocol",),
    "first": ("First Detected",),
    "last": ("Last Detected",),
    "cve": ("CVE ID", "CVE"),
    "cvss3": ("CVSS3.1 Base", "CVSS3 Base", "CVSS3.1"),
    "cvss4": ("CVSS4 Base", "CVSS4.0 Base"),
    "threat": ("Threat",),
    "impact": ("Impact",),
    "solution": ("Solution",),
    "results": ("Results",),
    "exploitability": ("Exploitability",),
    "malware": ("Associated Malware",),
}
REQUIRED = ("ip", "qid", "title", "severity")


def looks_like_header(fields: list[str]) -> bool:
    names = {normalise_header(field) for field in fields}
    return {"ip", "qid"} <= names


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    records = csv_records(
        stream,
        source,
        notes,
        aliases=ALIASES,
        required=REQUIRED,
        header_test=looks_like_header,
        max_preamble=MAX_PREAMBLE_ROWS,
        expected="the columns 'IP' and 'QID' (a Qualys scan or vulnerability report)",
    )
    fixed = 0
    for record in records:
        if _qualys.is_fixed(record.text("status")):
            fixed += 1
            continue
        yield _finding(record)
    _qualys.note_fixed(notes, fixed, "row(s)")


def _finding(record: CsvRecord) -> ScanFinding:
    severity = record.read("severity", _qualys.level)
    if _qualys.is_information(record.text("type")):
        severity = Severity.INFO
    cvss3_score, cvss3_vector = record.read("cvss3", _qualys.score_and_vector)
    cvss4_score, cvss4_vector = record.read("cvss4", _qualys.score_and_vector)
    exploits, malware = record.text("exploitability"), record.text("malware")
    has_exploit_info = record.columns.has("exploitability") or record.columns.has("malware")
    return ScanFinding(
        source_format=FORMAT,
        scanner="qualys",
        rule_id=record.require("qid"),
        title=record.text("title"),
        severity=severity,
        hostname=record.text("fqdn") or record.text("dns") or record.text("netbios"),
        ip=record.require("ip"),
        port=record.read("port", parse_int),
        protocol=record.text("protocol").lower(),
        cves=cves_in(record.text("cve")),
        cvss3_vector=cvss3_vector,
        cvss3_score=cvss3_score,
        cvss4_vector=cvss4_vector,
        cvss4_score=cvss4_score,
        exploit_available=bool(exploits or malware) if has_exploit_info else None,
        exploit_evidence="; ".join(part for part in (exploits, malware and f"malware: {malware}") if part),
        description=_qualys.describe(record.text("threat"), record.text("impact")),
        solution=record.text("solution"),
        evidence=record.text("results"),
        first_seen=record.read("first", parse_timestamp),
        last_seen=record.read("last", parse_timestamp),
        origin=f"line {record.line}",
    )
