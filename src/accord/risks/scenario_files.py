"""Import and export of the scenario file format (`accord risks simulate` reads the same files).

Import is all-or-nothing: the whole file is checked by the engine's parser and the register's own
rules before anything is written, and a refusal names the scenario id and the field. Scenarios are
matched by id: new ids are created, known ones updated; their proposed controls become the file's
`controls`. Controls marked in place stay as they are (the file format has no place for them, as
their effect is already part of the inputs). Top-level `currency`, `model`, `years`, `seed`,
`appetite` and `correlation`, when present, become the register's settings.

Export writes the same format, so export -> import -> export gives the same document, and running
the exported file with `accord risks simulate` reproduces the stored numbers and input hashes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import IO, Any

import yaml
from django.db import transaction

from accord.core import audit
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, HasCapabilities, require
from accord.risks import fair
from accord.risks.models import MAX_YEARS, Control, RiskScenario, RiskSettings
from accord.risks.services import (
    WRITE,
    portfolio_scenarios,
    resimulate,
    scenario_file_entry,
    simulate_portfolio,
)

MAX_FILE_BYTES = 5_000_000
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
SETTING_OF_KEY = {"currency": "currency", "model": "model", "years": "default_years", "seed": "seed",
                  "appetite": "appetite", "correlation": "correlation"}


@dataclass
class ImportReport:
    filename: str
    sha256: str
    scenarios: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    runs: int = 0
    settings_changed: bool = False
    ids: list[str] = field(default_factory=list)


def load_document(raw: bytes, filename: str) -> Any:
    """YAML (or JSON for a .json file) into plain data; a syntax error names its line and column."""
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationFailed(Problem(field="file", message=f"larger than {MAX_FILE_BYTES:,} bytes"),
                               source=filename)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationFailed(Problem(field="file", line=line, message="not UTF-8 text; save the file as UTF-8"),
                               source=filename) from None
    if filename.lower().endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(Problem(field="file", line=exc.lineno, message=f"not valid JSON: {exc.msg}"),
                                   source=filename) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise ValidationFailed(
            Problem(field="file", line=mark.line + 1 if mark else None, message=f"not valid YAML: {reason}"),
            source=filename) from None


def _check_register_rules(data: dict[str, Any]) -> None:
    """What the register asks beyond the engine: ids usable in addresses, names that fit, years it stores."""
    problems = []
    for index, raw in enumerate(data["scenarios"]):
        ident = raw["id"]
        where = f"scenario {ident}, field"
        if not SLUG.match(ident) or len(ident) > 80:
            problems.append(Problem(field=f"scenarios[{index}].id",
                                    message=f"{ident!r}: use at most 80 letters, digits, - and _"))
            continue
        if len(str(raw.get("name", ident))) > 200:
            problems.append(Problem(field=f"{where} name", message="at most 200 characters"))
        names = [c.get("name", "").strip() for c in raw.get("controls") or []]
        for i, name in enumerate(names):
            if len(name) > 200:
                problems.append(Problem(field=f"{where} controls[{i}].name", message="at most 200 characters"))
        in_place = set(Control.objects.filter(scenario__slug=ident, in_place=True, name__in=names)
                       .values_list("name", flat=True))
        for i, name in enumerate(names):
            if name in in_place:
                problems.append(Problem(
                    field=f"{where} controls[{i}].name",
                    message=f"{name!r} is marked in place in the register (already part of the inputs); "
                            "rename the control or mark it as proposed first"))
    years = data.get("years")
    if years is not None and not 1_000 <= years <= MAX_YEARS:
        problems.append(Problem(field="field years", message=f"the register stores runs of 1,000 to {MAX_YEARS:,} years"))
    seed = data.get("seed")
    if seed is not None and seed > 2**63 - 1:
        problems.append(Problem(field="field seed", message="must be below 2**63"))
    currency = data.get("currency")
    if currency is not None and len(currency.strip()) > 8:
        problems.append(Problem(field="field currency", message="at most 8 characters, such as USD"))
    if problems:
        raise ValidationFailed(problems)


def _apply_settings(actor: Actor, data: dict[str, Any]) -> bool:
    changes = {SETTING_OF_KEY[key]: data[key] for key in SETTING_OF_KEY if data.get(key) is not None}
    if "currency" in changes:
        changes["currency"] = str(changes["currency"]).strip().upper()
    if "appetite" in changes:
        changes["appetite"] = sorted(changes["appetite"])
    if not changes:
        return False
    settings, _ = RiskSettings.objects.select_for_update().get_or_create(pk=1)
    before = audit.snapshot(settings)
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()
    after = audit.snapshot(settings)
    return audit.record_change(actor, "risksettings.updated", settings, before, after)


def _sync_controls(actor: Actor, scenario: RiskScenario, wanted: list[dict[str, Any]]) -> bool:
    """Make the scenario's proposed controls exactly the file's; True when anything changed."""
    existing = {c.name: c for c in scenario.controls.filter(in_place=False)}
    changed = False
    for spec in wanted:
        name = spec["name"].strip()
        values = {"factor": spec["factor"], "effectiveness": spec["effectiveness"],
                  "annual_cost": float(spec.get("annual_cost", 0.0))}
        control = existing.pop(name, None)
        if control is None:
            control = Control.objects.create(scenario=scenario, name=name, **values)
            audit.record(actor, "control.created", control, after=audit.snapshot(control))
            changed = True
            continue
        before = audit.snapshot(control)
        for key, value in values.items():
            setattr(control, key, value)
        after = audit.snapshot(control)
        if after != before:
            control.save()
            audit.record_change(actor, "control.updated", control, before, after)
            changed = True
    for control in existing.values():
        audit.record(actor, "control.removed", control, before=audit.snapshot(control))
        control.delete()
        changed = True
    return changed


def _upsert(actor: Actor, raw: dict[str, Any], report: ImportReport) -> RiskScenario:
    ident = raw["id"]
    name = str(raw.get("name", ident))
    inputs = {key: raw[key] for key in fair.INPUT_KEYS if key in raw}
    scenario = RiskScenario.objects.filter(slug=ident).first()
    if scenario is None:
        scenario = RiskScenario.objects.create(slug=ident, name=name, inputs=inputs)
        audit.record(actor, "riskscenario.created", scenario, after=audit.snapshot(scenario, exclude=("latest_run",)))
        report.created += 1
        _sync_controls(actor, scenario, raw.get("controls") or [])
        return scenario
    before = audit.snapshot(scenario, exclude=("latest_run",))
    scenario.name, scenario.inputs = name, inputs
    after = audit.snapshot(scenario, exclude=("latest_run",))
    changed = after != before
    if changed:
        scenario.save()
        audit.record_change(actor, "riskscenario.updated", scenario, before, after)
    if _sync_controls(actor, scenario, raw.get("controls") or []) or changed:
        report.updated += 1
    else:
        report.unchanged += 1
    return scenario


@transaction.atomic
def import_scenario_file(*, actor: Actor, file: IO[bytes] | bytes, filename: str) -> ImportReport:
    """Check the whole file, then create/update its scenarios and controls, apply its settings, and
    simulate what changed (and the portfolio). Refused as a whole, with nothing written, on any error."""
    require(actor, WRITE)
    raw = file if isinstance(file, bytes) else file.read(MAX_FILE_BYTES + 1)
    data = load_document(raw, filename)
    try:
        fair.check_file(data)
        _check_register_rules(data)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.problems, source=filename) from None
    report = ImportReport(filename=filename, sha256=hashlib.sha256(raw).hexdigest())
    report.settings_changed = _apply_settings(actor, data)
    for raw_scenario in data["scenarios"]:
        scenario = _upsert(actor, raw_scenario, report)
        report.ids.append(scenario.slug)
    report.scenarios = len(report.ids)
    audit.record(actor, "risks.imported", ("risks.scenariofile", report.sha256[:16], filename[:300]),
                 after={"filename": filename, "sha256": report.sha256, "scenarios": report.ids,
                        "created": report.created, "updated": report.updated, "unchanged": report.unchanged})
    for scenario in RiskScenario.objects.prefetch_related("controls").select_related("latest_run"):
        # New settings change every scenario's run; otherwise only the imported ones can have changed.
        if report.settings_changed or scenario.slug in report.ids:
            previous = scenario.latest_run_id
            if resimulate(actor, scenario).pk != previous:
                report.runs += 1
    if portfolio_scenarios():
        simulate_portfolio(actor=actor)
        report.runs += 1
    return report


# ---- export ----------------------------------------------------------------------------------------


def export_document(viewer: HasCapabilities, slugs: list[str] | None = None) -> dict[str, Any]:
    """The register (or the named scenarios) as a scenario file, with the settings' seed and years so
    that `accord risks simulate` on it gives the stored numbers."""
    require(viewer, "risk.read")
    scenarios = RiskScenario.objects.prefetch_related("controls").order_by("slug")
    if slugs:
        scenarios = scenarios.filter(slug__in=slugs)
    entries = [scenario_file_entry(s) for s in scenarios]
    settings = RiskSettings.current()
    correlation, _ = fair.restrict_correlation(settings.correlation, [e["id"] for e in entries])
    return fair.file_document(scenarios=entries, currency=settings.currency, model=settings.model,
                              years=settings.default_years, seed=settings.seed, appetite=settings.appetite,
                              correlation=correlation)


def dump_document(document: dict[str, Any], fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(document, indent=2) + "\n"
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=None, allow_unicode=True, width=110)
