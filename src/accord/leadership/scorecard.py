"""The leadership metrics on the joint scorecard (registered from LeadershipConfig.ready).

- Strategic share of the CISO's hours (KRI): strategic hours / all hours x 100 in the time logs of
  the users holding the CISO role, over the last four ISO weeks (today's week included). Default
  thresholds: amber below 40%, red below 25% (a CISO who spends under a quarter of their week on
  strategy is firefighting).
- Development goals on track (KPI): goals done or open and not past their due day / goals counted x
  100; counted are the open goals and those done in the last 365 days (dropped ones never count).
"""

from __future__ import annotations

from typing import Any

from accord.metrics.registry import (
    KPI,
    KRI,
    LOWER_IS_WORSE,
    MetricDefinition,
    ReadContext,
    Reading,
    Thresholds,
    register,
)

STRATEGIC_SHARE_THRESHOLDS = Thresholds(LOWER_IS_WORSE, amber=40, red=25)


def _strategic_share(viewer: Any, ctx: ReadContext) -> Reading | None:
    from accord.leadership import selectors

    report = selectors.ciso_strategic_share(ctx.today)
    if report is None or report.strategic_share is None:
        return None
    return Reading(report.strategic_share, f"{report.strategic_share:.1f}%",
                   f"{selectors.hours_text(report.strategic)} of {selectors.hours_text(report.total)} hours strategic, {report.first_week} to "
                   f"{report.last_week}")


def _goals_on_track(viewer: Any, ctx: ReadContext) -> Reading | None:
    from accord.leadership import selectors

    goals = selectors.team_goals_on_track(ctx.today)
    if goals.percent is None:
        return None
    return Reading(goals.percent, f"{goals.percent:.1f}%",
                   f"{goals.on_track} of {goals.counted} goals; {goals.overdue} overdue")


def register_metrics() -> None:
    register(MetricDefinition(
        "ciso_strategic_share", "Strategic share of the CISO's hours", KRI, "%",
        "Strategic hours / all hours x 100 in the time logs of the users holding the CISO role, over the last "
        "4 ISO weeks (this week included).",
        "/leadership/time/", _strategic_share, "leadership.read", STRATEGIC_SHARE_THRESHOLDS,
        group="Leadership", order=300))
    register(MetricDefinition(
        "development_goals_on_track", "Development goals on track", KPI, "%",
        "Goals done, or open and not past their due day / (open goals + goals done in the last 365 days) x 100, "
        "across the skills matrix.",
        "/leadership/skills/", _goals_on_track, "leadership.read", group="Leadership", order=301))
