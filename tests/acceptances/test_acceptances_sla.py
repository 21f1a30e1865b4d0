"""An accepted finding leaves every breach and past-due count (the findings list's tiles and filter, the
compliance table, KEV past due, the desk, the patch planner's due date) while it stays visible as
"accepted until"; from the day after the expiry it counts again."""

from __future__ import annotations

from datetime import timedelta

from accord.acceptances import services
from accord.core.permissions import ScheduledReader
from accord.vulns import selectors as vulns


def _counts(viewer):
    breached = vulns.FindingFilter(sla="breached")
    kev_late = vulns.FindingFilter(kev=True, sla="breached")
    compliance = {r.name: (r.breached, r.accepted) for r in vulns.sla_compliance(viewer, by="service")}
    return (vulns.summary(viewer, vulns.FindingFilter()).past_due, vulns.findings_visible_to(viewer, breached).count(),
            vulns.summary(viewer, kev_late).open, compliance["ERP"])


def test_an_accepted_finding_leaves_the_breach_counts_until_its_expiry(world, in_days, client):
    from accord.vulns import services as vuln_services

    late = world.findings["2002@erp-db-01"]
    vuln_services.load_kev(actor=world.ciso, file=world.kev_file("CVE-2024-6387"), filename="kev.json")
    assert late.due_date < in_days(0)
    before = _counts(world.ciso)
    assert before[0] >= 1 and before[1] == before[0] and before[3][0] >= 1
    row = services.request_acceptance(actor=world.cfo, subject_kind="finding", finding=late.pk,
                                      expires_on=in_days(30), justification="The appliance is replaced in January.")
    services.approve_acceptance(actor=world.cio, acceptance=row)
    after = _counts(world.ciso)
    assert after[0] == before[0] - 1 and after[1] == before[1] - 1 and after[3] == (before[3][0] - 1, 1)
    accepted = list(vulns.findings_visible_to(world.ciso, vulns.FindingFilter(sla="accepted")))
    assert [f.pk for f in accepted] == [late.pk]
    assert vulns.sla_status_for(accepted) == {late.pk: "accepted"}
    assert vulns.finding_view(world.ciso, late.pk).sla_status == "accepted"
    client.force_login(world.ciso)
    listing = client.get("/vulns/?sla=accepted").content.decode()
    assert f"accepted until {in_days(30).isoformat()}" in listing
    page = client.get(f"/vulns/findings/{late.pk}/").content.decode()
    assert f"accepted until {in_days(30).isoformat()}" in page and f"/steering/acceptances/?finding={late.pk}" in page
    # The day after the expiry the daily review ends it, and the finding counts again.
    services.review_acceptances(actor=world.ciso, today=in_days(31))
    assert _counts(world.ciso)[:3] == before[:3]


def test_the_rule_itself_counts_from_the_day_after(world, in_days):
    from accord.vulns import services as vuln_services
    from accord.vulns.models import Finding

    late = world.findings["2002@erp-db-01"]
    reader = ScheduledReader()
    base = vulns.summary(reader, vulns.FindingFilter()).past_due
    vuln_services.set_accepted_until(actor=world.ciso, until_by_finding={late.pk: in_days(0)}, reason="test")
    assert vulns.summary(reader, vulns.FindingFilter()).past_due == base - 1  # through today
    vuln_services.set_accepted_until(actor=world.ciso, until_by_finding={late.pk: in_days(-1)}, reason="test")
    assert vulns.summary(reader, vulns.FindingFilter()).past_due == base  # yesterday: counts again
    assert Finding.objects.get(pk=late.pk).accepted_on(in_days(-1)) and not Finding.objects.get(
        pk=late.pk).accepted_on(in_days(0))


def test_the_patch_planner_schedules_an_accepted_finding_against_its_expiry():
    from datetime import date

    assert vulns.sla_due(date(2026, 1, 10), None) == date(2026, 1, 10)
    assert vulns.sla_due(date(2026, 1, 10), date(2026, 3, 1)) == date(2026, 3, 1)
    assert vulns.sla_due(date(2026, 5, 10), date(2026, 3, 1)) == date(2026, 5, 10)
    assert date(2026, 3, 1) - timedelta(days=1) < vulns.sla_due(date(2026, 1, 10), date(2026, 3, 1))


def test_the_desk_tiles_leave_accepted_findings_out(world, in_days, client):
    from accord.desk import selectors as desk

    late = world.findings["2002@erp-db-01"]
    row = services.request_acceptance(actor=world.cfo, subject_kind="finding", finding=late.pk,
                                      expires_on=in_days(30), justification="Replaced in January.")
    tiles_before = {t.label: t for t in desk.desk_for(world.ciso).tiles}
    services.approve_acceptance(actor=world.cio, acceptance=row)
    tiles_after = {t.label: t for t in desk.desk_for(world.ciso).tiles}
    changed = [label for label in tiles_before if tiles_before[label].note != tiles_after[label].note]
    assert any("past due" in tiles_after[label].note for label in changed)
