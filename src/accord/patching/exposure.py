"""Exposure in money from the organisation's data: the loss if each asset is compromised, and each
open finding's expected loss per day (the engine's `accord.engine.patching.exposure` does the maths).

Loss if a finding is exploited on its asset, the first that applies (docs/patch-planner.md):

1. The open risk scenarios that name the asset: each scenario's expected loss per loss event, from
   the inputs of its stored run (the run the risk pages show), shared equally between the assets
   the scenario names; an asset named by several scenarios carries the sum of its shares.
2. Its business service's "loss if one of its hosts is compromised": the owner's estimate, else the
   default of hours of downtime cost by criticality tier (`accord.org.models.COMPROMISE_HOURS_BY_TIER`).
3. The assumptions' loss for a host nothing values (no scenario, no service or a service at zero).

A staging, test or development asset's loss is multiplied by the non-production factor (disaster
recovery copies count as production: they hold production data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.engine.patching.exposure import (
    AssetExposure,
    FindingExposure,
    combine_on_asset,
    finding_probability,
)
from accord.engine.patching.exposure import (
    ExposureAssumptions as EngineAssumptions,
)
from accord.org.models import Asset, Environment
from accord.patching.models import AssumptionStatus, ExposureAssumptions
from accord.risks.selectors import ScenarioShare

PRODUCTION_LIKE = (Environment.PRODUCTION, Environment.DR)


def assumptions_in_force() -> ExposureAssumptions:
    """The confirmed set, or the defaults (an unsaved row) when none was ever confirmed."""
    active = ExposureAssumptions.objects.filter(status=AssumptionStatus.ACTIVE).order_by("-confirmed_at", "-id")
    return active.first() or ExposureAssumptions()


def engine_assumptions(row: ExposureAssumptions) -> EngineAssumptions:
    return EngineAssumptions(
        reach={"internet": row.reach_internet, "internal": row.reach_internal, "isolated": row.reach_isolated},
        kev_floor=row.kev_floor,
        prior={"none": row.prior_none, "public": row.prior_public, "active": row.prior_active},
        non_production_factor=row.non_production_factor,
    )


@dataclass(frozen=True)
class AssetLoss:
    value: float
    source: str


def loss_if_exploited(asset: Asset, shares: list[ScenarioShare], row: ExposureAssumptions) -> AssetLoss:
    if shares:
        value = sum(s.share for s in shares)
        source = "; ".join(
            f"risk scenario {s.name!r} (run #{s.run_id}): {s.loss_per_event:,.0f} per loss event"
            f" / {s.assets_named} asset{'s' if s.assets_named != 1 else ''}" for s in shares)
    elif asset.business_service is not None and asset.business_service.compromise_estimate()[0] > 0:
        value, source = asset.business_service.compromise_estimate()
    else:
        value = row.unvalued_host_loss
        source = ("no risk scenario names it and " + ("it has no business service" if asset.business_service is None
                  else f"service {asset.business_service.name} has no downtime cost or estimate")
                  + ": the assumptions' loss for a host nothing values")
    if asset.environment not in PRODUCTION_LIKE:
        value *= row.non_production_factor
        source += f"; x {row.non_production_factor:g} ({asset.get_environment_display().lower()}, not production)"
    return AssetLoss(value, source)


def exploitation_of(decision_points: Any) -> str | None:
    """The SSVC exploitation value (none, public, active) the finding's decision was made with."""
    for point in decision_points or ():
        if isinstance(point, dict) and point.get("point") == "exploitation":
            return str(point.get("value"))
    return None


@dataclass(frozen=True)
class PricedAsset:
    loss: AssetLoss
    exposure: AssetExposure


def price_findings(
    findings: list[dict[str, Any]],
    assets: dict[int, Asset],
    shares: dict[int, list[ScenarioShare]],
    row: ExposureAssumptions,
) -> dict[int, PricedAsset]:
    """Per asset id: its loss if exploited and each open finding's share of its expected loss per day."""
    engine = engine_assumptions(row)
    routes: dict[int, list[FindingExposure]] = {}
    for finding in findings:
        asset = assets.get(finding["asset_id"])
        if asset is None:
            continue
        routes.setdefault(asset.pk, []).append(finding_probability(
            str(finding["id"]), epss=finding["epss"], kev=finding["kev"],
            exploitation=exploitation_of(finding.get("decision_points")), reach_class=asset.reach,
            assumptions=engine))
    priced: dict[int, PricedAsset] = {}
    for asset_id, asset_routes in routes.items():
        loss = loss_if_exploited(assets[asset_id], shares.get(asset_id, []), row)
        priced[asset_id] = PricedAsset(loss, combine_on_asset(loss.value, asset_routes))
    return priced


def derivation(priced: PricedAsset, finding_ids: list[str]) -> dict[str, Any]:
    """What a job's page shows: from each finding's EPSS to the job's expected loss per day."""
    mine = [f for f in priced.exposure.findings if f.finding in set(finding_ids)]
    return {
        "loss_if_exploited": priced.loss.value,
        "loss_source": priced.loss.source,
        "asset_daily_probability": priced.exposure.daily_probability,
        "asset_loss_per_day": priced.exposure.loss_per_day,
        "asset_findings": len(priced.exposure.findings),
        "findings": [
            {"id": f.finding, "p30": f.p30, "p30_source": f.p30_source, "hazard": f.hazard, "reach": f.reach,
             "daily_probability": f.daily_probability, "loss_per_day": f.loss_per_day, "loss_cap": f.loss_cap}
            for f in mine
        ],
        "loss_per_day": sum(f.loss_per_day for f in mine),
        "loss_cap": sum(f.loss_cap for f in mine),
    }
