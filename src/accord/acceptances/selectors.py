"""Reads of risk acceptances: the list and one acceptance (for the pages, the API and the command
line), the figures of a subject as they stand now, and the contracts other apps call (the steering
agenda: `for_committee`; the scorecard and the board pack: `count_expiring`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from accord.acceptances.figures import DECISION_RANK, RULES_IN_WORDS, Figures, annual_from_daily
from accord.acceptances.models import (
    AcceptanceSettings,
    AcceptanceStatus,
    RiskAcceptance,
    SubjectKind,
)
from accord.core import clock, money
from accord.core.errors import NotFound, ValidationFailed
from accord.core.permissions import HasCapabilities, ScheduledReader, require
from accord.patching import selectors as patch_selectors
from accord.risks import selectors as risk_selectors
from accord.vulns import selectors as vuln_selectors

READ = "steering.read"
EXPIRING_DAYS = 30  # "expiring": granted and lapsing within this many days (the agenda, the list, the scorecard)
EXPIRED_ON_AGENDA_DAYS = 90  # an expired acceptance nobody renewed stays on the agenda this long
SUBJECT_TYPE = "acceptances.riskacceptance"
LIST_STATES = ("active", "requested", "stale", "expiring", "ended", "all")


def url_of(acceptance: RiskAcceptance) -> str:
    return f"/steering/acceptances/{acceptance.pk}/"


# Settings ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Threshold:
    amount: float
    currency: str
    updated_by: str | None
    updated_at: Any

    def __str__(self) -> str:
        return money.full(self.amount, self.currency)


def threshold() -> Threshold:
    """From which residual annual expected loss both the CIO and the CISO approve (not confidential:
    the request form states it)."""
    row = AcceptanceSettings.current()
    return Threshold(row.dual_approval_threshold, risk_selectors.organisation_currency(),
                     str(row.updated_by) if row.updated_by_id else None, row.updated_at)


def rules_in_words() -> tuple[str, ...]:
    return RULES_IN_WORDS


# The subject and its figures -----------------------------------------------------------------------

@dataclass(frozen=True)
class Subject:
    """What is accepted, resolved from the request: a scenario, or the open findings of a finding, a CVE
    or a fix."""

    kind: str
    label: str
    scenario: Any = None
    finding: Any = None
    cve: str = ""
    fix_key: str = ""
    finding_ids: list[int] = field(default_factory=list)


def _open_finding_ids(viewer: HasCapabilities, filters: vuln_selectors.FindingFilter) -> list[int]:
    return sorted(vuln_selectors.findings_visible_to(viewer, filters).order_by().values_list("pk", flat=True))


def scenario_subject(viewer: HasCapabilities, slug: str) -> Subject:
    try:
        scenario = risk_selectors.scenario_by_slug(viewer, slug)
    except NotFound:
        raise ValidationFailed.field("scenario", f"no risk scenario {slug!r}") from None
    return Subject(SubjectKind.SCENARIO, f"risk scenario {scenario.name}", scenario=scenario)


def finding_subject(viewer: HasCapabilities, finding_id: int) -> Subject:
    try:
        finding = vuln_selectors.finding_by_id(viewer, finding_id)
    except NotFound:
        raise ValidationFailed.field("finding", f"no finding #{finding_id}") from None
    ids = [finding.pk] if finding.is_open else []
    return Subject(SubjectKind.FINDING, f"finding #{finding.pk}: {finding.title[:120]} on {finding.asset.hostname}",
                   finding=finding, finding_ids=ids)


def cve_subject(viewer: HasCapabilities, cve: str) -> Subject:
    cve = vuln_selectors.cve_id(cve)
    ids = _open_finding_ids(viewer, vuln_selectors.FindingFilter(cve=cve))
    return Subject(SubjectKind.CVE, f"{cve}: its open findings", cve=cve, finding_ids=ids)


def fix_subject(viewer: HasCapabilities, fix_key: str) -> Subject:
    ids = _open_finding_ids(viewer, vuln_selectors.FindingFilter(fix=fix_key.strip().lower()))
    label = vuln_selectors.fix_label(viewer, fix_key.strip().lower())
    return Subject(SubjectKind.FIX, f"fix {label[:200]}: the open findings it closes", fix_key=fix_key.strip().lower(),
                   finding_ids=ids)


def subject_of(viewer: HasCapabilities, acceptance: RiskAcceptance) -> Subject:
    """The acceptance's subject as it stands now (a group's open findings may have changed)."""
    if acceptance.subject_kind == SubjectKind.SCENARIO:
        if acceptance.scenario is None:
            raise NotFound("risk scenario of acceptance", acceptance.pk)
        return scenario_subject(viewer, acceptance.scenario.slug)
    if acceptance.subject_kind == SubjectKind.FINDING:
        return finding_subject(viewer, acceptance.finding_id)  # type: ignore[arg-type]
    if acceptance.subject_kind == SubjectKind.CVE:
        return cve_subject(viewer, acceptance.cve)
    return fix_subject(viewer, acceptance.fix_key)


def figures_of(viewer: HasCapabilities, subject: Subject, today: date | None = None) -> Figures:
    """The subject's figures now, from the apps that own them (see `figures.py`)."""
    day = (today or clock.today()).isoformat()
    currency = risk_selectors.organisation_currency()
    if subject.kind == SubjectKind.SCENARIO:
        run = subject.scenario.latest_run
        source = (f"mean annual loss of simulation run #{run.pk} (seed {run.seed}, {run.years:,} years)"
                  if run is not None else "the scenario was never simulated")
        return Figures(currency, run.mean if run is not None else None, source, day)
    ids = subject.finding_ids
    rows = list(vuln_selectors.findings_visible_to(viewer, vuln_selectors.FindingFilter(state="open"))
                .filter(pk__in=ids).order_by().values_list("epss", "decision", "kev")) if ids else []
    loss = patch_selectors.findings_loss(viewer, ids) if ids else None
    epss = max((r[0] for r in rows if r[0] is not None), default=None)
    decision = max((r[1] for r in rows), key=lambda d: _rank(d), default="")
    annual = annual_from_daily(loss.loss_per_day, loss.loss_cap) if loss else 0.0
    return Figures(currency, annual, "the patch planner's expected loss per day times 365, at most the loss if "
                   "exploited", day, loss_per_day=loss.loss_per_day if loss else 0.0, epss=epss, decision=decision,
                   kev=any(r[2] for r in rows), findings=len(rows), finding_ids=sorted(ids))


