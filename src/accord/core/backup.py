"""Backup and restore of the whole database, on SQLite and PostgreSQL.

A backup is one uncompressed tar file holding `manifest.json` (what the file is: the engine, the
Accord version, the applied migrations, each table's row count and the audit chain's head) and the
database itself: a SQLite file copied with SQLite's online backup API (consistent while the server
writes), or a `pg_dump -Fc` archive taken in the same snapshot as the manifest's counts.

`restore_database` reads the manifest first and refuses a file of the other engine, one made by a
newer Accord (migrations this version does not know) or, without `overwrite`, a target database that
already holds data. The jobs queue (var/jobs.sqlite3) is neither backed up nor restored: queued jobs
are retried or started again, they are not records.
"""

from __future__ import annotations

import datetime as dt
import getpass
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

import accord
from accord.core import audit
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, require

FORMAT = "accord-backup/1"
MANIFEST = "manifest.json"
DATA = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# A backup holds every user's password hash and token digests: only who manages users may take one.
CAPABILITY = "user.manage"


@dataclass(frozen=True)
class Manifest:
    engine: str
    accord_version: str
    created_at: str
    database: str
    migrations: list[str]  # "app.name" of every applied migration
    row_counts: dict[str, int]
    audit_head: str  # "ROW:HASH", empty before the first audited write
    format: str = FORMAT

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes, *, source: str) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            return cls(**{name: data[name] for name in cls.__dataclass_fields__})
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValidationFailed.field("file", f"{source} has no readable Accord backup manifest ({exc})") from None


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    row_counts: dict[str, int] = field(default_factory=dict)  # as restored, before the restore's own audit row


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _database_label() -> str:
    config = settings.DATABASES["default"]
    if engine() == "sqlite":
        return str(config["NAME"])
    return f"{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}/{config['NAME']}"


def _applied_migrations(cursor: Any) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        # Table names come from the database's own catalogue, quoted.
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _audit_head(cursor: Any) -> str:
    cursor.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1")
    row = cursor.fetchone()
    return f"{row[0]}:{row[1]}" if row and row[0] else ""


def _manifest(cursor: Any, tables: list[str]) -> Manifest:
    return Manifest(engine=engine(), accord_version=accord.__version__,
                    created_at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
                    database=_database_label(), migrations=_applied_migrations(cursor),
                    row_counts=_row_counts(cursor, tables), audit_head=_audit_head(cursor))


# --- backup ----------------------------------------------------------------------------------------


def backup_database(*, actor: Actor, path: Path) -> Manifest:
    """Write a backup of the configured database to `path` and return its manifest. The audit row
    naming the backup is written first, so the backup holds it and its manifest's audit head is it."""
    require(actor, CAPABILITY)
    path = Path(path)
    if not path.parent.is_dir():
        raise ValidationFailed.field("file", f"the folder {path.parent} does not exist")
    if engine() == "postgresql":
        pg_tools_check("pg_dump")
    with transaction.atomic():
        audit.record(actor, "database.backed_up", ("core.database", "", _database_label()[:300]),
                     after={"file": path.name, "engine": engine()})
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".accord-backup-") as work:
        data = Path(work) / DATA[engine()]
        manifest = _copy_sqlite(data) if engine() == "sqlite" else _dump_postgresql(data)
        partial = Path(work) / "backup.tar"
        with tarfile.open(partial, "w") as tar:
            info = tarfile.TarInfo(MANIFEST)
            body = manifest.as_json()
            info.size, info.mtime = len(body), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
            tar.add(data, arcname=data.name)
        os.replace(partial, path)  # a reader never sees half a backup
    return manifest


def _copy_sqlite(target: Path) -> Manifest:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)  # the online backup API: pages copied under SQLite's own locks
    copy = sqlite3.connect(target)
    try:
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [name for (name,) in cursor.fetchall()]
        return _manifest(cursor, tables)  # counted in the copy itself: they describe exactly what it holds
    finally:
        copy.close()


@contextmanager
def _owner_connection() -> Iterator[Any]:
    """A connection of its own (not Django's), for work that must not share Django's transaction."""
    import psycopg

    config = settings.DATABASES["default"]
    with psycopg.connect(dbname=config["NAME"], user=config.get("USER") or None,
                         password=config.get("PASSWORD") or None, host=config.get("HOST") or None,
                         port=config.get("PORT") or None) as conn:
        yield conn


def _pg_env() -> dict[str, str]:
    config = settings.DATABASES["default"]
    env = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                          ("PGDATABASE", "NAME")):
        if config.get(key):
            env[variable] = str(config[key])
    return env


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [name for (name,) in cursor.fetchall()]


def _dump_postgresql(target: Path) -> Manifest:
    with _owner_connection() as conn, conn.cursor() as cursor:
        # The counts and the dump see the same snapshot: pg_dump joins this transaction's.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        manifest = _manifest(cursor, _pg_tables(cursor))
        _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(target)], "pg_dump")
        conn.rollback()
    return manifest


def _run(command: list[str], tool: str) -> None:
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ValidationFailed.field("database", f"{tool} failed: {done.stderr.strip()[-2000:]}")


