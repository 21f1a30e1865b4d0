"""Windows, freezes and clusters: validated with field-named errors, audited, nothing half-written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import Role
from accord.patching import services
from accord.patching.models import Cluster, MaintenanceWindow

START = datetime(2026, 12, 3, 22, 0, tzinfo=UTC)


def _fields(exc: ValidationFailed) -> set[str]:
    return {p.field for p in exc.problems}


def test_a_window_is_created_updated_and_deleted_with_audit_rows(org_data, ciso):
    window = services.create_window(actor=ciso, name="ERP night", business_service=org_data["erp"], start=START,
                                    duration_minutes=240, max_changes=10, rrule="FREQ=WEEKLY;BYDAY=TH")
    services.update_window(actor=ciso, window=window, duration_minutes=180)
    actions = list(AuditEvent.objects.filter(object_type="patching.maintenancewindow").order_by("seq")
                   .values_list("action", "after"))
    assert actions[0][0] == "maintenancewindow.created"
    assert actions[1] == ("maintenancewindow.updated", {"duration_minutes": 180})
    window_id = window.pk
    services.delete_window(actor=ciso, window=window)
    assert not MaintenanceWindow.objects.exists()
    assert AuditEvent.objects.filter(action="maintenancewindow.deleted", object_id=str(window_id)).exists()


@pytest.mark.parametrize(("fields", "bad"), [
    ({"duration_minutes": 1441}, "duration_minutes"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"business_service": None, "asset_tag": ""}, "business_service"),
    ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
    ({"rrule": "FREQ=MINUTELY"}, "rrule"),  # more occurrences than a planner can use
])
def test_bad_windows_are_refused_naming_the_field(org_data, ciso, fields, bad):
    base = {"name": "w", "business_service": org_data["erp"], "start": START, "duration_minutes": 60}
    with pytest.raises(ValidationFailed) as caught:
        services.create_window(actor=ciso, **{**base, **fields})
    assert bad in _fields(caught.value)
    assert not MaintenanceWindow.objects.exists()


def test_a_freeze_must_end_after_it_starts(ciso):
    with pytest.raises(ValidationFailed) as caught:
        services.create_freeze(actor=ciso, start=START, end=START, reason="x")
    assert _fields(caught.value) == {"end"}


def test_an_asset_belongs_to_one_cluster_at_most(org_data, ciso):
    db, app, _ = org_data["assets"]
    first = services.create_cluster(actor=ciso, name="ERP", max_down=1, members=[db, app])
    with pytest.raises(ValidationFailed) as caught:
        services.create_cluster(actor=ciso, name="Other", members=[db])
    assert _fields(caught.value) == {"members"}
    assert "erp-db-01" in str(caught.value)
    assert Cluster.objects.count() == 1
    services.update_cluster(actor=ciso, cluster=first, members=[app])
    event = AuditEvent.objects.filter(action="cluster.updated").get()
    assert event.before == {"members": ["erp-app-01", "erp-db-01"]} and event.after == {"members": ["erp-app-01"]}


def test_writing_needs_patch_write(org_data, make_user):
    auditor = make_user(Role.AUDITOR)
    with pytest.raises(NotAllowed):
        services.create_freeze(actor=auditor, start=START, end=START.replace(day=4), reason="x")
    itops = make_user(Role.IT_OPERATIONS)
    assert services.create_freeze(actor=itops, start=START, end=START.replace(day=4), reason="x").pk