def _rank(decision: str) -> int:
    return DECISION_RANK.get(decision, 0)


def frozen_figures(acceptance: RiskAcceptance) -> Figures:
    return Figures.from_dict(acceptance.frozen or {})


def current_figures(viewer: HasCapabilities, acceptance: RiskAcceptance, today: date | None = None) -> Figures | None:
    """The subject's figures today, for the page beside the frozen ones (None: the subject is gone)."""
    try:
        return figures_of(viewer, subject_of(viewer, acceptance), today)
    except (NotFound, ValidationFailed):
        return None


# Lists --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AcceptanceFilter:
    state: str = "active"  # active (granted), requested, stale, expiring, ended, all
    kind: str = ""
    finding: int | None = None  # acceptances covering this finding
    scenario: str = ""  # a scenario's slug


def _state_q(state: str, today: date) -> Q:
    granted = Q(status=AcceptanceStatus.GRANTED)
    if state == "active":
        return granted
    if state == "requested":
        return Q(status=AcceptanceStatus.REQUESTED)
    if state == "stale":
        return granted & Q(stale_since__isnull=False)
    if state == "expiring":
        return granted & Q(expires_on__lte=today + timedelta(days=EXPIRING_DAYS))
    if state == "ended":
        return ~Q(status__in=(AcceptanceStatus.GRANTED, AcceptanceStatus.REQUESTED))
    if state in ("all", ""):
        return Q()
    raise ValidationFailed.field("state", f"{state!r} is not one of {', '.join(LIST_STATES)}")


def acceptances_visible_to(viewer: HasCapabilities, filters: AcceptanceFilter | None = None) -> QuerySet[RiskAcceptance]:
    """Acceptances, those expiring soonest first."""
    require(viewer, READ)
    f = filters or AcceptanceFilter()
    qs = RiskAcceptance.objects.select_related("requested_by", "signoff", "ended_by").filter(
        _state_q(f.state, clock.today()))
    if f.kind:
        if f.kind not in SubjectKind.values:
            raise ValidationFailed.field("kind", f"{f.kind!r} is not one of {', '.join(SubjectKind.values)}")
        qs = qs.filter(subject_kind=f.kind)
    if f.finding is not None:  # (acceptances are few: the JSON list is searched here, alike on every database)
        qs = qs.filter(pk__in=[pk for pk, ids in qs.values_list("pk", "finding_ids") if f.finding in (ids or [])])
    if f.scenario:
        qs = qs.filter(scenario__slug=f.scenario)
    return qs.order_by("expires_on", "id")


