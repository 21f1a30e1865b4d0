"""The owner/application role split on PostgreSQL: as the application role, audit rows can be inserted
(every audited write works) but not updated or deleted."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from accord.core import audit
from accord.core.db_roles import split_roles
from accord.core.errors import ValidationFailed
from accord.org import services as org

APP_ROLE = "accord_test_app"  # created inside the test's transaction, so gone after it

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="database roles and grants exist only on PostgreSQL")


def _as_app_role():
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(caught.value)


@postgresql_only
def test_the_application_role_may_insert_audit_rows_but_not_change_or_delete_them(admin):
    org.create_team(actor=admin, name="before")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    statements = split_roles(owner=owner, app=APP_ROLE)
    assert any("REVOKE UPDATE, DELETE" in sql for sql in statements)
    _as_app_role()
    team = org.create_team(actor=admin, name="as the app")  # an audited write: insert, head moved on
    org.update_team(actor=admin, team=team, name="renamed")
    assert audit.verify_chain().ok
    assert "permission denied" in _refused("UPDATE core_auditevent SET actor_name = 'forger' WHERE seq = 1")
    assert "permission denied" in _refused("DELETE FROM core_auditevent WHERE seq = 1")
    assert "permission denied" in _refused("TRUNCATE core_auditevent")
    with connection.cursor() as cursor:  # every other table stays writable, the chain head included
        cursor.execute("DELETE FROM org_team WHERE name = 'before'")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APP_ROLE


@postgresql_only
def test_bad_role_names_are_refused_naming_the_field(admin):
    with pytest.raises(ValidationFailed) as caught:
        split_roles(owner="postgres", app="app; DROP TABLE x")
    assert caught.value.problems[0].field == "app"
    with pytest.raises(ValidationFailed) as caught:
        split_roles(owner="no_such_owner_role", app=APP_ROLE)
    assert caught.value.problems[0].field == "owner"
    with pytest.raises(ValidationFailed):
        split_roles(owner="postgres", app="postgres")


def test_on_sqlite_the_command_says_roles_are_postgresql_only(admin):
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is SQLite's")
    with pytest.raises(ValidationFailed) as caught:
        split_roles(owner="owner", app="app")
    assert "PostgreSQL" in str(caught.value)
