from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.core.models import AuditEvent
from accord.vulns import services
from accord.vulns.models import Finding, ImportRun, SlaPolicy

runner = CliRunner()


@pytest.fixture
def imported(org_data, analyst, vf):
    services.load_kev(actor=analyst, file=io.BytesIO(vf.kev_json("CVE-2024-4577")), filename="kev.json")
    return services.import_scan(actor=analyst, file=io.BytesIO(vf.scan_csv()), filename="weekly.csv")


def test_api_lists_with_filters_and_keyset_pages(imported, api_as, analyst):
    client = api_as(analyst)
    everything = client.get("/vulns/findings?page_size=2").json()
    assert everything["count"] == 4 and everything["count_exact"] and len(everything["items"]) == 2
    second = client.get(f"/vulns/findings?page_size=2&cursor={everything['next_cursor']}").json()
    third = client.get(f"/vulns/findings?page_size=2&cursor={second['next_cursor']}").json() if second[
        "next_cursor"] else {"items": []}
    ids = [i["id"] for i in everything["items"] + second["items"] + third["items"]]
    assert len(ids) == len(set(ids)) == 4
    dues = [i["due_date"] for i in everything["items"] + second["items"]]
    assert dues == sorted(dues)
    kev = client.get("/vulns/findings?kev=true").json()
    assert [i["title"] for i in kev["items"]] == ["PHP CGI argument injection"]
    assert client.get("/vulns/findings?decision=act").json()["count"] == 1
    assert client.get("/vulns/findings?cursor=garbage").status_code == 422
    assert client.get("/vulns/findings?epss_min=2").status_code == 422


