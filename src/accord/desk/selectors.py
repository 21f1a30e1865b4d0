"""What each role must act on, read from every area's selectors: the home page.

Every tile carries the link to the filtered list behind it. The figures that read many rows
(finding counts, KEV past due by service) are cached by their own selectors until the next audited
write, so the page stays fast with a million findings (benchmarks/desk.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from accord.core import clock
from accord.core.money import compact
from accord.core.permissions import Actor
from accord.core.write_cache import data_version, reset_staleness, served_stale

# A user with several roles gets the desk of the first one here that they hold.
ROLE_DESKS = (("ciso", "leadership"), ("cio", "leadership"), ("security_analyst", "analyst"),
              ("it_operations", "operations"), ("project_owner", "owner"), ("steering_member", "steering"),
              ("board_viewer", "board"), ("auditor", "oversight"), ("admin", "oversight"))
DESK_TITLES = {"leadership": "Decision desk", "analyst": "Analyst queue", "operations": "Operations queue",
               "owner": "Your projects, services and risks", "steering": "Steering desk", "board": "Board view",
               "oversight": "Oversight", "reader": "Overview"}
STALE_IMPORT_DAYS = 8  # a weekly scan that has not arrived for more than a week
# A whole desk is kept this long for its user until the next audited write: what moves with the clock
# alone (hours left on a deadline) is at most this old, and a desk reloaded by many people at once
# is computed once (benchmarks/load.py).
DESK_SECONDS = 30


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    url: str
    note: str = ""
    tone: str = ""  # "", "warn" or "bad"


@dataclass(frozen=True)
class Line:
    """One row of a short list on the desk, with where it leads."""

    label: str
    value: str
    url: str = ""
    note: str = ""
    count: int = 0  # what a bar is drawn from


@dataclass
class RiskPicture:
    total: float  # sum of the open scenarios' mean annual losses
    scenarios: int
    appetite: list[dict[str, Any]]  # the portfolio run's checks: loss, tolerance, probability, within
    breach: bool | None  # None: not simulated together yet
    out_of_date: bool
    above: list[Line]  # scenarios whose own curve crosses the appetite
    largest: list[Line]


@dataclass(frozen=True)
class Batch:
    """Many sign-offs of one kind answered on one page (a plan's emergency changes): one line on the desk."""

    kind_label: str
    count: int
    url: str
    oldest: Any


BATCH_FROM = 4  # this many waiting sign-offs of one kind on one page become one line


@dataclass
class Queue:
    """Sign-offs one by one, and those answered together on one page as batches."""

    single: list[Any] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.single or self.batches)

    @property
    def total(self) -> int:
        return len(self.single) + sum(b.count for b in self.batches)


@dataclass
class Desk:
    role: str
    currency: str
    tiles: list[Tile] = field(default_factory=list)
    waiting: Queue = field(default_factory=Queue)  # sign-offs that need the viewer
    my_requests: Queue = field(default_factory=Queue)  # open sign-offs the viewer asked for
    risk: RiskPicture | None = None
    kev_by_service: list[Line] = field(default_factory=list)
    owned: list[Line] = field(default_factory=list)  # a project owner's services and scenarios
    decisions: list[Line] = field(default_factory=list)
    reviews: list[Line] = field(default_factory=list)  # reviews to act on, or the owner's, with their clocks
    regulatory: list[Line] = field(default_factory=list)  # open incidents' regulatory deadlines, soonest first
    contacts: list[Line] = field(default_factory=list)  # the viewer's stakeholders overdue for a contact
    overview: Any = None  # the organisation's inventory, for oversight and readers
    as_of: datetime | None = None  # set when finding counts are from before the latest write

    @property
    def title(self) -> str:
        return DESK_TITLES[self.role]


def desk_role(viewer: Actor) -> str:
    roles = set(viewer.role_names)
    return next((desk for role, desk in ROLE_DESKS if role in roles), "reader")


def desk_for(viewer: Actor) -> Desk:
    """The desk; its finding counts may be those from before the latest write while they are
    recomputed (a million findings take a second), and `as_of` then says when they were counted.
    A desk with every count current is kept for DESK_SECONDS, until the next audited write."""
    from django.core.cache import cache

    key = f"accord:desk:{viewer.pk}:{','.join(sorted(viewer.role_names))}:{clock.today()}:{data_version()}"
    desk = cache.get(key)
    if desk is None:
        desk = _compute_desk(viewer)
        if desk.as_of is None:
            cache.set(key, desk, DESK_SECONDS)
    return desk


