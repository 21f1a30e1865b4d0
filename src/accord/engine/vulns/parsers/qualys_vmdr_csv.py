"""Qualys VMDR CSV export (e.g. the "Asset Vuln Datalist Report"): one finding per row.

Lines of report metadata (title, company, user) come before the header, which names the asset
(`Asset Name`, `Asset IPV4`, `Asset IPV6`), the detection (`QID`, `Title`, `Severity` 1-5,
`Type Detected`, `Status`, `Port`, `Protocol`, `First Detected`, `Last Detected`, `Results`) and
the vulnerability (`CVE` with one CVE per row, as Nessus writes them, `CVSSv3.1 Base (nvd)`,
`Threat`, `Solution`, the real-time threat indicators `RTI`).

Rows with `Status` Fixed are left out and counted in the notes; rows Qualys marks `Ignored` or
`Disabled` are kept, suppressed, with that as the justification.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import _qualys
from accord.engine.vulns.parsers._csv import CsvRecord, csv_records, normalise_header
from accord.engine.vulns.parsers._values import parse_bool, parse_int, parse_timestamp
from accord.engine.vulns.records import ScanFinding, Severity, cves_in, is_ip_address

FORMAT = "qualys-vmdr"
MAX_PREAMBLE_ROWS = 20

ALIASES: dict[str, tuple[str, ...]] = {
    "qid": ("QID",),
    "title": ("Title", "Vulnerability Title"),
    "severity": ("Severity", "KB Severity"),
    "type": ("Type Detected", "Type"),
    "status": ("Status", "Vuln Status"),
    "asset_name": ("Asset Name",),
    "fqdn": ("Asset FQDN", "FQDN", "DNS"),
    "ipv4": ("Asset IPV4", "Asset IPv4 Address"),
    "ipv6": ("Asset IPV6", "Asset IPv6 Address"),
    "port": ("Port",),
    "protocol": ("Protocol",),
    "first": ("First Detected",),
    "last": ("Last Detected",),
    "cve": ("CVE", "CVE ID", "CVE IDs"),
    "cvss3": ("CVSSv3.1 Base (nvd)", "CVSSv3.1 Base", "CVSS3.1 Base", "CVSSv3 Base (nvd)", "CVSS3 Base"),
    "cvss4": ("CVSSv4 Base (nvd)", "CVSSv4.0 Base (nvd)", "CVSS4 Base"),
    "threat": ("Threat",),
    "impact": ("Impact",),
    "solution": ("Solution",),
    "results": ("Results",),
    "rti": ("RTI", "Real Time Threat Indicators"),
    "ignored": ("Ignored",),
    "disabled": ("Disabled",),
}
REQUIRED = ("qid", "title", "severity")
# Real-time threat indicators that say an exploit exists or is in use (not mere properties such
# as "Remote Code Execution" or "No Patch").
_EXPLOIT_INDICATORS = re.compile(
    r"exploit public|public exploit|active(?:ly)? (?:attack|exploit)|exploit kit|malware|ransomware|"
    r"known exploited|easy exploit|wormable",
    re.IGNORECASE,
)


def looks_like_header(fields: list[str]) -> bool:
    names = {normalise_header(field) for field in fields}
    return "qid" in names and bool({"asset ipv4", "asset name", "asset id"} & names)


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
        expected="the columns 'QID' and 'Asset IPV4' or 'Asset Name' (a Qualys VMDR export)",
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
    name = record.text("fqdn") or record.text("asset_name")
    ip = record.text("ipv4") or record.text("ipv6")
    if not ip and is_ip_address(name):
        name, ip = "", name
    if not (name or ip):
        raise record.refuse("no asset: 'Asset Name' and 'Asset IPV4' are both empty")
    cvss3_score, cvss3_vector = record.read("cvss3", _qualys.score_and_vector)
    cvss4_score, cvss4_vector = record.read("cvss4", _qualys.score_and_vector)
    rti = record.text("rti")
    why_suppressed = _suppression(record)
    return ScanFinding(
        source_format=FORMAT,
        scanner="qualys",
        rule_id=record.require("qid"),
        title=record.text("title"),
        severity=severity,
        hostname=name,
        ip=ip,
        port=record.read("port", parse_int),
        protocol=record.text("protocol").lower(),
        cves=cves_in(record.text("cve")),
        cvss3_vector=cvss3_vector,
        cvss3_score=cvss3_score,
        cvss4_vector=cvss4_vector,
        cvss4_score=cvss4_score,
        exploit_available=bool(_EXPLOIT_INDICATORS.search(rti)) if record.columns.has("rti") else None,
        exploit_evidence=rti if _EXPLOIT_INDICATORS.search(rti) else "",
        description=_qualys.describe(record.text("threat"), record.text("impact")),
        solution=record.text("solution"),
        evidence=_qualys.given(record.text("results")),
        first_seen=record.read("first", parse_timestamp),
        last_seen=record.read("last", parse_timestamp),
        suppressed=bool(why_suppressed),
        suppression_justification=why_suppressed,
        origin=f"line {record.line}",
    )


def _suppression(record: CsvRecord) -> str:
    if record.read("ignored", parse_bool):
        return "ignored in Qualys VMDR"
    if record.read("disabled", parse_bool):
        return "QID disabled in Qualys VMDR"
    return ""