def acceptance_by_id(viewer: HasCapabilities, acceptance_id: int) -> RiskAcceptance:
    require(viewer, READ)
    row = (RiskAcceptance.objects.select_related("requested_by", "ended_by", "renews", "signoff")
           .prefetch_related("signoff__approvals__user").filter(pk=acceptance_id).first())
    if row is None:
        raise NotFound("risk acceptance", acceptance_id)
    return row


@dataclass(frozen=True)
class Counts:
    active: int
    requested: int
    stale: int
    expiring: int
    to_revisit: int  # stale or expiring (one acceptance can be both)


def counts(viewer: HasCapabilities) -> Counts:
    today = clock.today()
    qs = acceptances_visible_to(viewer, AcceptanceFilter(state="all"))
    def count(state: str) -> int:
        return qs.filter(_state_q(state, today)).count()

    return Counts(active=count("active"), requested=count("requested"), stale=count("stale"),
                  expiring=count("expiring"),
                  to_revisit=qs.filter(_state_q("stale", today) | _state_q("expiring", today)).count())


def approvers_in_words(acceptance: RiskAcceptance) -> str:
    if acceptance.dual_approval:
        return "the CIO and the CISO (two different people), not the requester"
    return "the CISO or the CIO, not the requester"


def granted_covering(finding_ids: list[int], *, excluding: int | None = None) -> dict[int, date]:
    """For each finding named, the latest expiry among the granted acceptances that cover it (other
    than `excluding`): what its `accepted_until` must be."""
    wanted = set(finding_ids)
    latest: dict[int, date] = {}
    rows = RiskAcceptance.objects.filter(status=AcceptanceStatus.GRANTED).exclude(
        subject_kind=SubjectKind.SCENARIO).only("finding_ids", "expires_on")
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    for row in rows:
        for pk in wanted.intersection(row.finding_ids or []):
            if pk not in latest or row.expires_on > latest[pk]:
                latest[pk] = row.expires_on
    return latest


def standing_for_subject(subject: Subject) -> RiskAcceptance | None:
    """A requested or granted acceptance of the same subject (one at a time per subject)."""
    qs = RiskAcceptance.objects.filter(subject_kind=subject.kind,
                                       status__in=(AcceptanceStatus.REQUESTED, AcceptanceStatus.GRANTED))
    if subject.kind == SubjectKind.SCENARIO:
        qs = qs.filter(scenario=subject.scenario)
    elif subject.kind == SubjectKind.FINDING:
        qs = qs.filter(finding=subject.finding)
    elif subject.kind == SubjectKind.CVE:
        qs = qs.filter(cve=subject.cve)
    else:
        qs = qs.filter(fix_key=subject.fix_key)
    return qs.order_by("-requested_at").first()


# The new form's choices ------------------------------------------------------------------------------------

def subject_choices(viewer: HasCapabilities) -> dict[str, list[tuple[str, str]]]:
    """Scenarios, and the CVEs and fixes with open findings (most urgent first), for the request form."""
    scenarios = [(s.slug, f"{s.name} ({money.compact(s.latest_run.mean if s.latest_run else None, '')} a year)")
                 for s in risk_selectors.register(viewer).exclude(status="closed")]
    out: dict[str, list[tuple[str, str]]] = {"scenario": scenarios, "cve": [], "fix": []}
    for by in ("cve", "fix"):
        groups = vuln_selectors.finding_groups(viewer, vuln_selectors.FindingFilter(), by=by)
        out[by] = [(g.key, f"{g.label[:90]} ({g.counts.open:,} open)") for g in groups.rows if g.counts.open]
    return out


# Contracts with the steering committee, the scorecard and the board pack --------------------------------

@dataclass(frozen=True)
class CommitteeItem:
    """An acceptance that needs the steering committee: to approve, re-certify (stale) or renew."""

    kind: str  # "approve" | "recertify" | "renew"
    title: str
    reason: str  # why it is on the agenda, in words
    url: str
    subject_type: str  # "acceptances.riskacceptance"
    subject_id: str
    due: date | None = None  # its expiry
    figures: dict[str, str] = field(default_factory=dict)  # label -> figure with its unit


