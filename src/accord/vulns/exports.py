"""The findings list, or its groups, as CSV or XLSX, written as it is read.

CSV is streamed: findings are read `CHUNK` at a time in list order (keyset), so memory stays flat
however many match (a million rows is about 300 MB of CSV). XLSX is written by openpyxl's
write-only workbook into a temporary file, then streamed; it holds at most `XLSX_MAX_ROWS` rows
(more is refused before anything is written, pointing to CSV). Every text cell a spreadsheet could
run as a formula is escaped (`accord.core.csv_files.safe_cell`); XLSX cells also lose the control
characters the format cannot hold. Exports are started through `services.export_findings`, which
records who exported what.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accord.core import clock
from accord.core.csv_files import safe_cell
from accord.core.errors import ValidationFailed
from accord.core.permissions import HasCapabilities
from accord.vulns import selectors
from accord.vulns.fixes import action_of
from accord.vulns.models import Finding

CHUNK = 2000  # findings read per query while exporting
XLSX_MAX_ROWS = 100_000  # rows of one XLSX export (Excel's own limit is 1,048,576)
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

Cell = str | int | float | date | None
Column = tuple[str, Callable[[Finding, str], Cell]]

FINDING_COLUMNS: tuple[Column, ...] = (
    ("id", lambda f, status: f.pk),
    ("due_date", lambda f, status: f.due_date),
    ("sla_status", lambda f, status: status),
    ("decision", lambda f, status: f.decision),
    ("title", lambda f, status: f.title),
    ("asset", lambda f, status: f.asset.hostname),
    ("ip_address", lambda f, status: f.asset.ip_address),
    ("service", lambda f, status: f.service_name),
    ("team", lambda f, status: f.team_name),
    ("exposure_review", lambda f, status: "yes" if f.asset_exposure_review else ""),
    ("cves", lambda f, status: " ".join(f.cve_list)),
    ("kev", lambda f, status: "yes" if f.kev else ""),
    ("epss", lambda f, status: f.epss),
    ("cvss", lambda f, status: f.cvss_score),
    ("severity", lambda f, status: f.severity),
    ("state", lambda f, status: f.state),
    ("fix", lambda f, status: action_of(f.solution, f.rule_id, f.title)),
    ("scanner", lambda f, status: f.scanner),
    ("rule_id", lambda f, status: f.rule_id),
    ("port", lambda f, status: f.port),
    ("location", lambda f, status: f.location),
    ("due_rule", lambda f, status: f.due_rule),
    ("first_seen", lambda f, status: clock.day_of(f.first_seen)),
    ("last_seen", lambda f, status: clock.day_of(f.last_seen)),
)
# What the columns read (and the SLA status needs): the long texts and the decision points stay in the database.
FINDING_FIELDS = ("id", "asset", "due_date", "decision", "title", "cves", "kev", "epss", "cvss_score", "severity",
                  "state", "solution", "rule_id", "scanner", "port", "location", "due_rule", "first_seen", "last_seen",
                  "fixed_at")
COUNT_COLUMNS = ("findings", "open", "kev", "past_due", "act", "attend", "track_star", "track")


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    chunks: Iterator[bytes]


def check_format(file_format: str) -> None:
    if file_format not in FORMATS:
        raise ValidationFailed.field("format", f"{file_format!r} is not one of {', '.join(FORMATS)}")


def findings_export(viewer: HasCapabilities, filters: selectors.FindingFilter, *, by: str,
                    file_format: str) -> ExportFile:
    """The export of the findings matching `filters` (grouped when `by` is cve, fix or asset).
    Refusals (format, grouping, XLSX bound) come before anything is read or written."""
    check_format(file_format)
    xlsx = file_format == "xlsx"
    rows: Iterable[list[Cell]]
    if by:
        groups = selectors.finding_groups(viewer, filters, by=by, limit=None)
        _refuse_if(xlsx and len(groups.rows) > XLSX_MAX_ROWS)
        header, rows = _group_table(groups)
    else:
        qs = selectors.findings_visible_to(viewer, filters)
        _refuse_if(xlsx and not selectors.capped_count(qs, cap=XLSX_MAX_ROWS)[1])
        header, rows = [name for name, _ in FINDING_COLUMNS], _finding_rows(qs)
    stem = f"findings-by-{by}" if by else "findings"
    write = _csv_chunks if file_format == "csv" else _xlsx_chunks
    return ExportFile(f"{stem}-{clock.today().isoformat()}.{file_format}", FORMATS[file_format],
                      write(header, rows))


def _refuse_if(too_many: bool) -> None:
    if too_many:
        raise ValidationFailed.field("format", f"an XLSX export holds at most {XLSX_MAX_ROWS:,} rows and more "
                                               "match: narrow the filters, or export CSV (no limit)")


def _finding_rows(qs: Any) -> Iterator[list[Cell]]:
    for chunk in selectors.in_chunks(qs.only(*FINDING_FIELDS), CHUNK):
        statuses = selectors.sla_status_for(chunk)
        for finding in chunk:
            yield [value(finding, statuses[finding.pk]) for _, value in FINDING_COLUMNS]


def _group_table(groups: selectors.GroupList) -> tuple[list[str], list[list[Cell]]]:
    extra = {"cve": ["kev_name"], "fix": [], "asset": ["service", "team", "exposure_review"]}[groups.by]
    header = [groups.by, "key", *COUNT_COLUMNS, "earliest_due", *extra]
    rows = []
    for g in groups.rows:
        counts = g.counts.as_dict()
        details: dict[str, list[Cell]] = {"cve": [g.detail], "fix": [],
                                          "asset": [g.service, g.team, "yes" if g.exposure_review else ""]}
        rows.append([g.label, g.key, *(counts[name] for name in COUNT_COLUMNS), g.counts.earliest_due,
                     *details[groups.by]])
    return header, rows


def _text(value: Cell) -> str:
    return safe_cell(value.isoformat() if isinstance(value, date) else value)


def _csv_chunks(header: list[str], rows: Iterable[list[Cell]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_text(value) for value in row])
        if number % CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value))
    return value


def _xlsx_chunks(header: list[str], rows: Iterable[list[Cell]]) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("findings")
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(256 * 1024):
            yield chunk
