"""DefectDojo's "Generic Findings Import", JSON and CSV, so a team can bring its history from DefectDojo.

JSON: `{"name": ..., "type": ..., "findings": [{...}]}` with DefectDojo's field names; CSV: one
row per finding with `Date, Title, CweId, Url, Severity, Description, Mitigation, Impact,
References, Active, Verified, FalsePositive, Duplicate` and the optional columns DefectDojo
documents. Both go through one mapping (`_Mapping`):

| DefectDojo | Accord |
|---|---|
| title, severity (Critical/High/Medium/Low/Info), description | title, severity, description |
| impact, references, cwe / cwes | appended to the description, labelled |
| mitigation, fix_version | solution |
| cve, vulnerability_ids | CVEs (other ids name the rule when `vuln_id_from_tool` does not) |
| vuln_id_from_tool | rule id (else the first CVE, else the title) |
| cvssv3(_score), cvssv4(_score), epss_score | CVSS vectors and scores, EPSS |
| known_exploited, ransomware_used | exploit available, with the evidence |
| steps_to_reproduce, payload, param, verified, under_review | evidence |
| file_path + line, component_name + component_version | location (`django@3.2 in requirements.txt:4`) |
| endpoints (JSON) / Url (CSV) | the host asset: one finding per endpoint; a URL with a path is the location, a bare host:port the port |
| service | the application asset of a finding without an endpoint |
| date | first seen |
| false_p, out_of_scope, risk_accepted, duplicate | suppressed, with the reason |
| is_mitigated, or active false | left out (so an open finding of an earlier import is marked fixed) |

A finding without an endpoint attaches to an application: the caller's, else its `service`, else
a placeholder (see `_code.unnamed_application`). The scanner is the JSON's `type` (DefectDojo's
test type) or `defectdojo-generic`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._code import cwe_ids, unnamed_application, with_weaknesses
from accord.engine.vulns.parsers._csv import CsvRecord, csv_records, normalise_header
from accord.engine.vulns.parsers._json import JsonStream
from accord.engine.vulns.parsers._values import CellError, parse_bool, parse_float, parse_timestamp
from accord.engine.vulns.records import CVE_PATTERN, ScanFinding, Severity, is_ip_address

FORMAT_JSON = "defectdojo"
FORMAT_CSV = "defectdojo-csv"
SCANNER = "defectdojo-generic"
SUPPRESSING = (("false_p", "false positive"), ("out_of_scope", "out of scope"),
               ("risk_accepted", "risk accepted"), ("duplicate", "duplicate of another finding"))
# DefectDojo's CSV column -> its JSON field name, which the mapping reads.
CSV_COLUMNS = {
    "date": "date", "title": "title", "cweid": "cwe", "cweids": "cwes", "url": "url", "severity": "severity",
    "description": "description", "mitigation": "mitigation", "impact": "impact", "references": "references",
    "active": "active", "verified": "verified", "falsepositive": "false_p", "duplicate": "duplicate",
    "ismitigated": "is_mitigated", "mitigateddate": "mitigated", "cve": "cve", "vulnerability id": "vulnerability_ids",
    "epss_score": "epss_score", "cvssv3": "cvssv3", "cvssv3_score": "cvssv3_score", "cvssv4": "cvssv4",
    "cvssv4_score": "cvssv4_score", "known_exploited": "known_exploited", "ransomware_used": "ransomware_used",
    "fix_version": "fix_version",
}  # fmt: skip
_CSV_ALIASES = {field: (column,) for column, field in CSV_COLUMNS.items()}
_READ = frozenset({
    "title", "severity", "description", "impact", "references", "cwe", "cwes", "mitigation", "fix_version",
    "cve", "vulnerability_ids", "vuln_id_from_tool", "cvssv3", "cvssv3_score", "cvssv4", "cvssv4_score",
    "epss_score", "known_exploited", "ransomware_used", "steps_to_reproduce", "payload", "param", "verified",
    "under_review", "file_path", "line", "component_name", "component_version", "endpoints", "url", "service",
    "date", "active", "is_mitigated", *(key for key, _ in SUPPRESSING),
})  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}


def looks_like_header(fields: list[str]) -> bool:
    """DefectDojo's generic CSV: the four columns its importer requires."""
    return {"date", "title", "severity", "description"} <= {normalise_header(field) for field in fields}


