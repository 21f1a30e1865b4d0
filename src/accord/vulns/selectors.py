"""Permission-scoped reads of the vulnerability area, with the filters the pages, API and CLI share.

Lists are ordered by due date (most urgent first) and paged by keyset: the next page starts after
the last (due date, id) shown, so page 5,000 costs what page 1 costs. Counting a million rows on
every page would cost more than the page itself, so counts stop at `COUNT_CAP` ("10,000+").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet

from accord.core import clock
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import HasCapabilities, require
from accord.core.write_cache import cached_until_next_write
from accord.engine.vulns import SlaPolicy as EngineSlaPolicy
from accord.engine.vulns import rule_in_words
from accord.org import selectors as org_selectors
from accord.vulns.decisions import SLA_STATUS_LABELS, explanation, policy_in_force, status_of
from accord.vulns.fixes import FIX_KEY_LENGTH, action_of
from accord.vulns.models import (
    OPEN_STATES,
    DecisionChoice,
    FeedKind,
    FeedLoad,
    Finding,
    FindingState,
    ImportRun,
    KevEntry,
    PolicyStatus,
    SlaPolicy,
)

COUNT_CAP = 10_000
SLA_STATUSES = ("on_track", "due_soon", "breached", "accepted")
STATE_FILTERS = ("open", "reopened", "fixed", "suppressed", "all")
GROUP_BY = ("cve", "fix", "asset")
GROUP_CAP = 200  # groups a page shows; the grouped export has them all
CVE_ID = re.compile(r"CVE-\d{4}-\d{4,19}")
FIX_KEY = re.compile(rf"[0-9a-f]{{{FIX_KEY_LENGTH}}}")


@dataclass(frozen=True)
class FindingFilter:
    state: str = "open"  # open (open or reopened), reopened, fixed, suppressed, all
    decision: str = ""
    kev: bool | None = None
    epss_min: float | None = None
    service: int | None = None
    team: int | None = None
    sla: str = ""  # on_track, due_soon, breached, accepted (open findings)
    scanner: str = ""
    severity: str = ""
    cve: str = ""
    asset: int | None = None
    fix: str = ""  # a fix key (`accord.vulns.fixes`), as the list grouped by fix links to

    def changed(self) -> dict[str, Any]:
        """The filters that differ from the default list (what an export's audit row names)."""
        default = FindingFilter()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(default, f.name)}


def cve_id(text: str) -> str:
    """A CVE id as stored (upper case), or a refusal naming the field."""
    cve = text.strip().upper()
    if not CVE_ID.fullmatch(cve):
        raise ValidationFailed.field("cve", f"{text.strip()[:40]!r} is not a CVE id (CVE-YYYY-NNNN)")
    return cve


def accepted_q(today: date) -> Q:
    """Covered by a granted risk acceptance on `today` (`Finding.accepted_until`)."""
    return Q(accepted_until__gte=today)


def not_accepted_q(today: date) -> Q:
    return Q(accepted_until__isnull=True) | Q(accepted_until__lt=today)


def breached_q(today: date) -> Q:
    """Past its due date and not covered by a granted risk acceptance: what every breach and past-due
    count counts (findings list, tiles, compliance, KEV past due, the desk)."""
    return Q(due_date__lt=today) & not_accepted_q(today)


def sla_due(due_date: date, accepted_until: date | None) -> date:
    """The last day a finding may stay open without a breach: its due date, or the last day a granted
    risk acceptance covers it when that is later (what the patch planner schedules against)."""
    return max(due_date, accepted_until) if accepted_until is not None else due_date


def sla_filter(status: str, today: date, policy: EngineSlaPolicy) -> Q:
    """SLA status as a range on the indexed due date (status depends on today, so it is not stored).
    An accepted finding is "accepted", whatever its due date, until its acceptance lapses."""
    soon = today + timedelta(days=policy.due_soon_days)
    if status == "breached":
        return breached_q(today)
    if status == "due_soon":
        return Q(due_date__gte=today, due_date__lte=soon) & not_accepted_q(today)
    if status == "on_track":
        return Q(due_date__gt=soon) & not_accepted_q(today)
    if status == "accepted":
        return accepted_q(today)
    raise ValidationFailed.field("sla", f"{status!r} is not one of {', '.join(SLA_STATUSES)}")


