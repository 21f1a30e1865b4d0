"""The built-in KPIs and KRIs of the joint scorecard (issue 13, item 5), each read from the selectors
of the app that owns the data. A reader returns None when the data does not exist yet.

Windows: remediation times count findings fixed in the last 90 days, review figures the reviews
requested in the last 90 days, response times the real incidents reported in the last 365 days
(incidents are rare; a quarter is often empty). The risk, finding and portfolio figures are the
ones the risk register, the desk and the portfolio show now.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from accord.core.money import compact
from accord.metrics.registry import (
    HIGHER_IS_WORSE,
    KPI,
    KRI,
    LOWER_IS_WORSE,
    MetricDefinition,
    ReadContext,
    Reading,
    Thresholds,
    register,
)

REMEDIATION_WINDOW_DAYS = 90
REVIEW_WINDOW_DAYS = 90
INCIDENT_WINDOW_DAYS = 365
EXPIRING_WITHIN_DAYS = 30
SSVC_DECISIONS = (("act", "Act"), ("attend", "Attend"), ("track*", "Track*"), ("track", "Track"))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# Risk ---------------------------------------------------------------------------------------------

def _risk_figures(viewer: Any, ctx: ReadContext) -> Any:
    from accord.risks import selectors as risks

    return ctx.once("risk_figures", lambda: risks.portfolio_figures(viewer))


def _expected_loss(viewer: Any, ctx: ReadContext) -> Reading | None:
    figures = _risk_figures(viewer, ctx)
    if not figures.scenarios:
        return None
    total = figures.plain_sum
    if figures.run is None:
        detail = "90% range: not simulated together yet"
    else:
        stale = "" if figures.current else ", from before the latest changes"
        detail = (f"90% range of a year's total {compact(figures.run.p5, ctx.currency)} to "
                  f"{compact(figures.run.p95, ctx.currency)} (portfolio run #{figures.run.pk}{stale})")
    return Reading(total, f"{compact(total, ctx.currency)} a year", detail)


def _above_appetite(viewer: Any, ctx: ReadContext) -> Reading | None:
    from accord.risks import selectors as risks

    figures = _risk_figures(viewer, ctx)
    if not figures.scenarios:
        return None
    above = len(risks.above_appetite(figures))
    return Reading(float(above), _plural(above, "scenario"), f"of {_plural(len(figures.scenarios), 'open scenario')}")


# Findings -----------------------------------------------------------------------------------------

def _finding_counts(viewer: Any, ctx: ReadContext, name: str) -> Any:
    from accord.vulns import selectors as vulns

    filters = {"all": vulns.FindingFilter(), "kev_breached": vulns.FindingFilter(kev=True, sla="breached")}[name]
    return ctx.once(f"findings_{name}", lambda: vulns.summary(viewer, filters))


def _sla_compliance(viewer: Any, ctx: ReadContext) -> Reading | None:
    counts = _finding_counts(viewer, ctx, "all")
    if not counts.findings:
        return None
    # The desk's tile: with no open finding, every open finding is within its SLA.
    within = 100.0 * (counts.open - counts.past_due) / counts.open if counts.open else 100.0
    return Reading(within, f"{within:.1f}%", f"{counts.past_due:,} of {counts.open:,} open findings past due")


def _kev_past_due(viewer: Any, ctx: ReadContext) -> Reading | None:
    if not _finding_counts(viewer, ctx, "all").findings:
        return None
    counts = _finding_counts(viewer, ctx, "kev_breached")
    return Reading(float(counts.open), _plural(counts.open, "finding"), "known exploited, past their due date")


def _remediation_days(viewer: Any, ctx: ReadContext) -> dict[str, list[float]]:
    from accord.core.clock import end_of_day
    from accord.vulns import selectors as vulns

    def compute() -> dict[str, list[float]]:
        since = end_of_day(ctx.today - timedelta(days=REMEDIATION_WINDOW_DAYS))
        rows = (vulns.findings_visible_to(viewer, vulns.FindingFilter(state="fixed")).order_by()
                .filter(fixed_at__gt=since, fixed_at__lte=end_of_day(ctx.today))
                .values_list("decision", "first_seen", "fixed_at"))
        days: dict[str, list[float]] = {}
        for decision, first_seen, fixed_at in rows.iterator(chunk_size=5000):
            if fixed_at is None:
                continue
            days.setdefault(decision, []).append(max((fixed_at - first_seen).total_seconds(), 0.0) / 86400)
        return days

    result: dict[str, list[float]] = ctx.once("remediation_days", compute)
    return result


def _remediation_reader(decision: str) -> Any:
    def read(viewer: Any, ctx: ReadContext) -> Reading | None:
        from accord.reviews.selectors import percentile

        days = _remediation_days(viewer, ctx).get(decision) or []
        median, p90 = percentile(days, 50), percentile(days, 90)
        if median is None or p90 is None:
            return None
        return Reading(median, f"{median:,.1f} days", f"p90 {p90:,.1f} days; {_plural(len(days), 'finding')} fixed")

    return read


# Reviews ------------------------------------------------------------------------------------------

def _review_metrics(viewer: Any, ctx: ReadContext) -> Any:
    from accord.reviews import selectors as reviews

    return ctx.once("reviews", lambda: reviews.metrics(viewer, since=ctx.today - timedelta(days=REVIEW_WINDOW_DAYS)))


def _review_attainment(viewer: Any, ctx: ReadContext) -> Reading | None:
    figures = _review_metrics(viewer, ctx)
    attainment = figures.attainment
    if attainment is None:
        return None
    counted = sum(t.counted for t in figures.tiers)
    met = sum(t.met for t in figures.tiers)
    return Reading(attainment, f"{attainment:.1f}%", f"{met:,} of {counted:,} within their SLA")


def _review_p90(viewer: Any, ctx: ReadContext) -> Reading | None:
    figures = _review_metrics(viewer, ctx)
    if figures.p90_hours is None:
        return None
    return Reading(figures.p90_hours, f"{figures.p90_hours:,.1f} business hours",
                   f"median {figures.median_hours:,.1f} business hours; {_plural(figures.decided, 'review')} decided")


# Incidents ----------------------------------------------------------------------------------------

def _response_reader(measure: str) -> Any:
    def read(viewer: Any, ctx: ReadContext) -> Reading | None:
        from accord.core.clock import end_of_day
        from accord.incidents import selectors as incidents

        since = end_of_day(ctx.today - timedelta(days=INCIDENT_WINDOW_DAYS))
        times = ctx.once("response_times", lambda: incidents.response_times(viewer, since=since))
        found = times.by_key()[measure]
        if found.median_hours is None:
            return None
        return Reading(found.median_hours, f"{found.median_hours:,.1f} hours",
                       f"p90 {found.p90_hours:,.1f} hours; {_plural(found.count, 'incident')}")

    return read


# Portfolio ----------------------------------------------------------------------------------------

def _funded(viewer: Any, ctx: ReadContext) -> Any:
    from accord.portfolio import selectors as portfolio

    # The desk's "funded" tile: the latest approved selection of the latest fiscal year.
    return ctx.once("funded", lambda: portfolio.selections(viewer).filter(status="approved")
                    .order_by("-budget_scenario__fiscal_year", "-id").first())


ON_PLAN = ("approved", "in_progress", "done")


def _initiatives_on_plan(viewer: Any, ctx: ReadContext) -> Reading | None:
    funded = _funded(viewer, ctx)
    if funded is None:
        return None
    chosen = list(funded.initiatives.all())
    if not chosen:
        return None
    on_plan = sum(1 for it in chosen if it.status in ON_PLAN)
    share = 100.0 * on_plan / len(chosen)
    return Reading(share, f"{share:.1f}%", f"{on_plan} of {_plural(len(chosen), 'funded initiative')} "
                   f"approved, in progress or done (FY{funded.budget_scenario.fiscal_year})",
                   drill_url=f"/portfolio/selections/{funded.pk}/")


def _spend(viewer: Any, ctx: ReadContext) -> Reading | None:
    funded = _funded(viewer, ctx)
    if funded is None or not funded.budget:
        return None
    share = 100.0 * funded.cost / funded.budget
    return Reading(funded.cost, f"{compact(funded.cost, ctx.currency)} of {compact(funded.budget, ctx.currency)}",
                   f"{share:.1f}% of the FY{funded.budget_scenario.fiscal_year} budget, over "
                   f"{funded.budget_scenario.horizon_years} years", drill_url=f"/portfolio/selections/{funded.pk}/")


# Acceptances --------------------------------------------------------------------------------------

def _acceptances_expiring(viewer: Any, ctx: ReadContext) -> Reading | None:
    from accord.acceptances import selectors as acceptances

    count = acceptances.count_expiring(ctx.today, days=EXPIRING_WITHIN_DAYS)
    return Reading(float(count), _plural(count, "acceptance"), f"expiring within {EXPIRING_WITHIN_DAYS} days")


def register_builtin() -> None:
    """The issue's metrics (called once from MetricsConfig.ready)."""
    register(MetricDefinition(
        "expected_loss", "Residual expected loss", KPI, "money",
        "Sum of the open risk scenarios' mean annual loss (each from its latest simulation, controls in place "
        "included); the 90% range is the 5th to 95th percentile of a year's total from the latest portfolio run.",
        "/risks/", _expected_loss, "risk.read", group="Risk", order=10))
    register(MetricDefinition(
        "scenarios_above_appetite", "Scenarios above appetite", KRI, "scenarios",
        "Open scenarios whose own loss exceedance curve crosses the board's appetite at some point.",
        "/risks/portfolio/", _above_appetite, "risk.read", Thresholds(HIGHER_IS_WORSE, 1, 3), group="Risk",
        order=20))
    register(MetricDefinition(
        "sla_compliance", "Open findings within SLA", KRI, "%",
        "(open findings - open findings past their due date) / open findings x 100; 100% when none is open.",
        "/vulns/sla/", _sla_compliance, "vuln.read", Thresholds(LOWER_IS_WORSE, 90, 80), group="Vulnerabilities",
        order=30))
    register(MetricDefinition(
        "kev_past_due", "KEV findings past due", KRI, "findings",
        "Open findings on CISA's Known Exploited Vulnerabilities list whose due date has passed.",
        "/vulns/?kev=yes&sla=breached", _kev_past_due, "vuln.read", Thresholds(HIGHER_IS_WORSE, 1, 10),
        group="Vulnerabilities", order=40))
    for position, (decision, label) in enumerate(SSVC_DECISIONS):
        register(MetricDefinition(
            f"remediation_{decision.replace('*', '_star')}", f"Time to remediate: {label}", KPI, "days",
            f"Median days from first seen to fixed of the findings with SSVC decision {label} fixed in the last "
            f"{REMEDIATION_WINDOW_DAYS} days (p90 beside it).",
            f"/vulns/?state=fixed&decision={quote(decision)}", _remediation_reader(decision), "vuln.read",
            group="Vulnerabilities", order=50 + position))
    register(MetricDefinition(
        "review_sla_attainment", "Review SLA attainment", KRI, "%",
        f"Reviews decided within their SLA / (reviews decided + open reviews already past it) x 100, of the "
        f"reviews requested in the last {REVIEW_WINDOW_DAYS} days (business hours, pauses left out).",
        "/reviews/", _review_attainment, "review.read", Thresholds(LOWER_IS_WORSE, 90, 75),
        group="Security reviews", order=60))
    register(MetricDefinition(
        "review_p90_hours", "Time to decision (p90)", KPI, "business hours",
        f"90th percentile of business hours from request to decision (pauses left out) of the reviews requested "
        f"in the last {REVIEW_WINDOW_DAYS} days and decided.",
        "/reviews/", _review_p90, "review.read", group="Security reviews", order=61))
    for position, (measure, label, start, end) in enumerate((
            ("detect", "Time to detect", "it began", "its detection"),
            ("contain", "Time to contain", "detection", "containment"),
            ("resolve", "Time to resolve", "detection", "resolution"))):
        register(MetricDefinition(
            f"time_to_{measure}", label, KPI, "hours",
            f"Median hours from {start} to {end} of the real incidents (never exercises) reported in the last "
            f"{INCIDENT_WINDOW_DAYS} days that have both moments (p90 beside it).",
            "/incidents/", _response_reader(measure), "incident.read", group="Incidents",
            order=70 + position))
    register(MetricDefinition(
        "initiatives_on_plan", "Initiatives on plan", KPI, "%",
        "Initiatives of the funded selection that are approved, in progress or done / initiatives it funds x 100.",
        "/portfolio/selections/", _initiatives_on_plan, "portfolio.read", group="Portfolio", order=80))
    register(MetricDefinition(
        "spend_against_budget", "Spend against budget", KPI, "money",
        "Cost of the funded selection over its horizon (one-off costs plus annual costs x years) against the "
        "budget scenario's budget.",
        "/portfolio/selections/", _spend, "portfolio.read", group="Portfolio", order=81))
    register(MetricDefinition(
        "acceptances_expiring", "Risk acceptances expiring", KRI, "acceptances",
        f"Active risk acceptances whose expiry falls within {EXPIRING_WITHIN_DAYS} days of today (inclusive).",
        "/steering/acceptances/?state=expiring", _acceptances_expiring, "steering.read",
        Thresholds(HIGHER_IS_WORSE, 1, 5), group="Risk acceptances", order=90))
