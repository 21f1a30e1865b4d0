"""The scorecard pages: each metric with its formula, status, as-of day, trend and the records behind
it (each drill-down opens for its viewer); thresholds proposed and agreed on the page; a snapshot taken
by hand; the partnership review with a retrospective; the navigation points at the scorecard."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from accord.metrics import registry, selectors, services
from accord.metrics.models import Retrospective, Snapshot, ThresholdSet


def test_the_scorecard_page_shows_every_metric_with_its_formula(frozen, leaders, findings, client):
    services.record_history(actor=leaders["ciso"], as_of=date(2026, 11, 30), values={"sla_compliance": 60.0})
    services.take_snapshot(actor=leaders["ciso"])
    client.force_login(leaders["cio"])
    html = client.get("/scorecard/").content.decode()
    for metric in selectors.scorecard(leaders["cio"]).metrics:
        block = re.search(rf'<article class="metric[^"]*" id="metric-{metric.key}">(.*?)</article>', html, re.S)
        assert block, metric.key
        text = unescape(re.sub(r"<[^>]+>", "", block.group(1)))  # terms carry their explanation: <abbr>
        assert metric.display in text and metric.formula in text and "as of 2026-12-01" in text
        assert f'href="{metric.drill_url}"' in unescape(block.group(1))
    sla = re.search(r'id="metric-sla_compliance">(.*?)</article>', html, re.S).group(1)
    assert '<span class="pill red">red</span>' in sla and "<svg" in sla  # two snapshots: a trend line
    assert "defaults, not agreed yet" in sla and 'id="defaults-note"' in html
    assert 'href="/scorecard/"' in html  # the sidebar's Scorecard area


def test_every_drill_down_opens_for_the_viewer(frozen, leaders, findings, client):
    client.force_login(leaders["ciso"])
    for metric in selectors.scorecard(leaders["ciso"]).metrics:
        assert client.get(metric.drill_url).status_code == 200, metric.drill_url


def test_one_metric_page_lists_its_months(frozen, leaders, findings, client):
    services.record_history(actor=leaders["ciso"], as_of=date(2026, 10, 31), values={"kev_past_due": 3})
    services.take_snapshot(actor=leaders["ciso"])
    client.force_login(leaders["auditor"])
    html = client.get("/scorecard/metrics/kev_past_due/").content.decode()
    assert "Oct 2026" in html and "3 findings" in html and "Dec 2026" in html and "1 finding" in html
    assert "recorded history" in html and "taken by hand" in html
    assert client.get("/scorecard/metrics/unknown/").status_code == 404


def test_thresholds_proposed_and_agreed_on_the_page(frozen, leaders, client):
    client.force_login(leaders["ciso"])
    page = client.get("/scorecard/thresholds/").content.decode()
    assert "default</span>" in page and 'id="propose"' in page
    form: dict[str, object] = {"action": "propose", "reason": "tighter"}
    # the page offers every KRI with its thresholds in force (other apps register theirs): keep those...
    for kri in registry.kris():
        limits = kri.default_thresholds
        if limits is not None:
            form.update({f"{kri.key}__direction": limits.direction, f"{kri.key}__amber": limits.amber,
                         f"{kri.key}__red": limits.red})
    # ...and change these
    for key, direction, amber, red in (("scenarios_above_appetite", "higher_is_worse", 1, 2),
                                       ("sla_compliance", "lower_is_worse", 95, 85),
                                       ("kev_past_due", "higher_is_worse", 1, 3),
                                       ("review_sla_attainment", "lower_is_worse", 90, 75),
                                       ("acceptances_expiring", "higher_is_worse", 2, 6)):
        form.update({f"{key}__direction": direction, f"{key}__amber": amber, f"{key}__red": red})
    refused = client.post("/scorecard/thresholds/", {**form, "kev_past_due__red": 0})
    assert "red starts at or above amber" in refused.content.decode() and not ThresholdSet.objects.exists()
    assert client.post("/scorecard/thresholds/", form).status_code == 302
    row = ThresholdSet.objects.get()
    client.force_login(leaders["cio"])
    assert "Agree" in client.get("/scorecard/thresholds/").content.decode()
    client.post("/scorecard/thresholds/", {"action": "agree", "set": row.pk})
    row.refresh_from_db()
    assert row.status == "active"
    assert "red below 85%, amber below 95%" in unescape(client.get("/scorecard/thresholds/").content.decode())
    client.force_login(leaders["analyst"])
    assert client.post("/scorecard/thresholds/", form).status_code == 403


def test_a_snapshot_by_hand_from_the_page(frozen, leaders, client):
    client.force_login(leaders["ciso"])
    assert client.post("/scorecard/snapshots/").status_code == 302
    assert Snapshot.objects.get().taken_by == leaders["ciso"]
    assert "Dec 2026" in client.get("/scorecard/snapshots/").content.decode()
    client.force_login(leaders["auditor"])
    assert client.post("/scorecard/snapshots/").status_code == 403


def test_the_partnership_page_and_a_retrospective(frozen, leaders, review_example, client):
    client.force_login(leaders["cio"])
    assert client.get("/scorecard/partnership/").url == "/scorecard/partnership/2026Q4/"
    html = unescape(client.get("/scorecard/partnership/2026Q4/").content.decode())
    assert "50.0% of 2 reviews" in html and "2026Q1" in html and 'id="retrospective"' in html
    refused = client.post("/scorecard/partnership/2026Q4/", {"worked": "ok", "strained": "late",
                                                             "action1_title": "Do it"})
    assert "an action needs an owner" in refused.content.decode() and not Retrospective.objects.exists()
    done = client.post("/scorecard/partnership/2026Q4/", {
        "worked": "Reviews on time.", "strained": "Patch plan signatures.", "action1_title": "Sign within a week",
        "action1_owner": "ciso", "action1_due_on": "2027-01-20"})
    assert done.status_code == 302
    html = client.get("/scorecard/partnership/2026Q4/").content.decode()
    assert "Sign within a week: ciso, due 2027-01-20" in html and "decision #" in html
    assert client.get("/scorecard/partnership/2026Q7/").status_code == 404
    client.force_login(leaders["board"])
    board = client.get("/scorecard/partnership/2026Q4/").content.decode()
    assert 'id="retrospective"' not in board and "Reviews on time." in board