def _compute_desk(viewer: Actor) -> Desk:
    from accord.risks.selectors import organisation_currency

    reset_staleness()
    desk = Desk(role=desk_role(viewer), currency=organisation_currency())
    caps = viewer.capabilities
    role = desk.role
    if role in ("leadership", "steering", "board") and "risk.read" in caps:
        _risk_picture(viewer, desk)
    if role in ("leadership", "analyst", "operations", "steering") and "vuln.read" in caps:
        _vuln_tiles(viewer, desk)
    if role in ("leadership", "operations", "steering") and "patch.read" in caps:
        _patch_tile(viewer, desk)
    if role in ("leadership", "board", "steering") and "portfolio.read" in caps:
        _portfolio_tile(viewer, desk)
    if role == "analyst":
        _analyst_tiles(viewer, desk)
    if role == "operations" and "patch.read" in caps:
        _operations_tiles(viewer, desk)
    if role == "owner":
        _owner_lines(viewer, desk)
    if role in ("board", "steering", "leadership") and "steering.read" in caps:
        _recent_decisions(viewer, desk)
    if role in ("leadership", "steering") and "steering.read" in caps:
        _steering_tiles(viewer, desk)
        _acceptance_tile(viewer, desk)
    if role in ("board", "steering", "leadership") and "report.read" in caps:
        _board_pack_tile(viewer, desk)
    if role in ("leadership", "analyst", "owner") and "review.read" in caps:
        _review_lines(viewer, desk)
    if role in ("leadership", "analyst", "operations") and "incident.read" in caps:
        _regulatory_lines(viewer, desk)
    if "culture.read" in caps:
        _contact_lines(viewer, desk)
    if role in ("oversight", "reader") and "org.read" in caps:
        from accord.org.selectors import org_overview

        desk.overview = org_overview(viewer)
    if role == "oversight":
        _oversight_tiles(viewer, desk)
    if role != "board":  # the board's view is read-only: nothing waits for it
        from accord.governance.selectors import open_requests_of, waiting_for

        desk.waiting = _queue(waiting_for(viewer, limit=2000))
        desk.my_requests = _queue(open_requests_of(viewer, limit=2000))
    desk.as_of = served_stale()
    return desk


def _queue(signoffs: list[Any]) -> Queue:
    by_page: dict[tuple[str, str], list[Any]] = {}
    for signoff in signoffs:
        by_page.setdefault((signoff.kind, signoff.subject_url), []).append(signoff)
    single, batches = [], []
    for (_, url), group in by_page.items():
        if len(group) >= BATCH_FROM and url:
            batches.append(Batch(group[0].kind_label, len(group), url, group[0].requested_at))
        else:
            single += group
    return Queue(sorted(single, key=lambda s: (s.requested_at, s.pk)), batches)


def _risk_picture(viewer: Actor, desk: Desk) -> None:
    from accord.risks import selectors as risks

    figures = risks.portfolio_figures(viewer)
    breach = risks.portfolio_breaches_appetite(figures)
    checks = list(figures.run.result.get("appetite") or []) if figures.run is not None else []

    def line(f: Any) -> Line:
        return Line(f.scenario.name, compact(f.run.mean, desk.currency) + " a year",
                    f"/risks/scenarios/{f.scenario.slug}/", note=f"1 year in 20 above {compact(f.run.p95, desk.currency)}")

    above = risks.above_appetite(figures)
    desk.risk = RiskPicture(total=figures.plain_sum, scenarios=len(figures.scenarios), appetite=checks,
                            breach=breach, out_of_date=bool(figures.out_of_date),
                            above=[line(f) for f in above], largest=[line(f) for f in figures.scenarios[:5]])
    desk.tiles.append(Tile("expected loss a year", compact(figures.plain_sum, desk.currency), "/risks/",
                           note=f"sum of {len(figures.scenarios)} open scenarios' means",
                           tone="bad" if breach else ""))
    desk.tiles.append(_appetite_tile(checks, breach, len(above), desk.currency))


