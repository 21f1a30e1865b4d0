"""The home page: each role's desk shows what it must act on, and each figure matches the list it opens."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from accord.core.permissions import Role
from accord.desk.selectors import desk_for, desk_role
from accord.vulns.importer import import_scan

NOW = datetime.now(UTC).replace(microsecond=0)
OTHER_CVE = "CVE-2023-0001"  # as in conftest's scan

def _tiles(html: str) -> dict[str, tuple[str, str]]:
    """label -> (value, link) of the desk's tiles as the page shows them."""
    found = re.findall(r'<a class="card tile[^"]*" href="([^"]*)"><span class="tile-label">(.*?)</span>'
                       r'<span class="num">([^<]*)</span>', html)
    # (a label's terms may carry their hover explanation: <abbr title="...">KEV</abbr>)
    return {re.sub(r"<[^>]+>", "", label): (value, url.replace("&amp;", "&")) for url, label, value in found}


@pytest.mark.parametrize("roles, desk", [
    ((Role.CISO,), "leadership"), ((Role.CIO,), "leadership"), ((Role.SECURITY_ANALYST,), "analyst"),
    ((Role.IT_OPERATIONS,), "operations"), ((Role.PROJECT_OWNER,), "owner"), ((Role.BOARD_VIEWER,), "board"),
    ((Role.STEERING_MEMBER,), "steering"), ((Role.AUDITOR,), "oversight"), ((Role.ADMIN, Role.CISO), "leadership"),
])
def test_each_role_gets_its_own_desk(make_user, roles, desk):
    assert desk_role(make_user(*roles)) == desk


def test_the_kev_tile_counts_what_its_link_lists(findings, ciso, client):
    client.force_login(ciso)
    html = client.get("/").content.decode()
    tiles = _tiles(html)
    value, url = tiles["KEV findings past due"]
    assert value == "2"
    assert url == "/vulns/?kev=yes&sla=breached"
    listed = client.get(url).content.decode()
    assert listed.count("PAN-OS command injection") >= 2 and "Minor flaw" not in listed
    # by business service: one on the ERP, one on the website, each linking to its own filtered list
    erp, web = findings["erp"], findings["web"]
    for service in (erp, web):
        assert f'href="/vulns/?kev=yes&amp;sla=breached&amp;service={service.pk}"' in html
    erp_list = client.get(f"/vulns/?kev=yes&sla=breached&service={erp.pk}").content.decode()
    assert "erp-db-01" in erp_list and "www-01" not in erp_list


def test_sla_tile_and_figures_follow_a_write(findings, ciso, client):
    client.force_login(ciso)
    value, _ = _tiles(client.get("/").content.decode())["open findings within SLA"]
    assert value == "33.3%"  # one of three on time
    # the next scan of the same scope without the KEV findings fixes them: a write, which the cached figures follow
    today = f"{NOW:%Y-%m-%dT%H:%M:%SZ}"
    fresh = "hostname,ip,scanner,rule_id,title,severity,cves,port,protocol,first_seen\n" + "".join(
        f"{host},,nessus,3,Minor flaw,low,{OTHER_CVE},80,tcp,{today}\n" for host in ("erp-app-01", "erp-db-01", "www-01"))
    run = import_scan(actor=ciso, file=io.BytesIO(fresh.encode()), filename="scan.csv", format="csv")
    assert run.fixed == 2
    tiles = _tiles(client.get("/").content.decode())
    assert tiles["KEV findings past due"][0] == "0"
    assert tiles["open findings within SLA"][0] == "100.0%"


def test_waiting_for_me_lists_what_needs_my_role_and_not_what_i_proposed(org_data, ciso, make_user, client):
    from accord.governance import services as governance

    cio = make_user(Role.CIO, username="cio")
    signoff = governance.request_signoff(actor=cio, kind="exposure_assumptions", subject=org_data["erp"], inputs={"a": 1},
                                         slots=[["cio"], ["ciso"]], summary="Tighter clock",
                                         url="/vulns/sla/", proposer_role="cio")
    assert [s.pk for s in desk_for(ciso).waiting.single] == [signoff.pk]
    assert not desk_for(cio).waiting  # the proposer is not asked again
    assert [s.pk for s in desk_for(cio).my_requests.single] == [signoff.pk]
    client.force_login(ciso)
    html = client.get("/").content.decode()
    assert f'href="/approvals/{signoff.pk}/"' in html


def test_many_requests_on_one_page_are_one_line(org_data, ciso, make_user):
    from accord.governance import services as governance

    cio = make_user(Role.CIO, username="cio")
    for n in range(6):
        governance.request_signoff(actor=cio, kind="exposure_assumptions", subject=org_data["assets"][n % 3],
                                   inputs={"n": n}, slots=[["ciso"]], summary=f"item {n}", url="/same/page/")
    desk = desk_for(ciso)
    assert desk.waiting.single == [] and [(b.count, b.url) for b in desk.waiting.batches] == [(6, "/same/page/")]
    assert desk.waiting.total == 6


