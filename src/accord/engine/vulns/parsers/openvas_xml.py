"""Greenbone / OpenVAS XML report (GMP `get_reports`): one finding per `results/result`.

Handles both the bare `<report>` and the `<get_reports_response>` envelope. A result whose
severity an override set to -1 ("False Positive") is kept but suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import _greenbone
from accord.engine.vulns.parsers._values import CellError, parse_float, parse_timestamp
from accord.engine.vulns.parsers._xml import XmlEvent, child_text, ignore_unread, walk
from accord.engine.vulns.records import ScanFinding, is_ip_address

FORMAT = "openvas"


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    for event in walk(
        stream,
        source,
        roots=("report", "get_reports_response"),
        records=frozenset({"result"}),
        # `result` also names elements elsewhere in GMP (e.g. inside host details): only
        # children of `results` are findings.
        parents={"result": "results"},
        format_name="Greenbone/OpenVAS report",
        notes=notes,
    ):
        ignore_unread(event.element, _RESULT_READ, notes, "result", attributes=frozenset({"id"}))
        yield _finding(event, source)


_RESULT_READ = frozenset({"nvt", "host", "port", "severity", "threat", "name", "description", "creation_time"})


def _finding(event: XmlEvent, source: str) -> ScanFinding:
    result = event.element
    nvt = result.find("nvt")
    if nvt is None or not nvt.get("oid", "").strip():
        raise ScanFileError(source, "result has no <nvt oid=...>", element=event.path)
    host = result.find("host")
    address = (host.text or "").strip() if host is not None else ""
    hostname = child_text(host, "hostname") if host is not None else ""
    if not address and not hostname:
        raise ScanFileError(source, "result has no <host>", element=event.path)
    try:
        severity_score = parse_float(child_text(result, "severity"))
        epss = _max_epss(nvt)
        seen = parse_timestamp(child_text(result, "creation_time"))
    except CellError as exc:
        raise ScanFileError(source, str(exc), element=event.path) from None
    threat = child_text(result, "threat")
    false_positive = _greenbone.is_false_positive(severity_score, threat)
    port, protocol = _greenbone.split_port(child_text(result, "port"))
    cvss3_vector, cvss4_vector = _vectors(nvt)
    tags = _tags(child_text(nvt, "tags"))
    solution = nvt.find("solution")
    cves = tuple(
        dict.fromkeys(
            ref.get("id", "").upper() for ref in nvt.iterfind("refs/ref") if ref.get("type") == "cve"
        )
    )
    return ScanFinding(
        source_format=FORMAT,
        scanner="openvas",
        rule_id=nvt.get("oid", "").strip(),
        title=child_text(result, "name") or child_text(nvt, "name"),
        severity=_greenbone.severity(severity_score, threat),
        hostname=hostname or ("" if is_ip_address(address) else address),
        ip=address if is_ip_address(address) else "",
        port=port,
        protocol=protocol,
        cves=cves,
        cvss3_vector=cvss3_vector,
        cvss3_score=severity_score if cvss3_vector and not false_positive else None,
        cvss4_vector=cvss4_vector,
        epss=epss,
        description=tags.get("summary", ""),
        solution=((solution.text or "").strip() if solution is not None else "") or tags.get("solution", ""),
        evidence=child_text(result, "description"),
        last_seen=seen,
        suppressed=false_positive,
        suppression_justification=_greenbone.FALSE_POSITIVE if false_positive else "",
        origin=event.path,
    )


def _vectors(nvt: Element) -> tuple[str, str]:
    v3 = v4 = ""
    for severity in nvt.iterfind("severities/severity"):
        vector = child_text(severity, "value")
        kind = severity.get("type", "")
        if kind.startswith("cvss_base_v3") and not v3:
            v3 = vector
        elif kind.startswith("cvss_base_v4") and not v4:
            v4 = vector
    if not v3:
        v3 = _tags(child_text(nvt, "tags")).get("cvss_base_vector", "")
        v3 = v3 if v3.startswith("CVSS:3") else ""
    return v3, v4


def _max_epss(nvt: Element) -> float | None:
    """The highest EPSS among the NVT's CVEs, as Greenbone reports it."""
    return parse_float(child_text(nvt, "epss/max_epss/score"))


def _tags(text: str) -> dict[str, str]:
    """`key=value|key=value` (Greenbone's NVT tag string)."""
    pairs = (part.partition("=") for part in text.split("|"))
    return {key.strip(): value.strip() for key, _, value in pairs if key.strip()}