def parse_json(
    stream: BinaryIO,
    *,
    source: str,
    application: str | None = None,
    notes: ParseNotes | None = None,
    **_: object,
) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    json = JsonStream(stream, source)
    scanner, mapping, found = SCANNER, None, False
    for key in json.members("$"):
        if key == "type":
            scanner = str(json.value("$.type") or "").strip() or SCANNER
        elif key == "findings":
            found = True
            mapping = _Mapping(FORMAT_JSON, scanner, application, notes)
            for index in json.elements("$.findings"):
                path = f"findings[{index}]"
                item = json.value(path)
                if not isinstance(item, dict):
                    raise json.fail(path, "expected an object")
                yield from mapping.findings(_JsonFields(item, path, source))
        else:
            notes.ignore(key)
            json.skip(f"$.{key}")
    json.finish()
    if not found:
        raise json.fail("$.findings", "missing: DefectDojo's generic JSON lists its findings under 'findings'")
    if mapping is not None:
        mapping.note_counts()


def parse_csv(
    stream: BinaryIO,
    *,
    source: str,
    application: str | None = None,
    notes: ParseNotes | None = None,
    **_: object,
) -> Iterator[ScanFinding]:
    notes = notes if notes is not None else ParseNotes()
    mapping = _Mapping(FORMAT_CSV, SCANNER, application, notes)
    records = csv_records(stream, source, notes, aliases=_CSV_ALIASES, required=("title", "severity"),
                          header_test=looks_like_header, expected="the columns Date, Title, Severity and Description")
    for record in records:
        yield from mapping.findings(_CsvFields(record))
    mapping.note_counts()


class _JsonFields:
    """A JSON finding's fields, refusing bad values with the element path."""

    def __init__(self, item: dict[str, Any], path: str, source: str) -> None:
        self.item, self.origin, self.source = item, path, source

    def present(self) -> list[str]:
        """The fields that carry a value."""
        return [key for key, value in self.item.items() if value not in (None, "", [], {})]

    def get(self, key: str) -> Any:
        value = self.item.get(key)
        return None if value == "" else value

    def fail(self, key: str, message: str) -> ScanFileError:
        return ScanFileError(self.source, message, element=self.where(key))

    def where(self, key: str) -> str:
        return f"{self.origin}.{key}"


class _CsvFields:
    """A CSV row's cells by DefectDojo field name, refusing bad cells with line and column."""

    def __init__(self, record: CsvRecord) -> None:
        self.record = record
        self.origin = f"line {record.line}"

    def get(self, key: str) -> Any:
        return self.record.text(key) or None

    def fail(self, key: str, message: str) -> ScanFileError:
        column = self.record.columns.name(key) if key in self.record.columns.index else key
        return ScanFileError(self.record.source, f"column {column!r}: {message}", line=self.record.line)

    def where(self, key: str) -> str:
        return self.origin  # a row has one Url


Fields = _JsonFields | _CsvFields


