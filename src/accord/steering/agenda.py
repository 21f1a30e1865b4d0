"""What needs a joint decision, read from each owning app's selectors: one small function per source.

Each function returns `Candidate`s: a matter with a stable key in its source, the reason it needs the
committee and its figures (label, figure with its unit), read as of `today`.

Rules per source (docs/steering.md says the same for people):

- acceptances: `acceptances.selectors.for_committee(today)`: to approve, re-certify (stale) or renew.
- reviews: `reviews.selectors.escalations`: reviews open past their SLA, and rejected reviews that stand.
- sla: per business service, open findings past their remediation due date at or above the
  committee's `breach_threshold`, or open KEV findings past due at or above `kev_breach_threshold`.
- patch_plans / emergencies / budget: open sign-offs of kind `patch_plan`, `emergency_change` and
  `portfolio_selection` on the approvals primitive (governance), with the figures they were asked on;
  a plan's emergency changes make one item, with their count and summed figures.
- risks: open scenarios whose own loss exceedance curve crosses the appetite (the register's rule,
  `risks.selectors.above_appetite`), with the figures of their latest run.
- incidents: open real incidents (not exercises) of severity 1 or 2, or whose latest executive
  update lists decisions needed, or with a regulatory deadline not met yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from accord.core import money
from accord.core.permissions import Actor
from accord.steering.models import CommitteeSettings, Source


@dataclass(frozen=True)
class Candidate:
    source: str
    key: str  # stable within the source, e.g. "patch_plans:signoff:12"
    title: str
    reason: str
    url: str
    figures: tuple[tuple[str, str], ...]


def _currency() -> str:
    from accord.risks.selectors import organisation_currency

    return organisation_currency()


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _pct(value: Any) -> str:
    return f"{100 * float(value):.1f}%"


# Acceptances -----------------------------------------------------------------------------------------

ACCEPTANCE_VERBS = {"approve": "Approve", "recertify": "Re-certify", "renew": "Renew"}


def from_acceptances(viewer: Actor, today: date) -> list[Candidate]:
    from accord.acceptances import selectors as acceptances

    found = []
    for item in acceptances.for_committee(today):
        figures = list(item.figures.items())
        if item.due is not None and not any(label.lower() == "expires on" for label, _ in figures):
            figures.append(("Expires on", item.due.isoformat()))
        verb = ACCEPTANCE_VERBS.get(item.kind, item.kind.capitalize())
        found.append(Candidate(Source.ACCEPTANCES, f"acceptances:{item.kind}:{item.subject_type}:{item.subject_id}",
                               f"{verb}: {item.title}", item.reason, item.url, tuple(figures)))
    return found


# Security reviews ------------------------------------------------------------------------------------

def from_reviews(viewer: Actor, today: date) -> list[Candidate]:
    from accord.reviews import selectors as reviews

    found = []
    for escalation in reviews.escalations(viewer):
        review = escalation.review
        figures = [("Tier", review.get_tier_display()), ("State", review.get_state_display())]
        if escalation.kind == "rejected" and escalation.since is not None:
            figures.append(("Rejected on", timezone.localdate(escalation.since).isoformat()))
        title = (f"Security review of {escalation.project.name}: "
                 f"{'overdue' if escalation.kind == 'overdue' else 'rejected'}")
        found.append(Candidate(Source.REVIEWS, f"reviews:{escalation.kind}:{review.pk}", title, escalation.reason,
                               escalation.url, tuple(figures)))
    return found


# Remediation SLA breaches ----------------------------------------------------------------------------

def from_sla_breaches(viewer: Actor, today: date) -> list[Candidate]:
    from accord.vulns import selectors as vulns

    rules = CommitteeSettings.current()
    kev = {row.service_id: row.findings for row in vulns.kev_past_due_by_service(viewer, limit=10_000)}
    found = []
    for row in vulns.sla_compliance(viewer, by="service"):
        kev_late = kev.get(row.key, 0)
        if row.breached < rules.breach_threshold and kev_late < rules.kev_breach_threshold:
            continue
        within = f"{row.within_sla:.1f}%" if row.within_sla is not None else money.NO_VALUE
        reason = (f"{_count(row.breached, 'open finding')} past due, {kev_late} of them in CISA's KEV catalogue "
                  f"(agenda thresholds: {rules.breach_threshold} past due, or {rules.kev_breach_threshold} KEV "
                  "past due)")
        url = "/vulns/?sla=breached" + (f"&service={row.key}" if row.key is not None else "")
        found.append(Candidate(
            Source.SLA, f"sla:service:{row.key if row.key is not None else 'none'}",
            f"Remediation SLA breaches on {row.name}", reason, url,
            (("Open findings past due", _count(row.breached, "finding")),
             ("KEV findings past due", _count(kev_late, "finding")),
             ("Open findings", _count(row.open, "finding")), ("Within SLA", within))))
    return found


# Sign-offs on the approvals primitive: patch plans, emergency changes, budget selections -------------

def _open_signoffs(viewer: Actor, kind: str) -> list[Any]:
    from accord.governance import selectors as governance

    return list(governance.signoffs_visible_to(viewer, status="open", kind=kind).order_by("requested_at", "id"))


def _waiting_on(signoff: Any) -> str:
    from accord.governance.selectors import open_slot_indexes

    roles = sorted({role.upper() for k in open_slot_indexes(signoff) for role in signoff.slots[k]})
    return " and ".join(roles) or "nobody"


def from_patch_plans(viewer: Actor, today: date) -> list[Candidate]:
    found = []
    for signoff in _open_signoffs(viewer, "patch_plan"):
        f, currency = signoff.figures, signoff.figures.get("currency") or _currency()
        figures = (("Expected loss over the horizon", money.full(f.get("exposure"), currency)),
                   ("Downtime cost", money.full(f.get("disruption_cost"), currency)),
                   ("SLA breaches in the plan", _count(int(f.get("sla_breaches") or 0), "job")),
                   ("Awaiting", f"signature of the {_waiting_on(signoff)}"))
        found.append(Candidate(Source.PATCH_PLANS, f"patch_plans:signoff:{signoff.pk}",
                               f"Sign {signoff.subject_label}", signoff.summary, signoff.subject_url, figures))
    return found


def from_emergencies(viewer: Actor, today: date) -> list[Candidate]:
    """One item per patch plan: a plan can propose hundreds of emergency changes, and the committee
    decides them together (the plan's page lists each)."""
    currency = _currency()
    by_plan: dict[str, list[Any]] = {}
    for signoff in _open_signoffs(viewer, "emergency_change"):
        by_plan.setdefault(signoff.subject_url.split("#")[0], []).append(signoff)
    found = []
    for url, signoffs in by_plan.items():
        downtime = sum(float(s.figures.get("downtime_cost") or 0) for s in signoffs)
        avoided = sum(float(s.figures.get("exposure_avoided") or 0) for s in signoffs)
        count = len(signoffs)
        plural = "s" if count != 1 else ""
        figures = (("Emergency changes", _count(count, "change")),
                   ("Downtime cost", money.full(downtime, currency)),
                   ("Expected loss avoided", money.full(avoided, currency)),
                   ("Awaiting", f"a decision of the {_waiting_on(signoffs[0]).replace(' and ', ' or ')}"))
        reason = ("Jobs the plan cannot finish by their due date inside a maintenance window; each needs a "
                  f"decision before the plan can be signed. The first: {signoffs[0].summary}")
        found.append(Candidate(Source.EMERGENCIES, f"emergencies:{url}", f"Decide {count} emergency change{plural} "
                               f"outside the maintenance windows", reason, f"{url}#emergencies", figures))
    return found


def from_budget(viewer: Actor, today: date) -> list[Candidate]:
    found = []
    for signoff in _open_signoffs(viewer, "portfolio_selection"):
        f, currency = signoff.figures, signoff.figures.get("currency") or _currency()
        figures = (("Budget", money.full(f.get("budget"), currency)),
                   ("Cost", f"{money.full(f.get('cost'), currency)} over {f.get('horizon_years')} years"),
                   ("Expected annual loss before", f"{money.full(f.get('total_ale'), currency)} a year"),
                   ("Expected annual loss after", f"{money.full(f.get('residual_ale'), currency)} a year"),
                   ("Initiatives", _count(len(f.get("initiatives") or []), "initiative")),
                   ("Awaiting", f"approval of the {_waiting_on(signoff)}"))
        title = f"Approve the budget selection for {f.get('budget_scenario') or signoff.subject_label}"
        found.append(Candidate(Source.BUDGET, f"budget:signoff:{signoff.pk}", title, signoff.summary,
                               signoff.subject_url, figures))
    return found


# Scenarios above appetite ------------------------------------------------------------------------------

def from_risks(viewer: Actor, today: date) -> list[Candidate]:
    from accord.risks import selectors as risks

    found = []
    for row in risks.above_appetite(risks.portfolio_figures(viewer)):
        run, scenario = row.run, row.scenario
        breaches = [c for c in run.result.get("appetite") or [] if not c.get("within", True)]
        worst = max(breaches, key=lambda c: float(c["probability"]) - float(c["tolerance"]))
        figures = (
            ("Mean annual loss", f"{money.full(run.mean, run.currency)} a year"),
            ("90% range", f"{money.full(run.p5, run.currency)} to {money.full(run.p95, run.currency)} a year"),
            (f"Chance of losing more than {money.compact(worst['loss'], run.currency)} in a year",
             f"{_pct(worst['probability'])} (appetite {_pct(worst['tolerance'])})"),
            ("Simulation", f"run #{run.pk}, seed {run.seed}, engine {run.engine_version}, "
                           f"{timezone.localdate(run.created_at).isoformat()}"),
        )
        found.append(Candidate(Source.RISKS, f"risks:scenario:{scenario.slug}", f"Above appetite: {scenario.name}",
                               f"Its loss exceedance curve crosses the appetite at {len(breaches)} "
                               f"point{'s' if len(breaches) != 1 else ''}.", f"/risks/scenarios/{scenario.slug}/",
                               figures))
    return found


# Incidents ---------------------------------------------------------------------------------------------

def from_incidents(viewer: Actor, today: date) -> list[Candidate]:
    from accord.incidents import selectors as incidents

    now = timezone.now()
    found = []
    for row in incidents.incident_rows(viewer, is_open=True, exercise=False, now=now):
        incident = row.incident
        latest = incidents.latest_update(viewer, incident)
        asked = list(latest.decisions_needed) if latest is not None else []
        if incident.severity > 2 and not asked and row.next_clock is None:
            continue
        why = []
        if incident.severity <= 2:
            why.append(f"severity {incident.severity}")
        if asked:
            why.append(f"{len(asked)} decision{'s' if len(asked) != 1 else ''} asked in update #{latest.number}")  # type: ignore[union-attr]
        if row.next_clock is not None:
            why.append("a regulatory deadline is running")
        figures = [("Severity", incident.get_severity_display()), ("Phase", incident.get_phase_display())]
        cost = latest.total_cost() if latest is not None else None
        if cost is not None and latest is not None:
            figures.append(("Cost estimate", f"{money.full(cost[0], latest.currency)} to "
                                             f"{money.full(cost[1], latest.currency)} (90% range, update #{latest.number})"))
        if row.next_clock is not None:
            figures.append(("Next regulatory deadline", f"{row.next_clock.regime_name} {row.next_clock.label}: "
                                                        f"{row.next_clock_left}"))
        for question in asked[:3]:
            figures.append(("Decision asked", str(question)[:200]))
        found.append(Candidate(Source.INCIDENTS, f"incidents:incident:{incident.pk}",
                               f"{incident.reference} {incident.title}", _sentence("; ".join(why)),
                               f"/incidents/{incident.pk}/", tuple(figures)))
    return found


BUILDERS: dict[str, Callable[[Actor, date], list[Candidate]]] = {
    Source.ACCEPTANCES: from_acceptances,
    Source.REVIEWS: from_reviews,
    Source.SLA: from_sla_breaches,
    Source.PATCH_PLANS: from_patch_plans,
    Source.EMERGENCIES: from_emergencies,
    Source.BUDGET: from_budget,
    Source.RISKS: from_risks,
    Source.INCIDENTS: from_incidents,
}