def test_api_detail_override_and_history(imported, api_as, analyst):
    client = api_as(analyst)
    finding = Finding.objects.get(title="TLS 1.0 enabled")
    detail = client.get(f"/vulns/findings/{finding.pk}").json()
    assert detail["explanation"].startswith("track because: exploitation none")
    assert detail["sla_status"] in {"on_track", "due_soon", "breached"}
    response = client.post(f"/vulns/findings/{finding.pk}/override",
                           {"decision": "attend", "justification": "Partner-facing"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"] == "attend" and body["override_by"] == "analyst"
    assert body["history"][0]["action"] == "finding.decision_overridden"
    assert client.post(f"/vulns/findings/{finding.pk}/override", {"decision": "soon"}).status_code == 422
    assert api_as(None).get(f"/vulns/findings/{finding.pk}").status_code == 401


def test_api_import_upload_refuses_a_broken_file_with_its_line(org_data, api_as, analyst, vf):
    client = api_as(analyst)
    good = io.BytesIO(vf.scan_csv())
    good.name = "weekly.csv"
    created = client.client.post("/api/v1/vulns/imports", {"file": good, "scope": "internal"},
                                 headers=client.headers)
    assert created.status_code == 201, created.content
    assert created.json()["new"] == 4 and created.json()["scope"] == "internal"
    bad = io.BytesIO(vf.scan_csv() + b"x,,y\n")
    bad.name = "bad.csv"
    refused = client.client.post("/api/v1/vulns/imports", {"file": bad}, headers=client.headers)
    assert refused.status_code == 422 and refused.json()["problems"][0]["line"] == 6
    assert ImportRun.objects.count() == 1
    runs = client.get("/vulns/imports").json()
    assert runs["count"] == 1 and runs["items"][0]["filename"] == "weekly.csv"


def test_api_sla_policy_two_steps_and_compliance(imported, api_as, ciso, cio):
    proposed = api_as(ciso).post("/vulns/sla/policy", {"act_days": 5, "attend_days": 25, "track_star_days": 60,
                                                       "track_days": 150})
    assert proposed.status_code == 201, proposed.content
    policy_id = proposed.json()["id"]
    assert api_as(ciso).post(f"/vulns/sla/policy/{policy_id}/confirm").status_code == 422
    confirmed = api_as(cio).post(f"/vulns/sla/policy/{policy_id}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"] == "cio"
    state = api_as(cio).get("/vulns/sla/policy").json()
    assert state["in_force"]["act"] == 5 and state["active"]["id"] == policy_id and state["pending"] is None
    rows = api_as(cio).get("/vulns/sla/compliance?by=service").json()
    erp = next(r for r in rows if r["name"] == "ERP")
    assert erp["open"] == 2 and erp["on_track"] + erp["due_soon"] + erp["breached"] == 2
    assert {r["name"] for r in api_as(cio).get("/vulns/sla/compliance?by=team").json()} >= {"Platform", "Network"}


def _browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_pages_render_filter_and_override(imported, analyst, make_user):
    client = _browser(analyst)
    page = client.get("/vulns/?kev=yes")
    assert page.status_code == 200 and b"PHP CGI argument injection" in page.content
    assert b"TLS 1.0 enabled" not in page.content
    partial = client.get("/vulns/?decision=track", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"TLS 1.0 enabled" in partial.content
    php = Finding.objects.get(title="PHP CGI argument injection")
    detail = client.get(f"/vulns/findings/{php.pk}/")
    assert b"act because: exploitation active" in detail.content and b"listed in KEV since" in detail.content
    tls = Finding.objects.get(title="TLS 1.0 enabled")
    posted = client.post(f"/vulns/findings/{tls.pk}/", {"decision": "attend", "justification": "Partner link"})
    assert posted.status_code == 302
    assert b"Partner link" in client.get(f"/vulns/findings/{tls.pk}/").content
    for url in ("/vulns/imports/", "/vulns/sla/", "/vulns/sla/policy/"):
        assert client.get(url).status_code == 200, url
    assert b"<svg" in client.get("/vulns/sla/").content
    itops = _browser(make_user("it_operations"))
    assert itops.post(f"/vulns/findings/{tls.pk}/", {"decision": "act", "justification": "x"}).status_code == 403
    assert _browser(make_user("board_viewer")).get("/vulns/").status_code == 403


def test_import_page_shows_the_refusal(org_data, analyst, vf):
    client = _browser(analyst)
    bad = io.BytesIO(vf.scan_csv() + b"x,,y\n")
    bad.name = "bad.csv"
    response = client.post("/vulns/imports/", {"scan-file": bad, "scan-format": "auto"})
    assert response.status_code == 422 and b"<td>6</td>" in response.content and b"nothing was written" in response.content
    assert not Finding.objects.exists()


def test_empty_list_says_how_to_fill_it(org_data, analyst):
    assert b"accord vulns import FILE" in _browser(analyst).get("/vulns/").content


def test_sla_policy_page_propose_then_confirm(org_data, ciso, cio):
    proposed = _browser(ciso).post("/vulns/sla/policy/", {"action": "propose", "act_days": 5, "attend_days": 30,
                                                           "track_star_days": 90, "track_days": 180,
                                                           "due_soon_days": 7, "reason": "faster"})
    assert proposed.status_code == 302
    policy = SlaPolicy.objects.get()
    page = _browser(cio).get("/vulns/sla/policy/")
    assert b'value="confirm"' in page.content
    assert b'value="confirm"' not in _browser(ciso).get("/vulns/sla/policy/").content
    _browser(cio).post("/vulns/sla/policy/", {"action": "confirm", "policy": policy.pk})
    assert SlaPolicy.objects.get().status == "active"


@pytest.fixture
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _token(user):
    return account_services.create_token(actor=user, name="cli").secret


def test_cli_feeds_import_list_override_and_sla(org_data, analyst, ciso, cio, vf, tmp_path, _no_saved_token):
    token = _token(analyst)
    kev = tmp_path / "kev.json"
    kev.write_bytes(vf.kev_json("CVE-2024-4577"))
    loaded = runner.invoke(app, ["feeds", "load-kev", str(kev), "--token", token])
    assert loaded.exit_code == 0, loaded.output
    assert "nothing changed" in runner.invoke(app, ["feeds", "load-kev", str(kev), "--token", token]).output
    epss = tmp_path / "epss.csv"
    epss.write_bytes(vf.epss_csv({"CVE-2024-6387": 0.3}))
    assert runner.invoke(app, ["feeds", "load-epss", str(epss), "--token", token]).exit_code == 0
    scan = tmp_path / "weekly.csv"
    scan.write_bytes(vf.scan_csv())
    imported = runner.invoke(app, ["vulns", "import", str(scan), "--scope", "internal", "--json", "--token", token])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["new"] == 4
    broken = tmp_path / "broken.csv"
    broken.write_bytes(vf.scan_csv() + b"x,,y\n")
    refused = runner.invoke(app, ["vulns", "import", str(broken), "--token", token])
    assert refused.exit_code == 2 and "line 6" in refused.output
    listed = json.loads(runner.invoke(app, ["vulns", "list", "--kev", "--json", "--token", token]).output)
    assert [i["title"] for i in listed["items"]] == ["PHP CGI argument injection"]
    finding_id = listed["items"][0]["id"]
    done = runner.invoke(app, ["vulns", "override", str(finding_id), "--decision", "attend", "--justification",
                               "Compensating WAF rule", "--token", token])
    assert done.exit_code == 0, done.output
    assert AuditEvent.objects.filter(action="finding.decision_overridden").count() == 1
    report = json.loads(runner.invoke(app, ["vulns", "sla", "--by", "team", "--json", "--token", token]).output)
    assert sum(r["open"] for r in report["rows"]) == 4
    proposed = runner.invoke(app, ["vulns", "sla-policy", "propose", "--act", "5", "--attend", "30",
                                   "--track-star", "90", "--track", "180", "--token", _token(ciso)])
    assert proposed.exit_code == 0, proposed.output
    policy = SlaPolicy.objects.get()
    assert runner.invoke(app, ["vulns", "sla-policy", "confirm", str(policy.pk), "--token", _token(ciso)]).exit_code == 2
    assert runner.invoke(app, ["vulns", "sla-policy", "confirm", str(policy.pk), "--token", _token(cio)]).exit_code == 0
    assert "policy #" in runner.invoke(app, ["vulns", "sla-policy", "show", "--token", token]).output
