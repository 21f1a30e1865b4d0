"""The reviews pages, as each role sees them: the home page with queues and clocks, the roadmap, a
review with its steps as buttons (htmx swaps the panel), conditions, the SLA page and the gate upload."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from accord.reviews import services
from accord.reviews.models import ItProject, ReviewSlaPolicy, ReviewState

from .conftest import FIXTURES

HTMX = {"HX-Request": "true"}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviews(db, frozen, people, portal, intranet):
    """An open full review of the portal waiting on its owner, and the intranet's light review past its SLA."""
    waiting = services.request_review(actor=people["owner"], project=portal, scope="Login & <payments>")
    services.triage_review(actor=people["analyst"], review=waiting)
    services.ask_requester(actor=people["analyst"], review=waiting, question="Where is the data-flow diagram?")
    late = services.request_review(actor=people["cio"], project=intranet)
    frozen.set(datetime(2026, 3, 9, 12, tzinfo=UTC))
    return {"waiting": waiting, "late": late}


@pytest.mark.parametrize("role", ["ciso", "cio", "analyst", "owner", "itops", "steering", "auditor", "admin"])
def test_every_page_renders_for_every_reader(role, people, reviews):
    client = _client(people[role])
    waiting = reviews["waiting"]
    for url in ("/reviews/", "/reviews/projects/", "/reviews/projects/customer-portal-v2/", f"/reviews/{waiting.pk}/",
                "/reviews/sla/", "/reviews/projects/export.csv"):
        page = client.get(url)
        assert page.status_code == 200, f"{role} {url}: {page.status_code}"
    home = client.get("/reviews/").content.decode()
    assert 'id="queue-table"' in home and "business hours" in home
    assert "breached" in home and "paused" in home  # the late one in red, the waiting one paused
    assert "Login &amp; &lt;payments&gt;" in client.get(f"/reviews/{waiting.pk}/").content.decode()  # escaped


def test_roles_without_review_read_are_refused(people, reviews):
    client = _client(people["board"])
    for url in ("/reviews/", "/reviews/projects/", f"/reviews/{reviews['waiting'].pk}/", "/reviews/sla/"):
        assert client.get(url).status_code == 403, url


def test_the_home_page_of_each_side(people, reviews):
    analyst = _client(people["analyst"]).get("/reviews/").content.decode()
    assert 'id="your-queue-table"' in analyst and "triage it" in analyst
    assert 'id="escalations-table"' in analyst and "overdue" in analyst
    owner = _client(people["owner"]).get("/reviews/").content.decode()
    assert 'id="owned-table"' in owner and "answer the reviewer&#x27;s question" in owner
    assert 'id="attainment"' in owner  # the bars


def test_the_review_page_offers_the_steps_of_the_viewer_only(people, reviews):
    waiting = reviews["waiting"]
    owner = _client(people["owner"]).get(f"/reviews/{waiting.pk}/").content.decode()
    assert 'id="step-answer"' in owner and 'id="step-decide"' not in owner
    analyst = _client(people["analyst"]).get(f"/reviews/{waiting.pk}/").content.decode()
    assert 'id="step-answer"' not in analyst and 'id="step-tier"' in analyst
    late = _client(people["analyst"]).get(f"/reviews/{reviews['late'].pk}/").content.decode()
    assert 'id="step-triage"' in late and "business hours over" in late
    assert 'id="step-triage"' not in _client(people["itops"]).get(f"/reviews/{reviews['late'].pk}/").content.decode()


def test_steps_with_htmx_swap_the_panel_and_refusals_say_why(people, reviews):
    waiting = reviews["waiting"]
    owner = _client(people["owner"])
    empty = owner.post(f"/reviews/{waiting.pk}/answer/", {"answer": ""}, headers=HTMX)
    assert empty.status_code == 200 and b'id="review-panel"' in empty.content and b"This field is required" in empty.content
    answered = owner.post(f"/reviews/{waiting.pk}/answer/", {"answer": "On the wiki"}, headers=HTMX)
    body = answered.content.decode()
    assert answered.status_code == 200 and "<html" not in body and "Answered: the clock runs again." in body
    waiting.refresh_from_db()
    assert waiting.state == ReviewState.TRIAGED
    assert owner.post(f"/reviews/{waiting.pk}/decide/", {"outcome": "approved"}).status_code == 403
    analyst = _client(people["analyst"])
    refused = analyst.post(f"/reviews/{waiting.pk}/decide/", {"outcome": "rejected", "note": ""}, headers=HTMX)
    assert "say why it is rejected" in refused.content.decode()
    decided = analyst.post(f"/reviews/{waiting.pk}/decide/", {
        "outcome": "conditions", "note": "Two fixes", "condition": "Turn on MFA",
        "condition_owner": people["person"]["owner"].pk, "condition_due_on": "2026-04-01"})
    assert decided.status_code == 302 and decided["Location"] == f"/reviews/{waiting.pk}/"
    waiting.refresh_from_db()
    assert waiting.state == ReviewState.CONDITIONS
    condition = waiting.conditions.get()
    page = owner.get(f"/reviews/{waiting.pk}/").content.decode()
    assert "Turn on MFA" in page and f"/reviews/conditions/{condition.pk}/close/" in page
    closed = owner.post(f"/reviews/conditions/{condition.pk}/close/", {"status": "met", "note": "Done"}, headers=HTMX)
    assert "Condition met." in closed.content.decode()
    assert owner.post(f"/reviews/{waiting.pk}/nonsense/", {}).status_code == 404


