"""Reads of the joint scorecard, for its pages, API and command line and for other apps (the board
pack, the steering pack): the metrics with their status against the KRI thresholds in force, their
monthly trend, the thresholds' state, the snapshots, and the partnership review per quarter.

Every figure is computed here once; the page, the API and the CLI print the same `Metric`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import QuerySet

from accord.core import clock
from accord.core.errors import NotFound
from accord.core.money import compact
from accord.core.permissions import ScheduledReader, can, require
from accord.metrics import registry
from accord.metrics.models import Retrospective, Snapshot, ThresholdSet, ThresholdStatus
from accord.metrics.registry import MetricDefinition, ReadContext, Thresholds

READ = "scorecard.read"
TREND_MONTHS = 12
NO_DATA = "no data"
SOURCE_LABELS = {"schedule": "taken by the schedule", "command": "taken by hand", "demo": "generated (demo history)",
                 "imported": "recorded history"}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str  # "kpi" | "kri"
    value: float | None
    unit: str  # "EUR", "%", "days", "findings", ...
    display: str  # the value as people read it, with its unit
    formula: str  # how it is computed, in words
    status: str  # "red" | "amber" | "green" for a KRI with thresholds, "" otherwise
    as_of: date
    drill_url: str
    trend: tuple[tuple[date, float | None], ...] = ()  # monthly snapshots, oldest first
    detail: str = ""  # the second figure or the counts behind it
    group: str = ""
    thresholds: str = ""  # a KRI's thresholds in words
    thresholds_agreed: bool = False  # False: the defaults apply (not agreed by the CIO and the CISO)
    source: str = "live"  # "live", or "snapshot of 2026-09" when read for a past day
    money: bool = False  # the unit is the organisation's currency

    def format(self, value: float | None) -> str:
        """Another value of this metric (a month of its trend) as people read it."""
        return format_value(value, "money" if self.money else self.unit, self.unit)


@dataclass(frozen=True)
class Scorecard:
    as_of: date
    metrics: tuple[Metric, ...]

    def by_key(self) -> dict[str, Metric]:
        return {m.key: m for m in self.metrics}


@dataclass(frozen=True)
class PartnershipQuarter:
    quarter: str  # "2026Q4"
    figures: tuple[tuple[str, str], ...]  # (label, figure with its unit)
    url: str


# Thresholds ----------------------------------------------------------------------------------------

def active_thresholds() -> ThresholdSet | None:
    return ThresholdSet.objects.filter(status=ThresholdStatus.ACTIVE).order_by("-agreed_at", "-id").first()


def thresholds_in_force() -> tuple[dict[str, Thresholds], ThresholdSet | None]:
    """Each KRI's thresholds: the agreed ones where the agreement names the KRI, else its defaults."""
    active = active_thresholds()
    agreed = active.thresholds if active is not None else {}
    found: dict[str, Thresholds] = {}
    for d in registry.kris():
        entry = agreed.get(d.key)
        found[d.key] = (Thresholds(entry["direction"], float(entry["amber"]), float(entry["red"]))
                        if entry else d.default_thresholds)  # type: ignore[assignment]
    return found, active


@dataclass(frozen=True)
class ThresholdState:
    effective: dict[str, Thresholds]
    active: ThresholdSet | None
    pending: ThresholdSet | None
    history: list[ThresholdSet]

    def agreed(self, key: str) -> bool:
        return self.active is not None and key in self.active.thresholds


def threshold_state(viewer: Any) -> ThresholdState:
    require(viewer, READ)
    effective, active = thresholds_in_force()
    pending = ThresholdSet.objects.filter(status=ThresholdStatus.PROPOSED).select_related("signoff").first()
    history = list(ThresholdSet.objects.select_related("proposed_by", "agreed_by", "signoff")[:20])
    return ThresholdState(effective, active, pending, history)


def threshold_set_by_id(viewer: Any, set_id: int) -> ThresholdSet:
    require(viewer, READ)
    found = ThresholdSet.objects.select_related("signoff", "proposed_by").filter(pk=set_id).first()
    if found is None:
        raise NotFound("KRI threshold proposal", set_id)
    return found


# Snapshots -----------------------------------------------------------------------------------------

def snapshots_visible_to(viewer: Any) -> QuerySet[Snapshot]:
    require(viewer, READ)
    return Snapshot.objects.select_related("taken_by").order_by("-month")


