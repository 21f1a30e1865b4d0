"""Fixtures of the portfolio tests: two simulated risk scenarios, a budget scenario, three initiatives."""

from __future__ import annotations

from typing import Any

import pytest

RANSOMWARE_INPUTS: dict[str, Any] = {
    "tef": {"pert": [0.5, 2, 10]},
    "vulnerability": {"pert": [0.05, 0.2, 0.5]},
    "primary_loss": {"pert": [10000, 150000, 2000000]},
}
BEC_INPUTS: dict[str, Any] = {"lef": {"constant": 0.8}, "events": "bernoulli",
                              "primary_loss": {"lognormal90": [20000, 900000]}}


@pytest.fixture
def scenarios(ciso: Any, org_data: dict[str, Any]) -> dict[str, Any]:
    from accord.risks import services

    services.update_settings(actor=ciso, default_years=2_000, seed=11)
    return {
        "ransomware": services.create_scenario(actor=ciso, slug="ransomware-erp", name="Ransomware on the ERP",
                                               inputs=dict(RANSOMWARE_INPUTS)),
        "bec": services.create_scenario(actor=ciso, slug="bec", name="Business email compromise",
                                        inputs=dict(BEC_INPUTS)),
    }


@pytest.fixture
def budget(ciso: Any, org_data: dict[str, Any]) -> Any:
    from accord.portfolio import services

    return services.create_budget_scenario(actor=ciso, name="FY27", budget=600_000, horizon_years=3,
                                           discount_rate=0.08, capacity={"Platform": 4})


@pytest.fixture
def portfolio(ciso: Any, scenarios: dict[str, Any], budget: Any) -> dict[str, Any]:
    from accord.portfolio import services

    edr = services.create_initiative(actor=ciso, slug="edr", title="EDR everywhere", one_off_cost=100_000,
                                     annual_cost=50_000, capacity={"Platform": 2}, csf_subcategories=["DE.CM-01"])
    mfa = services.create_initiative(actor=ciso, slug="mfa", title="MFA for remote access", one_off_cost=40_000,
                                     annual_cost=10_000, capacity={"Platform": 1})
    awareness = services.create_initiative(actor=ciso, slug="awareness", title="Awareness programme",
                                           one_off_cost=20_000, annual_cost=30_000, sponsor="ciso")
    services.add_effect(actor=ciso, initiative=edr, scenario=scenarios["ransomware"], factor="vulnerability",
                        effectiveness={"pert": [0.3, 0.5, 0.7]})
    services.add_effect(actor=ciso, initiative=mfa, scenario=scenarios["ransomware"], factor="tef",
                        effectiveness={"pert": [0.1, 0.3, 0.5]})
    services.add_effect(actor=ciso, initiative=mfa, scenario=scenarios["bec"], factor="lef",
                        effectiveness={"constant": 0.4})
    services.add_effect(actor=ciso, initiative=awareness, scenario=scenarios["bec"], factor="primary_loss",
                        effectiveness={"uniform": [0.1, 0.3]})
    return {"edr": edr, "mfa": mfa, "awareness": awareness}


@pytest.fixture
def estimated(ciso: Any, portfolio: dict[str, Any], budget: Any) -> dict[str, Any]:
    from accord.portfolio import services

    services.estimate_effects(actor=ciso, budget_scenario=budget, years=2_000)
    return portfolio


@pytest.fixture
def ransomware_inputs() -> dict[str, Any]:
    return dict(RANSOMWARE_INPUTS)