class _Mapping:
    """DefectDojo's fields to findings (see the module's table)."""

    def __init__(self, source_format: str, scanner: str, application: str | None, notes: ParseNotes) -> None:
        self.source_format = source_format
        self.scanner = scanner
        self.application = application or ""
        self.notes = notes
        self.closed = 0
        self.placeholder = ""

    def findings(self, fields: Fields) -> Iterator[ScanFinding]:
        if isinstance(fields, _JsonFields):  # the CSV's unread columns are counted by `csv_records`
            for key in fields.present():
                if key not in _READ:
                    self.notes.ignore(f"findings[].{key}")
        suppressed, justification = self._state(fields)
        if suppressed is None:
            self.closed += 1
            return
        title = _text(fields, "title")
        if not title:
            raise fields.fail("title", "missing: a finding has a title")
        ids = self._ids(fields)
        cves = tuple(dict.fromkeys(i.upper() for i in ids if CVE_PATTERN.fullmatch(i)))
        known = _flag(fields, "known_exploited")
        common: dict[str, Any] = {
            "source_format": self.source_format,
            "scanner": self.scanner,
            "rule_id": _text(fields, "vuln_id_from_tool") or (cves[0] if cves else ids[0] if ids else title),
            "title": title,
            "severity": _severity(fields),
            "cves": cves,
            "cvss3_vector": _text(fields, "cvssv3"),
            "cvss3_score": _number(fields, "cvssv3_score", 10.0),
            "cvss4_vector": _text(fields, "cvssv4"),
            "cvss4_score": _number(fields, "cvssv4_score", 10.0),
            "epss": _number(fields, "epss_score", 1.0),
            "exploit_available": True if known or _flag(fields, "ransomware_used") else None,
            "exploit_evidence": ", ".join(word for word, flag in (
                ("known exploited (DefectDojo)", known), ("used by ransomware", _flag(fields, "ransomware_used"))
            ) if flag),
            "description": _description(fields),
            "solution": "\n".join(part for part in (
                _text(fields, "mitigation"), f"Fixed in version {_text(fields, 'fix_version')}"
                if _text(fields, "fix_version") else "") if part),
            "evidence": _evidence(fields),
            "first_seen": _date(fields, "date"),
            "suppressed": suppressed,
            "suppression_justification": justification,
        }
        endpoints = _endpoints(fields)
        if endpoints:
            for key, host, port, protocol, location in endpoints:
                address: dict[str, Any] = {"ip": host} if is_ip_address(host) else {"hostname": host}
                yield ScanFinding(**common, **address, port=port, protocol=protocol, location=location,
                                  origin=fields.where(key))
            return
        yield ScanFinding(**common, application=self._application(fields), location=_location(fields),
                          origin=fields.origin)

    def _state(self, fields: Fields) -> tuple[bool | None, str]:
        """(suppressed, why); suppressed None for a finding DefectDojo holds closed."""
        for key, why in SUPPRESSING:
            if _flag(fields, key):
                return True, f"{why} (DefectDojo)"
        if _flag(fields, "is_mitigated") or _flag(fields, "active") is False:
            return None, ""
        return False, ""

    def _ids(self, fields: Fields) -> list[str]:
        ids = [_text(fields, "cve")]
        raw = fields.get("vulnerability_ids")
        for item in raw if isinstance(raw, list) else [raw]:
            value = item.get("vulnerability_id") if isinstance(item, dict) else item
            if isinstance(value, str | int) and not isinstance(value, bool):
                ids.extend(part.strip() for part in str(value).replace(";", ",").split(","))
        return [i for i in dict.fromkeys(ids) if i]

    def _application(self, fields: Fields) -> str:
        named = self.application or _text(fields, "service")
        if named:
            return named
        if not self.placeholder:
            self.placeholder = unnamed_application(self.scanner, self.notes, "findings without an endpoint or service")
        return self.placeholder

    def note_counts(self) -> None:
        if self.closed:
            self.notes.note(f"{self.closed} finding(s) inactive or mitigated in DefectDojo left out (an open "
                            "finding of an earlier import is marked fixed)")


# --- reading fields ------------------------------------------------------------------------------

def _text(fields: Fields, key: str) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fields.fail(key, "expected text")
    return str(value).strip()


def _flag(fields: Fields, key: str) -> bool | None:
    value = fields.get(key)
    if value is None or isinstance(value, bool):
        return value
    try:
        return parse_bool(str(value))
    except CellError as exc:
        raise fields.fail(key, str(exc)) from None


def _number(fields: Fields, key: str, maximum: float) -> float | None:
    value = fields.get(key)
    if value is None:
        return None
    try:
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else parse_float(str(value))
    except CellError as exc:
        raise fields.fail(key, str(exc)) from None
    if number is not None and not 0.0 <= number <= maximum:
        raise fields.fail(key, f"{number:g} is out of range 0-{maximum:g}")
    return None if number is None else float(number)


def _date(fields: Fields, key: str) -> datetime | None:
    text = _text(fields, key)
    try:
        return parse_timestamp(text)
    except CellError as exc:
        raise fields.fail(key, str(exc)) from None


