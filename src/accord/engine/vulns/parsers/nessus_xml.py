"""Tenable Nessus `.nessus` XML (NessusClientData_v2): one finding per `ReportItem`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._values import CellError, parse_epoch, parse_float, parse_int
from accord.engine.vulns.parsers._xml import XmlEvent, all_child_texts, child_text, ignore_unread, walk
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


_HOST_TAGS_READ = frozenset({"host-ip", "host-fqdn", "hostname", "HOST_START_TIMESTAMP", "HOST_END_TIMESTAMP"})
_ITEM_ATTRIBUTES = frozenset({"pluginID", "pluginName", "severity", "port", "protocol"})
_ITEM_READ = frozenset({
    "plugin_name", "cve", "cvss3_vector", "cvss3_base_score", "cvss4_vector", "cvss4_base_score", "vpr_score",
    "epss_score", "exploit_available", "synopsis", "description", "solution", "plugin_output",
    *(tag for tag, _ in _EXPLOIT_FLAGS),
})  # fmt: skip


@dataclass(slots=True)
class _Host:
    name: str
    hostname: str = ""
    ip: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    host = _Host("")
    events = walk(
        stream,
        source,
        roots=("NessusClientData_v2",),
        records=frozenset({"HostProperties", "ReportItem"}),
        contexts=frozenset({"ReportHost"}),
        format_name="Nessus (.nessus)",
        notes=notes,
    )
    for event in events:
        tag = event.element.tag
        if tag == "ReportHost":
            if event.kind == "start":
                host = _Host(event.element.get("name", "").strip())
                _name_host(host)
            continue
        if tag == "HostProperties":
            _read_host_properties(host, event, source, notes)
        elif tag == "ReportItem":
            if not host.name:
                raise ScanFileError(source, "ReportItem outside a named ReportHost", element=event.path)
            ignore_unread(event.element, _ITEM_READ, notes, "ReportItem", attributes=_ITEM_ATTRIBUTES)
            yield _finding(host, event, source)


def _name_host(host: _Host) -> None:
    if is_ip_address(host.name):
        host.ip = host.name
    else:
        host.hostname = host.name


def _read_host_properties(host: _Host, event: XmlEvent, source: str, notes: ParseNotes) -> None:
    tags = {tag.get("name", ""): (tag.text or "").strip() for tag in event.element.iterfind("tag")}
    for name, value in tags.items():
        if value and name not in _HOST_TAGS_READ:
            notes.ignore(f"HostProperties/tag[@name={_family(name)}]")
    host.ip = tags.get("host-ip") or host.ip
    host.hostname = tags.get("host-fqdn") or tags.get("hostname") or host.hostname
    try:
        host.first_seen = parse_epoch(tags.get("HOST_START_TIMESTAMP", ""))
        host.last_seen = parse_epoch(tags.get("HOST_END_TIMESTAMP", ""))
    except CellError as exc:
        raise ScanFileError(source, f"host timestamp: {exc}", element=event.path) from None


def _family(tag_name: str) -> str:
    """`cpe-3` -> `cpe-N`, `patch-summary-txt-<md5>` -> `patch-summary-txt-*`: one summary line per kind."""
    return _NUMBERED.sub("-N", _HASHED.sub("-*", tag_name))


_HASHED = re.compile(r"-[0-9a-f]{16,}$")
_NUMBERED = re.compile(r"-\d+$")


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