def snapshot_of_month(month: date) -> Snapshot | None:
    return Snapshot.objects.filter(month=month.replace(day=1)).first()


def _trends(until: date) -> dict[str, tuple[tuple[date, float | None], ...]]:
    rows = list(Snapshot.objects.filter(month__lte=until).order_by("-month")[:TREND_MONTHS])[::-1]
    keys = {key for row in rows for key in row.values}
    return {key: tuple((row.month, row.value_of(key)) for row in rows) for key in keys}


# Metrics -------------------------------------------------------------------------------------------

def organisation_reader() -> ScheduledReader:
    """What a snapshot reads the figures as: every area's read capability, so a snapshot holds the
    organisation's figures whoever (or whatever schedule) takes it. Never used for a write."""
    return ScheduledReader()


def format_value(value: float | None, unit: str, currency: str) -> str:
    """A number in a metric's unit as people read it (for values read back from a snapshot)."""
    if value is None:
        return NO_DATA
    if unit == "money":
        return compact(value, currency)
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.1f} {unit}" if not float(value).is_integer() else f"{value:,.0f} {unit}"


def _unit(d: MetricDefinition, currency: str) -> str:
    return currency if d.unit == "money" else d.unit


def _metric(d: MetricDefinition, *, value: float | None, display: str, detail: str, drill_url: str, as_of: date,
            currency: str, thresholds: dict[str, Thresholds], agreed: set[str], source: str) -> Metric:
    limits = thresholds.get(d.key)
    words = ""
    if limits is not None:
        words = limits.in_words(_unit(d, currency))
    return Metric(key=d.key, label=d.label, kind=d.kind, value=value, unit=_unit(d, currency), display=display,
                  formula=d.formula, status=limits.status(value) if limits is not None else "", as_of=as_of,
                  drill_url=drill_url or d.drill_url, detail=detail, group=d.group, thresholds=words,
                  thresholds_agreed=d.key in agreed, source=source, money=d.unit == "money")


def read_now(viewer: Any, *, keys: list[str] | None = None) -> list[Metric]:
    """The metrics the viewer may see, computed now from their owning apps' selectors."""
    from accord.risks.selectors import organisation_currency

    today = clock.today()
    ctx = ReadContext(today=today, currency=organisation_currency())
    thresholds, active = thresholds_in_force()
    agreed = set(active.thresholds) if active is not None else set()
    found = []
    for d in registry.definitions():
        if (keys is not None and d.key not in keys) or not can(viewer, d.capability):
            continue
        reading = d.read(viewer, ctx)
        found.append(_metric(d, value=None if reading is None else reading.value,
                             display=NO_DATA if reading is None else reading.display,
                             detail="" if reading is None else reading.detail,
                             drill_url="" if reading is None else reading.drill_url, as_of=today,
                             currency=ctx.currency, thresholds=thresholds, agreed=agreed, source="live"))
    return found


def _read_snapshot(viewer: Any, as_of: date) -> tuple[date, list[Metric]]:
    """The metrics as the latest snapshot taken on or before `as_of` holds them (no data without one)."""
    from accord.risks.selectors import organisation_currency

    currency = organisation_currency()
    row = Snapshot.objects.filter(as_of__lte=as_of).order_by("-as_of", "-month").first()
    thresholds, active = thresholds_in_force()
    agreed = set(active.thresholds) if active is not None else set()
    day = row.as_of if row is not None else as_of
    source = f"snapshot of {row.month:%Y-%m}" if row is not None else "no snapshot"
    found = []
    for d in registry.definitions():
        if not can(viewer, d.capability):
            continue
        value = row.value_of(d.key) if row is not None else None
        found.append(_metric(d, value=value, display=format_value(value, d.unit, currency),
                             detail="", drill_url="", as_of=day, currency=currency, thresholds=thresholds,
                             agreed=agreed, source=source))
    return day, found


def scorecard(viewer: Any, *, as_of: date | None = None) -> Scorecard:
    """Every metric the viewer may see with its status and its monthly trend (oldest first). Today
    (or `as_of` today or later): computed now. A past `as_of`: the latest snapshot taken on or before
    that day (each metric says which), since most figures cannot be recomputed for a past day."""
    require(viewer, READ)
    today = clock.today()
    if as_of is None or as_of >= today:
        day, metrics = today, read_now(viewer)
    else:
        day, metrics = _read_snapshot(viewer, as_of)
    trends = _trends(day)
    return Scorecard(as_of=day, metrics=tuple(replace(m, trend=trends.get(m.key, ())) for m in metrics))


