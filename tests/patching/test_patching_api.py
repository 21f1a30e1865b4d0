"""The patch planner API, end to end: setup, plan, choose, sign, export, forecast."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accord.core.permissions import Role
from accord.patching.models import Cluster


def test_windows_freezes_clusters_crud(api_as, org_data, ciso):
    api = api_as(ciso)
    body = {"name": "ERP night", "business_service_id": org_data["erp"].pk, "start": "2026-12-03T22:00:00+01:00",
            "duration_minutes": 240, "max_changes": 5, "rrule": "FREQ=WEEKLY;BYDAY=TH"}
    created = api.post("/patching/windows", body)
    assert created.status_code == 201, created.content
    window = created.json()
    assert window["start"].startswith("2026-12-03T21:00")  # stored in UTC
    assert api.patch(f"/patching/windows/{window['id']}", {"max_changes": 8}).json()["max_changes"] == 8
    assert [w["name"] for w in api.get("/patching/windows").json()] == ["ERP night"]

    too_long = api.post("/patching/windows", {**body, "name": "x", "duration_minutes": 1441})
    assert too_long.status_code == 422
    assert too_long.json()["problems"][0]["field"].endswith("duration_minutes")
    no_target = api.post("/patching/windows", {**body, "name": "y", "business_service_id": None})
    assert no_target.status_code == 422
    assert no_target.json()["problems"][0]["field"] == "business_service"

    freeze = api.post("/patching/freezes", {"start": "2026-12-20T00:00:00Z", "end": "2027-01-03T00:00:00Z",
                                            "reason": "Year end"})
    assert freeze.status_code == 201
    backwards = api.post("/patching/freezes", {"start": "2026-12-20T00:00:00Z", "end": "2026-12-01T00:00:00Z",
                                               "reason": "x"})
    assert backwards.status_code == 422 and backwards.json()["problems"][0]["field"] == "end"

    db, app, _ = org_data["assets"]
    cluster = api.post("/patching/clusters", {"name": "ERP DBs", "max_down": 1, "members": [db.pk, app.pk]})
    assert cluster.status_code == 201 and cluster.json()["members"] == sorted([db.pk, app.pk])
    unknown = api.post("/patching/clusters", {"name": "Z", "members": [999999]})
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["field"] == "members"
    assert api.call("DELETE", f"/patching/clusters/{cluster.json()['id']}").status_code == 204
    assert not Cluster.objects.exists()
    assert api.call("DELETE", f"/patching/windows/{window['id']}").status_code == 204
    assert api.get(f"/patching/windows/{window['id']}").status_code == 404


def test_plan_lifecycle_through_the_api(api_as, planning_data, ciso, cio, make_user):
    api = api_as(ciso)
    generated = api.post("/patching/plans", {"horizon_days": 60, "time_limit": 2, "frontier_points": 3})
    assert generated.status_code == 201, generated.content
    plan = generated.json()
    assert plan["status"] == "proposed" and len(plan["items"]) == 4
    # three prices (no downtime, one for one, free) and the point at greedy's downtime
    assert [p["point"] for p in plan["points"]] == [0, 1, 2, 3]
    assert sorted(p["kind"] for p in plan["points"]) == ["greedy_downtime", "price", "price", "price"]
    assert plan["greedy"]["exposure"] >= 0 and plan["inputs_hash"] and plan["currency"] == "USD"
    recommended = plan["points"][plan["recommended"]]
    assert recommended["recommended"] and recommended["chosen"] and plan["chosen_point"] == plan["recommended"]
    assert plan["breach_penalty"] > 0 and "downtime" in plan["recommended_reason"]
    job = api.get(f"/patching/plans/{plan['id']}/jobs/{plan['items'][0]['id']}")
    assert job.status_code == 200 and job.json()["currency"] == "USD"
    assert job.json()["derivation"]["loss_per_day"] == pytest.approx(plan["items"][0]["risk_per_day"])
    assert api.get(f"/patching/plans/{plan['id']}/jobs/999999").status_code == 404

    chosen = api.post(f"/patching/plans/{plan['id']}/choose", {"point": 2})
    assert chosen.status_code == 200 and chosen.json()["chosen_point"] == 2
    assert api.post(f"/patching/plans/{plan['id']}/choose", {"point": 7}).status_code == 422

    # exports wait for the agreement
    assert api.get(f"/patching/plans/{plan['id']}/tickets.csv").status_code == 422
    assert api_as(make_user(Role.IT_OPERATIONS)).post(f"/patching/plans/{plan['id']}/sign", {}).status_code == 403
    assert api_as(cio).post(f"/patching/plans/{plan['id']}/sign", {}).status_code == 201
    signed = api.post(f"/patching/plans/{plan['id']}/sign", {})
    assert signed.status_code == 201 and signed.json()["role"] == "ciso"
    agreed = api.get(f"/patching/plans/{plan['id']}").json()
    assert agreed["status"] == "agreed" and [s["role"] for s in agreed["signatures"]] == ["cio", "ciso"]

    tickets = api.get(f"/patching/plans/{plan['id']}/tickets.csv")
    assert tickets.status_code == 200 and tickets["Content-Type"].startswith("text/csv")
    assert tickets.content.decode().startswith("ticket,window,")
    files = api.get(f"/patching/plans/{plan['id']}/ics").json()
    assert files
    ics = api.get(files[0]["url"])
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert ics.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert api.get(f"/patching/plans/{plan['id']}/ics/nope.ics").status_code == 404

    forecast = api.get(f"/patching/plans/{plan['id']}/forecast")
    assert forecast.status_code == 200 and forecast.json() == []
    assert api.get(f"/patching/plans/{plan['id']}/emergencies").json() == []
    assert [p["id"] for p in api.get("/patching/plans?status=agreed").json()] == [plan["id"]]

    voided = api.post(f"/patching/plans/{plan['id']}/void", {"reason": "replaced"})
    assert voided.status_code == 200 and voided.json()["status"] == "void"


def test_generate_validates_its_options(api_as, planning_data, ciso):
    response = api_as(ciso).post("/patching/plans", {"horizon_days": 0, "time_limit": 1000})
    assert response.status_code == 422
    assert {p["field"].split(".")[-1] for p in response.json()["problems"]} >= {"horizon_days", "time_limit"}


def test_read_only_roles_read_but_do_not_write(api_as, planning_data, make_user):
    auditor = api_as(make_user(Role.AUDITOR))
    assert auditor.get("/patching/windows").status_code == 200
    assert auditor.post("/patching/freezes", {"start": datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
                                              "end": datetime(2026, 1, 2, tzinfo=UTC).isoformat(),
                                              "reason": "x"}).status_code == 403


def test_emergencies_by_group_and_assumptions_through_the_api(api_as, planning_data, ciso, cio, plan_start):
    from datetime import timedelta

    from accord.patching import services
    from accord.vulns import services as vuln_services
    from accord.vulns.models import Finding

    vuln_services.override_decision(actor=ciso, finding=Finding.objects.get(rule_id="kern-1"), decision="act",
                                    justification="exploited at a peer")
    services.create_freeze(actor=ciso, start=plan_start, end=plan_start + timedelta(days=10), reason="Audit week")
    api = api_as(ciso)
    plan = api.post("/patching/plans", {"horizon_days": 60, "time_limit": 2, "frontier_points": 1}).json()
    assert [e["service"] for e in api.get(f"/patching/plans/{plan['id']}/emergencies").json()] == ["ERP"]
    blocked = api.post(f"/patching/plans/{plan['id']}/sign", {})
    assert blocked.status_code == 422 and blocked.json()["problems"][0]["field"] == "emergencies"
    bad = api.post(f"/patching/plans/{plan['id']}/emergencies/decide", {"by": "colour", "key": "x", "approve": True})
    assert bad.status_code == 422
    assert api_as(cio).post(f"/patching/plans/{plan['id']}/emergencies/decide",
                            {"by": "asset", "key": "erp-db-01", "approve": False}).status_code == 422
    decided = api.post(f"/patching/plans/{plan['id']}/emergencies/decide",
                       {"by": "asset", "key": "erp-db-01", "approve": True, "justification": "cannot wait"})
    assert decided.status_code == 200 and decided.json() == {"decided": 1}
    assert api.post(f"/patching/plans/{plan['id']}/sign", {}).status_code == 201

    state = api.get("/patching/assumptions").json()
    assert state["in_force"]["id"] is None and state["in_force"]["reach_internal"] == 0.05
    proposed = api.post("/patching/assumptions", {"kev_floor": 0.3, "reason": "more KEV weight"})
    assert proposed.status_code == 201 and proposed.json()["reach_internal"] == 0.05
    assert api.post(f"/patching/assumptions/{proposed.json()['id']}/confirm").status_code == 422  # own proposal
    assert api.post("/patching/assumptions", {"kev_floor": 2}).status_code == 422
    confirmed = api_as(cio).post(f"/patching/assumptions/{proposed.json()['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    assert api.get("/patching/assumptions").json()["in_force"]["kev_floor"] == 0.3