def _appetite_tile(checks: list[dict[str, Any]], breach: bool | None, above: int, currency: str) -> Tile:
    on_their_own = f"{above} scenario{'s' if above != 1 else ''} above it on their own"
    if breach is None or not checks:
        return Tile("against the board's appetite", "not simulated" if breach is None else "no appetite set",
                    "/risks/portfolio/", note=on_their_own, tone="warn" if above else "")
    worst = max(checks, key=lambda c: float(c["probability"]) - float(c["tolerance"]))
    chance = (f"{float(worst['probability']):.1%} chance of a year above {compact(float(worst['loss']), currency)}"
              f" (tolerated {float(worst['tolerance']):.1%})")
    return Tile("all risks against the board's appetite", "above" if breach else "within", "/risks/portfolio/",
                note=f"{chance}; {on_their_own}", tone="bad" if breach else "warn" if above else "")


def _vuln_tiles(viewer: Actor, desk: Desk) -> None:
    from accord.vulns import selectors as vulns

    kev_past_due = vulns.summary(viewer, vulns.FindingFilter(kev=True, sla="breached"), fresh=False)
    everything = vulns.summary(viewer, vulns.FindingFilter(), fresh=False)
    within = 100.0 * (everything.open - everything.past_due) / everything.open if everything.open else 100.0
    desk.tiles.append(Tile("KEV findings past due", f"{kev_past_due.open:,}", "/vulns/?kev=yes&sla=breached",
                           note="known exploited, past their due date", tone="bad" if kev_past_due.open else ""))
    desk.tiles.append(Tile("open findings within SLA", f"{within:.1f}%", "/vulns/sla/",
                           note=f"{everything.past_due:,} of {everything.open:,} past due",
                           tone="warn" if within < 90 else ""))
    desk.kev_by_service = [
        # (the findings list has no "without a service" filter: that row links to the assets to assign)
        Line(row.name, f"{row.findings:,}", f"/vulns/?kev=yes&sla=breached&service={row.service_id}"
             if row.service_id else "/org/assets/?discovered=true", count=row.findings)
        for row in vulns.kev_past_due_by_service(viewer, fresh=False)]


def _patch_tile(viewer: Actor, desk: Desk) -> None:
    from accord.patching import selectors as patching

    plan = patching.current_plan(viewer, summary_only=True)
    if plan is None:
        desk.tiles.append(Tile("patch plan", "none yet", "/patching/", note="generate one from the open findings"))
        return
    undecided = plan.emergencies.filter(status="proposed").count()
    needs = patching.open_signature_roles(plan)
    parts = [f"{undecided} emergency change{'s' if undecided != 1 else ''} undecided"] if undecided else []
    parts.append(f"awaiting {' and '.join(r.upper() for r in needs)}" if needs else "signed by CIO and CISO")
    desk.tiles.append(Tile(f"patch plan #{plan.pk}", plan.get_status_display().split(" (")[0],
                           f"/patching/plans/{plan.pk}/", note="; ".join(parts),
                           tone="warn" if undecided or needs else ""))


def _portfolio_tile(viewer: Actor, desk: Desk) -> None:
    from accord.portfolio import selectors as portfolio

    funded = (portfolio.selections(viewer).filter(status="approved").select_related("budget_scenario")
              .order_by("-budget_scenario__fiscal_year", "-id").first())
    if funded is None:
        desk.tiles.append(Tile("security portfolio", "nothing funded", "/portfolio/",
                               note="no approved selection yet"))
        return
    cur = desk.currency
    desk.tiles.append(Tile(f"funded for FY{funded.budget_scenario.fiscal_year}", compact(funded.cost, cur),
                           f"/portfolio/selections/{funded.pk}/",
                           note=f"of a {compact(funded.budget, cur)} budget; cuts expected loss by "
                                f"{compact(funded.risk_reduction, cur)} a year"))