def metric_by_key(viewer: Any, key: str) -> Metric:
    """One metric now, with its trend (refused when unknown or not visible to the viewer)."""
    require(viewer, READ)
    d = registry.definition(key)
    if d is None or not can(viewer, d.capability):
        raise NotFound("metric", key)
    metric = read_now(viewer, keys=[key])[0]
    return replace(metric, trend=_trends(metric.as_of).get(key, ()))


# The partnership review ----------------------------------------------------------------------------

def retrospectives_of(viewer: Any, quarter: str) -> QuerySet[Retrospective]:
    require(viewer, READ)
    return Retrospective.objects.filter(quarter=quarter).select_related("recorded_by", "decision")


def partnership(viewer: Any, quarter: str) -> Any:
    """The partnership review of one quarter (accord.metrics.partnership.Review)."""
    from accord.metrics.partnership import parse_quarter, review_of

    require(viewer, READ)
    return review_of(viewer, parse_quarter(quarter))


def partnership_quarters(viewer: Any, *, count: int = 4) -> list[PartnershipQuarter]:
    """The last `count` quarters' partnership reviews (the current one last), each as (label, figure)
    pairs: the trend across quarters the page and the steering pack show."""
    from accord.metrics.partnership import Quarter, review_of

    require(viewer, READ)
    quarters = Quarter.containing(clock.today()).previous(count)
    return [PartnershipQuarter(q.label, review_of(viewer, q).pairs(), f"/scorecard/partnership/{q.label}/")
            for q in quarters]


def action_owners() -> Any:
    """Who may own a retrospective action: active users holding a role (not the system actor)."""
    from accord.accounts.selectors import holders_of
    from accord.core.permissions import Role

    return holders_of(list(Role.values))


def action_owner(username: str) -> Any:
    """An action's owner by username, or a refusal naming the field."""
    from accord.core.errors import ValidationFailed

    owner = action_owners().filter(username=(username or "").strip()).first()
    if owner is None:
        raise ValidationFailed.field("owner", f"{username!r} is not an active user with a role")
    return owner


# Documents: what the API answers and `--json` prints, the same for both ---------------------------

def metric_document(metric: Metric) -> dict[str, Any]:
    return {"key": metric.key, "label": metric.label, "kind": metric.kind, "value": metric.value,
            "unit": metric.unit, "display": metric.display, "detail": metric.detail, "formula": metric.formula,
            "status": metric.status, "thresholds": metric.thresholds, "thresholds_agreed": metric.thresholds_agreed,
            "as_of": metric.as_of, "source": metric.source, "drill_url": metric.drill_url,
            "trend": [{"month": month, "value": value} for month, value in metric.trend]}


def scorecard_document(card: Scorecard) -> dict[str, Any]:
    return {"as_of": card.as_of, "metrics": [metric_document(m) for m in card.metrics]}


def _figures(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"label": label, "figure": figure} for label, figure in pairs]


def partnership_document(viewer: Any, quarter: str) -> dict[str, Any]:
    """A quarter's partnership review with its retrospectives and the four quarters' trend."""
    review = partnership(viewer, quarter)
    period = review.quarter
    trend = [{"quarter": q.label, "figures": _figures(review.pairs() if q == period else partnership(viewer, q.label).pairs())}
             for q in period.previous(4)]
    return {
        "quarter": period.label, "start": period.start, "end": period.end, "as_of": review.as_of,
        "figures": _figures(review.pairs()),
        "conflicts": [{"title": c.title, "source": c.source, "raised_on": c.raised_on, "resolved_on": c.resolved_on,
                       "days": c.days, "url": c.url} for c in review.conflicts],
        "slips": [
            {"incident_id": s.incident_id, "reference": s.reference, "title": s.title, "late_updates": s.late_updates,
             "worst_minutes": round(s.worst_minutes, 1), "url": s.url} for s in review.slips],
        "retrospectives": [retrospective_document(r) for r in retrospectives_of(viewer, period.label)],
        "trend": trend,
    }


def retrospective_document(row: Retrospective) -> dict[str, Any]:
    return {"id": row.pk, "quarter": row.quarter, "worked": row.worked, "strained": row.strained,
            "actions": row.actions, "decision_id": row.decision_id, "recorded_by": row.recorded_by.username,
            "recorded_role": row.recorded_role, "recorded_at": row.recorded_at}
