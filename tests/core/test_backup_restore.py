"""`accord backup` and `accord restore`, end to end: real `accord` processes on a database of their own
(a SQLite file in a temporary folder, or on PostgreSQL a scratch database the test creates, never the
test database), with data loaded, backed up, changed and deleted, then restored."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.db import connection

from accord.core import backup
from accord.core.errors import ValidationFailed

ACCORD = [sys.executable, "-m", "accord"]
ROOT = Path(__file__).resolve().parents[2]
SCRATCH_DB = "accord_restore_test"

SETUP = """
from accord.accounts import services as accounts
from accord.org import services as org
admin = accounts.bootstrap_admin(username="root", password="correct-horse-battery-9")
for i in range(5):
    org.create_team(actor=admin, name=f"team {i}")
print(accounts.create_token(actor=admin, name="backup test").secret)
"""

CHANGE = """
from accord.accounts.models import User
from accord.org import services as org
from accord.org.models import Team
from django.db import connection
admin = User.objects.get(username="root")
org.create_team(actor=admin, name="after the backup")
with connection.cursor() as cursor:  # what a mistake or an intruder does, beside the services
    cursor.execute("DELETE FROM org_team WHERE name = 'team 0'")
print(Team.objects.count())
"""

COUNT_TEAMS = "from accord.org.models import Team; print(sorted(Team.objects.values_list('name', flat=True)))"


def _on_postgresql() -> bool:
    return os.environ.get("ACCORD_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture
def own_database(tmp_path):
    """The environment of `accord` processes working on a database of their own, empty."""
    env = {**os.environ, "ACCORD_VAR_DIR": str(tmp_path / "var"), "ACCORD_ENV": "development",
           "ACCORD_TOKEN_FILE": str(tmp_path / "token"), "COLUMNS": "400", "DJANGO_SETTINGS_MODULE": "accord.config.settings"}
    if not _on_postgresql():
        yield env
        return
    import psycopg

    base = os.environ["ACCORD_DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {SCRATCH_DB}")
    yield {**env, "ACCORD_DATABASE_URL": f"{base}/{SCRATCH_DB}"}
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")


def _run(env, *args, check=True):
    done = subprocess.run([*ACCORD, *args], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          check=False)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def _shell(env, code):
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _manifest(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_a_backup_restored_over_changed_data_gives_back_the_backup(own_database, tmp_path):
    env = own_database
    _run(env, "db", "migrate")
    env["ACCORD_TOKEN"] = _shell(env, SETUP)
    file = tmp_path / "accord.backup"

    _run(env, "backup", str(file))
    manifest = _manifest(file)
    assert manifest["engine"] == ("postgresql" if _on_postgresql() else "sqlite")
    assert manifest["row_counts"]["org_team"] == 5
    assert "core.0002_audit_chain_head" in manifest["migrations"]
    assert manifest["audit_head"].startswith("8:")  # bootstrap, 5 teams, the token, then the backup's own row

    assert _shell(env, CHANGE) == "5"  # one team added through the service, one deleted beside it
    refused = _run(env, "restore", str(file), check=False)
    assert refused.returncode == 2 and "--yes" in refused.stderr

    restored = _run(env, "restore", str(file), "--yes")
    assert "as the backup counted" in restored.stdout
    assert _shell(env, COUNT_TEAMS) == str([f"team {i}" for i in range(5)])
    counts = _shell(env, "from accord.core.backup import _row_counts; from django.db import connection; "
                         "import json; c = connection.cursor(); "
                         f"print(json.dumps(_row_counts(c, {sorted(manifest['row_counts'])!r})))")
    expected = {**manifest["row_counts"], "core_auditevent": manifest["row_counts"]["core_auditevent"] + 1}
    assert json.loads(counts) == expected  # the backup's rows, and the restore's own audit row after them
    verified = _run(env, "audit", "verify")
    assert "audit chain intact: 9 rows verified" in verified.stdout
    last = _run(env, "audit", "list", "--limit", "2").stdout
    assert "database.restored" in last and "database.backed_up" in last


def _forged(tmp_path: Path, **changes) -> Path:
    """A backup file whose manifest says something else than this database would."""
    manifest = {"format": backup.FORMAT, "engine": backup.engine(), "accord_version": "0.1.0",
                "created_at": "2026-12-01T00:00:00+00:00", "database": "elsewhere", "migrations": [],
                "row_counts": {}, "audit_head": "", **changes}
    path = tmp_path / "forged.backup"
    with tarfile.open(path, "w") as tar:
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    return path


def _refusal(**kwargs) -> str:
    with pytest.raises(ValidationFailed) as caught:
        backup.restore_database(**kwargs)
    return str(caught.value)


def test_a_backup_of_the_other_engine_is_refused_naming_both(admin, tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    message = _refusal(actor=admin, path=_forged(tmp_path, engine=other), overwrite=True)
    assert f"backup is of a {other} database" in message and "file" in message


def test_a_backup_from_a_newer_schema_is_refused(admin, tmp_path):
    path = _forged(tmp_path, accord_version="9.0.0", migrations=["core.0001_initial", "core.0999_from_the_future"])
    message = _refusal(actor=admin, path=path, overwrite=True)
    assert "newer Accord (9.0.0" in message and "core.0999_from_the_future" in message


def test_restoring_over_data_needs_the_flag_and_the_capability(admin, make_user, tmp_path):
    path = _forged(tmp_path)
    assert "confirm with --yes" in _refusal(actor=admin, path=path, overwrite=False)
    from accord.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        backup.restore_database(actor=make_user("auditor"), path=path, overwrite=True)
    assert "needs an acting user" in _refusal(actor=None, path=path, overwrite=True)


def test_a_file_that_is_not_a_backup_is_refused(admin, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    assert "not an Accord backup" in _refusal(actor=admin, path=junk, overwrite=True)
    assert "does not exist" in _refusal(actor=admin, path=tmp_path / "missing", overwrite=True)


def test_only_who_manages_users_may_take_a_backup(make_user, tmp_path):
    from accord.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        backup.backup_database(actor=make_user("ciso"), path=tmp_path / "b")
    assert not (tmp_path / "b").exists()


@pytest.mark.skipif(not _on_postgresql(), reason="pg_dump is only used on PostgreSQL")
def test_a_missing_pg_dump_is_refused_clearly(admin, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    with pytest.raises(ValidationFailed) as caught:
        backup.backup_database(actor=admin, path=tmp_path / "b")
    assert "pg_dump is not installed" in str(caught.value)


@pytest.mark.skipif(not _on_postgresql(), reason="pg_dump is only used on PostgreSQL")
def test_a_pg_dump_older_than_the_server_is_refused(admin, tmp_path, monkeypatch):
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    with pytest.raises(ValidationFailed) as caught:
        backup.backup_database(actor=admin, path=tmp_path / "b")
    assert "pg_dump is version 9 but the server is" in str(caught.value)