def test_request_a_review_from_the_project_page(people, db, frozen, org_data):
    project = services.create_project(actor=people["owner"], name="Supplier portal", owner=people["person"]["owner"],
                                      data_classification="confidential", third_parties=True,
                                      third_party_names="Acme")
    client = _client(people["owner"])
    page = client.get(f"/reviews/projects/{project.slug}/request/").content.decode()
    assert "vendor review" in page and "15 business days" in page
    refused = client.post(f"/reviews/projects/{project.slug}/request/", {"tier": "light", "tier_reason": ""})
    assert refused.status_code == 422 and "say why this project needs light review" in refused.content.decode()
    done = client.post(f"/reviews/projects/{project.slug}/request/", {"scope": "Supplier onboarding"})
    assert done.status_code == 302
    assert project.reviews.get().tier == "vendor"
    assert _client(people["analyst"]).get(f"/reviews/projects/{project.slug}/request/").status_code == 403


def test_projects_new_edit_import_and_filters(people, db, org_data):
    client = _client(people["owner"])
    created = client.post("/reviews/projects/new/", {
        "name": "Mobile app", "owner": people["person"]["owner"].pk, "data_classification": "internal",
        "exposure": "public", "status": "planned", "gate_fail_on": "high", "gate_fail_on_new": "on"})
    assert created.status_code == 302 and created["Location"] == "/reviews/projects/mobile-app/"
    assert AuditEvent.objects.filter(action="it_project.created").exists()
    edited = client.post("/reviews/projects/mobile-app/edit/", {
        "name": "Mobile app", "owner": people["person"]["owner"].pk, "data_classification": "internal",
        "exposure": "public", "status": "in_progress", "gate_fail_on": "high", "third_party_names": "Acme"})
    assert edited.status_code == 422 and "say yes" in edited.content.decode()
    assert _client(people["other_owner"]).get("/reviews/projects/mobile-app/edit/").status_code == 403
    listed = client.get("/reviews/projects/?mine=yes&q=mobile", headers=HTMX).content.decode()
    assert "Mobile app" in listed and "<html" not in listed
    bad = io.BytesIO(b"name,owner,exposure\nX,owner@example.com,galaxy\n")
    bad.name = "roadmap.csv"
    refused = _client(people["cio"]).post("/reviews/projects/import/", {"file": bad})
    body = refused.content.decode()
    assert refused.status_code == 422 and "roadmap.csv was refused" in body and "exposure" in body
    assert not ItProject.objects.filter(name="X").exists()


def test_the_sla_page_propose_and_confirm(people, db):
    days = {"triage_days": "2", "light_days": "4", "full_days": "10", "vendor_days": "15", "emergency_days": "1"}
    cio = _client(people["cio"])
    assert cio.post("/reviews/sla/", {"action": "propose", **days, "reason": "Faster"}).status_code == 302
    policy = ReviewSlaPolicy.objects.get()
    page = cio.get("/reviews/sla/").content.decode()
    assert "Awaiting confirmation" in page and ">Confirm<" not in page and "The CISO confirms it." in page
    assert _client(people["analyst"]).post("/reviews/sla/", {"action": "confirm", "policy": policy.pk}).status_code == 403
    ciso = _client(people["ciso"])
    assert ">Confirm<" in ciso.get("/reviews/sla/").content.decode()
    assert ciso.post("/reviews/sla/", {"action": "confirm", "policy": policy.pk}).status_code == 302
    policy.refresh_from_db()
    assert policy.status == "active"
    calendar = ciso.post("/reviews/sla/", {"action": "calendar", "country": "XX", "day_start": "09:00",
                                           "day_end": "17:00", "workdays": ["0", "1", "2", "3", "4"]})
    assert calendar.status_code == 422 and "holidays" in calendar.content.decode()
    saved = ciso.post("/reviews/sla/", {"action": "calendar", "country": "FR", "day_start": "08:30",
                                        "day_end": "17:30", "workdays": ["0", "1", "2", "3", "4"]})
    assert saved.status_code == 302
    assert "FR" in ciso.get("/reviews/sla/").content.decode()


def test_the_gate_from_the_project_page(people, db, frozen, portal):
    review = services.request_review(actor=people["owner"], project=portal)
    services.triage_review(actor=people["analyst"], review=review)
    services.decide_review(actor=people["analyst"], review=review, outcome="approved")
    client = _client(people["owner"])
    with (FIXTURES / "clean.sarif").open("rb") as handle:
        ran = client.post(f"/reviews/projects/{portal.slug}/gate/", {"file": handle})
    assert ran.status_code == 302
    page = client.get(f"/reviews/projects/{portal.slug}/").content.decode()
    assert 'id="gate-runs"' in page and ">pass<" in page
    assert date(2026, 3, 2).isoformat() in page
