"""`/api/v1/acceptances`: who may read and write, field-named refusals, and the whole path from a
request to a grant, a revocation and the threshold setting."""

from __future__ import annotations


def test_who_may_read_and_write(world, api_as, make_user, in_days):
    body = {"subject_kind": "scenario", "scenario": "lost-laptop", "expires_on": in_days(60).isoformat(),
            "justification": "Budgeted."}
    assert api_as(None).get("/acceptances/").status_code == 401
    assert api_as(make_user("project_owner", username="po")).get("/acceptances/").status_code == 403
    board = make_user("board_viewer", username="board")
    assert api_as(board).get("/acceptances/").status_code == 200
    assert api_as(board).post("/acceptances/", body).status_code == 403
    assert api_as(world.analyst).post("/acceptances/", body).status_code == 403
    assert api_as(world.cfo).patch("/acceptances/settings", {"dual_approval_threshold": 5}).status_code == 403
    assert api_as(world.cfo).get("/acceptances/999999").status_code == 404


def test_refusals_name_the_field(world, api_as, in_days):
    api = api_as(world.cfo)
    cases = [
        ({"subject_kind": "scenario", "scenario": "lost-laptop", "expires_on": in_days(0).isoformat(),
          "justification": "x"}, "expires_on"),
        ({"subject_kind": "scenario", "scenario": "lost-laptop", "expires_on": in_days(9).isoformat(),
          "justification": "  "}, "justification"),
        ({"subject_kind": "cve", "cve": "CVE-1999-0001", "expires_on": in_days(9).isoformat(),
          "justification": "x"}, "cve"),
    ]
    for body, field in cases:
        answer = api.post("/acceptances/", body)
        assert answer.status_code == 422, body
        assert [p["field"] for p in answer.json()["problems"]] == [field]
    assert api.post("/acceptances/", {"subject_kind": "moon", "expires_on": "2027-01-01",
                                     "justification": "x"}).status_code == 422
    assert api.post("/acceptances/", {"subject_kind": "scenario", "scenario": "a\x00b",
                                     "expires_on": "2027-01-01", "justification": "x"}).status_code == 422
    assert api.get("/acceptances/").json()["count"] == 0


def test_from_request_to_grant_to_revocation(world, api_as, in_days):
    finding = world.findings["2002@erp-db-01"]
    asked = api_as(world.cfo).post("/acceptances/", {
        "subject_kind": "finding", "finding": finding.pk, "expires_on": in_days(45).isoformat(),
        "justification": "Replaced in January.", "compensating_controls": "Isolated VLAN."})
    assert asked.status_code == 201
    doc = asked.json()
    assert doc["status"] == "requested" and doc["frozen"]["currency"] == "EUR" and doc["finding_ids"] == [finding.pk]
    assert doc["frozen"]["findings"] == 1 and doc["current"]["findings"] == 1
    own = api_as(world.cfo).post(f"/acceptances/{doc['id']}/approve", {})  # the requester
    assert own.status_code == 422 and own.json()["problems"][0]["field"] == "user"
    approved = api_as(world.ciso).post(f"/acceptances/{doc['id']}/approve", {"comment": "ok"})
    assert approved.status_code == 200 and approved.json()["status"] == "granted"
    assert approved.json()["approvals"][0]["user"] == "ciso"
    listed = api_as(world.cio).get("/acceptances/?state=active").json()
    assert listed["count"] == 1 and listed["items"][0]["frozen"] == doc["frozen"]
    assert api_as(world.cio).get(f"/acceptances/?finding={finding.pk}&state=all").json()["count"] == 1
    assert api_as(world.cio).get("/acceptances/?state=requested").json()["count"] == 0
    shown = api_as(world.cio).get(f"/vulns/findings/{finding.pk}").json()
    assert shown["accepted_until"] == in_days(45).isoformat() and shown["sla_status"] == "accepted"
    refused = api_as(world.cio).post(f"/acceptances/{doc['id']}/revoke", {})
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "reason"
    revoked = api_as(world.cio).post(f"/acceptances/{doc['id']}/revoke", {"reason": "The VLAN was merged."})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert api_as(world.cio).get(f"/vulns/findings/{finding.pk}").json()["accepted_until"] is None


def test_the_threshold_setting(world, api_as):
    shown = api_as(world.cfo).get("/acceptances/settings").json()
    assert shown == {"dual_approval_threshold": 100000.0, "currency": "EUR", "updated_by": None, "updated_at": None}
    changed = api_as(world.ciso).patch("/acceptances/settings", {"dual_approval_threshold": 250000})
    assert changed.status_code == 200 and changed.json()["updated_by"] == "ciso"
    assert api_as(world.ciso).patch("/acceptances/settings", {"dual_approval_threshold": 0}).status_code == 422


def test_renew_and_reject_through_the_api(world, api_as, in_days):
    body = {"subject_kind": "scenario", "scenario": "lost-laptop", "expires_on": in_days(30).isoformat(),
            "justification": "Budgeted."}
    first = api_as(world.cfo).post("/acceptances/", body).json()
    rejected = api_as(world.cio).post(f"/acceptances/{first['id']}/reject", {"comment": "Encrypt first."})
    assert rejected.json()["status"] == "rejected"
    second = api_as(world.cfo).post("/acceptances/", body).json()
    api_as(world.cio).post(f"/acceptances/{second['id']}/approve", {})
    renewed = api_as(world.cfo).post(f"/acceptances/{second['id']}/renew", {"expires_on": in_days(90).isoformat()})
    assert renewed.status_code == 201 and renewed.json()["renews_id"] == second["id"]
    withdrawn = api_as(world.cfo).post(f"/acceptances/{renewed.json()['id']}/withdraw", {})
    assert withdrawn.json()["status"] == "withdrawn"
