"""Qualys VM CSV (scan results or vulnerability report): one finding per row.

A preamble of report metadata before the header row is skipped. Rows whose `Vuln Status` is
`Fixed` are not findings (the host no longer has them) and are left out; information-gathered
rows (`Type` = `Ig`) come through with severity `info`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.parsers._csv import Columns, CsvRows, normalise_header
from accord.engine.vulns.parsers._values import CellError, cell_error, parse_float, parse_int, parse_timestamp
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
    "solution": ("Solution",),
    "results": ("Results",),
    "exploitability": ("Exploitability",),
    "malware": ("Associated Malware",),
}
REQUIRED = ("ip", "qid", "title", "severity")
# Qualys severity levels 1-5 (minimal, medium, serious, critical, urgent).
_LEVELS = {
    "1": Severity.INFO,
    "2": Severity.LOW,
    "3": Severity.MEDIUM,
    "4": Severity.HIGH,
    "5": Severity.CRITICAL,
}
_SCORE_WITH_VECTOR = re.compile(r"^\s*(?P<score>\d+(?:[.,]\d+)?)?\s*(?:\((?P<vector>[^)]*)\))?\s*$")


def looks_like_header(fields: list[str]) -> bool:
    names = {normalise_header(field) for field in fields}
    return {"ip", "qid"} <= names


def parse(stream: BinaryIO, *, source: str, **_: object) -> Iterator[ScanFinding]:
    rows = CsvRows(stream, source, header_test=looks_like_header, max_preamble=MAX_PREAMBLE_ROWS)
    columns = Columns.find(rows.header, ALIASES)
    columns.require(REQUIRED, ALIASES, source, rows.header_line)
    for line, row in rows:
        get = columns.getter(row)
        if get("status").strip().lower() == "fixed":
            continue
        ip, qid = get("ip").strip(), get("qid").strip()
        if not ip or not qid:
            raise ScanFileError(source, f"column {'IP' if not ip else 'QID'!r} is empty", line=line)
        level = get("severity").strip()
        severity = _LEVELS.get(level)
        if severity is None:
            raise ScanFileError(source, f"column 'Severity': expected 1-5, found {level!r}", line=line)
        if get("type").strip().lower() in {"ig", "info", "information gathered"}:
            severity = Severity.INFO
        current = ""
        try:
            current = "port"
            port = parse_int(get("port"))
            current = "cvss3"
            cvss3_score, cvss3_vector = _score_and_vector(get("cvss3"), "CVSS:3.1/")
            current = "cvss4"
            cvss4_score, cvss4_vector = _score_and_vector(get("cvss4"), "CVSS:4.0/")
            current = "first"
            first_seen = parse_timestamp(get("first"))
            current = "last"
            last_seen = parse_timestamp(get("last"))
        except CellError as exc:
            raise cell_error(source, line, columns.name(current), exc) from None
        exploits = get("exploitability").strip()
        malware = get("malware").strip()
        has_exploit_info = columns.has("exploitability") or columns.has("malware")
        yield ScanFinding(
            source_format=FORMAT,
            scanner="qualys",
            rule_id=qid,
            title=get("title").strip(),
            severity=severity,
            hostname=get("fqdn").strip() or get("dns").strip() or get("netbios").strip(),
            ip=ip,
            port=port,
            protocol=get("protocol").strip().lower(),
            cves=cves_in(get("cve")),
            cvss3_vector=cvss3_vector,
            cvss3_score=cvss3_score,
            cvss4_vector=cvss4_vector,
            cvss4_score=cvss4_score,
            exploit_available=bool(exploits or malware) if has_exploit_info else None,
            exploit_evidence="; ".join(
                part for part in (exploits, malware and f"malware: {malware}") if part
            ),
            description=get("threat").strip(),
            solution=get("solution").strip(),
            evidence=get("results").strip(),
            first_seen=first_seen,
            last_seen=last_seen,
            origin=f"line {line}",
        )


def _score_and_vector(text: str, prefix: str) -> tuple[float | None, str]:
    """`8.1 (AV:N/AC:H/...)` -> (8.1, "CVSS:3.1/AV:N/AC:H/..."). Qualys omits the version prefix."""
    if not text.strip():
        return None, ""
    match = _SCORE_WITH_VECTOR.match(text)
    if match is None:
        raise CellError(f"expected 'score (vector)', found {text.strip()!r}")
    score = parse_float(match.group("score") or "")
    if score is not None and not 0.0 <= score <= 10.0:
        raise CellError(f"{score:g} is out of range 0-10")
    vector = (match.group("vector") or "").strip()
    if vector and not vector.upper().startswith("CVSS:"):
        vector = prefix + vector
    return score, vector