def _analyst_tiles(viewer: Actor, desk: Desk) -> None:
    from accord.vulns import selectors as vulns

    if "vuln.read" not in viewer.capabilities:
        return
    soon = vulns.summary(viewer, vulns.FindingFilter(sla="due_soon"), fresh=False)
    desk.tiles.append(Tile("open findings due soon", f"{soon.open:,}", "/vulns/?sla=due_soon",
                           note="before they breach their SLA", tone="warn" if soon.open else ""))
    latest = vulns.import_runs_visible_to(viewer).filter(finished_at__isnull=False).first()
    if latest is None or latest.finished_at is None:
        desk.tiles.append(Tile("last import", "none", "/vulns/imports/", note="import a scan", tone="warn"))
        return
    stale = clock.day_of(latest.finished_at) < clock.today() - timedelta(days=STALE_IMPORT_DAYS)
    desk.tiles.append(Tile("last import", clock.day_of(latest.finished_at).isoformat(), "/vulns/imports/",
                           note=f"{latest.scanner}: {latest.new:,} new, {latest.fixed:,} fixed",
                           tone="warn" if stale else ""))


def _operations_tiles(viewer: Actor, desk: Desk) -> None:
    from accord.patching import selectors as patching

    plan = patching.current_plan(viewer, summary_only=True)
    if plan is None:
        return
    upcoming = patching.next_window_of(viewer, plan)
    if upcoming is not None:
        desk.tiles.append(Tile("next maintenance window", upcoming.start.strftime("%a %d %b %H:%M"),
                               f"/patching/plans/{plan.pk}/#calendar",
                               note=f"{upcoming.name}: {upcoming.changes} changes, {upcoming.reboots} reboots"))
    approved = plan.emergencies.filter(status="approved").count()
    desk.tiles.append(Tile("approved emergency changes", str(approved), f"/patching/plans/{plan.pk}/#emergencies",
                           note="to run outside the windows", tone="warn" if approved else ""))


def _owner_lines(viewer: Actor, desk: Desk) -> None:
    from accord.org.selectors import services_owned_by

    if "org.read" in viewer.capabilities:
        desk.owned += [Line(s.name, "business service", f"/org/services/{s.pk}/") for s in services_owned_by(viewer)]
    if "risk.read" in viewer.capabilities:
        from accord.risks.selectors import scenarios_owned_by

        desk.owned += [Line(s.name, compact(s.latest_run.mean, desk.currency) + " a year" if s.latest_run
                            else "not simulated", f"/risks/scenarios/{s.slug}/", note="risk scenario you own")
                       for s in scenarios_owned_by(viewer)]
    desk.tiles.append(Tile("services and risks you own", str(len(desk.owned)), "#owned",
                           note="set as owner in the directory"))


def _review_clock_note(clock: Any) -> str:
    if clock.stopped:
        return "decided"
    if clock.paused:
        return "clock paused: waiting on the requester"
    hours = abs(clock.remaining_hours)
    return f"{hours:,.1f} business hours {'over' if clock.breached else 'left'}"


def _review_lines(viewer: Actor, desk: Desk) -> None:
    """A reviewer's or requester's queue; a project owner's own reviews (their clocks either way)."""
    from accord.reviews import selectors as reviews

    rows = reviews.reviews_of_owner(viewer) if desk.role == "owner" else reviews.queue_for(viewer)
    desk.reviews = [Line(f"{row.review}", row.action or row.clock.state.replace("_", " "),
                         f"/reviews/{row.review.pk}/", note=_review_clock_note(row.clock))
                    for row in rows[:10]]
    if desk.role == "owner":
        open_rows = [r for r in rows if not r.clock.stopped]
        late = sum(1 for r in open_rows if r.clock.breached)
        desk.tiles.append(Tile("your open security reviews", str(len(open_rows)), "/reviews/",
                               note=f"{late} past their SLA" if late else "within their SLA",
                               tone="bad" if late else ""))
    elif rows:
        late = sum(1 for r in rows if r.clock.breached)
        desk.tiles.append(Tile("security reviews for you", str(len(rows)), "/reviews/",
                               note=f"{late} past their SLA" if late else "none past its SLA",
                               tone="bad" if late else "warn"))