def findings_visible_to(viewer: HasCapabilities, filters: FindingFilter | None = None) -> QuerySet[Finding]:
    require(viewer, "vuln.read")
    f = filters or FindingFilter()
    # The asset (with its service and team) comes in a second query (prefetch), not a join: a join
    # stops SQLite from walking the (state, due date) index in order and makes it sort every open
    # finding for each page.
    qs = Finding.objects.prefetch_related(Prefetch("asset", queryset=org_selectors.assets_visible_to(viewer)))
    qs = qs.order_by("due_date", "id")
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
        # A join on the finding-to-CVE table: its (cve, finding) index gives one CVE's findings directly.
        qs = qs.filter(cve_rows__cve=cve_id(f.cve))
    if f.asset:
        qs = qs.filter(asset_id=f.asset)
    if f.fix:
        if not FIX_KEY.fullmatch(f.fix):
            raise ValidationFailed.field("fix", f"not a fix key ({FIX_KEY_LENGTH} hexadecimal characters)")
        qs = qs.filter(fix_key=f.fix)
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


def _after(day: date, pk: int) -> Q:
    return Q(due_date__gt=day) | Q(due_date=day, id__gt=pk)


def keyset_page(qs: QuerySet[Finding], *, cursor: str = "", page_size: int = 50) -> KeysetPage:
    """One page of findings after `cursor` (the `next_cursor` of the previous page; "" for the first)."""
    count, exact = capped_count(qs)
    if cursor:
        qs = qs.filter(_after(*parse_cursor(cursor)))
    rows = list(qs[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = f"{rows[-1].due_date.isoformat()}_{rows[-1].pk}" if more and rows else None
    return KeysetPage(rows, next_cursor, count, exact)


def in_chunks(qs: QuerySet[Finding], size: int) -> Iterator[list[Finding]]:
    """Every finding of `qs` in list order, `size` at a time (keyset, so memory stays flat at a million)."""
    chunk = list(qs[:size])
    while chunk:
        yield chunk
        last = chunk[-1]
        chunk = list(qs.filter(_after(last.due_date, last.pk))[:size]) if len(chunk) == size else []


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
    return status_of(finding.due_date, finding.state, today, fixed_on, policy, accepted_until=finding.accepted_until)


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
    accepted: int = 0  # open, covered by a granted risk acceptance: neither breached nor due soon

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
    open_q = Q(state__in=OPEN_STATES)
    rows = (Finding.objects.order_by().values(column).annotate(
        open=Count("id", filter=open_q),
        breached=Count("id", filter=open_q & breached_q(today)),
        due_soon=Count("id", filter=open_q & sla_filter("due_soon", today, policy)),
        accepted=Count("id", filter=open_q & accepted_q(today)),
        fixed_in_time=Count("id", filter=Q(state=FindingState.FIXED, fixed_at__date__lte=F("due_date"))),
        fixed_late=Count("id", filter=Q(state=FindingState.FIXED, fixed_at__date__gt=F("due_date"))),
    ))
    names = _names(viewer, by)
    result = [ComplianceRow(key=row[column], name=names.get(row[column], "no business service" if by == "service"
                                                             else "no team"),
                            open=row["open"],
                            on_track=row["open"] - row["breached"] - row["due_soon"] - row["accepted"],
                            due_soon=row["due_soon"], breached=row["breached"], accepted=row["accepted"],
                            fixed_in_time=row["fixed_in_time"], fixed_late=row["fixed_late"]) for row in rows]
    return sorted(result, key=lambda r: (-r.breached, -r.open, r.name))


def _names(viewer: HasCapabilities, by: str) -> dict[int | None, str]:
    if by == "service":
        return dict(org_selectors.services_visible_to(viewer).values_list("id", "name"))
    return dict(org_selectors.teams_visible_to(viewer).values_list("id", "name"))


# --- Counts: the summary tiles and the grouped list ---------------------------------------------

@dataclass(frozen=True)
class Counts:
    """Findings matching the filters, and the open ones among them: in KEV, past due, by decision."""

    findings: int
    open: int
    kev: int
    past_due: int
    act: int
    attend: int
    track_star: int
    track: int
    earliest_due: date | None  # of the open ones

    def as_dict(self) -> dict[str, int]:
        return {name: value for name, value in asdict(self).items() if name != "earliest_due"}


_DECISION_COUNTS = {choice.value.replace("*", "_star"): choice.value for choice in DecisionChoice}


def _count_columns(today: date) -> dict[str, Any]:
    """The aggregates of `Counts`, computed by the database in one pass over the matching findings."""
    open_q = Q(state__in=OPEN_STATES)
    return {"findings": Count("id"), "open": Count("id", filter=open_q),
            "kev": Count("id", filter=open_q & Q(kev=True)),
            "past_due": Count("id", filter=open_q & breached_q(today)),
            **{name: Count("id", filter=open_q & Q(decision=value)) for name, value in _DECISION_COUNTS.items()},
            "earliest_due": Min("due_date", filter=open_q)}


def _counts(row: dict[str, Any]) -> Counts:
    return Counts(**{f.name: row[f.name] for f in fields(Counts)})


def _cached(name: str, filters: FindingFilter, compute: Any, *extra: object, fresh: bool = True) -> Any:
    """`compute()` until the next audited write (these counts read every matching finding); with
    `fresh=False`, the value from before the latest write while it is recomputed (write_cache)."""
    today = clock.today()
    key = hashlib.sha256(repr((filters, today, extra)).encode()).hexdigest()[:32]
    return cached_until_next_write(name, lambda: compute(today), also_key=key, allow_stale=not fresh)


def summary(viewer: HasCapabilities, filters: FindingFilter, *, fresh: bool = True) -> Counts:
    """The tiles above the list, for the filters in force; cached until the next write."""
    qs = findings_visible_to(viewer, filters).order_by()
    return _cached("vulns.summary", filters, lambda today: _counts(qs.aggregate(**_count_columns(today))),
                   fresh=fresh)


@dataclass(frozen=True)
class Group:
    """One row of the grouped list: a CVE, a fix or an asset, with its counts and how to drill down."""

    key: str
    label: str
    counts: Counts
    param: str  # the findings-list filter that shows the group's findings: cve, fix or asset
    detail: str = ""  # a CVE's KEV name
    service: str | None = None  # an asset's business service and team
    team: str | None = None
    exposure_review: bool = False


@dataclass(frozen=True)
class GroupList:
    by: str
    rows: list[Group]
    exact: bool  # False: more groups than `limit`, only the first `limit` are here
    # The sum over every group when each finding is in exactly one (by fix or asset; a finding may name
    # several CVEs, or none): the tiles come with the groups, without a second pass over the findings.
    totals: Counts | None = None


_GROUP_COLUMN = {"cve": "cve_rows__cve", "fix": "fix_key", "asset": "asset_id"}


def finding_groups(viewer: HasCapabilities, filters: FindingFilter, *, by: str,
                   limit: int | None = GROUP_CAP) -> GroupList:
    """Matching findings grouped by CVE, fix or asset, with counts; the groups with most past-due, then KEV,
    then open findings first. At most `limit` groups (None: all, for exports); cached until the next write."""
    if by not in GROUP_BY:
        raise ValidationFailed.field("by", f"{by!r} is not one of {', '.join(GROUP_BY)}")
    qs = findings_visible_to(viewer, filters).order_by()
    if by == "cve" and not filters.cve:  # (a CVE filter joins the table already)
        qs = qs.filter(cve_rows__isnull=False)
    if limit is None:
        return _groups(viewer, qs, by, None, clock.today())
    return _cached("vulns.groups", filters, lambda today: _groups(viewer, qs, by, limit, today), by, limit)


def _groups(viewer: HasCapabilities, qs: QuerySet[Finding], by: str, limit: int | None, today: date) -> GroupList:
    column = _GROUP_COLUMN[by]
    found = list(qs.values(column).annotate(**_count_columns(today), sample=Min("id")).order_by())
    found.sort(key=lambda r: (-r["past_due"], -r["kev"], -r["open"], -r["findings"], str(r[column])))
    totals = None if by == "cve" else _sum(found)
    exact = limit is None or len(found) <= limit
    shown = found if exact else found[:limit]
    return GroupList(by, _LABELLERS[by](viewer, column, shown), exact, totals)


def _sum(rows: list[dict[str, Any]]) -> Counts:
    dues = [r["earliest_due"] for r in rows if r["earliest_due"] is not None]
    return Counts(**{f.name: sum(r[f.name] for r in rows) for f in fields(Counts) if f.name != "earliest_due"},
                  earliest_due=min(dues, default=None))


# (`in_bulk` splits long id lists into queries the database accepts: an export may name every group.)

def _cve_groups(viewer: HasCapabilities, column: str, rows: list[dict[str, Any]]) -> list[Group]:
    kev = KevEntry.objects.only("cve_id", "vulnerability_name").in_bulk([r[column] for r in rows],
                                                                         field_name="cve_id")
    return [Group(r[column], r[column], _counts(r), "cve",
                  detail=kev[r[column]].vulnerability_name if r[column] in kev else "") for r in rows]


def _fix_groups(viewer: HasCapabilities, column: str, rows: list[dict[str, Any]]) -> list[Group]:
    samples = Finding.objects.only("solution", "rule_id", "title").in_bulk([r["sample"] for r in rows])

    def action(pk: int) -> str:
        return action_of(samples[pk].solution, samples[pk].rule_id, samples[pk].title)

    return [Group(r[column], action(r["sample"]), _counts(r), "fix") for r in rows]


def _asset_groups(viewer: HasCapabilities, column: str, rows: list[dict[str, Any]]) -> list[Group]:
    assets = org_selectors.assets_visible_to(viewer).in_bulk([r[column] for r in rows])
    groups = []
    for r in rows:
        asset = assets[r[column]]
        groups.append(Group(
            str(asset.pk), asset.hostname, _counts(r), "asset", exposure_review=asset.exposure_review,
            service=asset.business_service.name if asset.business_service else None,
            team=asset.team.name if asset.team else None))
    return groups


_LABELLERS = {"cve": _cve_groups, "fix": _fix_groups, "asset": _asset_groups}


def fix_label(viewer: HasCapabilities, key: str) -> str:
    """The action a fix key stands for (from one of its findings), for a list narrowed to one fix."""
    sample = (findings_visible_to(viewer, FindingFilter(state="all", fix=key))
              .values_list("solution", "rule_id", "title").first())  # the most urgent: along the fix's index
    return action_of(*sample) if sample else key


@dataclass(frozen=True)
class FindingRows:
    """A page of findings, each with its SLA status and that status in words, and the tiles of the filters."""

    page: KeysetPage
    rows: list[tuple[Finding, str, str]]
    tiles: Counts


def finding_rows(viewer: HasCapabilities, filters: FindingFilter, *, cursor: str = "",
                 page_size: int = 50) -> FindingRows:
    page = keyset_page(findings_visible_to(viewer, filters), cursor=cursor, page_size=page_size)
    statuses = sla_status_for(page.items)
    rows = [(f, statuses[f.pk], SLA_STATUS_LABELS[statuses[f.pk]]) for f in page.items]
    return FindingRows(page, rows, summary(viewer, filters))


# --- Patch planning: what the patching app reads to build its jobs -------------------------------

def open_findings_for_planning(viewer: HasCapabilities) -> QuerySet[Finding, Any]:
    """Open findings with the fields the patch planner needs, grouped by asset (values, not rows)."""
    require(viewer, "patch.read")
    return (Finding.objects.filter(state__in=OPEN_STATES).order_by("asset_id", "id")
            .values("id", "asset_id", "title", "rule_id", "solution", "cves", "severity", "decision", "kev",
                    "epss", "due_date", "accepted_until", "decision_points"))


@dataclass(frozen=True)
class ServiceCount:
    service_id: int | None
    name: str
    findings: int


def kev_past_due_by_service(viewer: HasCapabilities, *, limit: int = 8, fresh: bool = True) -> list[ServiceCount]:
    """Open findings in CISA's KEV catalogue and past their due date, per business service, most first;
    cached until the next write (the desk shows it on every visit)."""
    require(viewer, "vuln.read")

    def compute(today: date) -> list[ServiceCount]:
        rows = (Finding.objects.order_by().filter(breached_q(today), state__in=OPEN_STATES, kev=True)
                .values("asset__business_service").annotate(n=Count("id")).order_by("-n")[:limit])
        names = _names(viewer, "service")
        return [ServiceCount(row["asset__business_service"],
                             names.get(row["asset__business_service"], "no business service"), row["n"])
                for row in rows]

    found: list[ServiceCount] = _cached("vulns.kev_by_service", FindingFilter(), compute, limit, fresh=fresh)
    return found
