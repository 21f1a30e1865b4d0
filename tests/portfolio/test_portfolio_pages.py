"""Portfolio pages as a signed-in user sees them, including the budget slider's htmx partial."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.governance.models import Decision
from accord.portfolio import services
from accord.portfolio.models import Initiative


@pytest.fixture
def browser(ciso):
    client = Client()
    client.force_login(ciso)
    return client


def test_empty_portfolio_says_what_to_do(browser, org_data):
    page = browser.get("/portfolio/").content.decode()
    assert 'id="empty-portfolio"' in page and "accord portfolio import" in page
    assert 'id="no-initiatives"' in browser.get("/portfolio/initiatives/").content.decode()


def test_portfolio_page_has_slider_frontier_and_rosi_ranges(browser, estimated, budget):
    page = browser.get(f"/portfolio/?scenario={budget.pk}").content.decode()
    assert 'type="range"' in page and 'hx-get="/portfolio/best/"' in page
    assert "<svg" in page and "break-even" in page and "Gordon" in page
    assert 'id="rosi-table"' in page and 'class="range"' in page
    assert 'id="cost-by-year"' in page and 'id="best-set"' in page


def test_slider_partial_answers_the_best_set_for_the_budget(browser, ciso, estimated, budget):
    small = browser.get(f"/portfolio/best/?scenario={budget.pk}&budget=100000", headers={"HX-Request": "true"})
    assert small.status_code == 200
    html = small.content.decode()
    assert "<html" not in html and 'id="best-cards"' in html
    big = browser.get(f"/portfolio/best/?scenario={budget.pk}&budget=9000000", headers={"HX-Request": "true"})
    text = big.content.decode()
    assert all(title in text for title in ("EDR everywhere", "MFA for remote access", "Awareness programme"))
    assert html.count("<tr>") < text.count("<tr>")
    services.update_initiative(actor=ciso, initiative=estimated["edr"], mandatory=True)
    below = browser.get(f"/portfolio/best/?scenario={budget.pk}&budget=10", headers={"HX-Request": "true"})
    assert below.status_code == 200 and 'id="best-problem"' in below.content.decode()


def test_initiative_pages_edit_and_effects(browser, estimated, scenarios):
    edr = estimated["edr"]
    assert "Money view" in browser.get(f"/portfolio/initiatives/{edr.pk}/").content.decode()
    listed = browser.get("/portfolio/initiatives/?q=edr", headers={"HX-Request": "true"}).content.decode()
    assert "EDR everywhere" in listed and "MFA" not in listed
    saved = browser.post(f"/portfolio/initiatives/{edr.pk}/edit/", {
        "slug": "edr", "title": "EDR on every host", "sponsor": "ciso", "one_off_cost": "1", "annual_cost": "2",
        "duration_months": "4", "status": "proposed", "capacity_units": "Platform=3", "csf": "DE.CM-01, pr.ps-01",
        "requires_list": [str(estimated["mfa"].pk)]})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    edr.refresh_from_db()
    assert edr.title == "EDR on every host" and edr.csf_subcategories == ["DE.CM-01", "PR.PS-01"]
    assert [r.slug for r in edr.requires.all()] == ["mfa"]
    bad = browser.post(f"/portfolio/initiatives/{edr.pk}/edit/", {
        "slug": "edr", "title": "X", "sponsor": "ciso", "one_off_cost": "1", "annual_cost": "2",
        "duration_months": "4", "status": "proposed", "csf": "nonsense"})
    assert bad.status_code == 422 and "NIST CSF" in bad.content.decode()
    effect = browser.post(f"/portfolio/initiatives/{edr.pk}/effects/new/", {
        "scenario": "bec", "factor": "tef", "effectiveness": '{"constant": 0.2}'})
    assert effect.status_code == 422  # bec gives lef
    effect = browser.post(f"/portfolio/initiatives/{edr.pk}/effects/new/", {
        "scenario": "bec", "factor": "lef", "effectiveness": '{"constant": 0.2}'})
    assert effect.status_code == 302
    assert browser.post("/portfolio/initiatives/new/", {
        "slug": "new-one", "title": "New", "sponsor": "joint", "one_off_cost": "0", "annual_cost": "0",
        "duration_months": "1", "status": "proposed"}).status_code == 302
    assert Initiative.objects.filter(slug="new-one").exists()


def test_save_and_approve_a_selection_through_the_pages(browser, estimated, budget):
    saved = browser.post("/portfolio/selections/save/", {"scenario": budget.pk, "budget": "300000"})
    assert saved.status_code == 302
    detail = browser.get(saved["Location"]).content.decode()
    assert "Approve this selection" in detail
    approved = browser.post(saved["Location"], {"note": "Agreed"})
    assert approved.status_code == 302
    assert Decision.objects.count() == 1
    assert 'id="decision"' in browser.get(saved["Location"]).content.decode()
    assert "Approved: funded" in browser.get("/portfolio/selections/").content.decode()


def test_board_member_reads_but_cannot_write(make_user, estimated, budget):
    client = Client()
    client.force_login(make_user("board_viewer"))
    assert client.get("/portfolio/").status_code == 200
    assert client.get("/portfolio/initiatives/new/").status_code == 403
    assert client.post("/portfolio/estimate/").status_code == 403


def test_import_page_shows_line_and_column(browser, org_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("i.csv", b"slug,title,annual_cost\nx,X,-3\n")
    page = browser.post("/portfolio/initiatives/import/", {"file": upload})
    assert page.status_code == 422
    assert 'id="import-problems"' in page.content.decode() and "annual_cost" in page.content.decode()
    assert not Initiative.objects.exists()


def test_a_large_instance_computes_its_frontier_as_a_job(browser, estimated, budget, monkeypatch):
    from django.core.cache import cache

    from accord.jobs.models import Job
    from accord.portfolio import planning

    monkeypatch.setattr(planning, "INLINE_FRONTIER_INITIATIVES", 0)  # every instance counts as large
    cache.clear()
    page = browser.get(f"/portfolio/?scenario={budget.pk}").content.decode()
    job = Job.objects.get(kind="portfolio.frontier")
    assert job.status == "succeeded" and job.result["url"] == f"/portfolio/?scenario={budget.pk}"
    assert "break-even" in page  # (jobs run when queued in tests: the frontier is there at once)
    browser.get(f"/portfolio/?scenario={budget.pk}")
    assert Job.objects.filter(kind="portfolio.frontier").count() == 1  # cached for this instance: no second job
