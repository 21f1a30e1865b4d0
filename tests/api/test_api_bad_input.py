"""Bad input answers 422 naming the field, never 500, and nothing is written (issue 15, finding 5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.patching import services as patching
from accord.portfolio import services as portfolio
from accord.risks import services as risks

BEC = {"lef": {"constant": 0.8}, "events": "bernoulli", "primary_loss": {"lognormal90": [20000, 900000]}}


@pytest.fixture
def records(ciso, org_data):
    scenario = risks.create_scenario(actor=ciso, slug="bec", name="BEC", inputs=dict(BEC))
    initiative = portfolio.create_initiative(actor=ciso, slug="edr", title="EDR", description="Endpoint detection")
    window = patching.create_window(actor=ciso, name="ERP night", business_service=org_data["erp"],
                                    start=datetime(2026, 12, 3, 22, tzinfo=UTC), duration_minutes=240, rrule="FREQ=WEEKLY")
    return {"scenario": scenario, "initiative": initiative, "window": window}


@pytest.mark.parametrize(("path", "field"), [
    ("/risks/scenarios/bec", "description"),
    ("/portfolio/initiatives/{initiative}", "description"),
    ("/portfolio/initiatives/{initiative}", "csf_subcategories"),
    ("/patching/windows/{window}", "rrule"),
    ("/patching/windows/{window}", "asset_tag"),
])
def test_null_for_a_column_that_cannot_be_null_is_refused_naming_the_field(api_as, ciso, records, path, field):
    url = path.format(initiative=records["initiative"].pk, window=records["window"].pk)
    api = api_as(ciso)
    audit_rows = AuditEvent.objects.count()
    answer = api.patch(url, {field: None})
    assert answer.status_code == 422, answer.content
    assert [p["field"].removeprefix("payload.") for p in answer.json()["problems"]] == [field]
    assert AuditEvent.objects.count() == audit_rows


def test_the_services_refuse_null_in_a_blank_but_not_null_column_themselves(ciso, records):
    """The CLI and the web call the services without the API's schemas: the service names the field too."""
    with pytest.raises(ValidationFailed) as refused:
        risks.update_scenario(actor=ciso, scenario=records["scenario"], description=None)
    assert [p.field for p in refused.value.problems] == ["description"]
    with pytest.raises(ValidationFailed) as refused:
        patching.update_window(actor=ciso, window=records["window"], rrule=None)
    assert [p.field for p in refused.value.problems] == ["rrule"]


@pytest.mark.parametrize("body", [[None, None], [], 7, "text", True])
def test_a_body_that_is_not_an_object_is_refused(api_as, ciso, body):
    """ninja's Schema reads fields as attributes of anything, so a list passed as a body with every
    field left out: it answered 200 and wrote (issue 15, finding 6)."""
    api = api_as(ciso)
    audit_rows = AuditEvent.objects.count()
    answer = api.call("POST", "/notifications/inbox/read", json.dumps(body))
    assert answer.status_code == 422, answer.content
    assert "must be a JSON object" in answer.json()["problems"][0]["message"]
    answer = api.call("POST", "/patching/assumptions", json.dumps(body))
    assert answer.status_code == 422, answer.content
    assert AuditEvent.objects.count() == audit_rows


def test_deleting_what_another_record_refers_to_answers_409_and_keeps_it(api_as, ciso, records):
    """An initiative on the technology radar cannot be deleted (PROTECT): it answered 500."""
    from accord.leadership import services as leadership
    from accord.portfolio.models import Initiative

    leadership.create_radar_entry(actor=ciso, name="EDR everywhere", quadrant="tools",
                                  initiative=records["initiative"])
    api = api_as(ciso)
    audit_rows = AuditEvent.objects.count()
    answer = api.call("DELETE", f"/portfolio/initiatives/{records['initiative'].pk}")
    assert answer.status_code == 409, answer.content
    assert "EDR everywhere" in answer.json()["detail"]
    assert Initiative.objects.filter(pk=records["initiative"].pk).exists()
    assert AuditEvent.objects.count() == audit_rows


def test_bodies_django_cannot_read_answer_400_in_the_api_error_shape(api_as, ciso):
    """Django's own refusal (too many query fields) was an HTML page, not the documented JSON body."""
    api = api_as(ciso)
    crowded = api.get("/risks/scenarios?" + "&".join(f"f{i}=1" for i in range(2000)))
    assert crowded.status_code == 400
    assert crowded["Content-Type"].startswith("application/json")
    assert crowded.json()["detail"].startswith("the request cannot be read")
