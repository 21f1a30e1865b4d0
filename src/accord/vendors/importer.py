"""CSV import of an existing vendor list: the whole file is checked first, each problem names its line
and column, and nothing is written unless every row is good. A row whose name is a registered vendor's
updates it in the columns the file has; the others register vendors."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.db import transaction

from accord.core import audit
from accord.core.csv_files import ProblemList, read_rows, read_upload, unescape_cell
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, require
from accord.org import selectors as org_selectors
from accord.vendors import services
from accord.vendors.models import Criticality, DataSensitivity, Vendor, VendorStatus

COLUMNS = ("name", "slug", "service_provided", "data_accessed", "data_sensitivity", "criticality",
           "business_services", "owner", "contract_start", "contract_end", "status", "previous_review_on")
REQUIRED = ("name",)
DATE_COLUMNS = ("contract_start", "contract_end", "previous_review_on")


@dataclass
class VendorImportReport:
    filename: str
    sha256: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    names_created: list[str] = field(default_factory=list)


class _VendorRows(ProblemList):
    """Turns one CSV row into vendor fields, collecting problems with their line and column."""

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        people = list(org_selectors.people_visible_to(actor))
        self.by_email = {p.email.lower(): p for p in people if p.email}
        self.by_name: dict[str, list[Any]] = {}
        for person in people:
            self.by_name.setdefault(person.name.strip().lower(), []).append(person)
        self.services = {s.name.lower(): s for s in org_selectors.services_visible_to(actor)}
        self.existing = {v.name.lower(): v for v in Vendor.objects.all()}

    def _person(self, line: int, value: str) -> Any:
        key = value.strip().lower()
        found = self.by_email.get(key)
        if found is not None:
            return found
        named = self.by_name.get(key, [])
        if len(named) == 1:
            return named[0]
        self.add(line, "owner", f"{len(named)} people are named {value.strip()!r}: give the email address" if named
                 else f"no one in the people directory has the email or name {value.strip()!r}")
        return None

    def _services(self, line: int, value: str) -> list[Any]:
        found = []
        for name in (n.strip() for n in value.split(";")):
            if name and name.lower() not in self.services:
                self.add(line, "business_services", f"no business service named {name!r}")
            elif name:
                found.append(self.services[name.lower()])
        return found

    def _choice(self, line: int, column: str, value: str, choices: Any) -> str:
        value = value.strip().lower()
        if value not in choices.values:
            self.add(line, column, f"{value!r} is not one of {', '.join(choices.values)}")
        return value

    def _date(self, line: int, column: str, value: str) -> date | None:
        if not value.strip():
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            self.add(line, column, f"{value.strip()!r} is not a date (YYYY-MM-DD)")
            return None

    def row(self, line: int, cells: dict[str, str]) -> dict[str, Any] | None:
        before = len(self.problems)
        cell = {k: unescape_cell(v) for k, v in cells.items()}
        name = cell.get("name", "").strip()
        if not name:
            self.add(line, "name", "required")
        existing = self.existing.get(name.lower())
        values: dict[str, Any] = {"name": name}
        for column in ("service_provided", "data_accessed"):
            if column in cell:
                values[column] = cell[column].strip()
        for column, choices in (("data_sensitivity", DataSensitivity), ("criticality", Criticality),
                                ("status", VendorStatus)):
            if cell.get(column, "").strip():
                values[column] = self._choice(line, column, cell[column], choices)
        for column in DATE_COLUMNS:
            if column in cell:
                values[column] = self._date(line, column, cell[column])
        if cell.get("owner", "").strip():
            values["owner"] = self._person(line, cell["owner"])
        slug = cell.get("slug", "").strip().lower()
        if slug and existing is not None and slug != existing.slug:
            self.add(line, "slug", f"{existing.name!r} has the id {existing.slug!r}; a vendor's id cannot change")
        elif slug and existing is None:
            values["slug"] = slug
        if existing is None:
            for column, what in (("owner", "who manages the vendor"), ("service_provided", "what it does")):
                reported = any(p.line == line and p.column == column for p in self.problems)
                if not values.get(column) and not reported:
                    self.add(line, column, f"required for a new vendor: {what}")
        services_ = self._services(line, cell["business_services"]) if "business_services" in cell else None
        if len(self.problems) > before:
            return None
        return {"line": line, "values": values, "existing": existing, "business_services": services_}


def import_vendors_csv(*, actor: Actor, file: IO[bytes], filename: str) -> VendorImportReport:
    """Validate the whole file, then write it in one transaction; on any problem write nothing."""
    require(actor, services.WRITE)
    raw = read_upload(file, filename)
    parser = _VendorRows(actor)
    rows = read_rows(raw, filename, known=COLUMNS, required=REQUIRED, key="name", parse=parser.row, problems=parser)
    parser.refuse_if_any(filename)
    report = VendorImportReport(filename=filename, sha256=hashlib.sha256(raw).hexdigest(), rows=len(rows))
    _apply(actor, rows, report)
    return report


@transaction.atomic
def _apply(actor: Actor, rows: list[dict[str, Any]], report: VendorImportReport) -> None:
    for row in rows:
        existing: Vendor | None = row["existing"]
        try:
            if existing is None:
                vendor = services.create_vendor(actor=actor, business_services=row["business_services"] or (),
                                                 **row["values"])
                report.created += 1
                report.names_created.append(vendor.name)
                continue
            before = audit.snapshot(existing)
            services_before = set(existing.business_services.values_list("pk", flat=True))
            vendor = services.update_vendor(actor=actor, vendor=existing, business_services=row["business_services"],
                                            **row["values"])
        except ValidationFailed as exc:  # a rule only the model knows (e.g. a contract ending before it starts)
            raise ValidationFailed(services.problems_at(exc, row["line"]), source=report.filename) from None
        changed = before != audit.snapshot(vendor) or services_before != set(
            vendor.business_services.values_list("pk", flat=True))
        report.updated += changed
        report.unchanged += not changed
    audit.record(actor, "vendor.import_finished", ("vendors.vendor_import", report.sha256[:16], report.filename),
                 after={"rows": report.rows, "created": report.created, "updated": report.updated,
                        "unchanged": report.unchanged, "sha256": report.sha256})


def example_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["PayCo", "payco", "Card payments for the web shop", "Card holder data, order totals",
                     "restricted", "critical", "Website; ERP", "ciso@example.com", "2025-01-01", "2027-12-31",
                     "active", "2025-11-15"])
    return out.getvalue()
