"""Windows built as "every Saturday 22:00, 13 times", the RRULE kept for what the choices cannot say."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accord.engine.patching.recurrence import describe, parse_simple, simple_rule
from accord.patching.models import MaintenanceWindow

SATURDAY_22 = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize("repeat, times, rule, words", [
    ("weekly", 13, "FREQ=WEEKLY;COUNT=13", "every Saturday at 22:00, 13 times"),
    ("fortnightly", None, "FREQ=WEEKLY;INTERVAL=2", "every other Saturday at 22:00, with no end"),
    ("daily", 5, "FREQ=DAILY;COUNT=5", "every day at 22:00, 5 times"),
    ("monthly", 6, "FREQ=MONTHLY;COUNT=6", "every month on day 5 at 22:00, 6 times"),
    ("once", None, "", "once, Saturday 2026-12-05 at 22:00"),
])
def test_choices_make_rules_and_rules_read_as_words(repeat, times, rule, words):
    assert simple_rule(repeat, times) == rule
    assert parse_simple(rule) == (repeat, times)
    assert describe(rule, SATURDAY_22) == words


def test_other_rules_are_shown_as_written():
    assert parse_simple("FREQ=MONTHLY;BYDAY=2SA") is None
    assert describe("FREQ=MONTHLY;BYDAY=2SA", SATURDAY_22).startswith("custom rule FREQ=MONTHLY;BYDAY=2SA")


def _post(client, **fields):
    data = {"name": "ERP night", "start": "2026-12-05T22:00", "duration_minutes": 240, **fields}
    return client.post("/patching/windows/new/", data)


def test_the_window_form_builds_the_rule(ciso, client):
    client.force_login(ciso)
    assert _post(client, repeat="weekly", times=13, asset_tag="erp").status_code == 302
    window = MaintenanceWindow.objects.get()
    assert window.rrule == "FREQ=WEEKLY;COUNT=13"
    page = client.get("/patching/windows/").content.decode()
    assert "every Saturday at 22:00, 13 times" in page
    edit = client.get(f"/patching/windows/{window.pk}/edit/").content.decode()
    assert 'value="weekly" selected' in edit and 'name="times" value="13"' in edit


def test_the_form_refuses_mixed_answers_and_saves_nothing(ciso, client):
    client.force_login(ciso)
    mixed = _post(client, repeat="weekly", rrule="FREQ=DAILY", asset_tag="erp")
    assert mixed.status_code == 422 and "leave empty unless the repeat is" in mixed.content.decode()
    custom = _post(client, repeat="custom", asset_tag="erp")
    assert custom.status_code == 422 and "write the rule" in custom.content.decode()
    assert not MaintenanceWindow.objects.exists()
    assert _post(client, repeat="custom", rrule="FREQ=MONTHLY;BYDAY=2SA", asset_tag="erp").status_code == 302
    assert MaintenanceWindow.objects.get().rrule == "FREQ=MONTHLY;BYDAY=2SA"
