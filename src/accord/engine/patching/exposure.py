"""Exposure in money: the expected loss per day that an open finding adds on its asset.

A finding's expected loss per day is the daily probability that it is exploited on that asset times
the loss if it is. The steps (docs/patch-planner.md, "Exposure in money", says the same for a CFO):

1. **30-day probability of exploitation activity.** EPSS is the probability that exploitation
   activity for the CVE is seen anywhere in the next 30 days. Without an EPSS score, a prior per
   SSVC exploitation value (none, public PoC, active). A finding in the CISA KEV catalogue never
   gets less than the KEV floor.
2. **Daily hazard.** A constant daily hazard h with the same 30-day probability:
   1 - (1 - p30)^(1/30).
3. **Reach.** EPSS does not know whether this asset can be reached: the hazard is multiplied by a
   reach factor for the asset's exposure (internet-facing, internal, isolated). A non-production
   asset's loss is scaled down separately (step 5), not its probability.
4. **Findings on one asset combine** as independent routes in: the asset is compromised on a day
   with probability P = 1 - prod(1 - p_i). Its expected loss per day is P x L, which can never
   exceed L, the loss if the asset is compromised. That amount is shared between its findings in
   proportion to their p_i, so closing findings (jobs) removes shares that add up exactly to P x L.
   Each finding's share of L itself is its loss cap: however long it stays open, the planner never
   counts more than that for it (an asset is not lost twice; `Job.exposure_for`).
5. **Loss if exploited** comes from the caller (the app knows the risk scenarios and services);
   this module only applies it.

Everything here is a plain function of its inputs; the assumptions are data the organisation
changes (CISO and CIO together).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from accord.engine.patching.errors import InvalidInstance

EXPLOITATION_VALUES = ("none", "public", "active")  # SSVC "exploitation" decision point
REACH_CLASSES = ("internet", "internal", "isolated")
DAYS_IN_EPSS_WINDOW = 30


@dataclass(frozen=True)
class ExposureAssumptions:
    """The factors a CISO and a CIO agree on. Defaults are stated in docs/patch-planner.md."""

    reach: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"internet": 0.5, "internal": 0.05, "isolated": 0.01})
    )
    kev_floor: float = 0.2  # a KEV finding's 30-day probability is at least this
    prior: Mapping[str, float] = field(  # 30-day probability by SSVC exploitation when EPSS is unknown
        default_factory=lambda: MappingProxyType({"none": 0.001, "public": 0.02, "active": 0.2})
    )
    non_production_factor: float = 0.25  # loss of a staging/test/development asset, relative

    def __post_init__(self) -> None:
        for name, table, keys in (("reach", self.reach, REACH_CLASSES), ("prior", self.prior, EXPLOITATION_VALUES)):
            for key in keys:
                if key not in table:
                    raise InvalidInstance(f"{name}.{key}", "missing")
                _check_probability(f"{name}.{key}", table[key])
        _check_probability("kev_floor", self.kev_floor)
        _check_probability("non_production_factor", self.non_production_factor)

    def as_dict(self) -> dict[str, object]:
        return {"reach": dict(self.reach), "kev_floor": self.kev_floor, "prior": dict(self.prior),
                "non_production_factor": self.non_production_factor}


def _check_probability(path: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise InvalidInstance(path, f"must be a number from 0 to 1, found {value!r}")


def daily_hazard(p30: float) -> float:
    """The constant daily probability that gives `p30` over 30 days: 1 - (1 - p30)^(1/30)."""
    if p30 >= 1.0:
        return 1.0
    # log1p/expm1 keep tiny probabilities exact (1 - (1 - 1e-9)^(1/30) loses digits otherwise)
    return -math.expm1(math.log1p(-p30) / DAYS_IN_EPSS_WINDOW)


@dataclass(frozen=True)
class FindingExposure:
    """One finding's route to a compromise of its asset, step by step (shown on the job's page)."""

    finding: str
    p30: float
    p30_source: str  # "EPSS 0.4312", "KEV floor (EPSS 0.0100)", "prior for SSVC exploitation 'public'"
    hazard: float  # daily, anywhere
    reach: float
    daily_probability: float  # hazard x reach, on this asset
    loss_per_day: float = 0.0  # this finding's share of the asset's expected loss per day
    loss_cap: float = 0.0  # this finding's share of the asset's loss if compromised


def finding_probability(
    finding: str,
    *,
    epss: float | None,
    kev: bool,
    exploitation: str | None,
    reach_class: str,
    assumptions: ExposureAssumptions,
) -> FindingExposure:
    """Steps 1 to 3 for one finding."""
    if epss is not None and math.isfinite(epss):
        p30, source = min(max(epss, 0.0), 1.0), f"EPSS {epss:.4f}"
    else:
        value = exploitation if exploitation in EXPLOITATION_VALUES else "none"
        p30, source = assumptions.prior[value], f"prior for SSVC exploitation '{value}' (no EPSS)"
    if kev and p30 < assumptions.kev_floor:
        p30, source = assumptions.kev_floor, f"KEV floor ({source})"
    hazard = daily_hazard(p30)
    reach = assumptions.reach[reach_class]
    return FindingExposure(finding, p30, source, hazard, reach, hazard * reach)


@dataclass(frozen=True)
class AssetExposure:
    loss_if_exploited: float
    daily_probability: float  # P = 1 - prod(1 - p_i): the asset is compromised through any finding
    findings: tuple[FindingExposure, ...]

    @property
    def loss_per_day(self) -> float:
        return self.loss_if_exploited * self.daily_probability


def combine_on_asset(loss_if_exploited: float, findings: Sequence[FindingExposure]) -> AssetExposure:
    """Step 4: the asset's expected loss per day, shared between its findings by their probability."""
    if loss_if_exploited < 0 or not math.isfinite(loss_if_exploited):
        raise InvalidInstance("loss_if_exploited", f"must be a number >= 0, found {loss_if_exploited!r}")
    survive = 0.0  # log of the probability that no finding is exploited today
    for f in findings:
        survive += math.log1p(-f.daily_probability) if f.daily_probability < 1.0 else -math.inf
    compromised = -math.expm1(survive)
    total = sum(f.daily_probability for f in findings)
    expected = loss_if_exploited * compromised
    shared = tuple(
        FindingExposure(f.finding, f.p30, f.p30_source, f.hazard, f.reach, f.daily_probability,
                        expected * f.daily_probability / total if total > 0 else 0.0,
                        loss_if_exploited * f.daily_probability / total if total > 0 else 0.0)
        for f in findings
    )
    return AssetExposure(loss_if_exploited, compromised, shared)


def loss_per_day_by_finding(assets: Mapping[str, AssetExposure]) -> dict[str, float]:
    return {f.finding: f.loss_per_day for exposure in assets.values() for f in exposure.findings}