def _regulatory_lines(viewer: Actor, desk: Desk) -> None:
    from accord.incidents.selectors import running_clocks

    clocks = running_clocks(viewer)
    desk.regulatory = [Line(f"{row.reference} {row.title}: {row.label}", row.left, row.url, note=row.clock.basis)
                       for row in clocks[:8]]
    if clocks:
        overdue = sum(1 for row in clocks if row.state == "overdue")
        soonest = clocks[0]
        desk.tiles.append(Tile("regulatory deadlines running", str(len(clocks)), "/incidents/",
                               note=f"next: {soonest.clock.regime_name}, {soonest.left}",
                               tone="bad" if overdue else "warn"))


def _contact_lines(viewer: Actor, desk: Desk) -> None:
    """The stakeholders whose relationship is the viewer's and who are overdue for a contact."""
    from accord.culture.selectors import overdue_contacts

    rows = overdue_contacts(viewer)
    desk.contacts = [Line(row.stakeholder.name, _overdue_words(row.days_overdue),
                          f"/culture/stakeholders/{row.stakeholder.pk}/",
                          note=f"due {row.due_on.isoformat()}" if row.due_on else "never contacted")
                     for row in rows[:8]]
    if rows:
        desk.tiles.append(Tile("stakeholder contacts overdue", str(len(rows)), "/culture/stakeholders/?overdue=yes",
                               note=f"longest: {rows[0].stakeholder.name}", tone="warn"))


def _overdue_words(days: int | None) -> str:
    if days is None:
        return "no contact yet"
    return f"{days} day{'s' if days != 1 else ''} overdue"


def _recent_decisions(viewer: Actor, desk: Desk) -> None:
    from accord.governance.selectors import decisions_visible_to

    desk.decisions = [Line(d.question, d.outcome, f"/decisions/{d.pk}/", note=d.decided_on.isoformat())
                      for d in decisions_visible_to(viewer)[:5]]


def _steering_tiles(viewer: Actor, desk: Desk) -> None:
    """The committee's next meeting, and the viewer's own follow-up actions from its decisions."""
    from accord.steering import selectors as steering

    meeting = steering.next_meeting(viewer)
    if meeting is not None:
        items = steering.items_of(viewer, meeting, status="open").count()
        desk.tiles.append(Tile("next steering meeting", clock.day_of(meeting.starts_at).strftime("%a %d %b"),
                               f"/steering/meetings/{meeting.pk}/",
                               note=f"{items} open item{'s' if items != 1 else ''} on the agenda"))
    mine = list(steering.follow_ups_visible_to(viewer, status="open", owner=viewer))
    if mine:
        late = sum(1 for action in mine if steering.is_overdue(action))
        desk.tiles.append(Tile("your steering actions", str(len(mine)), "/steering/actions/",
                               note=f"{late} overdue" if late else f"next due {mine[0].due_on.isoformat()}",
                               tone="bad" if late else ""))


def _acceptance_tile(viewer: Actor, desk: Desk) -> None:
    from accord.acceptances.selectors import counts

    found = counts(viewer)
    if found.to_revisit:
        desk.tiles.append(Tile("risk acceptances to revisit", str(found.to_revisit),
                               "/steering/acceptances/?state=stale" if found.stale else
                               "/steering/acceptances/?state=expiring",
                               note=f"{found.stale} stale, {found.expiring} expiring within 30 days", tone="warn"))


def _board_pack_tile(viewer: Actor, desk: Desk) -> None:
    from accord.packs.selectors import packs_visible_to

    latest = packs_visible_to(viewer).filter(status="ready").first()
    if latest is not None:
        desk.tiles.append(Tile("latest board pack", latest.period, f"/reports/{latest.pk}/",
                               note=f"figures as of {latest.as_of.isoformat()}" if latest.as_of else ""))


def _oversight_tiles(viewer: Actor, desk: Desk) -> None:
    from accord.governance.selectors import counts
    from accord.jobs.selectors import jobs_visible_to

    failed = jobs_visible_to(viewer, status="failed").count()
    desk.tiles.append(Tile("failed jobs", str(failed), "/jobs/?status=failed", note="retry or read the error",
                           tone="warn" if failed else ""))
    signoffs = counts(viewer)
    desk.tiles.append(Tile("open sign-offs", str(signoffs.open), "/approvals/?status=open",
                           note=f"{signoffs.voided} voided, {signoffs.expired} expired"))
    if "audit.read" in viewer.capabilities:
        desk.tiles.append(Tile("audit trail", "verify", "/audit/", note="recompute the hash chain"))
