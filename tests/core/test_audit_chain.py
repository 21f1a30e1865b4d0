from __future__ import annotations

import pytest
from django.db import connection

from accord.core import audit
from accord.core.models import AuditEvent
from accord.org import services as org


def _write_some(admin, n=5):
    for i in range(n):
        org.create_team(actor=admin, name=f"team {i}", description="x" * i)


def test_every_write_leaves_a_chained_row(admin):
    _write_some(admin, 3)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.action for r in rows] == ["team.created"] * 3
    assert rows[0].prev_hash == audit.GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert rows[0].actor_name == admin.username and rows[0].after["name"] == "team 0"
    report = audit.verify_chain()
    assert report.ok and report.rows_checked == 3


def test_changing_a_row_in_the_database_is_detected(admin):
    _write_some(admin, 5)
    target = AuditEvent.objects.get(seq=3)
    with connection.cursor() as cursor:  # what an attacker with database access would do
        cursor.execute("UPDATE core_auditevent SET actor_name = %s WHERE id = %s", ["someone-else", target.pk])
    report = audit.verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 3
    assert report.rows_checked == 2
    assert "content" in report.reason


def test_removing_a_row_is_detected(admin):
    _write_some(admin, 5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 2")
    report = audit.verify_chain()
    assert not report.ok and report.first_broken_seq == 2 and "missing" in report.reason


def test_removing_the_last_rows_is_detected_by_the_chain_head(admin):
    _write_some(admin, 4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq >= 3")
    report = audit.verify_chain()
    assert not report.ok and report.first_broken_seq == 3


def test_rewriting_a_row_and_its_hash_breaks_the_next_link(admin):
    _write_some(admin, 4)
    row = AuditEvent.objects.get(seq=2)
    forged = audit._row_digest(seq=row.seq, at=row.at, actor_id=row.actor_id, actor_name="forger",
                               action=row.action, object_type=row.object_type, object_id=row.object_id,
                               object_repr=row.object_repr, before=row.before, after=row.after,
                               prev_hash=row.prev_hash)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_name = %s, hash = %s WHERE id = %s", ["forger", forged, row.pk])
    report = audit.verify_chain()
    assert not report.ok and report.first_broken_seq == 3


def test_rows_cannot_be_changed_or_deleted_through_the_orm(admin):
    _write_some(admin, 1)
    row = AuditEvent.objects.get()
    row.actor_name = "x"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(actor_name="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_a_failed_write_leaves_no_audit_row(admin):
    from accord.core.errors import ValidationFailed

    _write_some(admin, 1)
    with pytest.raises(ValidationFailed):
        org.create_team(actor=admin, name="team 0")  # duplicate name
    assert AuditEvent.objects.count() == 1


def test_record_refuses_to_run_outside_a_transaction(db, admin):
    # pytest-django wraps each test in a transaction, so simulate the check directly.
    from unittest import mock

    with mock.patch.object(audit.transaction, "get_connection") as get_conn:
        get_conn.return_value.in_atomic_block = False
        with pytest.raises(RuntimeError):
            audit.record(admin, "x", None)


def test_snapshot_values_hash_the_same_after_a_round_trip(admin):
    service = org.create_business_service(actor=admin, name="ERP", downtime_cost_per_hour="1234.50")
    org.update_business_service(actor=admin, service=service, downtime_cost_per_hour="99.99")
    assert audit.verify_chain().ok
    update = AuditEvent.objects.get(action="businessservice.updated")
    assert update.before == {"downtime_cost_per_hour": "1234.50"}
    assert update.after == {"downtime_cost_per_hour": "99.99"}


def test_a_value_cached_until_the_next_write_is_recomputed_after_one(admin):
    from accord.core.write_cache import cached_until_next_write

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_until_next_write("t", compute) == 1
    assert cached_until_next_write("t", compute) == 1  # no write since: cached
    org.create_team(actor=admin, name="a write")
    assert cached_until_next_write("t", compute) == 2
    assert cached_until_next_write("t", compute, also_key="tomorrow") == 3
