"""Accord's generic CSV, for scanners without a dedicated parser (see docs/vulnerabilities.md).

Columns, by header name (case-insensitive; order free; columns starting with `x_` are ignored,
any other unknown column is refused so a misspelt header is not silently dropped):

    hostname, ip, application      the asset: at least one of them on every row
    title, severity                required; severity is critical/high/medium/low/info or 0-10
    rule_id, scanner               the check and the tool (defaults: first CVE or title; "generic")
    port, protocol, location       where on the asset (location: file:line, package URL, URL...)
    cves                           CVE ids, separated by commas, semicolons or spaces
    cvss3_vector, cvss3_score, cvss4_vector, cvss4_score, epss, vpr
    exploit_available              yes/no
    description, solution, evidence
    first_seen, last_seen          ISO 8601 dates or date-times (naive times are UTC)
    suppressed, suppression_justification
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO, TypeVar

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._csv import Columns, CsvRows, normalise_header
from accord.engine.vulns.parsers._values import (
    CellError,
    cell_error,
    parse_bool,
    parse_float,
    parse_int,
    parse_timestamp,
)
from accord.engine.vulns.records import ScanFinding, Severity, cves_in

FORMAT = "csv"
COLUMNS = (
    "hostname", "ip", "application", "title", "severity", "rule_id", "scanner", "port", "protocol",
    "location", "cves", "cvss3_vector", "cvss3_score", "cvss4_vector", "cvss4_score", "epss", "vpr",
    "exploit_available", "description", "solution", "evidence", "first_seen", "last_seen",
    "suppressed", "suppression_justification",
)  # fmt: skip
REQUIRED = ("title", "severity")
ASSET_COLUMNS = ("hostname", "ip", "application")
_ALIASES = {name: (name,) for name in COLUMNS}
T = TypeVar("T")


def looks_like_header(fields: list[str]) -> bool:
    names = {normalise_header(field) for field in fields}
    known = set(COLUMNS)
    return {"title", "severity"} <= names and all(name in known or name.startswith("x_") for name in names)


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    rows = CsvRows(stream, source)
    unknown = [
        name
        for name in rows.header
        if normalise_header(name) not in COLUMNS and not normalise_header(name).startswith("x_")
    ]
    if unknown:
        raise ScanFileError(
            source,
            f"unknown column(s) {', '.join(repr(name) for name in unknown)}; the generic CSV columns are "
            f"{', '.join(COLUMNS)} (prefix a column with x_ to have it ignored)",
            line=rows.header_line,
        )
    columns = Columns.find(rows.header, _ALIASES)
    columns.require(REQUIRED, _ALIASES, source, rows.header_line)
    if not any(columns.has(name) for name in ASSET_COLUMNS):
        raise ScanFileError(source, "needs a hostname, ip or application column", line=rows.header_line)
    ignored = columns.ignored()  # the x_ columns: kept out on purpose, still listed in the summary
    try:
        for line, row in rows:
            ignored.count(row)
            yield _finding(columns, row, line, source)
    finally:
        ignored.report(notes if notes is not None else ParseNotes())


def _finding(columns: Columns, row: list[str], line: int, source: str) -> ScanFinding:
    get = columns.getter(row)

    def cell(name: str, read: Callable[[str], T]) -> T:
        try:
            return read(get(name))
        except CellError as exc:
            raise cell_error(source, line, columns.name(name), exc) from None

    title = get("title").strip()
    if not title:
        raise ScanFileError(source, "column 'title' is empty", line=line)
    if not any(get(name).strip() for name in ASSET_COLUMNS):
        raise ScanFileError(source, "no asset: hostname, ip and application are all empty", line=line)
    cves = cves_in(get("cves"))
    return ScanFinding(
        source_format=FORMAT,
        scanner=get("scanner").strip() or "generic",
        rule_id=get("rule_id").strip() or (cves[0] if cves else title),
        title=title,
        severity=cell("severity", _severity),
        hostname=get("hostname").strip(),
        ip=get("ip").strip(),
        application=get("application").strip(),
        port=cell("port", parse_int),
        protocol=get("protocol").strip().lower(),
        location=get("location").strip(),
        cves=cves,
        cvss3_vector=get("cvss3_vector").strip(),
        cvss3_score=cell("cvss3_score", _score),
        cvss4_vector=get("cvss4_vector").strip(),
        cvss4_score=cell("cvss4_score", _score),
        epss=cell("epss", _probability),
        vpr=cell("vpr", _score),
        exploit_available=cell("exploit_available", parse_bool),
        description=get("description").strip(),
        solution=get("solution").strip(),
        evidence=get("evidence").strip(),
        first_seen=cell("first_seen", parse_timestamp),
        last_seen=cell("last_seen", parse_timestamp),
        suppressed=bool(cell("suppressed", parse_bool)),
        suppression_justification=get("suppression_justification").strip(),
        origin=f"line {line}",
    )


def _score(text: str) -> float | None:
    return _bounded(parse_float(text), 10.0)


def _probability(text: str) -> float | None:
    return _bounded(parse_float(text), 1.0)


def _severity(text: str) -> Severity:
    value = text.strip()
    severity = Severity.from_label(value)
    if severity is not None:
        return severity
    score = _bounded(parse_float(value), 10.0) if value else None
    if score is None:
        raise CellError("expected critical/high/medium/low/info or a 0-10 score, found nothing")
    return Severity.from_score(score)


def _bounded(value: float | None, maximum: float) -> float | None:
    if value is not None and not 0.0 <= value <= maximum:
        raise CellError(f"{value:g} is out of range 0-{maximum:g}")
    return value
