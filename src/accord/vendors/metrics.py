"""The vendor register's metrics on the joint scorecard (registered from VendorsConfig.ready)."""

from __future__ import annotations

from typing import Any

from accord.metrics.registry import (
    KRI,
    LOWER_IS_WORSE,
    MetricDefinition,
    ReadContext,
    Reading,
    Thresholds,
    register,
)
from accord.vendors.models import VendorTier
from accord.vendors.tiers import CADENCE_MONTHS

# Red below 75%, amber below 90%: a critical vendor more than rarely past its review is a gap to close.
ON_TIME_THRESHOLDS = Thresholds(LOWER_IS_WORSE, amber=90, red=75)


def _on_time(viewer: Any, ctx: ReadContext) -> Reading | None:
    from accord.vendors import selectors

    figures = selectors.on_time(viewer, ctx.today)
    if figures.percent is None:
        return None
    late = ", ".join(r.vendor.name for r in figures.overdue[:3])
    detail = f"{figures.on_time} of {figures.critical} critical vendors, as of {figures.as_of.isoformat()}"
    return Reading(figures.percent, figures.display, detail + (f"; overdue: {late}" if late else ""),
                   drill_url="/vendors/?tier=critical&review=overdue" if figures.overdue else "")


def register_metrics() -> None:
    register(MetricDefinition(
        "critical_vendors_on_time", "Critical vendors assessed on time", KRI, "%",
        "Critical-tier vendors (not exited) whose next review is not past its due day / critical-tier vendors "
        f"x 100. A critical vendor's review is due {CADENCE_MONTHS[VendorTier.CRITICAL]} months after its last "
        "assessment (the tier's cadence); one never assessed is due from the day it was registered.",
        "/vendors/?tier=critical", _on_time, "vendor.read", ON_TIME_THRESHOLDS, group="Vendors", order=150))
