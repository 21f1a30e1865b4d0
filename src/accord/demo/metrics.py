"""The demo's joint scorecard: KRI thresholds proposed by the CISO and agreed by the CIO, six monthly
snapshots, and both leaders' retrospectives of the partnership's latest quarter.

The five snapshots before this month's are GENERATED: the demo's data has no history that far back,
so each month's value is this month's figure moved by a fixed step per month (findings past due and
time to remediate a little higher the further back, SLA attainment a little lower: a team that has
been improving). They are marked as demo history on the snapshots page (`source` "demo") and in
docs/scorecard.md; this month's snapshot is taken from the data like any other.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from accord.core import clock
from accord.metrics import selectors, services
from accord.metrics.partnership import Quarter

# Per metric, the relative change per month going back (0.06: 6% higher a month earlier).
STEP_BACK: dict[str, float] = {
    "expected_loss": 0.04, "scenarios_above_appetite": 0.15, "sla_compliance": -0.025, "kev_past_due": 0.2,
    "remediation_act": 0.08, "remediation_attend": 0.06, "remediation_track_star": 0.03, "remediation_track": 0.02,
    "review_sla_attainment": -0.04, "review_p90_hours": 0.07, "time_to_detect": 0.05, "time_to_contain": 0.05,
    "time_to_resolve": 0.04, "initiatives_on_plan": -0.05, "spend_against_budget": 0.0, "acceptances_expiring": 0.0,
}
COUNTS = {"scenarios_above_appetite", "kev_past_due", "acceptances_expiring"}
PERCENTAGES = {"sla_compliance", "review_sla_attainment", "initiatives_on_plan"}
MONTHS_BACK = 5


def _month_end(months_back: int, today: date) -> date:
    """The last day of the month `months_back` months before today's."""
    first = today.replace(day=1)
    for _ in range(months_back - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first - timedelta(days=1)


def generated_value(key: str, now: float | None, months_back: int) -> float | None:
    """This month's figure moved back `months_back` steps (None stays None: no data then either)."""
    if now is None:
        return None
    value = now * (1 + STEP_BACK.get(key, 0.0) * months_back)
    if key in COUNTS:
        return float(round(value))
    if key in PERCENTAGES:
        return round(min(value, 100.0), 1)
    return round(value, 2)


def _thresholds(ciso: Any, cio: Any) -> Any:
    proposal = services.propose_thresholds(
        actor=ciso, reason="Agreed at the Q3 steering committee: no known-exploited finding past due, attainment "
                           "of the review SLA above 90%.",
        thresholds={"kev_past_due": {"amber": 1, "red": 5}, "review_sla_attainment": {"amber": 90, "red": 75},
                    "sla_compliance": {"amber": 90, "red": 80}})
    return services.agree_thresholds(actor=cio, threshold_set=proposal)


def _history(ciso: Any, today: date) -> int:
    now = {m.key: m.value for m in selectors.read_now(selectors.organisation_reader())}
    for months_back in range(MONTHS_BACK, 0, -1):
        values = {key: generated_value(key, value, months_back) for key, value in now.items()}
        services.record_history(actor=ciso, as_of=_month_end(months_back, today), values=values, source="demo")
    services.take_snapshot(actor=ciso, today=today)
    return MONTHS_BACK + 1


def _retrospectives(users: dict[str, Any], today: date) -> Quarter:
    # The latest quarter the demo's history covers well: the one that holds the day six weeks ago.
    quarter = Quarter.containing(today - timedelta(weeks=6))
    due = today + timedelta(days=45)
    services.record_retrospective(
        actor=users["cio"], quarter=quarter.label,
        worked="Patch windows agreed a week ahead; the emergency changes came with their figures, so we decided "
               "them in one call.",
        strained="Two security reviews of roadmap projects ran past their SLA and held up a go-live.",
        actions=[{"title": "Add a second reviewer for light reviews", "owner": users["ciso"], "due_on": due}])
    services.record_retrospective(
        actor=users["ciso"], quarter=quarter.label,
        worked="The risk register in money made the MFA budget an easy decision.",
        strained="The executive update cadence slipped once during the mail outage.",
        actions=[{"title": "Rehearse the executive update cadence in the next tabletop exercise",
                  "owner": users["analyst"], "due_on": due},
                 {"title": "Bring the review queue to the next steering committee", "owner": users["cio"],
                  "due_on": today + timedelta(days=14)}])
    return quarter


def build_metrics(context: Any) -> str:
    users = context.users
    today = clock.today()
    agreed = _thresholds(users["ciso"], users["cio"])
    snapshots = _history(users["ciso"], today)
    quarter = _retrospectives(users, today)
    return (f"scorecard: KRI thresholds #{agreed.pk} agreed, {snapshots} monthly snapshots ({snapshots - 1} "
            f"generated), 2 retrospectives of {quarter.label}")
