"""Exports of an agreed plan: one iCalendar file per window occurrence (RFC 5545, written here),
and the change tickets as CSV (one row per scheduled job, formula-looking cells escaped)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone

from accord.core.csv_files import safe_cell
from accord.core.errors import ValidationFailed
from accord.core.permissions import HasCapabilities
from accord.patching.models import PatchPlan, PlanItem, PlanStatus
from accord.patching.planning import instance_of
from accord.patching.selectors import CalendarRow, calendar

CRLF = "\r\n"
FOLD_AT = 75  # octets per content line, without the CRLF (RFC 5545 section 3.1)


def _require_agreed(plan: PatchPlan) -> None:
    if plan.status != PlanStatus.AGREED:
        raise ValidationFailed.field("status", f"only an agreed plan is exported; plan #{plan.pk} is {plan.status} "
                                     "(the CIO and the CISO sign it first)")


# iCalendar ---------------------------------------------------------------------------------------

def ical_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 section 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character; continuation lines start with a space."""
    data = line.encode("utf-8")
    if len(data) <= FOLD_AT:
        return line
    parts: list[str] = []
    start, limit = 0, FOLD_AT
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # do not cut a multi-byte character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, FOLD_AT - 1  # the leading space counts
    return (CRLF + " ").join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def file_stem(window_key: str) -> str:
    """A file-name-safe name of a window occurrence: `W3@2026-12-03T22:00` -> `W3-2026-12-03T22-00`."""
    return re.sub(r"[^A-Za-z0-9]+", "-", window_key).strip("-")


def ics_name(plan: PatchPlan, window_key: str) -> str:
    return f"plan-{plan.pk}-{file_stem(window_key)}.ics"


def _change_line(item: PlanItem) -> str:
    cves = sorted({c for f in item.findings for c in f.get("cves", [])})
    what = f"{item.hostname}: {item.action}"
    extra = [f"{len(item.findings)} finding(s)"]
    if cves:
        extra.append(", ".join(cves[:5]) + (" …" if len(cves) > 5 else ""))
    if item.reboot:
        extra.append("reboot")
    return f"- {what} ({'; '.join(extra)})"


def window_ics(plan: PatchPlan, row: CalendarRow, *, stamp: datetime | None = None) -> str:
    """One VCALENDAR with the window occurrence as a VEVENT listing its changes."""
    summary = f"Maintenance: {row.name} ({row.changes} change{'s' if row.changes != 1 else ''})"
    description = "\n".join([f"Accord patch plan #{plan.pk} ({plan.status}).",
                             f"{row.reboots} asset reboot(s), downtime cost {row.downtime_cost:,.0f}.",
                             "Changes:", *(_change_line(item) for item in row.items)])
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Accord//Patch planner//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:accord-plan-{plan.pk}-{file_stem(row.key)}@accord",
        f"DTSTAMP:{_stamp(stamp or timezone.now())}",
        f"DTSTART:{_stamp(row.start)}",
        f"DTEND:{_stamp(row.end)}",
        f"SUMMARY:{ical_text(summary)}",
        f"DESCRIPTION:{ical_text(description)}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return CRLF.join(fold(line) for line in lines) + CRLF


@dataclass(frozen=True)
class IcsFile:
    name: str
    window: str
    start: datetime
    changes: int
    text: str


def plan_ics_files(viewer: HasCapabilities, plan: PatchPlan) -> list[IcsFile]:
    """One .ics file per window occurrence that has changes."""
    _require_agreed(plan)
    stamp = timezone.now()
    return [IcsFile(ics_name(plan, row.key), row.key, row.start, row.changes,
                    window_ics(plan, row, stamp=stamp))
            for row in calendar(viewer, plan, only_used=True)]


# CSV change tickets ------------------------------------------------------------------------------

TICKET_COLUMNS = ("ticket", "window", "window_start", "window_end", "asset", "service", "action", "findings",
                  "cves", "minutes", "reboot", "expected_loss_removed", "currency")


def tickets_csv(viewer: HasCapabilities, plan: PatchPlan) -> str:
    """One change ticket per scheduled job. `expected_loss_removed` is the expected loss the change
    takes away compared with leaving the job open for the whole plan (the same rule as the plan's
    figures), in `currency`."""
    _require_agreed(plan)
    instance = instance_of(plan)
    jobs = {j.id: j for j in instance.jobs}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TICKET_COLUMNS)
    number = 0
    for row in calendar(viewer, plan, only_used=True):
        for item in row.items:
            number += 1
            job = jobs[item.job_id]
            removed = instance.exposure(job, None) - instance.exposure(job, instance.window_by_id[item.window_key])
            cves = sorted({c for f in item.findings for c in f.get("cves", [])})
            writer.writerow([safe_cell(v) for v in (
                f"ACC-P{plan.pk}-{number:04d}", row.name, row.start.isoformat(), row.end.isoformat(), item.hostname,
                item.service_name, item.action, " ".join(str(f["id"]) for f in item.findings), " ".join(cves),
                f"{item.minutes:g}", "yes" if item.reboot else "no", f"{removed:.2f}", plan.currency,
            )])
    return buffer.getvalue()
