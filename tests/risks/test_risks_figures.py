"""One set of risk figures (issue 9 point 6): every page, the API and the command line show a scenario's
mean and range from its own stored run, and the portfolio total with correlation is labelled as such
beside the plain sum of those means."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.core.templatetags.money import money
from accord.risks import services
from accord.risks.models import RiskScenario

# Most years without a loss, as with most real scenarios: ties that a copula of the inputs ignored.
IDP_INPUTS = {"lef": {"pert": [0.01, 0.05, 0.15]}, "primary_loss": {"lognormal90": [100_000, 4_000_000]}}


@pytest.fixture
def correlated(ciso, ransomware, bec):
    idp = services.create_scenario(actor=ciso, slug="idp-compromise", name="Identity provider compromise",
                                   inputs=dict(IDP_INPUTS))
    services.update_settings(actor=ciso, correlation={
        "ids": ["idp-compromise", "ransomware-erp", "bec"],
        "matrix": [[1, 0.5, 0.3], [0.5, 1, 0.3], [0.3, 0.3, 1]],
    })
    return [RiskScenario.objects.select_related("latest_run").get(pk=s.pk) for s in (idp, ransomware, bec)]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _row(content: str, table_id: str, slug: str) -> str:
    table = content[content.index(f'id="{table_id}"'):]
    table = table[: table.index("</table>")]
    for row in table.split("<tr")[1:]:
        if f"/risks/scenarios/{slug}/" in row:
            return row
    raise AssertionError(f"no row for {slug} in #{table_id}")


def test_register_and_portfolio_page_show_the_same_stored_figures(ciso, correlated):
    register = _client(ciso).get("/risks/").content.decode()
    portfolio = _client(ciso).get("/risks/portfolio/").content.decode()
    currency = correlated[0].latest_run.currency
    for scenario in correlated:
        run = scenario.latest_run
        mean, spread = money(run.mean, currency), f"{money(run.p5)} \u2013 {money(run.p95)}"
        for content, table in ((register, "register-table"), (portfolio, "top-scenarios")):
            row = _row(content, table, scenario.slug)
            assert mean in row and spread in row, (table, scenario.slug, mean, spread)
    # the same order on both pages
    slugs = [s.slug for s in sorted(correlated, key=lambda s: -s.latest_run.mean)]
    for content, table in ((register, "register-table"), (portfolio, "top-scenarios")):
        positions = [content.index(f"/risks/scenarios/{slug}/", content.index(f'id="{table}"')) for slug in slugs]
        assert positions == sorted(positions), table
    # the plain sum of those means on both pages, and the correlated total labelled beside it
    plain = sum(s.latest_run.mean for s in correlated)
    for content in (register, portfolio):
        assert f'id="total-plain">{money(plain, currency)}<' in content
        assert "with correlation" in content


def test_the_correlated_total_keeps_the_scenarios_figures(ciso, correlated):
    run = services.simulate_portfolio(actor=ciso)
    by_id = {entry["id"]: entry for entry in run.result["scenarios"]}
    for scenario in correlated:
        entry, own = by_id[scenario.slug], scenario.latest_run
        assert (entry["mean"], entry["p5"], entry["p95"]) == (own.mean, own.p5, own.p95)
        assert entry["input_hash"] == own.input_hash
    assert run.mean == pytest.approx(sum(s.latest_run.mean for s in correlated), rel=1e-12)


def test_api_and_cli_show_the_same_figures(ciso, correlated, api_as, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    api = api_as(ciso)
    listed = {s["slug"]: s["latest_run"] for s in api.get("/risks/scenarios").json()["items"]}
    portfolio = api.get("/risks/portfolio").json()
    for entry in portfolio["result"]["scenarios"]:
        mine = listed[entry["id"]]
        assert (entry["mean"], entry["p5"], entry["p95"]) == (mine["mean"], mine["p5"], mine["p95"])
    for entry in portfolio["scenarios"]:
        mine = listed[entry["id"]]
        assert (entry["run_id"], entry["mean"], entry["p5"], entry["p95"]) == (
            mine["id"], mine["mean"], mine["p5"], mine["p95"])
    plain = sum(run["mean"] for run in listed.values())
    assert portfolio["plain_sum"] == pytest.approx(plain, rel=1e-12)
    assert portfolio["mean"] == pytest.approx(plain, rel=1e-12) and portfolio["current"] is True
    token = account_services.create_token(actor=ciso, name="cli").secret
    cli = CliRunner().invoke(app, ["risks", "list", "--json", "--token", token])
    assert cli.exit_code == 0, cli.output
    document = json.loads(cli.output)
    assert {s["id"]: s["mean"] for s in document["scenarios"]} == {k: v["mean"] for k, v in listed.items()}
    assert document["total"]["plain_sum"] == pytest.approx(plain, rel=1e-12)
    assert document["total"]["with_correlation"]["mean"] == pytest.approx(portfolio["mean"], rel=1e-12)


def test_a_changed_scenario_marks_the_correlated_total_out_of_date(ciso, correlated):
    idp = correlated[0]
    services.update_scenario(actor=ciso, scenario=idp, inputs={**IDP_INPUTS, "lef": {"pert": [0.02, 0.1, 0.3]}})
    page = _client(ciso).get("/risks/portfolio/").content.decode()
    fresh = RiskScenario.objects.select_related("latest_run").get(pk=idp.pk).latest_run
    # the scenario's own figures are current everywhere; only the correlated total waits for a re-run
    assert money(fresh.mean, fresh.currency) in _row(page, "top-scenarios", idp.slug)
    assert 'id="stale-notice"' in page and "identity provider compromise" in page.lower()
