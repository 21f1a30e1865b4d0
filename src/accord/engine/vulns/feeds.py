"""Offline threat-intelligence feeds: the CISA KEV catalogue (JSON) and FIRST EPSS scores (CSV).

Both are read from files, since Accord must work without Internet access. A CVE missing from a
feed is a known state (not in KEV; no EPSS score yet), never an error.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from accord.engine.vulns.errors import FeedFileError
from accord.engine.vulns.parsers._json import JsonReader, load_json
from accord.engine.vulns.records import CVE_PATTERN
from accord.engine.vulns.streams import decoded_lines, peek_head


@dataclass(frozen=True, slots=True)
class KevEntry:
    """One CISA Known Exploited Vulnerabilities catalogue entry."""

    cve_id: str
    vendor_project: str
    product: str
    vulnerability_name: str
    date_added: date
    short_description: str
    required_action: str
    due_date: date | None
    known_ransomware_campaign_use: str  # "Known" or "Unknown", as CISA writes it
    notes: str
    cwes: tuple[str, ...]

    @property
    def ransomware(self) -> bool:
        """True when CISA knows of ransomware campaigns using it."""
        return self.known_ransomware_campaign_use.strip().lower() == "known"


@dataclass(frozen=True, slots=True)
class KevCatalog:
    title: str
    catalog_version: str
    date_released: datetime | None
    entries: tuple[KevEntry, ...]

    def by_cve(self) -> dict[str, KevEntry]:
        return {entry.cve_id: entry for entry in self.entries}


def parse_kev(stream: BinaryIO, *, source: str) -> KevCatalog:
    """Read the KEV catalogue JSON (`known_exploited_vulnerabilities.json`)."""
    reader = JsonReader(source, FeedFileError)
    document = reader.obj(load_json(stream, source, error=FeedFileError), "$")
    vulnerabilities = reader.list(document.get("vulnerabilities"), "vulnerabilities", optional=False)
    entries = tuple(
        _kev_entry(reader, reader.obj(item, f"vulnerabilities[{i}]"), f"vulnerabilities[{i}]")
        for i, item in enumerate(vulnerabilities)
    )
    released = reader.text(document, "dateReleased", "$")
    return KevCatalog(
        title=reader.text(document, "title", "$"),
        catalog_version=reader.text(document, "catalogVersion", "$"),
        date_released=_datetime(reader, released, "dateReleased") if released else None,
        entries=entries,
    )


def _kev_entry(reader: JsonReader, item: dict[str, Any], path: str) -> KevEntry:
    cve_id = reader.text(item, "cveID", path, required=True).upper()
    if not CVE_PATTERN.fullmatch(cve_id):
        raise reader.fail(f"{path}.cveID", f"not a CVE id: {cve_id!r}")
    due = reader.text(item, "dueDate", path)
    cwes = reader.list(item.get("cwes"), f"{path}.cwes")
    return KevEntry(
        cve_id=cve_id,
        vendor_project=reader.text(item, "vendorProject", path),
        product=reader.text(item, "product", path),
        vulnerability_name=reader.text(item, "vulnerabilityName", path),
        date_added=_date(reader, reader.text(item, "dateAdded", path, required=True), f"{path}.dateAdded"),
        short_description=reader.text(item, "shortDescription", path),
        required_action=reader.text(item, "requiredAction", path),
        due_date=_date(reader, due, f"{path}.dueDate") if due else None,
        known_ransomware_campaign_use=reader.text(item, "knownRansomwareCampaignUse", path) or "Unknown",
        notes=reader.text(item, "notes", path),
        cwes=tuple(str(cwe) for cwe in cwes),
    )


def _date(reader: JsonReader, text: str, path: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise reader.fail(path, f"not a date (YYYY-MM-DD): {text!r}") from None


def _datetime(reader: JsonReader, text: str, path: str) -> datetime:
    # CISA writes e.g. 2025-08-25T17:04:19.9796Z: Python 3.11 wants 0, 3 or 6 fraction digits.
    normalised = re.sub(r"\.(\d+)", lambda m: "." + m.group(1)[:6].ljust(6, "0"), text.replace("Z", "+00:00"))
    try:
        value = datetime.fromisoformat(normalised)
    except ValueError:
        raise reader.fail(path, f"not a date-time: {text!r}") from None
    if value.tzinfo is None:
        raise reader.fail(path, f"date-time without a time zone: {text!r}")
    return value


@dataclass(frozen=True, slots=True)
class EpssScore:
    cve: str
    epss: float  # probability of exploitation activity in the next 30 days
    percentile: float


@dataclass(frozen=True, slots=True)
class EpssFeed:
    """An EPSS file: its model version and score date, and its rows one at a time."""

    model_version: str
    score_date: datetime
    scores: Iterator[EpssScore]


_EPSS_COMMENT = re.compile(r"^#\s*model_version:(?P<model>[^,]+),\s*score_date:(?P<date>\S+)\s*$")


def read_epss(stream: BinaryIO, *, source: str) -> EpssFeed:
    """Open a FIRST EPSS daily CSV (plain or gzip-compressed), e.g. `epss_scores-YYYY-MM-DD.csv.gz`.

    The file starts with `#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z`, then the
    header `cve,epss,percentile`. Rows are streamed; errors name the line.
    """
    head, stream = peek_head(stream, 2)
    if head == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=stream)  # type: ignore[assignment]
    lines = decoded_lines(stream, source, error=FeedFileError)
    first = next(lines, "").strip()
    match = _EPSS_COMMENT.match(first)
    if match is None:
        raise FeedFileError(
            source, "expected the '#model_version:...,score_date:...' line that starts an EPSS file", line=1
        )
    try:
        score_date = datetime.fromisoformat(match.group("date").replace("Z", "+00:00"))
    except ValueError:
        raise FeedFileError(
            source, f"score_date is not a date-time: {match.group('date')!r}", line=1
        ) from None
    if score_date.tzinfo is None:
        raise FeedFileError(source, "score_date has no time zone", line=1)
    header = next(lines, "").strip().lower().split(",")
    if header != ["cve", "epss", "percentile"]:
        raise FeedFileError(
            source, f"expected the header 'cve,epss,percentile', found {','.join(header)!r}", line=2
        )
    return EpssFeed(match.group("model").strip(), score_date, _epss_rows(lines, source))


def _epss_rows(lines: Iterator[str], source: str) -> Iterator[EpssScore]:
    for number, fields in enumerate(csv.reader(lines), start=3):
        if not fields:
            continue
        if len(fields) != 3:
            raise FeedFileError(
                source, f"expected 3 fields (cve,epss,percentile), found {len(fields)}", line=number
            )
        cve = fields[0].strip().upper()
        if not CVE_PATTERN.fullmatch(cve):
            raise FeedFileError(source, f"not a CVE id: {fields[0]!r}", line=number)
        try:
            epss, percentile = float(fields[1]), float(fields[2])
        except ValueError:
            raise FeedFileError(
                source, f"epss and percentile must be numbers, found {fields[1:]!r}", line=number
            ) from None
        if not (0.0 <= epss <= 1.0 and 0.0 <= percentile <= 1.0):
            raise FeedFileError(
                source, f"epss and percentile must be between 0 and 1, found {fields[1:]!r}", line=number
            )
        yield EpssScore(cve, epss, percentile)
