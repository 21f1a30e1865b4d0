"""Qualys VM scan report as XML (`ASSET_DATA_REPORT`, asset_data_report.dtd): one finding per `VULN_INFO`.

Each `HOST` names the asset (`IP`, `DNS`, `NETBIOS`) and lists its detections (`VULN_INFO`: `QID`,
`TYPE` Vuln / Practice / Ig, `PORT`, `PROTOCOL`, `FQDN`, `RESULT`, `FIRST_FOUND`, `LAST_FOUND`,
`VULN_STATUS`). What a QID is (title, severity 1-5, threat, impact, solution, CVSS, CVEs, known
exploits and malware) comes once per QID in the `GLOSSARY` at the end of the report, so detections
wait in a spool (`_spool.Spool`) until it is read. Detections with status Fixed are left out and
counted in the notes; information gathered (`Ig`) has severity `info`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import _qualys
from accord.engine.vulns.parsers._spool import Spool
from accord.engine.vulns.parsers._values import CellError, parse_int, parse_timestamp
from accord.engine.vulns.parsers._xml import XmlEvent, child_text, ignore_unread, walk
from accord.engine.vulns.records import ScanFinding, Severity, cves_in, is_ip_address

FORMAT = "qualys-xml"
_HOST_DETAILS = frozenset({"IP", "IPV6", "DNS", "NETBIOS"})
# Each record and the element it sits in.
_PARENTS = {**dict.fromkeys(_HOST_DETAILS, "HOST"), "VULN_INFO": "VULN_INFO_LIST", "VULN_DETAILS": "VULN_DETAILS_LIST"}
_DETECTION_READ = frozenset({
    "QID", "TYPE", "PORT", "PROTOCOL", "FQDN", "RESULT", "FIRST_FOUND", "LAST_FOUND", "VULN_STATUS",
})  # fmt: skip
_DETAILS_READ = frozenset({
    "QID", "TITLE", "SEVERITY", "THREAT", "IMPACT", "SOLUTION", "CVSS3_SCORE", "CVE_ID_LIST", "CORRELATION",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Details:
    """A QID as the glossary describes it."""

    title: str
    severity: str
    description: str
    solution: str
    cvss3: str
    cves: tuple[str, ...]
    exploits: tuple[str, ...]
    correlated: bool
    path: str


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    spool = Spool()
    glossary: dict[str, _Details] = {}
    try:
        _read(stream, source, notes, spool, glossary)
    except BaseException:
        spool.close()
        raise
    exploit_info = any(details.correlated for details in glossary.values())
    for detection in spool.replay():
        yield _finding(detection, glossary, source, exploit_info=exploit_info)


def _read(stream: BinaryIO, source: str, notes: ParseNotes, spool: Spool, glossary: dict[str, _Details]) -> None:
    host: dict[str, str] = {}
    fixed = 0
    events = walk(
        stream,
        source,
        roots=("ASSET_DATA_REPORT",),
        records=frozenset(_PARENTS),
        parents=_PARENTS,
        contexts=frozenset({"HOST"}),
        format_name="Qualys scan report (ASSET_DATA_REPORT)",
        notes=notes,
    )
    for event in events:
        tag = event.element.tag
        if tag == "HOST":
            if event.kind == "start":
                host = {}
        elif tag in _HOST_DETAILS:
            host[tag] = (event.element.text or "").strip()
        elif tag == "VULN_INFO":
            if _qualys.is_fixed(child_text(event.element, "VULN_STATUS")):
                fixed += 1
                continue
            ignore_unread(event.element, _DETECTION_READ, notes, "VULN_INFO")
            spool.append(_detection(event, host, source))
        else:  # VULN_DETAILS
            ignore_unread(event.element, _DETAILS_READ, notes, "VULN_DETAILS", attributes=frozenset({"id"}))
            glossary[_qid(event, source)] = _details(event)
    _qualys.note_fixed(notes, fixed)


def _qid(event: XmlEvent, source: str) -> str:
    qid = child_text(event.element, "QID")
    if not qid:
        raise ScanFileError(source, "VULN_DETAILS has no QID", element=event.path)
    return qid


def _detection(event: XmlEvent, host: dict[str, str], source: str) -> dict[str, Any]:
    """What the finding needs from a `VULN_INFO` and its host, as plain strings for the spool."""
    item = event.element
    ip = host.get("IP") or host.get("IPV6", "")
    name = host.get("DNS") or host.get("NETBIOS", "")
    if not (ip or name):
        raise ScanFileError(source, "VULN_INFO of a HOST without IP or DNS", element=event.path)
    qid = child_text(item, "QID")
    if not qid:
        raise ScanFileError(source, "VULN_INFO has no QID", element=event.path)
    return {
        "ip": ip, "name": name, "qid": qid, "path": event.path,
        **{tag: child_text(item, tag) for tag in ("TYPE", "PORT", "PROTOCOL", "FQDN", "FIRST_FOUND", "LAST_FOUND")},
        "RESULT": (item.findtext("RESULT") or "").strip(),
    }  # fmt: skip


def _details(event: XmlEvent) -> _Details:
    entry = event.element
    sources = [child_text(src, "SRC_NAME") for src in entry.iterfind("CORRELATION/EXPLOITABILITY/EXPLT_SRC")]
    malware = [child_text(src, "SRC_NAME") for src in entry.iterfind("CORRELATION/MALWARE/MW_SRC")]
    return _Details(
        title=child_text(entry, "TITLE"),
        severity=child_text(entry, "SEVERITY"),
        description=_qualys.describe(child_text(entry, "THREAT"), _qualys.given(child_text(entry, "IMPACT"))),
        solution=_qualys.given(child_text(entry, "SOLUTION")),
        cvss3=child_text(entry, "CVSS3_SCORE/CVSS3_BASE"),
        cves=cves_in(" ".join(child_text(cve, "ID") for cve in entry.iterfind("CVE_ID_LIST/CVE_ID"))),
        exploits=tuple(filter(None, sources)) + tuple(f"malware: {name}" for name in malware if name),
        correlated=entry.find("CORRELATION") is not None,
        path=event.path,
    )


def _finding(detection: dict[str, Any], glossary: dict[str, _Details], source: str, *, exploit_info: bool) -> ScanFinding:
    path = detection["path"]
    details = glossary.get(detection["qid"])
    if details is None:
        raise ScanFileError(
            source,
            f"QID {detection['qid']} has no VULN_DETAILS in the report's GLOSSARY (export the report with "
            "vulnerability details)",
            element=path,
        )
    try:
        severity = _qualys.level(details.severity)
        cvss3_score, cvss3_vector = _qualys.score_and_vector(details.cvss3)
        port = parse_int(detection["PORT"])
        first_seen, last_seen = parse_timestamp(detection["FIRST_FOUND"]), parse_timestamp(detection["LAST_FOUND"])
    except CellError as exc:
        raise ScanFileError(source, str(exc), element=path) from None
    ip, name = detection["ip"], detection["name"]
    return ScanFinding(
        source_format=FORMAT,
        scanner="qualys",
        rule_id=detection["qid"],
        title=details.title,
        severity=Severity.INFO if _qualys.is_information(detection["TYPE"]) else severity,
        hostname=name or ("" if is_ip_address(ip) else ip),
        ip=ip if is_ip_address(ip) else "",
        port=port,
        protocol=detection["PROTOCOL"].lower(),
        location=detection["FQDN"],
        cves=details.cves,
        cvss3_vector=cvss3_vector,
        cvss3_score=cvss3_score,
        exploit_available=bool(details.exploits) if exploit_info else None,
        exploit_evidence=", ".join(details.exploits),
        description=details.description,
        solution=details.solution,
        evidence=detection["RESULT"],
        first_seen=first_seen,
        last_seen=last_seen,
        origin=path,
    )
