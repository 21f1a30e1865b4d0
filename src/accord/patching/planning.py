"""From the database to the engine: maintenance windows, freezes, clusters and open findings become
one planner `Instance`, plus what the pages need to say which finding each job closes.

The rules (also in docs/patch-planner.md, "Product"):

* A job is the findings on one asset fixed by the same action. The action is the finding's
  solution text (normalised: case, spacing, first 300 characters), or its rule id when the scanner
  gave no solution (`accord.engine.patching.jobs.group_findings` does the grouping).
* Work and reboots are estimated from the asset's kind (`KIND_PROFILE`): containers, cloud
  resources and applications are redeployed without a reboot; other assets need one when the fix
  names a kernel, firmware, a Windows update (KBnnnnnn, cumulative update), a restart or a reboot,
  or the asset runs Windows.
* An asset's downtime costs its business service's cost of downtime per hour when the asset is in
  production; non-production assets and assets without a service cost nothing to reboot.
* A job's risk per day is money: the expected loss per day its findings add, in the organisation's
  currency (`accord.patching.exposure`: EPSS as a daily hazard, the asset's reach, the loss if the
  asset is compromised from its risk scenarios or business service; findings on one asset combine
  so that the asset never costs more per day than its loss if exploited).
* A finding is due at the end of its SLA due date (in the organisation's time zone), or of the last
  day a granted risk acceptance covers it when that is later (`accord.vulns.selectors.sla_due`).
* Windows serve the assets of their business service and/or carrying their tag (both: the
  intersection). Each asset gets the engine group "the set of windows that serve it", so an engine
  window serves exactly the assets its definition matches.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from accord.core import clock
from accord.engine.patching import ENGINE_VERSION
from accord.engine.patching.instance import instance_to_json, parse_instance
from accord.engine.patching.jobs import Finding as EngineFinding
from accord.engine.patching.jobs import group_findings
from accord.engine.patching.model import Asset as EngineAsset
from accord.engine.patching.model import Cluster as EngineCluster
from accord.engine.patching.model import Freeze as EngineFreeze
from accord.engine.patching.model import Instance
from accord.engine.patching.model import Window as EngineWindow
from accord.engine.patching.recurrence import expand_rrule
from accord.org import selectors as org_selectors
from accord.org.models import Asset
from accord.patching.exposure import assumptions_in_force, derivation, price_findings
from accord.patching.models import Cluster, ExposureAssumptions, Freeze, MaintenanceWindow, PatchPlan
from accord.risks import selectors as risk_selectors
from accord.vulns import selectors as vuln_selectors
from accord.vulns.fixes import action_of


@dataclass(frozen=True)
class KindProfile:
    job_minutes: float  # hands-on minutes of one fix
    reboot_minutes: float  # one reboot of the asset
    reboots: bool  # whether fixes on this kind can need a reboot at all


KIND_PROFILE: dict[str, KindProfile] = {
    "server": KindProfile(20, 15, True),
    "database": KindProfile(30, 20, True),
    "workstation": KindProfile(15, 10, True),
    "network": KindProfile(20, 10, True),
    "container": KindProfile(15, 5, False),
    "cloud": KindProfile(15, 5, False),
    "application": KindProfile(30, 0, False),
}
_REBOOT_HINT = re.compile(
    r"\b(kernel|firmware|reboot|restart|cumulative update|kb\d{6,}|bios|microcode|servicing stack)\b", re.I
)


def _action_key(action: str) -> str:
    return hashlib.sha256(action.lower().encode("utf-8")).hexdigest()[:10]


def needs_reboot(kind: str, operating_system: str, action: str, title: str) -> bool:
    profile = KIND_PROFILE.get(kind, KIND_PROFILE["server"])
    if not profile.reboots:
        return False
    return operating_system.lower().startswith("windows") or bool(_REBOOT_HINT.search(f"{action} {title}"))


def due_moment(due_date: Any) -> datetime | None:
    """End of the due day in the organisation's time zone, in UTC (the one rule: `accord.core.clock`)."""
    return None if due_date is None else clock.end_of_day(due_date)


def window_matches(window: MaintenanceWindow, asset: Asset) -> bool:
    if window.business_service_id is None and not window.asset_tag:
        return False
    if window.business_service_id is not None and asset.business_service_id != window.business_service_id:
        return False
    return not window.asset_tag or window.asset_tag.lower() in asset.tag_list


def occurrence_key(window: MaintenanceWindow, start: datetime) -> str:
    return f"W{window.pk}@{start.astimezone(UTC):%Y-%m-%dT%H:%M}" if window.rrule else f"W{window.pk}"


def occurrences(window: MaintenanceWindow, since: datetime, until: datetime) -> list[datetime]:
    """Starts (UTC) of a window's occurrences in [since, until)."""
    if window.rrule:
        return expand_rrule(window.rrule, window.start, since, until)
    start = window.start.astimezone(UTC)
    return [start] if since <= start < until else []


