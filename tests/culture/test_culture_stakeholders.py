"""The stakeholder map: overdue = last contact + cadence before today (or never contacted); contacts
are audited writes; the notes are read by the leaders (stakeholder.notes) and the relationship's keeper."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.culture import selectors, services
from accord.metrics.selectors import read_now


def make(people, name, *, owner="ciso", cadence=30, last=None, keeper=None, notes="private remark"):
    return services.create_stakeholder(actor=people["ciso"], name=name, role="Executive", owner=owner,
                                       cadence_days=cadence, last_contact_on=last, keeper=keeper, notes=notes)


def test_overdue_is_last_contact_plus_cadence_before_today(people, frozen):
    due_today = make(people, "Due Today", last=frozen - timedelta(days=30))
    late = make(people, "One Day Late", last=frozen - timedelta(days=31))
    never = make(people, "Never Met", last=None)
    rows = {r.stakeholder.name: r for r in selectors.stakeholder_rows(people["ciso"])}
    assert rows["Due Today"].due_on == frozen and not rows["Due Today"].overdue
    assert rows["One Day Late"].overdue and rows["One Day Late"].days_overdue == 1
    assert rows["Never Met"].overdue and rows["Never Met"].days_overdue is None
    assert [r.stakeholder for r in selectors.stakeholder_rows(people["ciso"], overdue_only=True)] == [never, late]
    assert selectors.overdue_count(people["ciso"]) == (2, 3)
    [metric] = read_now(people["ciso"], keys=["stakeholder_contacts_overdue"])
    assert (metric.value, metric.display, metric.status) == (2.0, "2 stakeholders", "amber")
    assert due_today.overdue_on(frozen + timedelta(days=1))


def test_logging_a_contact_is_audited_and_moves_the_last_contact_forward_only(people, frozen):
    stakeholder = make(people, "Ingrid Solberg", owner="cio", last=frozen - timedelta(days=40))
    services.log_contact(actor=people["cio"], stakeholder=stakeholder, on=frozen - timedelta(days=2),
                         channel="video", summary="Peak season freeze agreed")
    services.log_contact(actor=people["cio"], stakeholder=stakeholder, on=frozen - timedelta(days=20),
                         channel="email", summary="older note")
    stakeholder.refresh_from_db()
    assert stakeholder.last_contact_on == frozen - timedelta(days=2)
    assert not selectors.stakeholder_by_id(people["cio"], stakeholder.pk).overdue
    events = AuditEvent.objects.filter(action="stakeholder.contact_logged").order_by("seq")
    assert [e.actor_name for e in events] == ["cio", "cio"]
    assert events[0].after["summary_length"] == len("Peak season freeze agreed")
    assert "Peak season" not in str(events[0].after) and "Peak season" not in str(events[0].before)
    with pytest.raises(ValidationFailed) as future:
        services.log_contact(actor=people["cio"], stakeholder=stakeholder, on=frozen + timedelta(days=1),
                             channel="video")
    assert future.value.problems[0].field == "on"
    with pytest.raises(ValidationFailed) as channel:
        services.log_contact(actor=people["cio"], stakeholder=stakeholder, on=frozen, channel="pigeon")
    assert channel.value.problems[0].field == "channel"
    assert stakeholder.contacts.count() == 2


def test_the_audit_trail_never_holds_the_notes(people):
    stakeholder = make(people, "Rafael Moreno", notes="Thinks our DPIAs are late")
    services.update_stakeholder(actor=people["cio"], stakeholder=stakeholder, notes="Now happy with the DPIAs")
    rows = AuditEvent.objects.filter(object_type="culture.stakeholder")
    assert [r.action for r in rows.order_by("seq")] == ["stakeholder.created", "stakeholder.updated"]
    assert all("DPIA" not in str(r.before) + str(r.after) for r in rows)
    assert rows.get(action="stakeholder.updated").after == {"notes_length": len("Now happy with the DPIAs")}


def test_who_reads_the_notes_and_who_logs_contacts(people, frozen):
    kept = make(people, "Amara Diallo", keeper=people["analyst"])
    other = make(people, "Jonas Meyer")
    for role, may_read in (("ciso", True), ("cio", True), ("analyst", False), ("auditor", False),
                           ("steering", False)):
        row = selectors.stakeholder_by_id(people[role], other.pk)
        assert row.notes_visible is may_read and (row.notes is not None) is may_read, role
    assert selectors.stakeholder_by_id(people["analyst"], kept.pk).notes == "private remark"
    assert selectors.stakeholder_by_id(people["analyst2"], kept.pk).notes is None
    # The keeper logs contacts with the relationship they keep, and no other.
    services.log_contact(actor=people["analyst"], stakeholder=kept, on=frozen, channel="email")
    for role, target in (("analyst", other), ("analyst2", kept), ("auditor", other)):
        with pytest.raises(NotAllowed):
            services.log_contact(actor=people[role], stakeholder=target, on=frozen, channel="email")
    with pytest.raises(NotAllowed):
        services.update_stakeholder(actor=people["analyst"], stakeholder=kept, cadence_days=10)
    with pytest.raises(NotAllowed):
        selectors.stakeholder_rows(people["board"])


def test_overdue_contacts_for_the_home_page_are_the_viewers_own(people, frozen):
    long_ago = frozen - timedelta(days=100)
    make(people, "CISO Only", owner="ciso", last=long_ago)
    make(people, "CIO Only", owner="cio", last=long_ago)
    make(people, "Both", owner="both", last=None)
    make(people, "Kept", owner="ciso", last=long_ago, keeper=people["analyst"])
    make(people, "On Time", owner="both", last=frozen)

    def names(role):
        return [r.stakeholder.name for r in selectors.overdue_contacts(people[role])]

    assert names("ciso") == ["Both", "CISO Only", "Kept"]
    assert names("cio") == ["Both", "CIO Only"]
    assert names("analyst") == ["Kept"]
    assert names("auditor") == [] and names("board") == []


def test_stakeholder_input_is_checked(people):
    with pytest.raises(ValidationFailed) as refused:
        services.create_stakeholder(actor=people["ciso"], name="X", role="Y", owner="cfo", cadence_days=0)
    assert {p.field for p in refused.value.problems} == {"owner", "cadence_days"}
    make(people, "Same Person")
    with pytest.raises(ValidationFailed) as twice:
        make(people, "Same Person")
    assert twice.value.problems[0].field in {"name", ""}
    with pytest.raises(ValidationFailed) as future:
        make(people, "Future", last=date(2027, 1, 1))
    assert future.value.problems[0].field == "last_contact_on"
    with pytest.raises(NotAllowed):
        services.create_stakeholder(actor=people["analyst"], name="A", role="B", owner="ciso", cadence_days=5)
