from __future__ import annotations

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.accounts.models import User
from accord.cli import app
from accord.core.models import AuditEvent
from accord.org.models import Asset

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _token(user):
    return account_services.create_token(actor=user, name="cli").secret


def test_first_admin_bootstraps_then_users_need_a_token(db):
    first = runner.invoke(app, ["user", "create", "boss", "--role", "admin", "--password", "a-long-passphrase-1"])
    assert first.exit_code == 0, first.output
    refused = runner.invoke(app, ["user", "create", "eve", "--role", "cio", "--password", "a-long-passphrase-1"])
    assert refused.exit_code == 3 and "who is acting" in refused.output
    boss = User.objects.get(username="boss")
    made = runner.invoke(app, ["user", "create", "eve", "--role", "cio", "--role", "auditor", "--generate-password",
                               "--token", _token(boss)])
    assert made.exit_code == 0, made.output
    assert User.objects.get(username="eve").role_names == {"cio", "auditor"}
    assert "password:" in made.output


def test_user_list_and_disable(admin, ciso):
    token = _token(admin)
    listed = runner.invoke(app, ["user", "list", "--token", token])
    assert listed.exit_code == 0 and "ciso" in listed.output
    disabled = runner.invoke(app, ["user", "disable", "ciso", "--token", token])
    assert disabled.exit_code == 0
    assert not User.objects.get(username="ciso").is_active


def test_token_create_with_password_and_revoke(ciso, monkeypatch):
    monkeypatch.setenv("ACCORD_PASSWORD", "correct-horse-battery-9")
    created = runner.invoke(app, ["token", "create", "--name", "laptop", "--username", "ciso"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert account_services.user_for_token(secret) == ciso
    token_id = ciso.api_tokens.get(name="laptop").pk
    revoked = runner.invoke(app, ["token", "revoke", str(token_id), "--token", secret])
    assert revoked.exit_code == 0
    assert account_services.user_for_token(secret) is None


def test_login_saves_a_token_the_next_command_uses(ciso, monkeypatch, tmp_path):
    monkeypatch.setenv("ACCORD_PASSWORD", "correct-horse-battery-9")
    assert runner.invoke(app, ["login", "ciso"]).exit_code == 0
    assert (tmp_path / "token").stat().st_mode & 0o077 == 0
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output


def test_audit_verify_reports_tampering_with_exit_code_1(admin, org_data):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET after = %s WHERE seq = 2", ['{"name": "forged"}'])
    result = runner.invoke(app, ["audit", "verify", "--token", _token(admin)])
    assert result.exit_code == 1 and "broken at row #2" in result.output


def test_import_assets_refuses_a_bad_file_naming_line_and_column(admin, org_data, tmp_path):
    bad = tmp_path / "cmdb.csv"
    bad.write_text("hostname,environment\nok,production\nbad,moon\n", encoding="utf-8")
    result = runner.invoke(app, ["org", "import-assets", str(bad), "--token", _token(admin)])
    assert result.exit_code == 2
    assert "cmdb.csv was refused" in result.output and "line 3" in result.output and "environment" in result.output
    assert not Asset.objects.filter(hostname="ok").exists()
    good = tmp_path / "good.csv"
    good.write_text("hostname\nfresh-01\n", encoding="utf-8")
    assert runner.invoke(app, ["org", "import-assets", str(good), "--token", _token(admin)]).exit_code == 0
    assert Asset.objects.filter(hostname="fresh-01").exists()


def test_permission_refusals_exit_3(org_data, make_user, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("hostname\nfresh-01\n", encoding="utf-8")
    result = runner.invoke(app, ["org", "import-assets", str(good), "--token", _token(make_user("auditor"))])
    assert result.exit_code == 3 and "org.import" in result.output


def test_demo_load_builds_a_consistent_organisation(db):
    result = runner.invoke(app, ["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "ciso-demo-2026" in result.output and "cio-demo-2026" in result.output
    assert 300 <= Asset.objects.count() <= 800
    from accord.accounts.services import SYSTEM_USERNAME

    # the nine demo people, and the system user that scheduled work (and the demo's tick) acts as
    assert User.objects.exclude(username=SYSTEM_USERNAME).count() == 9
    from accord.core.audit import verify_chain
    from accord.org.models import BusinessService

    assert 10 <= BusinessService.objects.count() <= 15
    assert verify_chain().ok and AuditEvent.objects.count() > Asset.objects.count()
    again = runner.invoke(app, ["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "not loaded again" in again.output
    assert runner.invoke(app, ["demo", "load"]).exit_code == 2