_VERSION = re.compile(r"\)\s*(\d+)")  # "pg_dump (PostgreSQL) 15.20 (Debian ...)": the major after the name


def pg_tools_check(tool: str) -> None:
    """Refuse clearly when `tool` (pg_dump, pg_restore) is missing or older than the server: an older
    pg_dump refuses a newer server, and an older pg_restore cannot read a newer archive."""
    found = shutil.which(tool)
    if found is None:
        raise ValidationFailed.field(tool, f"{tool} is not installed or not on PATH (Debian: apt-get install "
                                           "postgresql-client of the server's major version)")
    done = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    match = _VERSION.search(done.stdout)
    client_major = int(match.group(1)) if match else 0
    connection.ensure_connection()
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    if client_major < server_major:
        raise ValidationFailed.field(tool, f"{tool} is version {client_major} but the server is {server_major}: "
                                           f"install the PostgreSQL {server_major} client tools")


# --- restore ---------------------------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed.field("file", f"{path} does not exist")
    try:
        with tarfile.open(path, "r:") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read(), source=path.name)
    except (tarfile.TarError, KeyError):
        raise ValidationFailed.field("file", f"{path.name} is not an Accord backup (no {MANIFEST} inside)") from None


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def refusal_of(manifest: Manifest) -> str:
    """Why this database cannot take the backup (empty when it can)."""
    if manifest.engine != engine():
        return (f"the backup is of a {manifest.engine} database and this Accord uses {engine()}: restore it with "
                f"ACCORD_DATABASE_URL set to a {manifest.engine} database")
    unknown = sorted(set(manifest.migrations) - _known_migrations())
    if unknown:
        return (f"the backup was made by a newer Accord ({manifest.accord_version}, this is {accord.__version__}): "
                f"its schema has migrations this version does not know ({', '.join(unknown[:5])}); upgrade Accord "
                "first")
    return ""


def database_has_data() -> bool:
    """Whether the configured database holds any user or audit row (a fresh install holds none)."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("accounts_user", "core_auditevent"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - a fixed name
                if cursor.fetchone():
                    return True
    return False


def restore_database(*, actor: Actor | None, path: Path, overwrite: bool) -> RestoreResult:
    """Replace the configured database with the backup at `path`, migrate it forward if it is older,
    and record the restore in the restored audit trail (it cannot go in before the trail exists).

    `actor` is required, holding `user.manage`, when the database holds data; `overwrite` must be
    given then too. Into an empty database (a new server) anyone who can reach it may restore.
    """
    manifest = read_manifest(path)
    problem = refusal_of(manifest)
    if problem:
        raise ValidationFailed.field("file", problem)
    if database_has_data():
        if actor is None:
            raise ValidationFailed.field("token", "the database holds data: restoring over it needs an acting user")
        require(actor, CAPABILITY)
        if not overwrite:
            raise ValidationFailed.field("yes", f"the database {_database_label()} holds data that the restore would "
                                                "replace: confirm with --yes")
    if engine() == "postgresql":
        pg_tools_check("pg_restore")
    with tempfile.TemporaryDirectory(prefix="accord-restore-") as work:
        with tarfile.open(path, "r:") as tar:
            member = tar.extractfile(DATA[manifest.engine])
            if member is None:
                raise ValidationFailed.field("file", f"{path.name} holds no {DATA[manifest.engine]}")
            data = Path(work) / DATA[manifest.engine]
            with data.open("wb") as sink:
                shutil.copyfileobj(member, sink, 1024 * 1024)
        if manifest.engine == "sqlite":
            _restore_sqlite(data)
        else:
            _restore_postgresql(data, manifest)
    with connection.cursor() as cursor:
        counts = _row_counts(cursor, list(manifest.row_counts))
    _migrate()
    _record_restore(actor, path, manifest)
    return RestoreResult(manifest, counts)


def _restore_sqlite(data: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(data) as source:
        source.backup(connection.connection)  # every page replaced, under the target's write lock


def _restore_postgresql(data: Path, manifest: Manifest) -> None:
    connection.close()  # Django's own connection holds no lock the restore would wait for
    with _owner_connection() as conn, conn.cursor() as cursor:
        # Tables the backup does not know (from migrations newer than it) would stop the forward migration.
        extra = sorted(set(_pg_tables(cursor)) - set(manifest.row_counts))
        for table in extra:
            cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        conn.commit()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
          "-d", str(settings.DATABASES["default"]["NAME"]), str(data)], "pg_restore")


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _record_restore(actor: Actor | None, path: Path, manifest: Manifest) -> None:
    """The acting user as the restored database knows them (the same username), else by name only."""
    name = getattr(actor, "username", "") or f"os:{getpass.getuser()}"
    restored_user = get_user_model().objects.filter(username=name).first() if actor is not None else None
    with transaction.atomic():
        audit.record(restored_user, "database.restored", ("core.database", "", _database_label()[:300]),
                     actor_name=name, after={"file": Path(path).name, "backup_created_at": manifest.created_at,
                                             "backup_audit_head": manifest.audit_head,
                                             "backup_accord_version": manifest.accord_version})