def test_board_sees_money_and_nothing_to_act_on(findings, make_user, client):
    board = make_user(Role.BOARD_VIEWER, username="board")
    client.force_login(board)
    html = client.get("/").content.decode()
    tiles = _tiles(html)
    assert re.fullmatch(r"[A-Z]{3} [0-9.,]+[kM]?", tiles["expected loss a year"][0])  # money, with its currency
    assert "KEV findings past due" not in tiles  # the board has no access to findings
    assert "Waiting for you" not in html
    for _, url in tiles.values():
        assert client.get(url).status_code == 200, url


def test_owner_sees_what_they_own(org_data, admin, make_user, client):
    from accord.org import services as org

    owner = make_user(Role.PROJECT_OWNER, username="owner")
    person = org.create_person(actor=admin, name="Lucia Ferreira", user=owner)
    org.update_business_service(actor=admin, service=org_data["web"], owner=person)
    desk = desk_for(owner)
    assert [line.label for line in desk.owned] == ["Website"]
    client.force_login(owner)
    assert f'href="/org/services/{org_data["web"].pk}/"' in client.get("/").content.decode()


def test_oversight_counts_signoffs_by_status(org_data, admin, ciso, make_user):
    from accord.governance import services as governance

    auditor = make_user(Role.AUDITOR, username="auditor")
    for n in range(3):
        governance.request_signoff(actor=ciso, kind="exposure_assumptions", subject=org_data["erp"], inputs={"n": n},
                                   slots=[["cio"]], summary=f"item {n}")
    tiles = {t.label: t.value for t in desk_for(auditor).tiles}
    assert tiles["open sign-offs"] == "3"


def test_every_tile_link_opens_for_its_role(findings, ciso, make_user, client):
    users = [ciso] + [make_user(role, username=role) for role in
                      (Role.CIO, Role.SECURITY_ANALYST, Role.IT_OPERATIONS, Role.PROJECT_OWNER, Role.STEERING_MEMBER,
                       Role.AUDITOR, Role.ADMIN)]
    for user in users:
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 200
        for label, (_, url) in _tiles(response.content.decode()).items():
            if url.startswith("/"):
                assert client.get(url).status_code == 200, (user.username, label, url)


def test_the_steering_tiles_show_the_next_meeting_and_my_overdue_actions(make_user, ciso, client):
    from datetime import timedelta

    from accord.core import clock
    from accord.governance.services import record_decision
    from accord.steering import services as steering

    cio = make_user(Role.CIO)
    meeting = steering.schedule_meeting(actor=ciso, title="Q1 steering", starts_at=NOW + timedelta(days=9))
    steering.add_item(actor=ciso, meeting=meeting, title="Fund the second data centre's firewall")
    decision = record_decision(actor=cio, question="Who drafts the firewall business case?", outcome="The CISO")
    steering.add_follow_up(actor=cio, decision_id=decision.pk, title="Draft the business case", owner=ciso,
                           due_on=clock.today() - timedelta(days=2))
    client.force_login(ciso)
    tiles = _tiles(client.get("/").content.decode())
    assert tiles["next steering meeting"] == (clock.day_of(meeting.starts_at).strftime("%a %d %b"),
                                              f"/steering/meetings/{meeting.pk}/")
    assert tiles["your steering actions"] == ("1", "/steering/actions/")
    client.force_login(cio)  # the CIO owns no action: no tile
    assert "your steering actions" not in _tiles(client.get("/").content.decode())


def test_the_desk_lists_my_overdue_stakeholder_contacts_and_not_the_other_leaders(make_user, ciso, client):
    from datetime import timedelta

    from accord.core import clock
    from accord.culture import services as culture

    cio = make_user(Role.CIO)
    overdue = culture.create_stakeholder(actor=ciso, name="Henrik Lund", role="CFO", owner="ciso", cadence_days=30,
                                         last_contact_on=clock.today() - timedelta(days=40))
    culture.create_stakeholder(actor=ciso, name="Ana Ruiz", role="COO", owner="ciso", cadence_days=30,
                               last_contact_on=clock.today() - timedelta(days=5))
    culture.create_stakeholder(actor=ciso, name="Board chair", role="Chair", owner="cio", cadence_days=30,
                               last_contact_on=clock.today() - timedelta(days=90))
    client.force_login(ciso)
    html = client.get("/").content.decode()
    assert _tiles(html)["stakeholder contacts overdue"] == ("1", "/culture/stakeholders/?overdue=yes")
    assert f'href="/culture/stakeholders/{overdue.pk}/">Henrik Lund</a> <strong class="nowrap">10 days overdue' in html
    assert "Ana Ruiz" not in html and "Board chair" not in html  # on time; the CIO's relationship
    client.force_login(cio)
    assert "Board chair" in client.get("/").content.decode()