def _item(kind: str, row: RiskAcceptance, reason: str) -> CommitteeItem:
    figures = frozen_figures(row).display()
    figures["expires on"] = row.expires_on.isoformat()
    return CommitteeItem(kind, f"Risk acceptance #{row.pk}: {row.subject_label}", reason, url_of(row), SUBJECT_TYPE,
                         str(row.pk), row.expires_on, figures)


def for_committee(today: date) -> list[CommitteeItem]:
    """Acceptances awaiting approval, stale ones and those expiring within 30 days."""
    items: list[CommitteeItem] = []
    horizon = today + timedelta(days=EXPIRING_DAYS)
    open_rows = RiskAcceptance.objects.filter(status__in=(AcceptanceStatus.REQUESTED, AcceptanceStatus.GRANTED))
    for row in open_rows.order_by("expires_on", "id"):
        if row.status == AcceptanceStatus.REQUESTED:
            items.append(_item("approve", row, f"awaiting approval by {approvers_in_words(row)}, asked on "
                                               f"{clock.day_of(row.requested_at).isoformat()}"))
        elif row.stale_since is not None:
            items.append(_item("recertify", row, f"stale since {row.stale_since.isoformat()}: "
                                                 + "; ".join(row.stale_reasons or ["its figures changed"])))
        elif row.expires_on <= horizon:
            days = (row.expires_on - today).days
            items.append(_item("renew", row, f"expires on {row.expires_on.isoformat()} (in {days} day"
                                             f"{'s' if days != 1 else ''})"))
    renewed = set(RiskAcceptance.objects.filter(renews__isnull=False).exclude(
        status__in=(AcceptanceStatus.REJECTED, AcceptanceStatus.WITHDRAWN)).values_list("renews_id", flat=True))
    expired = RiskAcceptance.objects.filter(status=AcceptanceStatus.EXPIRED,
                                            expires_on__gte=today - timedelta(days=EXPIRED_ON_AGENDA_DAYS))
    for row in expired.exclude(pk__in=renewed).order_by("expires_on", "id"):
        items.append(_item("renew", row, f"expired on {row.expires_on.isoformat()}, not renewed: what it covered "
                                         "counts in the breach figures again"))
    return items


def count_expiring(today: date, *, days: int = 30) -> int:
    """Active acceptances whose expiry falls within `days` of `today` (inclusive)."""
    return RiskAcceptance.objects.filter(status=AcceptanceStatus.GRANTED, expires_on__gte=today,
                                         expires_on__lte=today + timedelta(days=days)).count()


def scheduled_reader() -> HasCapabilities:
    """What the daily review reads the subjects' figures as (every area's read capability)."""
    return ScheduledReader()


# One acceptance as the API and the command line give it ------------------------------------------------

def document(row: RiskAcceptance, *, current: Figures | None = None, today: date | None = None) -> dict[str, Any]:
    """The acceptance as plain data: the same fields and figures for the API, `--json` and the page."""
    day = today or clock.today()
    frozen = frozen_figures(row)
    out: dict[str, Any] = {
        "id": row.pk, "subject_kind": row.subject_kind, "subject_label": row.subject_label,
        "scenario": row.scenario.slug if row.scenario is not None else None, "finding_id": row.finding_id, "cve": row.cve,
        "fix_key": row.fix_key, "finding_ids": row.finding_ids, "status": row.status,
        "stale": row.is_stale, "stale_since": row.stale_since, "stale_reasons": row.stale_reasons,
        "expires_on": row.expires_on, "days_left": row.days_left(day), "justification": row.justification,
        "compensating_controls": row.compensating_controls, "frozen": frozen.as_dict(),
        "frozen_display": frozen.display(), "dual_approval": row.dual_approval, "threshold": row.threshold,
        "currency": frozen.currency, "approvers": approvers_in_words(row), "requested_by": str(row.requested_by),
        "requested_at": row.requested_at, "granted_at": row.granted_at, "ended_at": row.ended_at,
        "end_reason": row.end_reason, "signoff_id": row.signoff_id, "renews_id": row.renews_id,
        "migrated": row.migrated, "url": url_of(row),
    }
    if current is not None:
        out["current"] = current.as_dict()
        out["current_display"] = current.display()
    if row.signoff is not None:
        out["approvals"] = [{"role": a.role, "user": str(a.user), "approved": a.approved, "at": a.at,
                             "comment": a.comment} for a in row.signoff.approvals.all()]
    return out
