"""PostgreSQL only: the owner/application role split that makes the audit trail insert-only for Accord.

The owner role owns every table and runs the migrations; the application role, which `accord serve`
and `accord worker` connect as, may read and write every table except the audit trail
(`core_auditevent`), where it may only read and insert. The chain head (`core_auditchainhead`, one
row) stays writable: every audited write moves it on. So neither a bug nor someone holding the
application's credentials can rewrite or delete audit rows; only the owner can.
"""

from __future__ import annotations

import re

from django.db import connection, transaction

from accord.core import audit
from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def _role(name: str, field: str) -> str:
    if not ROLE_NAME.match(name or ""):
        raise ValidationFailed.field(field, f"{name!r} is not a role name (lower-case letters, digits and _, at most "
                                            "63, not starting with a digit)")
    return connection.ops.quote_name(name)


def split_roles(*, owner: str, app: str, app_password: str | None = None) -> list[str]:
    """Make `owner` own every table and sequence of Accord's schema, create `app` if missing (able to
    log in, with `app_password` if given) and grant it what the application needs: SELECT, INSERT,
    UPDATE, DELETE on every table but SELECT and INSERT only on the audit trail, and the sequences.
    Tables later migrations create get the same grants by default. Returns the statements run.
    Must run as a superuser or a role that may create roles and owns the tables (the migrating role)."""
    if connection.vendor != "postgresql":
        raise ValidationFailed.field("database", "roles are a PostgreSQL feature; on SQLite whoever can write the "
                                                 "file can change it, so keep the file readable by Accord only")
    owner_q, app_q = _role(owner, "owner"), _role(app, "app")
    if owner == app:
        raise ValidationFailed.field("app", "the application role must not be the owner: the owner can change audit rows")
    audit_table = connection.ops.quote_name(AuditEvent._meta.db_table)
    statements: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        def run(sql: str, params: list[str] | None = None) -> None:
            statements.append(sql)
            cursor.execute(sql, params)

        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        database_q, schema_q = connection.ops.quote_name(database), connection.ops.quote_name(schema)
        cursor.execute("SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", [owner, app])
        existing = {name for (name,) in cursor.fetchall()}
        if owner not in existing:
            raise ValidationFailed.field("owner", f"there is no role {owner!r}: the owner is the role that migrates "
                                                  "(create it, or name the role in ACCORD_DATABASE_URL)")
        if app not in existing:
            run(f"CREATE ROLE {app_q} LOGIN")
        if app_password:
            # The password goes as a literal: CREATE/ALTER ROLE take no parameters, so it is quoted here.
            cursor.execute("SELECT quote_literal(%s)", [app_password])
            cursor.execute(f"ALTER ROLE {app_q} PASSWORD {cursor.fetchone()[0]}")
            statements.append(f"ALTER ROLE {app_q} PASSWORD '…'")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner <> %s", [schema, owner])
        for (table,) in cursor.fetchall():
            run(f"ALTER TABLE {schema_q}.{connection.ops.quote_name(table)} OWNER TO {owner_q}")
        run(f"GRANT CONNECT ON DATABASE {database_q} TO {app_q}")
        run(f"GRANT USAGE ON SCHEMA {schema_q} TO {app_q}")
        run(f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema_q} TO {app_q}")
        run(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit_table} FROM {app_q}")
        run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {app_q}")
        run(f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} GRANT {TABLE_PRIVILEGES} ON TABLES "
            f"TO {app_q}")
        run(f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} GRANT USAGE, SELECT ON SEQUENCES "
            f"TO {app_q}")
        audit.record(None, "database.roles_split", ("core.database", "", database), actor_name=f"db:{owner}",
                     after={"owner": owner, "app": app, "audit_table": "select, insert"})
    return statements
