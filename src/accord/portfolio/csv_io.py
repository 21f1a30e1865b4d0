"""CSV import and export of initiatives. Import is all-or-nothing: one bad cell refuses the whole file.

Columns (header row required, names case-insensitive, any order; only `slug` and `title` required):
  slug, title, description, sponsor (cio/ciso/joint), one_off_cost, annual_cost, duration_months,
  status, mandatory (yes/no), requires, excludes (initiative slugs separated by ';'),
  capacity ("Team name=units; Other team=units"), csf_subcategories (ids separated by ';'),
  effects (a JSON list of {"scenario": slug, "factor": ..., "effectiveness": {...}}).
A row whose slug exists updates that initiative (effects are replaced when the column is present);
the others create one. `requires`/`excludes` may name initiatives created by the same file.

Export escapes cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from accord.core import audit
from accord.core.csv_files import ProblemList, read_rows, read_upload, safe_cell, unescape_cell
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, HasCapabilities, require
from accord.portfolio import estimation, services
from accord.portfolio.models import EffectFactor, Initiative, InitiativeEffect, InitiativeStatus, Sponsor
from accord.risks import selectors as risk_selectors

COLUMNS = ("slug", "title", "description", "sponsor", "one_off_cost", "annual_cost", "duration_months", "status",
           "mandatory", "requires", "excludes", "capacity", "csf_subcategories", "effects")
REQUIRED = ("slug", "title")
_TRUE, _FALSE = {"yes", "true", "1", "y"}, {"no", "false", "0", "n", ""}


@dataclass
class ImportReport:
    filename: str
    sha256: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    slugs: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    fields: dict[str, Any]
    requires: list[str] | None
    excludes: list[str] | None
    capacity: dict[str, float] | None
    effects: list[dict[str, Any]] | None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


class _Reader(ProblemList):
    """Turns each row into service arguments, collecting every problem with its line and column."""

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.teams = set(services.teams_by_name(actor))
        self.scenarios = {s.slug: s for s in risk_selectors.register(actor)}

    def _number(self, line: int, column: str, text: str, default: float) -> float:
        if not text.strip():
            return default
        try:
            value = float(text.replace(",", "").replace("_", "").strip())
        except ValueError:
            self.add(line, column, f"{text.strip()!r} is not a number")
            return default
        return value

    def _choice(self, line: int, column: str, text: str, choices: Any, default: str) -> str:
        value = text.strip().lower()
        if not value:
            return default
        if value not in choices.values:
            self.add(line, column, f"{value!r} is not one of {', '.join(choices.values)}")
        return value

    def _capacity(self, line: int, text: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for part in _split(text):
            name, sep, units = part.partition("=")
            name = name.strip()
            if not sep:
                self.add(line, "capacity", f"{part!r} is not 'Team name=units'")
            elif name not in self.teams:
                self.add(line, "capacity", f"no team named {name!r}")
            else:
                out[name] = self._number(line, "capacity", units, 0.0)
        return out

    def _effects(self, line: int, text: str) -> list[dict[str, Any]]:
        if not text.strip():
            return []
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self.add(line, "effects", f"not valid JSON: {exc.msg}")
            return []
        if not isinstance(data, list):
            self.add(line, "effects", "must be a JSON list of {scenario, factor, effectiveness}")
            return []
        effects = []
        for k, item in enumerate(data):
            if not isinstance(item, dict) or set(item) != {"scenario", "factor", "effectiveness"}:
                self.add(line, "effects", f"[{k}] must have exactly scenario, factor and effectiveness")
                continue
            scenario = self.scenarios.get(str(item["scenario"]))
            if scenario is None:
                self.add(line, "effects", f"[{k}].scenario: no risk scenario {item['scenario']!r}")
                continue
            if item["factor"] not in EffectFactor.values:
                self.add(line, "effects", f"[{k}].factor: must be one of {', '.join(EffectFactor.values)}")
                continue
            try:
                estimation.check_effect(estimation.EffectInput(
                    slug=scenario.slug, name=scenario.name, inputs=scenario.inputs, factor=item["factor"],
                    effectiveness=item["effectiveness"]), f"[{k}]")
            except ValidationFailed as exc:
                for p in exc.problems:
                    self.add(line, "effects", f"{p.field}: {p.message}")
                continue
            effects.append({"scenario": scenario, "factor": item["factor"], "effectiveness": item["effectiveness"]})
        return effects

    def row(self, line: int, cells: dict[str, str]) -> _Row | None:
        before = len(self.problems)
        cells = {name: unescape_cell(value) for name, value in cells.items()}

        def get(name: str) -> str:
            return cells.get(name, "")

        mandatory = get("mandatory").strip().lower()
        if mandatory not in _TRUE | _FALSE:
            self.add(line, "mandatory", f"{mandatory!r} is not yes/no")
        fields: dict[str, Any] = {
            "slug": get("slug").strip(), "title": get("title").strip(),
            "one_off_cost": self._number(line, "one_off_cost", get("one_off_cost"), 0.0),
            "annual_cost": self._number(line, "annual_cost", get("annual_cost"), 0.0),
            "mandatory": mandatory in _TRUE,
        }
        if "description" in cells:
            fields["description"] = get("description").strip()
        if "sponsor" in cells:
            fields["sponsor"] = self._choice(line, "sponsor", get("sponsor"), Sponsor, Sponsor.JOINT)
        if "status" in cells:
            fields["status"] = self._choice(line, "status", get("status"), InitiativeStatus, InitiativeStatus.PROPOSED)
        if "duration_months" in cells:
            fields["duration_months"] = int(self._number(line, "duration_months", get("duration_months"), 6))
        if "csf_subcategories" in cells:
            fields["csf_subcategories"] = [s.upper() for s in _split(get("csf_subcategories"))]
        candidate = Initiative(**fields)
        try:
            candidate.clean_fields()
        except DjangoValidationError as exc:
            for column, messages in exc.message_dict.items():
                self.add(line, column, " ".join(messages))
        result = _Row(
            line=line, fields=fields,
            requires=_split(get("requires")) if "requires" in cells else None,
            excludes=_split(get("excludes")) if "excludes" in cells else None,
            capacity=self._capacity(line, get("capacity")) if "capacity" in cells else None,
            effects=self._effects(line, get("effects")) if "effects" in cells else None,
        )
        return result if len(self.problems) == before else None


def _read(raw: bytes, filename: str, reader: _Reader) -> list[_Row]:
    rows = read_rows(raw, filename, known=COLUMNS, required=REQUIRED, key="slug", parse=reader.row, problems=reader)
    _check_references(rows, reader)
    return rows


def _check_references(rows: list[_Row], reader: _Reader) -> None:
    in_file = {r.fields["slug"] for r in rows}
    named = {s for r in rows for s in (r.requires or []) + (r.excludes or [])}
    known = in_file | set(Initiative.objects.filter(slug__in=named).values_list("slug", flat=True))
    for row in rows:
        for column in ("requires", "excludes"):
            for slug in getattr(row, column) or []:
                if slug == row.fields["slug"]:
                    reader.add(row.line, column, "an initiative cannot name itself")
                elif slug not in known:
                    reader.add(row.line, column, f"no initiative {slug!r} in the file or in Accord")


def import_initiatives_csv(*, actor: Actor, file: IO[bytes], filename: str) -> ImportReport:
    """Check the whole file, then write it in one transaction; on any problem write nothing."""
    require(actor, services.WRITE)
    raw = read_upload(file, filename)
    reader = _Reader(actor)
    rows = _read(raw, filename, reader)
    reader.refuse_if_any(filename)
    report = ImportReport(filename=filename, sha256=hashlib.sha256(raw).hexdigest(), rows=len(rows))
    try:
        _apply(actor, rows, report)
    except ValidationFailed as exc:  # a rule only the whole set can break (e.g. requires and excludes both)
        raise ValidationFailed(exc.problems, source=filename) from None
    return report


@transaction.atomic
def _apply(actor: Actor, rows: list[_Row], report: ImportReport) -> None:
    existing = {i.slug: i for i in Initiative.objects.filter(slug__in=[r.fields["slug"] for r in rows])}
    # First every row without its dependencies (they may name rows further down), then the links.
    saved: dict[str, Initiative] = {}
    for row in rows:
        slug = row.fields["slug"]
        try:
            if slug in existing:
                saved[slug] = services.update_initiative(actor=actor, initiative=existing[slug],
                                                         capacity=row.capacity, **row.fields)
                report.updated += 1
            else:
                saved[slug] = services.create_initiative(actor=actor, capacity=row.capacity, **row.fields)
                report.created += 1
        except ValidationFailed as exc:
            raise ValidationFailed([Problem(field=p.field, line=row.line, column=p.field, message=p.message)
                                    for p in exc.problems]) from None
        report.slugs.append(slug)
    for row in rows:
        initiative = saved[row.fields["slug"]]
        if row.requires is not None or row.excludes is not None:
            try:
                services.update_initiative(actor=actor, initiative=initiative, requires=row.requires,
                                           excludes=row.excludes)
            except ValidationFailed as exc:
                raise ValidationFailed([Problem(field=p.field, line=row.line, column=p.field, message=p.message)
                                        for p in exc.problems]) from None
        if row.effects is not None:
            _replace_effects(actor, initiative, row)
    audit.record(actor, "initiative.import_finished", ("portfolio.initiative_import", report.sha256[:16],
                                                        report.filename),
                 after={"rows": report.rows, "created": report.created, "updated": report.updated,
                        "sha256": report.sha256})


def _replace_effects(actor: Actor, initiative: Initiative, row: _Row) -> None:
    wanted = {(e["scenario"].pk, e["factor"]): e for e in row.effects or []}
    for effect in list(initiative.effects.all()):
        key = (effect.scenario_id, effect.factor)
        if key not in wanted:
            services.remove_effect(actor=actor, effect=effect)
        elif effect.effectiveness != wanted[key]["effectiveness"]:
            services.update_effect(actor=actor, effect=effect, effectiveness=wanted.pop(key)["effectiveness"])
        else:
            wanted.pop(key)
    for item in wanted.values():
        try:
            services.add_effect(actor=actor, initiative=initiative, scenario=item["scenario"], factor=item["factor"],
                                effectiveness=item["effectiveness"])
        except ValidationFailed as exc:
            raise ValidationFailed([Problem(field="effects", line=row.line, column="effects",
                                            message=f"{p.field}: {p.message}") for p in exc.problems]) from None


# ---- export -----------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def export_rows(viewer: HasCapabilities) -> list[list[str]]:
    from accord.portfolio.selectors import initiatives

    rows = [list(COLUMNS)]
    for it in initiatives(viewer):
        effects: list[InitiativeEffect] = list(it.effects.all())
        rows.append([
            it.slug, it.title, it.description, it.sponsor, _number(it.one_off_cost), _number(it.annual_cost),
            str(it.duration_months), it.status, "yes" if it.mandatory else "no",
            ";".join(sorted(r.slug for r in it.requires.all())),
            ";".join(sorted(x.slug for x in it.excludes.all())),
            "; ".join(f"{c.team.name}={c.units:g}" for c in it.capacity.all()),
            ";".join(it.csf_subcategories),
            json.dumps([{"scenario": e.scenario.slug, "factor": e.factor, "effectiveness": e.effectiveness}
                        for e in effects], separators=(",", ":")) if effects else "",
        ])
    return rows


def export_initiatives_csv(viewer: HasCapabilities) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in export_rows(viewer):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def example_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(["edr", "EDR everywhere", "Endpoint detection and response on every server and laptop",
                     "ciso", "300000", "120000", "9", "proposed", "no", "", "", "Security Operations=2",
                     "DE.CM-01;RS.MI-01",
                     '[{"scenario":"ransomware-erp","factor":"vulnerability","effectiveness":{"pert":[0.2,0.35,0.5]}}]'])
    return out.getvalue()
