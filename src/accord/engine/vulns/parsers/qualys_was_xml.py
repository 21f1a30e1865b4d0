"""Qualys Web Application Scanning report as XML (`WAS_SCAN_REPORT` or `WAS_WEBAPP_REPORT`).

One finding per detection: each confirmed or potential vulnerability (`VULNERABILITY`: `QID`,
`URL`, `PARAM`, `PAYLOADS`, `STATUS`, `IGNORED`), each piece of sensitive content
(`SENSITIVE_CONTENT`) and each piece of information gathered (`INFORMATION_GATHERED`: `QID`,
base64 `DATA`). The asset is the web server named by the detection's URL (information gathered
has none: the web application's URL, from `WEB_APPLICATION/URL` or the appendix's `WEBAPP/URL`);
the location is the URL and parameter. Title, severity (1-5), description, impact and solution
come from the `GLOSSARY`, after the results, so detections wait in a spool until it is read.
Detections with status FIXED are left out and counted in the notes; ignored ones are suppressed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers import _qualys
from accord.engine.vulns.parsers._spool import Spool
from accord.engine.vulns.parsers._values import CellError, parse_bool, parse_timestamp
from accord.engine.vulns.parsers._xml import XmlEvent, child_text, ignore_unread, walk
from accord.engine.vulns.records import ScanFinding, Severity, is_ip_address

FORMAT = "qualys-was"
# Detection element -> (the list it sits in, the children read from it).
_DETECTIONS = {
    "VULNERABILITY": ("VULNERABILITY_LIST", frozenset({
        "QID", "URL", "PARAM", "PAYLOADS", "STATUS", "IGNORED", "IGNORED_REASON", "IGNORED_COMMENT",
        "FIRST_TIME_DETECTED", "LAST_TIME_DETECTED", "DETECTION_DATE",
    })),
    "SENSITIVE_CONTENT": ("SENSITIVE_CONTENT_LIST", frozenset({
        "QID", "URL", "CONTENT", "STATUS", "IGNORED", "FIRST_TIME_DETECTED", "LAST_TIME_DETECTED", "DETECTION_DATE",
    })),
    "INFORMATION_GATHERED": ("INFORMATION_GATHERED_LIST", frozenset({
        "QID", "DATA", "FIRST_TIME_DETECTED", "LAST_TIME_DETECTED", "DETECTION_DATE",
    })),
}  # fmt: skip
# Each record and the element it sits in (the same tags elsewhere are summary counts).
_PARENTS = {
    **{tag: parent for tag, (parent, _) in _DETECTIONS.items()},
    "QID": "QID_LIST",
    "WEBAPP": "APPENDIX",
    "URL": "WEB_APPLICATION",
}
_GLOSSARY_READ = frozenset({"QID", "TITLE", "SEVERITY", "DESCRIPTION", "IMPACT", "SOLUTION", "CVSS_V3"})


@dataclass(frozen=True, slots=True)
class _Details:
    title: str
    severity: str
    description: str
    solution: str
    cvss3: str


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    spool = Spool()
    glossary: dict[str, _Details] = {}
    try:
        webapp_url = _read(stream, source, notes, spool, glossary)
    except BaseException:
        spool.close()
        raise
    for detection in spool.replay():
        yield _finding(detection, glossary, webapp_url, source)


def _read(stream: BinaryIO, source: str, notes: ParseNotes, spool: Spool, glossary: dict[str, _Details]) -> str:
    """Spool the detections and fill the glossary; return the web application's URL."""
    webapp_url = ""
    fixed = 0
    events = walk(
        stream,
        source,
        roots=("WAS_SCAN_REPORT", "WAS_WEBAPP_REPORT"),
        records=frozenset(_PARENTS),
        parents=_PARENTS,
        format_name="Qualys WAS report",
        notes=notes,
    )
    for event in events:
        tag = event.element.tag
        if tag in _DETECTIONS:
            if _qualys.is_fixed(child_text(event.element, "STATUS")):
                fixed += 1
                continue
            ignore_unread(event.element, _DETECTIONS[tag][1], notes, tag)
            spool.append(_detection(event, source))
        elif tag == "QID":
            ignore_unread(event.element, _GLOSSARY_READ, notes, "GLOSSARY/QID")
            glossary[child_text(event.element, "QID")] = _details(event.element)
        elif tag == "WEBAPP":
            webapp_url = child_text(event.element, "URL") or webapp_url
            ignore_unread(event.element, frozenset({"URL"}), notes, "WEBAPP")
        else:  # WEB_APPLICATION/URL
            webapp_url = (event.element.text or "").strip()
    _qualys.note_fixed(notes, fixed)
    return webapp_url


