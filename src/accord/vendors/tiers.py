"""A vendor's tier and review cadence.

The tier comes from two answers about the vendor: how sensitive the data it reaches is (rows) and how
critical its service is to the business (columns). The matrix is read as a table:

| data sensitivity \\ criticality | low | medium | high | critical |
|---|---|---|---|---|
| none | low | low | medium | high |
| internal | low | medium | medium | high |
| confidential | medium | high | high | critical |
| restricted | high | high | critical | critical |

A leader may override the matrix's tier, saying why (audited). The tier sets how often the vendor is
reassessed: the next review is due that many calendar months after the last assessment (a vendor never
assessed is due from the day it was registered). Contracts and questionnaires run on calendar months,
not business hours, so the cadence is plain calendar arithmetic. The owner is reminded once, from
REMINDER_LEAD_DAYS before the due day.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from accord.vendors.models import Criticality, DataSensitivity, VendorTier

S, C, T = DataSensitivity, Criticality, VendorTier

CRITICALITIES: tuple[str, ...] = (C.LOW, C.MEDIUM, C.HIGH, C.CRITICAL)
SENSITIVITIES: tuple[str, ...] = (S.NONE, S.INTERNAL, S.CONFIDENTIAL, S.RESTRICTED)

# MATRIX[sensitivity] lists the tier for each criticality, in the order of CRITICALITIES.
MATRIX: dict[str, tuple[str, str, str, str]] = {
    S.NONE: (T.LOW, T.LOW, T.MEDIUM, T.HIGH),
    S.INTERNAL: (T.LOW, T.MEDIUM, T.MEDIUM, T.HIGH),
    S.CONFIDENTIAL: (T.MEDIUM, T.HIGH, T.HIGH, T.CRITICAL),
    S.RESTRICTED: (T.HIGH, T.HIGH, T.CRITICAL, T.CRITICAL),
}

# Months between assessments, per tier.
CADENCE_MONTHS: dict[str, int] = {T.CRITICAL: 12, T.HIGH: 18, T.MEDIUM: 24, T.LOW: 36}
REMINDER_LEAD_DAYS = 30
TIER_ORDER: dict[str, int] = {T.CRITICAL: 0, T.HIGH: 1, T.MEDIUM: 2, T.LOW: 3}


def matrix_tier(sensitivity: str, criticality: str) -> str:
    """The tier the matrix gives for a data sensitivity and a criticality."""
    try:
        return MATRIX[sensitivity][CRITICALITIES.index(criticality)]
    except (KeyError, ValueError):
        raise ValueError(f"no tier for data sensitivity {sensitivity!r} and criticality {criticality!r}") from None


def next_review_due(tier: str, last_assessed: date | None, registered_on: date) -> date:
    """The day the next assessment is due: the tier's cadence after the last one, or the day the vendor
    was registered when it was never assessed."""
    if last_assessed is None:
        return registered_on
    return last_assessed + relativedelta(months=CADENCE_MONTHS[tier])


def matrix_rows() -> list[dict[str, object]]:
    """The matrix for the pages, the API and the CLI: one row per data sensitivity."""
    return [{"sensitivity": s, "label": S(s).label, "tiers": list(MATRIX[s])} for s in SENSITIVITIES]


def cadence_rows() -> list[dict[str, object]]:
    return [{"tier": t, "label": T(t).label, "months": CADENCE_MONTHS[t]} for t in T.values]
