"""The desk's figures are the same on the page, the API and the command line; approvals, decisions,
the inbox and jobs from the command line."""

from __future__ import annotations

import html
import json
import re

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.core.permissions import Role

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))


def _token(user):
    return account_services.create_token(actor=user, name="cli").secret


def _page_tiles(client, user) -> dict[str, str]:
    client.force_login(user)
    page = client.get("/").content.decode()
    found = re.findall(r'<span class="tile-label">(.*?)</span><span class="num">([^<]*)</span>', page)
    return {html.unescape(re.sub(r"<[^>]+>", "", label)): html.unescape(value) for label, value in found}


def test_same_tiles_on_the_page_the_api_and_the_cli(findings, ciso, client, api_as):
    page = _page_tiles(client, ciso)
    api = api_as(ciso).get("/api/v1/desk/")
    assert api.status_code == 200, api.content
    cli = runner.invoke(app, ["desk", "--json", "--token", _token(ciso)])
    assert cli.exit_code == 0, cli.output
    from_cli = json.loads(cli.output)
    assert {t["label"]: t["value"] for t in api.json()["tiles"]} == page
    assert {t["label"]: t["value"] for t in from_cli["tiles"]} == page
    assert page["KEV findings past due"] == "2"
    assert from_cli["kev_past_due_by_service"] == {"ERP": 1, "Website": 1}


def test_approvals_and_inbox_from_the_command_line(org_data, ciso, make_user):
    from accord.governance import services as governance

    cio = make_user(Role.CIO, username="cio")
    signoff = governance.request_signoff(actor=cio, kind="exposure_assumptions", subject=org_data["erp"],
                                         inputs={"a": 1}, slots=[["cio"], ["ciso"]], summary="Lower the reach",
                                         url="/patching/assumptions/", proposer_role="cio")
    token = _token(ciso)
    waiting = runner.invoke(app, ["approvals", "list", "--waiting", "--json", "--token", token])
    assert waiting.exit_code == 0, waiting.output
    assert [s["id"] for s in json.loads(waiting.output)] == [signoff.pk]
    shown = runner.invoke(app, ["approvals", "show", str(signoff.pk), "--token", token])
    assert "needs: CIO and CISO, different people" in shown.output and "CIO cio: approved" in shown.output
    missing = runner.invoke(app, ["approvals", "show", "999999", "--token", token])
    assert missing.exit_code != 0 and "999999" in missing.output

    inbox = runner.invoke(app, ["inbox", "--unread", "--json", "--mark-read", "--token", token])
    titles = [n["title"] for n in json.loads(inbox.output)]
    assert any("Lower the reach" in t or "ERP" in t for t in titles), titles
    assert json.loads(runner.invoke(app, ["inbox", "--unread", "--json", "--token", token]).output) == []


def test_decisions_list(org_data, ciso, make_user):
    from accord.governance import services as governance

    first = governance.record_decision(actor=ciso, question="Accept the ERP risk?", outcome="Accepted for a year",
                                       rationale="Replacement due in Q3")
    governance.record_decision(actor=ciso, question="Accept the ERP risk?", outcome="Reversed: fix now",
                               reverses=first)
    steering = make_user(Role.STEERING_MEMBER, username="steering")
    listed = runner.invoke(app, ["decisions", "list", "--json", "--token", _token(steering)])
    rows = json.loads(listed.output)
    assert [r["outcome"] for r in rows] == ["Reversed: fix now", "Accepted for a year"]
    assert rows[0]["reverses"] == first.pk
    refused = runner.invoke(app, ["decisions", "list", "--token", _token(make_user(Role.IT_OPERATIONS,
                                                                                         username="ops"))])
    assert refused.exit_code != 0


def test_a_job_started_from_the_command_line_is_followed_to_its_end(org_data, ciso):
    from accord.risks import services as risks

    risks.create_scenario(actor=ciso, slug="bec", name="Business email compromise",
                          inputs={"lef": {"constant": 0.8}, "events": "bernoulli",
                                  "primary_loss": {"lognormal90": [20000, 900000]}})
    token = _token(ciso)
    done = runner.invoke(app, ["jobs", "start", "risks.simulate_all", "--token", token])
    assert done.exit_code == 0, done.output
    assert re.search(r"job #\d+ done in", done.output)
    unknown = runner.invoke(app, ["jobs", "start", "no.such.kind", "--token", token])
    assert unknown.exit_code != 0 and "unknown job kind" in unknown.output
    bad_arg = runner.invoke(app, ["jobs", "start", "risks.simulate_all", "--arg", "force", "--token", token])
    assert bad_arg.exit_code == 2 and "key=value" in bad_arg.output
