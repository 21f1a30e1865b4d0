"""Qualys scan results as XML, downloaded from the web GUI (`SCAN`, scan-1.dtd): one finding per check.

`IP value=... name=...` is the host (its DNS name, or "No registered hostname"); under it the
categories (`CAT value=... port=... protocol=... fqdn=...`) of confirmed vulnerabilities (`VULNS`),
potential ones (`PRACTICES`) and information gathered (`INFOS`) hold the checks (`VULN`, `PRACTICE`,
`INFO` with `number` = QID and `severity` 1-5; `TITLE`, `CVSS3_BASE`, `CVE_ID_LIST`, `DIAGNOSIS`,
`CONSEQUENCE`, `SOLUTION`, `RESULT`). Everything a check needs is inside it, so it streams.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import _qualys
from accord.engine.vulns.parsers._values import CellError, parse_int
from accord.engine.vulns.parsers._xml import XmlEvent, child_text, ignore_unread, walk
from accord.engine.vulns.records import ScanFinding, Severity, cves_in, is_ip_address

FORMAT = "qualys-scan-xml"
_CHECKS = {"VULN": "VULNS", "PRACTICE": "PRACTICES", "INFO": "INFOS"}  # check -> its list element
_CHECK_READ = frozenset({"TITLE", "CVSS3_BASE", "CVE_ID_LIST", "DIAGNOSIS", "CONSEQUENCE", "SOLUTION", "RESULT"})
_CATEGORY_READ = frozenset({"port", "protocol", "fqdn"})
_NO_HOSTNAME = "no registered hostname"


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    host = ("", "")
    category: dict[str, str] = {}
    events = walk(
        stream,
        source,
        roots=("SCAN",),
        records=frozenset({*_CHECKS, "NETBIOS_HOSTNAME"}),
        parents={**dict.fromkeys(_CHECKS, "CAT"), "NETBIOS_HOSTNAME": "IP"},
        contexts=frozenset({"IP", "CAT"}),
        format_name="Qualys scan (SCAN)",
        notes=notes,
    )
    for event in events:
        tag = event.element.tag
        if event.kind == "start":
            if tag == "IP":
                host, category = _host(event, source), {}
            elif tag == "CAT":
                category = dict(event.element.attrib)
                for name in category.keys() - _CATEGORY_READ:
                    notes.ignore(f"CAT@{name}")
            continue
        if tag in _CHECKS:
            ignore_unread(event.element, _CHECK_READ, notes, tag, attributes=frozenset({"number", "severity", "cveid"}))
            yield _finding(event, host, category, source)
        elif tag == "NETBIOS_HOSTNAME" and not host[0]:
            host = ((event.element.text or "").strip(), host[1])


def _host(event: XmlEvent, source: str) -> tuple[str, str]:
    """(hostname, ip) from `<IP value="10.0.0.1" name="host.example">`."""
    address = event.element.get("value", "").strip()
    if not address:
        raise ScanFileError(source, "IP element without a value (the host's address)", element=event.path)
    name = event.element.get("name", "").strip()
    if name.lower() == _NO_HOSTNAME:
        name = ""
    if not is_ip_address(address):
        return name or address, ""
    return name, address


def _finding(event: XmlEvent, host: tuple[str, str], category: dict[str, str], source: str) -> ScanFinding:
    check = event.element
    qid = check.get("number", "").strip()
    if not qid:
        raise ScanFileError(source, f"{check.tag} has no number (its QID)", element=event.path)
    hostname, ip = host
    if not (hostname or ip):
        raise ScanFileError(source, f"{check.tag} outside an IP element", element=event.path)
    try:
        severity = _qualys.level(check.get("severity", ""))
        cvss3_score, cvss3_vector = _qualys.score_and_vector(child_text(check, "CVSS3_BASE"))
        port = parse_int(category.get("port", ""))
    except CellError as exc:
        raise ScanFileError(source, str(exc), element=event.path) from None
    cve_text = " ".join([check.get("cveid", ""), *(child_text(cve, "ID") for cve in check.iterfind("CVE_ID_LIST/CVE_ID"))])
    return ScanFinding(
        source_format=FORMAT,
        scanner="qualys",
        rule_id=qid,
        title=child_text(check, "TITLE"),
        severity=Severity.INFO if check.tag == "INFO" else severity,
        hostname=hostname,
        ip=ip,
        port=port,
        protocol=category.get("protocol", "").strip().lower(),
        location=category.get("fqdn", "").strip(),
        cves=cves_in(cve_text),
        cvss3_vector=cvss3_vector,
        cvss3_score=cvss3_score,
        description=_qualys.describe(child_text(check, "DIAGNOSIS"), child_text(check, "CONSEQUENCE")),
        solution=child_text(check, "SOLUTION"),
        evidence=child_text(check, "RESULT"),
        origin=event.path,
    )
