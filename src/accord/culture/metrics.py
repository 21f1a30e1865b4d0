"""The culture app's scorecard metrics (registered from CultureConfig.ready), each read from the same
selector the culture pages, the API and the CLI show. Default thresholds are in docs/culture.md."""

from __future__ import annotations

from typing import Any

from accord.metrics.registry import (
    HIGHER_IS_WORSE,
    KRI,
    LOWER_IS_WORSE,
    MetricDefinition,
    ReadContext,
    Reading,
    Thresholds,
    register,
)

GROUP = "People and culture"
READ = "culture.read"


def _coverage(viewer: Any, ctx: ReadContext) -> Reading | None:
    from accord.culture import selectors

    figures = selectors.coverage(viewer, on=ctx.today)
    if figures.percent is None:
        return None
    return Reading(figures.percent, f"{figures.percent:.1f}%",
                   f"{figures.covered} of {figures.total} programme teams have an active champion")


def _latest(viewer: Any, ctx: ReadContext) -> Any:
    from accord.culture import selectors

    return ctx.once("culture_latest_phishing", lambda: selectors.latest_phishing(viewer))


def _rate_reader(measure: str) -> Any:
    def read(viewer: Any, ctx: ReadContext) -> Reading | None:
        row = _latest(viewer, ctx)
        if row is None or row.phishing is None:
            return None
        rates = row.phishing
        value = rates.click_rate if measure == "click" else rates.report_rate
        count = rates.clicked if measure == "click" else rates.reported
        verb = "clicked" if measure == "click" else "reported it"
        return Reading(value, f"{value:.1f}%",
                       f"{count} of {rates.delivered} recipients {verb}; {row.campaign.name} "
                       f"(from {row.campaign.starts_on})",
                       drill_url=f"/culture/campaigns/{row.campaign.pk}/")

    return read


def _overdue(viewer: Any, ctx: ReadContext) -> Reading | None:
    from accord.culture import selectors

    overdue, total = selectors.overdue_count(viewer)
    if not total:
        return None
    return Reading(float(overdue), f"{overdue} stakeholder{'' if overdue == 1 else 's'}",
                   f"of {total} on the stakeholder map")


def register_culture_metrics() -> None:
    register(MetricDefinition(
        "champion_coverage", "Security champion coverage", KRI, "%",
        "IT teams of the champions programme with at least one active champion (appointed, not stepped down) "
        "/ IT teams of the programme x 100.",
        "/culture/champions/", _coverage, READ, Thresholds(LOWER_IS_WORSE, 90, 75), group=GROUP, order=200))
    register(MetricDefinition(
        "phishing_click_rate", "Phishing click rate", KRI, "%",
        "Recipients of the latest phishing exercise who clicked the link (or went on to submit data) / "
        "recipients the email reached x 100.",
        "/culture/campaigns/", _rate_reader("click"), READ, Thresholds(HIGHER_IS_WORSE, 10, 20), group=GROUP,
        order=210))
    register(MetricDefinition(
        "phishing_report_rate", "Phishing report rate", KRI, "%",
        "Recipients of the latest phishing exercise who reported the email / recipients the email reached x 100.",
        "/culture/campaigns/", _rate_reader("report"), READ, Thresholds(LOWER_IS_WORSE, 40, 20), group=GROUP,
        order=211))
    register(MetricDefinition(
        "stakeholder_contacts_overdue", "Overdue stakeholder contacts", KRI, "stakeholders",
        "Stakeholders whose last contact plus their engagement cadence is before today, or never contacted.",
        "/culture/stakeholders/?overdue=yes", _overdue, READ, Thresholds(HIGHER_IS_WORSE, 1, 3), group=GROUP,
        order=220))
