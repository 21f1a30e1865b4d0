"""CSV import of assets: every row is validated first; one bad cell refuses the whole file.

Columns (header row required, names case-insensitive, order free):
  hostname (required), ip_address, kind, environment, operating_system, business_service (name),
  team (name), internet_exposed and isolated (yes/no, true/false, 1/0), tags (separated by ';').
Rows whose hostname already exists update that asset, in the columns the file has (a file without
`isolated` leaves every asset's `isolated` as it was); the others create one, with defaults for
the columns the file lacks.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from accord.core import audit
from accord.core.csv_files import ProblemList, read_rows, read_upload
from accord.core.permissions import Actor, require
from accord.org.models import Asset, AssetKind, BusinessService, Environment, Team, normalise_tags

COLUMNS = ("hostname", "ip_address", "kind", "environment", "operating_system", "business_service",
           "team", "internet_exposed", "isolated", "tags")
_TRUE, _FALSE = {"yes", "true", "1", "y"}, {"no", "false", "0", "n", ""}


@dataclass
class AssetImportReport:
    filename: str
    sha256: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    hostnames_created: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, Any]
    columns: frozenset[str]  # the columns the file has: only these update an existing asset


class _RowValidator(ProblemList):
    """Turns one CSV row into model field values, collecting problems with line and column."""

    def __init__(self) -> None:
        super().__init__()
        self.services = {s.name.lower(): s for s in BusinessService.objects.all()}
        self.teams = {t.name.lower(): t for t in Team.objects.all()}

    def _choice(self, line: int, column: str, value: str, choices: type[Any], default: str) -> str:
        if not value:
            return default
        value = value.strip().lower()
        if value not in choices.values:
            self.add(line, column, f"{value!r} is not one of {', '.join(choices.values)}")
        return value

    def _lookup(self, line: int, column: str, value: str, table: dict[str, Any]) -> Any:
        if not value.strip():
            return None
        found = table.get(value.strip().lower())
        if found is None:
            self.add(line, column, f"no {column.replace('_', ' ')} named {value.strip()!r}")
        return found

    def _yes_no(self, line: int, column: str, cells: dict[str, str]) -> bool:
        value = cells.get(column, "").strip().lower()
        if value not in _TRUE | _FALSE:
            self.add(line, column, f"{value!r} is not yes/no")
        return value in _TRUE

    def row(self, line: int, cells: dict[str, str]) -> _Row | None:
        before = len(self.problems)
        hostname = cells.get("hostname", "").strip().lower()
        if not hostname:
            self.add(line, "hostname", "required")
        exposed = self._yes_no(line, "internet_exposed", cells)
        isolated = self._yes_no(line, "isolated", cells)
        if exposed and isolated:
            self.add(line, "isolated", "an internet-exposed asset cannot be isolated")
        values = {
            "hostname": hostname,
            "ip_address": cells.get("ip_address", "").strip() or None,
            "kind": self._choice(line, "kind", cells.get("kind", ""), AssetKind, AssetKind.SERVER),
            "environment": self._choice(line, "environment", cells.get("environment", ""), Environment,
                                        Environment.PRODUCTION),
            "operating_system": cells.get("operating_system", "").strip(),
            "business_service": self._lookup(line, "business_service", cells.get("business_service", ""), self.services),
            "team": self._lookup(line, "team", cells.get("team", ""), self.teams),
            "internet_exposed": exposed,
            "isolated": isolated,
            "tags": normalise_tags(cells.get("tags", "")),
        }
        candidate = Asset(**values)
        try:  # field-level checks (IP syntax, lengths); uniqueness is checked across the file below
            candidate.clean_fields(exclude=["business_service", "team", "environment", "kind"])
        except DjangoValidationError as exc:
            for column, messages in exc.message_dict.items():
                self.add(line, column, " ".join(messages))
        return _Row(line, values, frozenset(cells)) if len(self.problems) == before else None


def import_assets_csv(*, actor: Actor, file: IO[bytes], filename: str) -> AssetImportReport:
    """Validate the whole file, then write it in one transaction; on any problem write nothing."""
    require(actor, "org.import")
    raw = read_upload(file, filename)
    validator = _RowValidator()
    rows = read_rows(raw, filename, known=COLUMNS, required=("hostname",), key="hostname", parse=validator.row,
                     problems=validator)
    validator.refuse_if_any(filename)
    report = AssetImportReport(filename=filename, sha256=hashlib.sha256(raw).hexdigest(), rows=len(rows))
    _apply(actor, rows, report)
    return report


@transaction.atomic
def _apply(actor: Actor, rows: list[_Row], report: AssetImportReport) -> None:
    existing = {a.hostname: a for a in Asset.objects.filter(hostname__in=[r.values["hostname"] for r in rows])}
    for row in rows:
        asset = existing.get(row.values["hostname"])
        if asset is None:
            asset = Asset(**row.values)
            asset.save()
            audit.record(actor, "asset.imported", asset, after=audit.snapshot(asset))
            report.created += 1
            report.hostnames_created.append(asset.hostname)
            continue
        before = audit.snapshot(asset)
        for name, value in row.values.items():
            if name in row.columns:
                setattr(asset, name, value)
        after = audit.snapshot(asset)
        if after == before:
            report.unchanged += 1
            continue
        if asset.discovered_by_scan and asset.business_service_id:
            asset.discovered_by_scan = False
        asset.save()
        audit.record_change(actor, "asset.updated_by_import", asset, before, after)
        report.updated += 1
    audit.record(actor, "asset.import_finished", ("org.asset_import", report.sha256[:16], report.filename),
                 after={"rows": report.rows, "created": report.created, "updated": report.updated,
                        "unchanged": report.unchanged, "sha256": report.sha256})


def example_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["erp-db-01", "10.20.1.11", "database", "production", "Red Hat Enterprise Linux 9",
                     "ERP", "Platform Engineering", "no", "no", "erp;pci"])
    return out.getvalue()