def _severity(fields: Fields) -> Severity:
    word = _text(fields, "severity")
    severity = Severity.from_label(word)
    if severity is None:
        raise fields.fail("severity", f"expected Critical, High, Medium, Low or Info, found {word!r}")
    return severity


def _cwes(fields: Fields) -> list[str]:
    values = [fields.get("cwe")]
    listed = fields.get("cwes")
    if isinstance(listed, list):
        values += listed
    elif listed is not None:  # the CSV's CweIds column: "79, 89"
        values += str(listed).replace(";", ",").split(",")
    return cwe_ids(value for value in values if value is not None)


def _description(fields: Fields) -> str:
    text = "\n\n".join(part for part in (
        _text(fields, "description"),
        f"Impact: {_text(fields, 'impact')}" if _text(fields, "impact") else "",
        f"References: {_text(fields, 'references')}" if _text(fields, "references") else "",
    ) if part)
    return with_weaknesses(text, _cwes(fields))


def _evidence(fields: Fields) -> str:
    lines = [_text(fields, "steps_to_reproduce")]
    lines += [f"{label}: {_text(fields, key)}" for key, label in (("payload", "Payload"), ("param", "Parameter"))
              if _text(fields, key)]
    verified = _flag(fields, "verified")
    if verified is not None:
        lines.append("DefectDojo: verified" if verified else "DefectDojo: not verified")
    if _flag(fields, "under_review"):
        lines.append("DefectDojo: under review")
    return "\n".join(line for line in lines if line)


def _location(fields: Fields) -> str:
    """`name@version in path:line`, either part alone, or ""."""
    component = "@".join(part for part in (_text(fields, "component_name"), _text(fields, "component_version")) if part)
    path = _text(fields, "file_path")
    line = _text(fields, "line")
    if path and line:
        path = f"{path}:{line}"
    return " in ".join(part for part in (component, path) if part)


def _endpoints(fields: Fields) -> list[tuple[str, str, int | None, str, str]]:
    """(key, host, port, protocol, location) per endpoint: a URL with a path is located by the URL
    (one finding per page), a bare host:port by its port."""
    listed = fields.get("endpoints")
    items = list(enumerate(listed if isinstance(listed, list) else [] if listed is None else [listed]))
    named = [(f"endpoints[{number}]", item) for number, item in items]
    if fields.get("url"):  # the CSV's Url column
        named.append(("url", fields.get("url")))
    return [(key, *_endpoint(fields, key, item)) for key, item in named]


def _endpoint(fields: Fields, key: str, item: Any) -> tuple[str, int | None, str, str]:
    if isinstance(item, str):
        text = item.strip()
        try:
            parts = urlsplit(text if "://" in text else f"//{text}")
            port = parts.port
        except ValueError as exc:  # an out-of-range port, a broken IPv6 literal
            raise fields.fail(key, f"not a valid URL or host ({exc}): {text!r}") from None
        scheme, host, path = parts.scheme.lower(), parts.hostname or "", parts.path
        query = f"?{parts.query}" if parts.query else ""
    elif isinstance(item, dict):
        scheme = str(item.get("protocol") or "").strip().lower()
        host = str(item.get("host") or "").strip().lower()
        path = str(item.get("path") or "").strip()
        query = f"?{item['query']}" if item.get("query") else ""
        port = item.get("port")
        if isinstance(port, str) and port.strip().isdecimal():
            port = int(port)
        if port is not None and (not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535):
            raise fields.fail(f"{key}.port", f"expected a port number 0-65535, found {port!r}")
    else:
        raise fields.fail(key, "expected a URL, a host name or an object with host and port")
    if not host:
        raise fields.fail(key, "names no host")
    if path.strip("/") or query:
        shown_port = f":{port}" if port is not None and port != _DEFAULT_PORTS.get(scheme) else ""
        return host, None, "", f"{scheme + '://' if scheme else ''}{host}{shown_port}{path or '/'}{query}"
    return host, port if port is not None else _DEFAULT_PORTS.get(scheme), scheme, ""
