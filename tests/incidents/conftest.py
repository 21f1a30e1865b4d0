"""An organisation with leaders, an analyst, and an open severity-1 incident on the ERP (EUR 40,000
an hour of downtime) that involves personal data at an essential entity: GDPR and NIS2 clocks run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.core.permissions import Role
from accord.incidents import services


@pytest.fixture
def now() -> datetime:
    return timezone.now().astimezone(UTC).replace(microsecond=0)


@pytest.fixture
def people(make_user: Any, ciso: Any) -> dict[str, Any]:
    return {
        "ciso": ciso,
        "cio": make_user(Role.CIO, username="cio"),
        "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
        "itops": make_user(Role.IT_OPERATIONS, username="itops"),
        "board": make_user(Role.BOARD_VIEWER, username="board"),
        "owner": make_user(Role.PROJECT_OWNER, username="owner"),
        "steering": make_user(Role.STEERING_MEMBER, username="steering"),
    }


@pytest.fixture
def commander(org_data: dict[str, Any], admin: Any, people: dict[str, Any]) -> Any:
    from accord.org import services as org

    return org.create_person(actor=admin, name="Dana Okafor", user=people["ciso"])


@pytest.fixture
def euro(ciso: Any) -> None:
    from accord.risks import services as risks

    risks.update_settings(actor=ciso, currency="EUR")


@pytest.fixture
def incident(org_data: dict[str, Any], people: dict[str, Any], commander: Any, now: datetime, euro: None) -> Any:
    return services.open_incident(
        actor=people["analyst"], title="Ransomware on the ERP", severity=1, summary="Files encrypted on erp-db-01.",
        detected_at=now - timedelta(hours=2), reported_at=now - timedelta(minutes=90),
        began_at=now - timedelta(hours=6), services=[org_data["erp"]], assets=[org_data["assets"][0]],
        commander=commander, personal_data=True, nis2_entity=True)


JUDGEMENT = {"statement": "Data was copied out before encryption.", "likelihood": "likely",
             "confidence": "moderate", "basis": "Outbound traffic to an unknown host the night before."}


@pytest.fixture
def update(incident: Any, people: dict[str, Any]) -> Any:
    return services.write_update(
        actor=people["analyst"], incident=incident,
        bottom_line="The ERP is down after a ransomware attack; recovery takes one to three days.",
        facts=["Encryption started at 03:10 on erp-db-01.", "The ERP segment is isolated."],
        judgements=[JUDGEMENT], unknowns=["How the attackers got in.", "Whether the backups are clean."],
        decisions_needed=["CIO: keep the ERP offline until the backups are verified?"],
        records=(0, 250_000), downtime_hours=(24, 72), other_cost=(150_000, 600_000),
        cost_note="forensics and legal advice",
        actions=[{"text": "Verify the latest clean backup", "owner": None, "due": None}])


def pdf_ink(pdf: bytes, tmp_path: Any, *, page: int = 1) -> float:
    """Print page `page` of a PDF to a grey image with poppler's pdftoppm (-r 50) and return the share of
    its pixels that are not white: a blank page gives 0."""
    import subprocess

    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", str(page), "-l", str(page), str(source),
                    str(tmp_path / "page")], check=True, timeout=60)
    image = next(tmp_path.glob("page*.pgm")).read_bytes()
    fields, position = [], 0
    while len(fields) < 4:  # P5 width height maxval, separated by whitespace, with # comments
        while image[position:position + 1].isspace():
            position += 1
        if image[position:position + 1] == b"#":
            position = image.index(b"\n", position) + 1
            continue
        end = position
        while not image[end:end + 1].isspace():
            end += 1
        fields.append(image[position:end])
        position = end
    assert fields[0] == b"P5", fields
    width, height = int(fields[1]), int(fields[2])
    pixels = image[position + 1:position + 1 + width * height]
    assert len(pixels) == width * height
    return sum(1 for value in pixels if value < 200) / len(pixels)


@pytest.fixture
def ink() -> Any:
    return pdf_ink


@pytest.fixture
def judgement() -> dict[str, str]:
    return dict(JUDGEMENT)
