"""An organisation with something in every section of the board pack: two simulated risk scenarios
and their portfolio run against an appetite (EUR), an approved selection of initiatives, a
recovered severity-1 incident of this quarter with its business impact and two lessons, and the
leaders, a board member and an analyst."""

from __future__ import annotations

import subprocess
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accord.core.permissions import Role

RANSOMWARE = {"tef": {"pert": [0.5, 2, 10]}, "vulnerability": {"pert": [0.05, 0.2, 0.5]},
              "primary_loss": {"pert": [10000, 150000, 2000000]}}
BEC = {"lef": {"constant": 0.8}, "events": "bernoulli", "primary_loss": {"lognormal90": [20000, 900000]}}


@pytest.fixture
def people(make_user: Any, ciso: Any) -> dict[str, Any]:
    return {"ciso": ciso, "cio": make_user(Role.CIO, username="cio"),
            "board": make_user(Role.BOARD_VIEWER, username="board"),
            "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
            "auditor": make_user(Role.AUDITOR, username="auditor")}


@pytest.fixture
def register(people: dict[str, Any], org_data: dict[str, Any]) -> dict[str, Any]:
    from accord.risks import services

    ciso = people["ciso"]
    services.update_settings(actor=ciso, currency="EUR", default_years=2_000, seed=11,
                             appetite=[[100_000, 0.5], [1_000_000, 0.05]])
    scenarios = {
        "ransomware": services.create_scenario(actor=ciso, slug="ransomware-erp", name="Ransomware on the ERP",
                                               inputs=dict(RANSOMWARE)),
        "bec": services.create_scenario(actor=ciso, slug="bec", name="Business email compromise", inputs=dict(BEC)),
    }
    services.simulate_portfolio(actor=ciso)
    return scenarios


@pytest.fixture
def funded(people: dict[str, Any], register: dict[str, Any]) -> Any:
    from accord.core import clock
    from accord.portfolio import services

    ciso, cio = people["ciso"], people["cio"]
    budget = services.create_budget_scenario(actor=ciso, name="Security budget", budget=600_000, horizon_years=3,
                                             discount_rate=0.08, capacity={"Platform": 4},
                                             fiscal_year=clock.today().year)
    edr = services.create_initiative(actor=ciso, slug="edr", title="EDR everywhere", one_off_cost=100_000,
                                     annual_cost=50_000, capacity={"Platform": 2})
    mfa = services.create_initiative(actor=ciso, slug="mfa", title="MFA for remote access", one_off_cost=40_000,
                                     annual_cost=10_000, capacity={"Platform": 1})
    services.add_effect(actor=ciso, initiative=edr, scenario=register["ransomware"], factor="vulnerability",
                        effectiveness={"pert": [0.3, 0.5, 0.7]})
    services.add_effect(actor=ciso, initiative=mfa, scenario=register["bec"], factor="lef",
                        effectiveness={"constant": 0.4})
    services.estimate_effects(actor=ciso, budget_scenario=budget, years=2_000)
    selection = services.save_selection(actor=ciso, budget_scenario=budget)
    services.approve_selection(actor=cio, selection=selection, note="Fund it.")
    return services.approve_selection(actor=ciso, selection=selection, note="Agreed.")


@pytest.fixture
def incident(people: dict[str, Any], org_data: dict[str, Any]) -> Any:
    from accord.incidents import services

    now = timezone.now().astimezone(UTC).replace(microsecond=0)
    ciso = people["ciso"]
    opened = services.open_incident(
        actor=ciso, title="Ransomware on the ERP", severity=1, summary="Files encrypted on erp-db-01.",
        detected_at=now - timedelta(hours=3), reported_at=now - timedelta(hours=2), began_at=now - timedelta(hours=6),
        services=[org_data["erp"]])
    services.write_update(actor=ciso, incident=opened, bottom_line="The ERP is down; recovery takes one to three days.",
                          facts=["Encryption started at 03:10."], downtime_hours=(24, 72),
                          other_cost=(150_000, 600_000), cost_note="forensics")
    recovering = services.change_phase(actor=ciso, incident=opened, phase="recover")
    review = services.save_review(actor=ciso, incident=recovering, held_on=timezone.localdate(),
                                  summary="Backups saved the day.")
    services.add_lesson(actor=ciso, review=review, text="Test restores every quarter, not every year.")
    services.add_lesson(actor=ciso, review=review, text="Keep the ERP admin accounts behind MFA.")
    return recovering


@pytest.fixture
def everything(register: dict[str, Any], funded: Any, incident: Any) -> dict[str, Any]:
    return {"register": register, "selection": funded, "incident": incident}


def pdf_text(pdf: bytes) -> str:
    """The PDF's text by poppler's pdftotext, whitespace folded to single spaces."""
    raw = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True,
                         timeout=60).stdout.decode()
    return " ".join(raw.split())


def page_ink(pdf: bytes, folder: Path) -> list[float]:
    """Each page printed to a grey image by poppler's pdftoppm (50 dpi): the share of its pixels that are
    not white (a blank page gives 0)."""
    source = folder / "pack.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", "50", str(source), str(folder / "page")], check=True, timeout=120)
    shares = []
    for image_path in sorted(folder.glob("page*.pgm")):
        image = image_path.read_bytes()
        magic, width, height = image.split(maxsplit=3)[:3]  # P5 width height maxval, then the pixels
        assert magic == b"P5"
        pixels = image[-int(width) * int(height):]  # one byte a pixel, at the end of the file
        shares.append(sum(1 for value in pixels if value < 200) / len(pixels))
    return shares


@pytest.fixture
def text_of() -> Any:
    return pdf_text


@pytest.fixture
def ink_per_page() -> Any:
    return page_ink
