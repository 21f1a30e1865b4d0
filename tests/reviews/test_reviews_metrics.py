"""Metrics on a worked example: SLA attainment per tier, time to decision (median, 90th percentile), queue
age and rework rate, all in business hours of the 09:00-17:00 Monday-to-Friday calendar; the same figures
over the API and the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.reviews import selectors, services
from accord.reviews.selectors import percentile


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)  # 2 March 2026 is a Monday


def test_percentile_interpolates_between_ranks():
    assert percentile([], 50) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([40, 10, 30, 20], 50) == 25.0
    assert percentile([10, 20, 30, 40], 90) == pytest.approx(37.0)


@pytest.fixture
def worked_example(db, frozen, people, portal, intranet):
    """R1 light: requested Monday 09:00, approved Wednesday 09:00: 16 business hours, within 40.
    R2 light: asked twice (Monday 13:00 to Tuesday 09:00, Tuesday 11:00 to 15:00: 8 business hours
    paused), approved Friday 17:00: 40 - 8 = 32 business hours, within 40; rework (two questions).
    R3 triage: rejected Thursday 09:00 after 24 business hours, over its 16.
    R4 triage: the same project asked again Thursday 09:00 (rework: after a rejection); open, and past its
    16 hours on Monday 9 March 10:00 (17 hours).
    R5 full: requested Wednesday 09:00, open, 25 of its 80 hours used on Monday 9 March 10:00."""
    owner, analyst = people["owner"], people["analyst"]
    website = services.create_project(actor=owner, name="Press pages", owner=people["person"]["owner"],
                                      data_classification="public", exposure="none")
    wiki = services.create_project(actor=owner, name="Team wiki", owner=people["person"]["owner"],
                                   data_classification="internal", exposure="partner")
    r1 = services.request_review(actor=owner, project=intranet)
    r2 = services.request_review(actor=owner, project=wiki)
    r3 = services.request_review(actor=owner, project=website)
    for review in (r1, r2, r3):
        services.triage_review(actor=analyst, review=review)
    frozen.set(at(2, 13))
    services.ask_requester(actor=analyst, review=r2, question="Who are the partners?")
    frozen.set(at(3, 9))
    services.answer_requester(actor=owner, review=r2, answer="Two agencies")
    frozen.set(at(3, 11))
    services.ask_requester(actor=analyst, review=r2, question="Which data do they see?")
    frozen.set(at(3, 15))
    services.answer_requester(actor=owner, review=r2, answer="Drafts only")
    frozen.set(at(4, 9))
    services.decide_review(actor=analyst, review=r1, outcome="approved")
    r5 = services.request_review(actor=owner, project=portal)
    frozen.set(at(5, 9))
    services.decide_review(actor=analyst, review=r3, outcome="rejected", note="Press embargo leaks")
    r4 = services.request_review(actor=owner, project=website)
    frozen.set(at(6, 17))
    services.decide_review(actor=analyst, review=r2, outcome="approved")
    frozen.set(at(9, 10))
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5}


def test_metrics_on_a_worked_example(worked_example, people):
    m = selectors.metrics(people["cio"])
    assert (m.reviews, m.decided, m.open) == (5, 3, 2)
    assert m.median_hours == pytest.approx(24.0)  # of 16, 24 and 32
    assert m.p90_hours == pytest.approx(30.4)  # 24 + 0.8 * (32 - 24)
    assert m.queue_median_hours == pytest.approx(21.0) and m.queue_oldest_hours == pytest.approx(25.0)
    assert (m.reworked, m.rework_rate) == (2, 40.0)
    tiers = {t.tier: t for t in m.tiers}
    light, triage, full = tiers["light"], tiers["triage"], tiers["full"]
    assert (light.decided, light.met, light.attainment, light.median_hours) == (2, 2, 100.0, 24.0)
    assert (triage.decided, triage.met, triage.open_breached, triage.attainment) == (1, 0, 1, 0.0)
    assert (full.open, full.open_breached, full.attainment) == (1, 0, None)
    assert m.attainment == 50.0  # 2 within of 4 counted (3 decided, 1 open past due)
    later = selectors.metrics(people["cio"], since=at(4, 0).date())
    assert (later.reviews, later.decided, later.open) == (2, 0, 2) and later.reworked == 1


def test_metrics_over_the_api_and_the_command_line(worked_example, people, api_as, tmp_path, monkeypatch):
    answer = api_as(people["owner"]).get("/reviews/metrics")
    assert answer.status_code == 200
    body = answer.json()
    assert body["p90_hours"] == pytest.approx(30.4) and body["rework_rate"] == 40.0
    assert {t["tier"]: t["attainment"] for t in body["tiers"]}["triage"] == 0.0
    assert api_as(people["board"]).get("/reviews/metrics").status_code == 403
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    token = account_services.create_token(actor=people["cio"], name="cli").secret
    printed = CliRunner().invoke(app, ["reviews", "metrics", "--json", "--token", token])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["median_hours"] == pytest.approx(24.0)
    table = CliRunner().invoke(app, ["reviews", "metrics", "--token", token])
    assert "90th percentile 30.4 business h" in table.output and "2 of 5 reviews (40.0%)" in table.output