@dataclass
class PlanningInputs:
    instance: Instance
    jobs: dict[str, dict[str, Any]]  # job id -> asset, hostname, service, action, findings, derivation
    windows: dict[str, dict[str, Any]]  # engine window id -> window pk, name, start, end
    assumptions: ExposureAssumptions
    unserved_assets: list[str] = field(default_factory=list)  # hostnames with findings but no window

    @property
    def instance_json(self) -> dict[str, Any]:
        return instance_to_json(self.instance)

    def inputs_hash(self) -> str:
        canonical = json.dumps({"instance": self.instance_json, "engine": ENGINE_VERSION,
                                "assumptions": self.assumptions.factors()}, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def planning_start() -> datetime:
    """Now, rounded up to the next whole hour (UTC), so a plan made a minute later looks the same."""
    now = timezone.now().astimezone(UTC)
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def build_inputs(viewer: Any, *, start: datetime, horizon_days: int, budget: float | None = None) -> PlanningInputs:
    """Read windows, freezes, clusters, assets and open findings; return the engine instance."""
    currency = risk_selectors.organisation_currency()
    end = start + timedelta(days=horizon_days)
    findings = list(vuln_selectors.open_findings_for_planning(viewer))
    asset_ids = {f["asset_id"] for f in findings}
    assets = {a.pk: a for a in org_selectors.assets_visible_to(viewer).filter(pk__in=asset_ids)
              .select_related("business_service")}
    assumptions = assumptions_in_force()
    priced = price_findings(findings, assets, risk_selectors.scenario_shares_by_asset(viewer), assumptions)
    routes = {f.finding: f for p in priced.values() for f in p.exposure.findings}
    windows = list(MaintenanceWindow.objects.order_by("pk"))
    clusters = list(Cluster.objects.order_by("pk").prefetch_related("members"))
    cluster_of = {m.pk: c.name for c in clusters for m in c.members.all()}

    groups: dict[int, str] = {}
    for pk, asset in assets.items():
        serving = [w.pk for w in windows if window_matches(w, asset)]
        groups[pk] = "+".join(f"W{n}" for n in serving) or "unserved"

    engine_windows: list[EngineWindow] = []
    window_info: dict[str, dict[str, Any]] = {}
    for window in windows:
        served = tuple(sorted({g for g in groups.values() if f"W{window.pk}" in g.split("+")}))
        for occurrence in occurrences(window, start, end):
            key = occurrence_key(window, occurrence)
            window_info[key] = {"window": window.pk, "name": window.name, "start": occurrence.isoformat(),
                                "end": (occurrence + timedelta(minutes=window.duration_minutes)).isoformat()}
            if served:
                engine_windows.append(EngineWindow(key, occurrence, float(window.duration_minutes), served,
                                                   window.max_changes))

    engine_assets: list[EngineAsset] = []
    for pk, asset in sorted(assets.items(), key=lambda item: item[1].hostname):
        profile = KIND_PROFILE.get(asset.kind, KIND_PROFILE["server"])
        service = asset.business_service
        cost = float(service.downtime_cost_per_hour) if service and asset.environment == "production" else 0.0
        engine_assets.append(EngineAsset(asset.hostname, groups[pk], profile.reboot_minutes, cost,
                                         cluster_of.get(pk)))

    engine_findings: list[EngineFinding] = []
    actions: dict[str, str] = {}
    details: dict[str, dict[str, Any]] = {}
    for row in findings:
        owner = assets.get(row["asset_id"])
        if owner is None:
            continue
        profile = KIND_PROFILE.get(owner.kind, KIND_PROFILE["server"])
        action = action_of(row["solution"], row["rule_id"], row["title"])
        key = _action_key(action)
        # A finding under a granted risk acceptance is due when the acceptance lapses, if that is later.
        sla_due = vuln_selectors.sla_due(row["due_date"], row["accepted_until"]) if row["due_date"] else None
        actions[key] = action
        engine_findings.append(EngineFinding(
            id=str(row["id"]), asset=owner.hostname, action=key, minutes=profile.job_minutes,
            reboot=needs_reboot(owner.kind, owner.operating_system, action, row["title"]),
            risk_per_day=routes[str(row["id"])].loss_per_day, loss_cap=routes[str(row["id"])].loss_cap,
            due=due_moment(sla_due),
            kev=row["kev"], decision=row["decision"] or None,
        ))
        details[str(row["id"])] = {"id": row["id"], "title": row["title"],
                                   "cves": [c for c in row["cves"].split(",") if c],
                                   "due_date": sla_due.isoformat() if sla_due else None,
                                   "decision": row["decision"], "kev": row["kev"]}

    by_hostname = {a.hostname: a for a in assets.values()}
    jobs: dict[str, dict[str, Any]] = {}
    engine_jobs = []
    for grouped in group_findings(engine_findings):
        job = grouped.job
        asset = by_hostname[job.asset]
        engine_jobs.append(job)
        jobs[job.id] = {"asset": asset.pk, "hostname": asset.hostname,
                        "service": asset.business_service.name if asset.business_service else "",
                        "action": actions[job.id.rsplit("/", 1)[1]],
                        "findings": [details[f] for f in grouped.findings],
                        "derivation": derivation(priced[asset.pk], list(grouped.findings))}
    used_groups = {g for w in engine_windows for g in w.groups}
    unserved = sorted({a.id for a in engine_assets if a.group not in used_groups})
    instance = Instance(start=start, horizon_days=float(horizon_days), windows=tuple(engine_windows),
                        assets=tuple(engine_assets), jobs=tuple(engine_jobs),
                        freezes=tuple(EngineFreeze(f.start, f.end, f"F{f.pk}") for f in Freeze.objects.order_by("pk")),
                        clusters=tuple(EngineCluster(c.name, c.max_down) for c in clusters),
                        disruption_budget=budget, breach_penalty=assumptions.breach_penalty,
                        currency=currency)
    return PlanningInputs(instance, jobs, window_info, assumptions, unserved)


def instance_of(plan: PatchPlan) -> Instance:
    return parse_instance(plan.instance)


def assignment_of(plan: PatchPlan, point: int | None = None) -> dict[str, str | None]:
    """job id -> engine window id (None when deferred) at `point` (default: the chosen one)."""
    point = plan.chosen_point if point is None else point
    stored = plan.result["plan"] if point is None else plan.result["frontier"][point]["plan"]
    return {job: None if window == "deferred" else window for job, window in stored.items()}
