"""Permission-scoped reads of the vulnerability area, with the filters the pages, API and CLI share.

Lists are ordered by due date (most urgent first) and paged by keyset: the next page starts after
the last (due date, id) shown, so page 5,000 costs what page 1 costs. Counting a million rows on
every page would cost more than the page itself, so counts stop at `COUNT_CAP` ("10,000+").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from accord.core import clock
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import HasCapabilities, require
from accord.core.write_cache import cached_until_next_write
from accord.engine.vulns import SlaPolicy as EngineSlaPolicy
from accord.engine.vulns import rule_in_words
from accord.org import selectors as org_selectors
from accord.vulns.decisions import explanation, policy_in_force, status_of
from accord.vulns.models import (
    OPEN_STATES,
    FeedKind,
    FeedLoad,
    Finding,
    FindingState,
    ImportRun,
    PolicyStatus,
    SlaPolicy,
)

COUNT_CAP = 10_000
SLA_STATUSES = ("on_track", "due_soon", "breached")
STATE_FILTERS = ("open", "reopened", "fixed", "suppressed", "all")


@dataclass(frozen=True)
class FindingFilter:
    state: str = "open"  # open (open or reopened), reopened, fixed, suppressed, all
    decision: str = ""
    kev: bool | None = None
    epss_min: float | None = None
    service: int | None = None
    team: int | None = None
    sla: str = ""  # on_track, due_soon, breached (open findings)
    scanner: str = ""
    severity: str = ""
    cve: str = ""
    asset: int | None = None


def sla_filter(status: str, today: date, policy: EngineSlaPolicy) -> Q:
    """SLA status as a range on the indexed due date (status depends on today, so it is not stored)."""
    soon = today + timedelta(days=policy.due_soon_days)
    if status == "breached":
        return Q(due_date__lt=today)
    if status == "due_soon":
        return Q(due_date__gte=today, due_date__lte=soon)
    if status == "on_track":
        return Q(due_date__gt=soon)
    raise ValidationFailed.field("sla", f"{status!r} is not one of {', '.join(SLA_STATUSES)}")


def findings_visible_to(viewer: HasCapabilities, filters: FindingFilter | None = None) -> QuerySet[Finding]:
    require(viewer, "vuln.read")
    f = filters or FindingFilter()
    # The asset comes in a second query (prefetch), not a join: a join stops SQLite from walking the
    # (state, due date) index in order and makes it sort every open finding for each page.
    qs = Finding.objects.prefetch_related("asset").order_by("due_date", "id")
    if f.state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif f.state in ("reopened", "fixed", "suppressed"):
        qs = qs.filter(state=f.state)
    elif f.state not in ("all", ""):
        raise ValidationFailed.field("state", f"{f.state!r} is not one of {', '.join(STATE_FILTERS)}")
    if f.decision:
        qs = qs.filter(decision=f.decision)
    if f.kev is not None:
        # `kev__in` renders as `kev IN (?)`, an equality SQLite matches to finding_kev_state_due;
        # `kev=True` renders as a bare column, which it cannot.
        qs = qs.filter(kev__in=[f.kev])
    if f.epss_min is not None:
        qs = qs.filter(epss__gte=f.epss_min)
    if f.service or f.team:
        # A subquery of asset ids, not a join, for the same reason as the prefetch above.
        assets = org_selectors.assets_visible_to(
            viewer, org_selectors.AssetFilter(business_service=f.service, team=f.team))
        qs = qs.filter(asset_id__in=assets.order_by().values("pk"))
    if f.sla:
        qs = qs.filter(sla_filter(f.sla, clock.today(), policy_in_force()[0]))
        if f.state not in ("open", "reopened"):
            qs = qs.filter(state__in=OPEN_STATES)
    if f.scanner:
        qs = qs.filter(scanner=f.scanner)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.cve:
        qs = qs.filter(cves__contains=f",{f.cve.strip().upper()},")
    if f.asset:
        qs = qs.filter(asset_id=f.asset)
    return qs


@dataclass(frozen=True)
class KeysetPage:
    items: list[Finding]
    next_cursor: str | None
    count: int
    count_exact: bool


def parse_cursor(cursor: str) -> tuple[date, int]:
    try:
        day, _, pk = cursor.partition("_")
        return date.fromisoformat(day), int(pk)
    except ValueError:
        raise ValidationFailed.field("cursor", "not a cursor from a previous page") from None


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """The number of rows, counting at most `cap + 1` (an exact count of a million rows per page is waste)."""
    n = qs.order_by()[: cap + 1].count()
    return (cap, False) if n > cap else (n, True)


def keyset_page(qs: QuerySet[Finding], *, cursor: str = "", page_size: int = 50) -> KeysetPage:
    """One page of findings after `cursor` (the `next_cursor` of the previous page; "" for the first)."""
    count, exact = capped_count(qs)
    if cursor:
        day, pk = parse_cursor(cursor)
        qs = qs.filter(Q(due_date__gt=day) | Q(due_date=day, id__gt=pk))
    rows = list(qs[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = f"{rows[-1].due_date.isoformat()}_{rows[-1].pk}" if more and rows else None
    return KeysetPage(rows, next_cursor, count, exact)


def finding_by_id(viewer: HasCapabilities, finding_id: int) -> Finding:
    require(viewer, "vuln.read")
    finding = (Finding.objects.select_related("asset__business_service", "asset__team", "override_by",
                                              "first_run", "last_run").filter(pk=finding_id).first())
    if finding is None:
        raise NotFound("finding", finding_id)
    return finding


@dataclass(frozen=True)
class FindingView:
    """A finding with what the pages and the API show beside it."""

    finding: Finding
    explanation: str
    sla_status: str
    history: list[AuditEvent]
    kev_due_date_binds: bool  # CISA's KEV due date binds (bound by BOD 22-01); else it is a reference


def _status(finding: Finding, today: date, policy: EngineSlaPolicy) -> str:
    fixed_on = clock.day_of(finding.fixed_at) if finding.fixed_at else None
    return status_of(finding.due_date, finding.state, today, fixed_on, policy)


def finding_view(viewer: HasCapabilities, finding_id: int) -> FindingView:
    finding = finding_by_id(viewer, finding_id)
    policy = policy_in_force()[0]
    history = list(AuditEvent.objects.filter(object_type="vulns.finding", object_id=str(finding.pk))
                   .order_by("-seq")[:100])
    return FindingView(finding, explanation(finding.decision, finding.decision_points),
                       _status(finding, clock.today(), policy), history, policy.bound_by_bod_22_01)


def sla_status_for(findings: Iterable[Finding]) -> dict[int, str]:
    policy, today = policy_in_force()[0], clock.today()
    return {f.pk: _status(f, today, policy) for f in findings}


def scanners(viewer: HasCapabilities) -> list[str]:
    require(viewer, "vuln.read")
    return list(ImportRun.objects.order_by("scanner").values_list("scanner", flat=True).distinct())


def import_runs_visible_to(viewer: HasCapabilities) -> QuerySet[ImportRun]:
    require(viewer, "vuln.read")
    return ImportRun.objects.select_related("actor").order_by("-started_at", "-id")


def import_run_by_id(viewer: HasCapabilities, run_id: int) -> ImportRun:
    run = import_runs_visible_to(viewer).filter(pk=run_id).first()
    if run is None:
        raise NotFound("import run", run_id)
    return run


def feed_loads_visible_to(viewer: HasCapabilities) -> QuerySet[FeedLoad]:
    require(viewer, "vuln.read")
    return FeedLoad.objects.select_related("loaded_by").order_by("-loaded_at", "-id")


def latest_feeds(viewer: HasCapabilities) -> dict[str, FeedLoad | None]:
    loads = feed_loads_visible_to(viewer)
    return {kind: loads.filter(kind=kind).first() for kind in FeedKind.values}


# --- SLA ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyState:
    active: SlaPolicy | None  # None: the built-in defaults are in force
    effective: EngineSlaPolicy
    pending: SlaPolicy | None
    history: list[SlaPolicy]

    @property
    def rule_text(self) -> str:
        """The due-date rule in force, in words."""
        return rule_in_words(self.effective)


def sla_policy_state(viewer: HasCapabilities) -> PolicyState:
    require(viewer, "vuln.read")
    effective, active = policy_in_force()
    pending = SlaPolicy.objects.filter(status=PolicyStatus.PROPOSED).order_by("-proposed_at").first()
    history = list(SlaPolicy.objects.select_related("proposed_by", "confirmed_by").order_by("-proposed_at")[:20])
    return PolicyState(active, effective, pending, history)


def sla_policy_by_id(viewer: HasCapabilities, policy_id: int) -> SlaPolicy:
    require(viewer, "vuln.read")
    policy = SlaPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise NotFound("SLA policy", policy_id)
    return policy


@dataclass(frozen=True)
class ComplianceRow:
    key: int | None
    name: str
    open: int
    on_track: int
    due_soon: int
    breached: int
    fixed_in_time: int
    fixed_late: int

    @property
    def within_sla(self) -> float | None:
        """Share of open findings not past their due date (None when there are none)."""
        return round(100.0 * (self.open - self.breached) / self.open, 1) if self.open else None


def sla_compliance(viewer: HasCapabilities, *, by: str) -> list[ComplianceRow]:
    """Open findings by SLA status, and fixed ones in time or late, per business service or team."""
    require(viewer, "vuln.read")
    if by not in ("service", "team"):
        raise ValidationFailed.field("by", "one of service, team")
    column = "asset__business_service" if by == "service" else "asset__team"
    policy, today = policy_in_force()[0], clock.today()
    soon = today + timedelta(days=policy.due_soon_days)
    open_q = Q(state__in=OPEN_STATES)
    rows = (Finding.objects.order_by().values(column).annotate(
        open=Count("id", filter=open_q),
        breached=Count("id", filter=open_q & Q(due_date__lt=today)),
        due_soon=Count("id", filter=open_q & Q(due_date__gte=today, due_date__lte=soon)),
        fixed_in_time=Count("id", filter=Q(state=FindingState.FIXED, fixed_at__date__lte=F("due_date"))),
        fixed_late=Count("id", filter=Q(state=FindingState.FIXED, fixed_at__date__gt=F("due_date"))),
    ))
    names = _names(viewer, by)
    result = [ComplianceRow(key=row[column], name=names.get(row[column], "no business service" if by == "service"
                                                             else "no team"),
                            open=row["open"], on_track=row["open"] - row["breached"] - row["due_soon"],
                            due_soon=row["due_soon"], breached=row["breached"],
                            fixed_in_time=row["fixed_in_time"], fixed_late=row["fixed_late"]) for row in rows]
    return sorted(result, key=lambda r: (-r.breached, -r.open, r.name))


def _names(viewer: HasCapabilities, by: str) -> dict[int | None, str]:
    if by == "service":
        return dict(org_selectors.services_visible_to(viewer).values_list("id", "name"))
    return dict(org_selectors.teams_visible_to(viewer).values_list("id", "name"))


@dataclass(frozen=True)
class Overview:
    open: int
    by_decision: dict[str, int]
    kev_open: int
    breached: int


def overview(viewer: HasCapabilities) -> Overview:
    """Counts over all open findings; cached until the next write (they scan the whole table)."""
    require(viewer, "vuln.read")
    today = clock.today()
    return cached_until_next_write("vulns.overview", lambda: _count_overview(today), also_key=today.isoformat())


def _count_overview(today: date) -> Overview:
    open_findings = Finding.objects.filter(state__in=OPEN_STATES).order_by()
    by_decision = dict(open_findings.values_list("decision").annotate(n=Count("id")))
    return Overview(open=sum(by_decision.values()), by_decision=by_decision,
                    kev_open=open_findings.filter(kev=True).count(),
                    breached=open_findings.filter(due_date__lt=today).count())


# --- Patch planning: what the patching app reads to build its jobs -------------------------------

def open_findings_for_planning(viewer: HasCapabilities) -> QuerySet[Finding, Any]:
    """Open findings with the fields the patch planner needs, grouped by asset (values, not rows)."""
    require(viewer, "patch.read")
    return (Finding.objects.filter(state__in=OPEN_STATES).order_by("asset_id", "id")
            .values("id", "asset_id", "title", "rule_id", "solution", "cves", "severity", "decision", "kev",
                    "epss", "due_date", "decision_points"))