def _detection(event: XmlEvent, source: str) -> dict[str, Any]:
    """What the finding needs from a detection, as plain strings for the spool."""
    item = event.element
    qid = child_text(item, "QID")
    if not qid:
        raise ScanFileError(source, f"{item.tag} has no QID", element=event.path)
    ignored = child_text(item, "IGNORED")
    return {
        "kind": item.tag, "qid": qid, "path": event.path,
        "url": child_text(item, "URL"), "param": child_text(item, "PARAM"),
        "first": child_text(item, "FIRST_TIME_DETECTED") or child_text(item, "DETECTION_DATE"),
        "last": child_text(item, "LAST_TIME_DETECTED") or child_text(item, "DETECTION_DATE"),
        "ignored": ignored,
        "ignored_why": "; ".join(filter(None, (child_text(item, "IGNORED_REASON"), child_text(item, "IGNORED_COMMENT")))),
        "evidence": _evidence(item, event.path, source),
    }  # fmt: skip


def _evidence(item: Element, path: str, source: str) -> str:
    """The payloads with their requests and responses, or the data gathered, decoded."""
    parts = [_text(item.find(tag), path, source) for tag in ("DATA", "CONTENT")]
    for payload in item.iterfind("PAYLOADS/PAYLOAD"):
        request = payload.find("REQUEST")
        parts.append(f"payload: {child_text(payload, 'PAYLOAD')}")
        if request is not None:
            parts.append(f"request: {child_text(request, 'METHOD')} {child_text(request, 'URL')}".rstrip())
        response = _text(payload.find("RESPONSE/CONTENTS"), path, source)
        if response:
            parts.append(f"response: {response}")
    return "\n".join(part for part in parts if part)


def _text(element: Element | None, path: str, source: str) -> str:
    """An element's text, decoded when it says `base64="true"`."""
    if element is None:
        return ""
    text = (element.text or "").strip()
    if element.get("base64", "").lower() != "true":
        return text
    try:
        return base64.b64decode(text, validate=True).decode("utf-8", errors="replace").strip()
    except (binascii.Error, ValueError):
        raise ScanFileError(source, f"<{element.tag}> is marked base64 but is not", element=path) from None


def _details(entry: Element) -> _Details:
    return _Details(
        title=child_text(entry, "TITLE"),
        severity=child_text(entry, "SEVERITY"),
        description=_qualys.describe(child_text(entry, "DESCRIPTION"), _qualys.given(child_text(entry, "IMPACT"))),
        solution=_qualys.given(child_text(entry, "SOLUTION")),
        cvss3=child_text(entry, "CVSS_V3/BASE"),
    )


def _finding(detection: dict[str, Any], glossary: dict[str, _Details], webapp_url: str, source: str) -> ScanFinding:
    path = detection["path"]
    details = glossary.get(detection["qid"])
    if details is None:
        raise ScanFileError(source, f"QID {detection['qid']} is not in the report's GLOSSARY", element=path)
    url = detection["url"] or webapp_url
    host = urlsplit(url).hostname or ""
    if not host:
        raise ScanFileError(source, "no URL to name the web server (neither the detection's nor the web "
                                    "application's)", element=path)
    try:
        severity = _qualys.level(details.severity)
        cvss3_score, cvss3_vector = _qualys.score_and_vector(details.cvss3)
        first_seen, last_seen = parse_timestamp(detection["first"]), parse_timestamp(detection["last"])
        ignored = bool(parse_bool(detection["ignored"]))
    except CellError as exc:
        raise ScanFileError(source, str(exc), element=path) from None
    param = detection["param"]
    return ScanFinding(
        source_format=FORMAT,
        scanner="qualys",
        rule_id=detection["qid"],
        title=details.title,
        severity=Severity.INFO if detection["kind"] == "INFORMATION_GATHERED" else severity,
        hostname="" if is_ip_address(host) else host,
        ip=host if is_ip_address(host) else "",
        location=url + (f" (parameter {param})" if param else ""),
        cvss3_vector=cvss3_vector,
        cvss3_score=cvss3_score,
        description=details.description,
        solution=details.solution,
        evidence=detection["evidence"],
        first_seen=first_seen,
        last_seen=last_seen,
        suppressed=ignored,
        suppression_justification=("ignored in Qualys WAS" + (f": {detection['ignored_why']}" if
                                   detection["ignored_why"] else "")) if ignored else "",
        origin=path,
    )
