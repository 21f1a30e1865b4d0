"""Risk pages: register (sorted, filtered, empty), scenario with charts, forms naming the field."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accord.risks import services
from accord.risks.models import Control, RiskScenario


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_empty_register_says_how_to_fill_it(ciso):
    page = _client(ciso).get("/risks/")
    assert page.status_code == 200 and b"accord risks import FILE" in page.content
    portfolio = _client(ciso).get("/risks/portfolio/")
    assert b"not been simulated yet" in portfolio.content


def test_register_is_sorted_by_mean_loss_and_filters(ciso, ransomware, bec):
    assert ransomware.latest_run.mean > bec.latest_run.mean
    page = _client(ciso).get("/risks/")
    content = page.content.decode()
    assert content.index("ransomware-erp") < content.index("Business email compromise")
    assert 'class="range"' in content and "p5\u2013p95" in content
    partial = _client(ciso).get("/risks/?status=assessed", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"ransomware-erp" in partial.content and b">bec<" not in partial.content
    none = _client(ciso).get("/risks/?q=nothing-like-this", headers={"HX-Request": "true"})
    assert b"No scenario matches" in none.content


def test_scenario_page_shows_curves_tornado_controls_and_provenance(ciso, ransomware):
    services.add_control(actor=ciso, scenario=ransomware, name="EDR", factor="vulnerability",
                         effectiveness={"pert": [0.2, 0.4, 0.6]}, annual_cost=120_000)
    services.update_settings(actor=ciso, appetite=[[1_000_000, 0.1], [10_000_000, 0.01]])
    page = _client(ciso).get("/risks/scenarios/ransomware-erp/")
    content = page.content.decode()
    assert page.status_code == 200
    assert content.count("<svg") >= 2  # the loss exceedance curve and the tornado
    assert "appetite (board tolerance)" in content and "log scale" in content
    assert "EDR" in content and "ROSI" in content and "ΔALE" in content
    ransomware.refresh_from_db()
    assert ransomware.latest_run.input_hash in content and str(ransomware.latest_run.seed) in content
    assert _client(ciso).get("/risks/scenarios/ghost/").status_code == 404


def _dist(name: str, shape: str, low=None, likely=None, high=None) -> dict[str, object]:
    """A distribution field as the page posts it: the shape and its low / most likely / high boxes."""
    boxes = (shape, low, likely, high)
    return {f"{name}_{n}": "" if value is None else value for n, value in enumerate(boxes)}


def test_scenario_form_errors_name_the_field_and_change_nothing(ciso, ransomware, org_data):
    form = {"name": "Ransomware", "treatment": "mitigate", "status": "assessed", "events": "poisson",
            **_dist("tef", "pert", 0.5, 2, 10), **_dist("vulnerability", "pert", 0.05, 0.2, 1.5),
            **_dist("primary_loss", "pert", 10000, 150000, 2000000)}
    before = ransomware.latest_run_id
    response = _client(ciso).post("/risks/scenarios/ransomware-erp/edit/", form)
    assert response.status_code == 422
    content = response.content.decode()
    field = content[content.index('id="field-vulnerability"'):]
    field = field[:field.index('class="field', 10)]  # up to the next field
    assert "[0, 1]" in field
    assert 'class="field has-error" id="field-vulnerability"' in content
    missing = _client(ciso).post("/risks/scenarios/ransomware-erp/edit/", {**form, **_dist("tef", "pert", 0.5, 2)})
    assert missing.status_code == 422 and b"give the high" in missing.content
    stray = _client(ciso).post("/risks/scenarios/ransomware-erp/edit/",
                               {**form, **_dist("tef", "constant", 3, 2)})
    assert stray.status_code == 422 and b"leave that box empty" in stray.content
    ransomware.refresh_from_db()
    assert ransomware.latest_run_id == before and ransomware.name == "Ransomware on the ERP platform"

    form.update(_dist("vulnerability", "pert", 0.05, 0.3, 0.6))
    saved = _client(ciso).post("/risks/scenarios/ransomware-erp/edit/", {**form, "business_service": org_data["web"].pk})
    assert saved.status_code == 302
    ransomware.refresh_from_db()
    assert ransomware.latest_run_id != before and ransomware.business_service == org_data["web"]
    assert ransomware.inputs["vulnerability"] == {"pert": [0.05, 0.3, 0.6]} and "lef" not in ransomware.inputs


def test_new_scenario_and_control_forms(ciso, fast_settings):
    client = _client(ciso)
    assert client.get("/risks/new/").status_code == 200
    created = client.post("/risks/new/", {"slug": "bec", "name": "BEC", "treatment": "mitigate", "status": "draft",
                                          "events": "bernoulli", **_dist("lef", "constant", likely=0.8),
                                          **_dist("primary_loss", "lognormal90", 20000, None, 900000)})
    assert created.status_code == 302 and RiskScenario.objects.get().inputs["events"] == "bernoulli"
    refused = client.post("/risks/scenarios/bec/controls/new/", {"name": "Call-back", "factor": "lef",
                                                                  **_dist("effectiveness", "constant", likely=1.5),
                                                                  "annual_cost": 1})
    assert refused.status_code == 422 and b"has-error" in refused.content and not Control.objects.exists()
    saved = client.post("/risks/scenarios/bec/controls/new/", {"name": "Call-back", "factor": "lef",
                                                                **_dist("effectiveness", "constant", likely=0.5),
                                                                "annual_cost": 1})
    assert saved.status_code == 302
    control = Control.objects.get()
    assert client.post(f"/risks/scenarios/bec/controls/{control.pk}/remove/").status_code == 302
    assert not Control.objects.exists()


def test_portfolio_settings_import_and_export_pages(ciso, samples):
    client = _client(ciso)
    bad = SimpleUploadedFile("bad.yaml", samples.file_text.replace("constant: 0.8", "constant: -1").encode())
    refused = client.post("/risks/import/", {"file": bad})
    assert refused.status_code == 422 and b"scenario bec, field lef" in refused.content
    good = SimpleUploadedFile("risks.yaml", samples.file_text.encode())
    assert client.post("/risks/import/", {"file": good}).status_code == 200
    portfolio = client.get("/risks/portfolio/")
    assert portfolio.status_code == 200 and b"<svg" in portfolio.content and b"top-scenarios" in portfolio.content
    settings = client.post("/risks/settings/", {"currency": "EUR", "appetite_0": 1000000, "appetite_1": 700,
                                                "default_years": 2000, "seed": 1, "model": "event"})
    assert settings.status_code == 422 and b"has-error" in settings.content
    half = client.post("/risks/settings/", {"currency": "EUR", "appetite_0": 1000000, "default_years": 2000,
                                            "seed": 1, "model": "event"})
    assert half.status_code == 422 and b"row 1: give both the loss and the chance" in half.content
    saved = client.post("/risks/settings/", {"currency": "eur", "appetite_0": 10000000, "appetite_1": 1,
                                             "appetite_2": 1000000, "appetite_3": 20,
                                             "default_years": 2000, "seed": 1, "model": "event"})
    assert saved.status_code == 302
    from accord.risks.models import RiskSettings

    assert RiskSettings.objects.get().appetite == [[1000000.0, 0.2], [10000000.0, 0.01]]  # sorted, % as chance
    page = client.get("/risks/settings/").content.decode()
    assert re.search(r'name="appetite_0" value="1000000(\.0)?"', page)
    assert re.search(r'name="appetite_1" value="20(\.0)?"', page)
    export = client.get("/risks/export/")
    assert export["Content-Disposition"].endswith('risk-scenarios.yaml"') and b"currency: EUR" in export.content


def test_board_viewers_see_the_register_without_edit_buttons(make_user, ransomware):
    client = _client(make_user("board_viewer"))
    page = client.get("/risks/scenarios/ransomware-erp/")
    assert page.status_code == 200 and b"Edit inputs" not in page.content
    assert client.get("/risks/").status_code == 200
    assert client.post("/risks/scenarios/ransomware-erp/simulate/").status_code == 403
    assert client.get("/risks/new/").status_code == 403
