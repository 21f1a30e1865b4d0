"""Tenable Nessus `.nessus` XML (NessusClientData_v2): one finding per `ReportItem`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.parsers._values import CellError, parse_epoch, parse_float, parse_int
from accord.engine.vulns.parsers._xml import XmlEvent, all_child_texts, child_text, walk
from accord.engine.vulns.records import ScanFinding, Severity, is_ip_address

FORMAT = "nessus"
_NESSUS_SEVERITY = {
    "0": Severity.INFO,
    "1": Severity.LOW,
    "2": Severity.MEDIUM,
    "3": Severity.HIGH,
    "4": Severity.CRITICAL,
}
# Child elements that say an exploit is public, and how to name that evidence.
_EXPLOIT_FLAGS = (
    ("exploit_framework_metasploit", "Metasploit"),
    ("exploit_framework_core", "Core Impact"),
    ("exploit_framework_canvas", "CANVAS"),
    ("exploited_by_malware", "exploited by malware"),
    ("exploited_by_nessus", "exploited by Nessus"),
)


@dataclass(slots=True)
class _Host:
    name: str
    hostname: str = ""
    ip: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None


def parse(stream: BinaryIO, *, source: str, **_: object) -> Iterator[ScanFinding]:
    host = _Host("")
    events = walk(
        stream,
        source,
        roots=("NessusClientData_v2",),
        records=frozenset({"HostProperties", "ReportItem"}),
        contexts=frozenset({"ReportHost"}),
        format_name="Nessus (.nessus)",
    )
    for event in events:
        tag = event.element.tag
        if tag == "ReportHost":
            if event.kind == "start":
                host = _Host(event.element.get("name", "").strip())
                _name_host(host)
            continue
        if tag == "HostProperties":
            _read_host_properties(host, event, source)
        elif tag == "ReportItem":
            if not host.name:
                raise ScanFileError(source, "ReportItem outside a named ReportHost", element=event.path)
            yield _finding(host, event, source)


def _name_host(host: _Host) -> None:
    if is_ip_address(host.name):
        host.ip = host.name
    else:
        host.hostname = host.name


def _read_host_properties(host: _Host, event: XmlEvent, source: str) -> None:
    tags = {tag.get("name", ""): (tag.text or "").strip() for tag in event.element.iterfind("tag")}
    host.ip = tags.get("host-ip") or host.ip
    host.hostname = tags.get("host-fqdn") or tags.get("hostname") or host.hostname
    try:
        host.first_seen = parse_epoch(tags.get("HOST_START_TIMESTAMP", ""))
        host.last_seen = parse_epoch(tags.get("HOST_END_TIMESTAMP", ""))
    except CellError as exc:
        raise ScanFileError(source, f"host timestamp: {exc}", element=event.path) from None


def _finding(host: _Host, event: XmlEvent, source: str) -> ScanFinding:
    item: Element = event.element
    plugin_id = item.get("pluginID", "").strip()
    if not plugin_id:
        raise ScanFileError(source, "ReportItem has no pluginID attribute", element=event.path)
    severity = _NESSUS_SEVERITY.get(item.get("severity", "").strip())
    if severity is None:
        raise ScanFileError(
            source, f"severity attribute must be 0-4, found {item.get('severity')!r}", element=event.path
        )
    try:
        port = parse_int(item.get("port", "") or "0")
        cvss3_score = _score(item, "cvss3_base_score")
        cvss4_score = _score(item, "cvss4_base_score")
        vpr = _score(item, "vpr_score")
        epss = parse_float(child_text(item, "epss_score"))
    except CellError as exc:
        raise ScanFileError(source, str(exc), element=event.path) from None
    if epss is not None and epss > 1.0:
        epss = epss / 100.0  # some Nessus versions write EPSS as a percentage
    exploit_text = child_text(item, "exploit_available").lower()
    flags = [label for tag, label in _EXPLOIT_FLAGS if child_text(item, tag).lower() == "true"]
    exploit_available: bool | None = None
    if exploit_text or flags:
        exploit_available = exploit_text == "true" or bool(flags)
    return ScanFinding(
        source_format=FORMAT,
        scanner="nessus",
        rule_id=plugin_id,
        title=item.get("pluginName", "").strip() or child_text(item, "plugin_name"),
        severity=severity,
        hostname=host.hostname,
        ip=host.ip,
        port=port,
        protocol=item.get("protocol", "").strip().lower(),
        cves=tuple(dict.fromkeys(cve.upper() for cve in all_child_texts(item, "cve"))),
        cvss3_vector=child_text(item, "cvss3_vector"),
        cvss3_score=cvss3_score,
        cvss4_vector=child_text(item, "cvss4_vector"),
        cvss4_score=cvss4_score,
        epss=epss,
        vpr=vpr,
        exploit_available=exploit_available,
        exploit_evidence=", ".join(flags) or ("exploit available" if exploit_available else ""),
        description=child_text(item, "synopsis") or child_text(item, "description"),
        solution=child_text(item, "solution"),
        evidence=child_text(item, "plugin_output"),
        first_seen=host.first_seen,
        last_seen=host.last_seen,
        origin=event.path,
    )


def _score(item: Element, tag: str) -> float | None:
    try:
        score = parse_float(child_text(item, tag))
    except CellError as exc:
        raise CellError(f"<{tag}>: {exc}") from None
    if score is not None and not 0.0 <= score <= 10.0:
        raise CellError(f"<{tag}>: {score:g} is out of range 0-10")
    return score
