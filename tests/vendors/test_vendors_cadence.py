"""Review cadence by tier, review states, the critical vendors on time (the scorecard's metric) and the
daily tick's reminders (once per due day, to the owner)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accord.core.models import AuditEvent
from accord.core.money import NO_VALUE
from accord.metrics.registry import definition
from accord.notifications.models import Notification
from accord.vendors import selectors, services
from accord.vendors.tiers import CADENCE_MONTHS, next_review_due

from .conftest import all_answers


@pytest.mark.parametrize(("tier", "due"), [("critical", date(2027, 1, 31)), ("high", date(2027, 7, 31)),
                                           ("medium", date(2028, 1, 31)), ("low", date(2029, 1, 31))])
def test_the_next_review_is_the_tiers_months_after_the_last(tier, due):
    assert next_review_due(tier, date(2026, 1, 31), date(2020, 1, 1)) == due


def test_a_month_end_falls_back_to_the_last_day_of_the_shorter_month():
    assert CADENCE_MONTHS["high"] == 18
    assert next_review_due("high", date(2025, 8, 31), date(2020, 1, 1)) == date(2027, 2, 28)


def test_never_assessed_is_due_from_registration():
    assert next_review_due("low", None, date(2026, 3, 2)) == date(2026, 3, 2)


def test_review_states_move_with_time_and_assessments(db, frozen, make_vendor, people):
    vendor = make_vendor()  # critical, registered 2026-03-02: due that day
    row = selectors.row_of(vendor)
    assert (row.next_due, row.review_state, row.days_left) == (date(2026, 3, 2), "due_soon", 0)
    frozen.advance(days=1)
    row = selectors.row_of(vendor)
    assert (row.review_state, row.days_overdue) == ("overdue", 1)

    services.record_assessment(actor=people["ciso"], vendor=vendor, answers=all_answers(),
                               assessed_on=date(2026, 3, 1))
    row = selectors.row_of(selectors.vendor_by_slug(people["ciso"], vendor.slug))
    assert row.last_assessed_on == date(2026, 3, 1) and row.next_due == date(2027, 3, 1)
    assert row.review_state == "on_time" and row.days_left == 363
    frozen.advance(days=335)  # 2027-02-01: 28 days left, inside the 30-day lead
    assert selectors.row_of(selectors.vendor_by_slug(people["ciso"], vendor.slug)).review_state == "due_soon"

    services.update_vendor(actor=people["ciso"], vendor=vendor, status="exited")
    assert selectors.row_of(selectors.vendor_by_slug(people["ciso"], vendor.slug)).review_state == "exited"


def test_a_review_before_accord_starts_the_cadence_until_the_first_assessment(db, frozen, make_vendor, people):
    vendor = make_vendor(data_sensitivity="internal", criticality="low", previous_review_on=date(2025, 6, 1))
    row = selectors.row_of(selectors.vendor_by_slug(people["ciso"], vendor.slug))
    assert row.vendor.tier == "low" and row.next_due == date(2028, 6, 1)
    services.record_assessment(actor=people["ciso"], vendor=vendor, answers=all_answers(),
                               assessed_on=date(2026, 3, 2))
    assert selectors.row_of(selectors.vendor_by_slug(people["ciso"], vendor.slug)).next_due == date(2029, 3, 2)


def test_an_overridden_tier_sets_the_cadence(db, frozen, make_vendor, people):
    vendor = make_vendor(data_sensitivity="none", criticality="low")
    services.record_assessment(actor=people["ciso"], vendor=vendor, answers=all_answers(),
                               assessed_on=date(2026, 3, 2))
    assert selectors.row_of(selectors.vendor_by_slug(people["ciso"], vendor.slug)).next_due == date(2029, 3, 2)
    services.override_tier(actor=people["ciso"], vendor=vendor, tier="critical", reason="Runs our backups")
    assert selectors.row_of(selectors.vendor_by_slug(people["ciso"], vendor.slug)).next_due == date(2027, 3, 2)


def test_critical_vendors_on_time_is_the_same_figure_everywhere(db, frozen, make_vendor, people, api_as):
    figures = selectors.on_time(people["ciso"])
    assert figures.percent is None and figures.display == NO_VALUE
    assert definition("critical_vendors_on_time").read(people["ciso"], _context()) is None

    on_time = make_vendor("PayCo")
    make_vendor("Late Cloud")  # never assessed: due on registration
    make_vendor("Gone Ltd", status="exited")  # exited vendors are not counted
    make_vendor("Small Co", data_sensitivity="internal", criticality="low")  # not critical
    services.record_assessment(actor=people["ciso"], vendor=on_time, answers=all_answers())
    frozen.advance(days=10)

    figures = selectors.on_time(people["ciso"])
    assert (figures.critical, figures.on_time, figures.percent) == (2, 1, 50.0)
    assert [r.vendor.name for r in figures.overdue] == ["Late Cloud"]
    reading = definition("critical_vendors_on_time").read(people["ciso"], _context())
    assert reading.value == 50.0 and reading.display == "50.0%" and "as of 2026-03-12" in reading.detail
    assert "Late Cloud" in reading.detail
    body = api_as(people["board"]).get("/vendors/on-time")
    assert body.status_code == 403
    body = api_as(people["cio"]).get("/vendors/on-time").json()
    assert body == {"as_of": "2026-03-12", "critical": 2, "on_time": 1, "percent": 50.0, "overdue": ["late-cloud"]}
    assert definition("critical_vendors_on_time").default_thresholds.status(50.0) == "red"
    assert definition("critical_vendors_on_time").default_thresholds.status(90.0) == "green"


def _context():
    from accord.core import clock
    from accord.metrics.registry import ReadContext

    return ReadContext(today=clock.today(), currency="EUR")


def test_reminders_go_to_the_owner_once_per_due_day(db, frozen, make_vendor, people, person):
    from accord.accounts.services import system_actor
    from accord.jobs.queue import load_tasks
    from accord.jobs.tick import STEPS

    load_tasks()
    step = STEPS["vendors.reviews_due"]
    vendor = make_vendor(owner=person("cio"))
    services.record_assessment(actor=people["ciso"], vendor=vendor, answers=all_answers(),
                               assessed_on=date(2026, 3, 2))  # due 2027-03-02
    far = make_vendor("Quiet Co", data_sensitivity="none", criticality="low", owner=person("analyst"))
    services.record_assessment(actor=people["ciso"], vendor=far, answers=all_answers(), assessed_on=date(2026, 3, 2))
    system = system_actor()

    assert step(system, date(2027, 1, 30)) == "0 vendor reviews due or overdue announced"  # 31 days ahead
    assert step(system, date(2027, 1, 31)) == "1 vendor review due or overdue announced"
    note = Notification.objects.get()
    assert note.user == people["cio"] and note.event == "vendor.review_due"
    assert "due on 2027-03-02" in note.title and note.url == "/vendors/payco/"
    assert step(system, date(2027, 2, 1)) == "0 vendor reviews due or overdue announced"
    assert step(system, date(2027, 3, 10)) == "0 vendor reviews due or overdue announced"  # told once per due day
    assert AuditEvent.objects.filter(action="vendor.review_reminded", actor_name=system.username).count() == 1

    # A new assessment moves the due day: the next reminder is sent for the new one.
    frozen.now = frozen.now.replace(year=2027, month=3, day=10)
    services.record_assessment(actor=people["ciso"], vendor=vendor, answers=all_answers())
    assert step(system, date(2028, 2, 10)) == "1 vendor review due or overdue announced"
    assert Notification.objects.count() == 2


def test_an_owner_without_an_account_leaves_the_reminder_to_the_ciso(db, frozen, make_vendor, people, admin):
    from accord.org import services as org

    outsider = org.create_person(actor=admin, name="Contract Manager", email="cm@example.com")
    make_vendor(owner=outsider)
    assert services.remind_reviews_due(actor=people["admin"], today=date(2026, 3, 2) + timedelta(days=3)) == 1
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["ciso"]
