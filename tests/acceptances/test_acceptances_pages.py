"""The pages under /steering/acceptances/: the list with the threshold and the staleness rule, the request
form (its refusals beside the field), one acceptance with its figures then and now, and its buttons."""

from __future__ import annotations

from django.test import Client

from accord.acceptances.models import AcceptanceStatus, RiskAcceptance


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_asking_and_approving_on_the_pages(world, in_days):
    finding = world.findings["2002@erp-db-01"]
    cfo = _client(world.cfo)
    form = cfo.get(f"/steering/acceptances/new/?finding={finding.pk}")
    assert form.status_code == 200
    html = form.content.decode()
    assert f'value="{finding.pk}"' in html and "EUR 100,000" in html and "Lost laptop" in html
    refused = cfo.post("/steering/acceptances/new/", {"subject_kind": "finding", "finding": finding.pk,
                                                      "expires_on": in_days(500).isoformat(), "justification": "x"})
    assert refused.status_code == 422 and "at most 366 days ahead" in refused.content.decode()
    assert RiskAcceptance.objects.count() == 0
    done = cfo.post("/steering/acceptances/new/", {"subject_kind": "finding", "finding": finding.pk,
                                                   "expires_on": in_days(30).isoformat(),
                                                   "justification": "Replaced in January."})
    row = RiskAcceptance.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/steering/acceptances/{row.pk}/"
    mine = cfo.get(done["Location"]).content.decode()
    assert "awaiting approval" in mine and f'action="/steering/acceptances/{row.pk}/withdraw/"' in mine
    assert "/approve/" not in mine  # the requester is not offered the approval
    ciso = _client(world.ciso)
    page = ciso.get(f"/steering/acceptances/{row.pk}/").content.decode()
    assert "/approve/" in page and "residual annual expected loss" in page and "EUR" in page
    ciso.post(f"/steering/acceptances/{row.pk}/approve/", {"comment": "ok", "role": ""})
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.GRANTED
    listing = ciso.get("/steering/acceptances/").content.decode()
    assert f"/steering/acceptances/{row.pk}/" in listing and "in force" in listing
    assert "When an acceptance goes stale" in listing and "25%" in listing


def test_refusals_on_buttons_come_back_as_messages(world, in_days):
    client = _client(world.cfo)
    client.post("/steering/acceptances/new/", {"subject_kind": "scenario", "scenario": "lost-laptop",
                                               "expires_on": in_days(30).isoformat(), "justification": "Budgeted."})
    row = RiskAcceptance.objects.get()
    answer = client.post(f"/steering/acceptances/{row.pk}/approve/", {"comment": ""}, follow=True)
    assert "another leader approves it" in answer.content.decode()
    assert client.post(f"/steering/acceptances/{row.pk}/explode/", {}).status_code == 404


def test_who_sees_the_pages(world, make_user):
    owner = _client(make_user("project_owner", username="po"))
    assert owner.get("/steering/acceptances/").status_code == 403
    board = _client(make_user("board_viewer", username="board"))
    assert board.get("/steering/acceptances/").status_code == 200
    assert board.get("/steering/acceptances/new/").status_code == 403
    assert "Change</button>" not in _client(world.cfo).get("/steering/acceptances/").content.decode()


def test_a_leader_changes_the_threshold_on_the_list(world):
    ciso = _client(world.ciso)
    assert "Change</button>" in ciso.get("/steering/acceptances/").content.decode()
    answer = ciso.post("/steering/acceptances/threshold/", {"dual_approval_threshold": "50000"}, follow=True)
    assert "EUR 50,000" in answer.content.decode()
    refused = ciso.post("/steering/acceptances/threshold/", {"dual_approval_threshold": "-1"}, follow=True)
    assert "dual_approval_threshold" in refused.content.decode()


def test_the_scenario_and_finding_pages_lead_to_acceptances(world, in_days):
    from accord.acceptances import services

    finding = world.findings["2002@erp-db-01"]
    cfo = _client(world.cfo)
    assert f"/steering/acceptances/new/?finding={finding.pk}" in cfo.get(f"/vulns/findings/{finding.pk}/").content.decode()
    assert "/steering/acceptances/new/?scenario=lost-laptop" in cfo.get("/risks/scenarios/lost-laptop/").content.decode()
    assert "/steering/acceptances/new/" not in _client(world.analyst).get("/risks/scenarios/lost-laptop/").content.decode()
    row = services.request_acceptance(actor=world.cfo, subject_kind="scenario", scenario="lost-laptop",
                                      expires_on=in_days(30), justification="Budgeted.")
    services.approve_acceptance(actor=world.cio, acceptance=row)
    page = cfo.get("/risks/scenarios/lost-laptop/").content.decode()
    assert "Accept" in page and "/steering/acceptances/?scenario=lost-laptop&amp;state=all" in page
    listed = cfo.get("/steering/acceptances/?scenario=lost-laptop&state=all").content.decode()
    assert f"/steering/acceptances/{row.pk}/" in listed
