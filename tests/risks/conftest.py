"""Fixtures of the risk register tests: a small scenario mapping and a register with two scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

RANSOMWARE_INPUTS: dict[str, Any] = {
    "tef": {"pert": [0.5, 2, 10]},
    "vulnerability": {"pert": [0.05, 0.2, 0.5]},
    "primary_loss": {"pert": [10000, 150000, 2000000]},
    "secondary_loss_event_frequency": {"constant": 0.3},
    "secondary_loss": {"lognormal90": [50000, 5000000]},
}
BEC_INPUTS: dict[str, Any] = {"lef": {"constant": 0.8}, "events": "bernoulli",
                              "primary_loss": {"lognormal90": [20000, 900000]}}

FILE_TEXT = (Path(__file__).parent.parent / "data" / "issue_scenarios.yaml").read_text(encoding="utf-8")


@pytest.fixture
def fast_settings(ciso: Any) -> Any:
    """Short runs so the tests stay fast (the numbers are still exact for their seed)."""
    from accord.risks import services

    return services.update_settings(actor=ciso, default_years=2_000, seed=11)


@pytest.fixture
def ransomware(ciso: Any, fast_settings: Any, org_data: dict[str, Any]) -> Any:
    from accord.risks import services

    return services.create_scenario(
        actor=ciso, slug="ransomware-erp", name="Ransomware on the ERP platform", inputs=dict(RANSOMWARE_INPUTS),
        business_service=org_data["erp"], assets=[org_data["assets"][0]], treatment="mitigate", status="assessed",
    )


@pytest.fixture
def bec(ciso: Any, fast_settings: Any) -> Any:
    from accord.risks import services

    return services.create_scenario(actor=ciso, slug="bec", name="Business email compromise",
                                    inputs=dict(BEC_INPUTS))


class Samples:
    ransomware = RANSOMWARE_INPUTS
    bec = BEC_INPUTS
    file_text = FILE_TEXT


@pytest.fixture
def samples() -> type[Samples]:
    """The sample inputs, for tests (importlib mode: test modules cannot import this conftest)."""
    return Samples
