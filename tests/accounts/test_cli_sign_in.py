"""`accord login` goes through the same throttle as the web and audits every attempt; `accord user
passwd` changes one's own password."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from accord.accounts import services
from accord.accounts.models import User
from accord.cli import app
from accord.core.models import AuditEvent

runner = CliRunner()
RIGHT = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _own_token_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _login(monkeypatch, password: str):
    monkeypatch.setenv("ACCORD_PASSWORD", password)
    return runner.invoke(app, ["login", "ciso"])


def test_cli_failures_are_audited_and_throttled(ciso, monkeypatch, settings, tmp_path):
    settings.ACCORD_LOGIN_FREE_FAILURES = 3
    for _ in range(3):
        failed = _login(monkeypatch, "wrong")
        assert failed.exit_code == 3 and "wrong username or password" in failed.output
    failures = AuditEvent.objects.filter(action="auth.login_failed")
    assert failures.count() == 3 and failures.first().after == {"username": "ciso", "address": "cli"}

    throttled = _login(monkeypatch, RIGHT)
    assert throttled.exit_code == 3 and "Too many failed sign-ins" in throttled.output
    assert not (tmp_path / "token").exists()
    # the web, at another address, is not held back by the command line's failures
    assert services.sign_in(username="ciso", password=RIGHT, address="10.0.0.5") == ciso


def test_cli_sign_in_is_audited_and_saves_a_token(ciso, monkeypatch, tmp_path):
    assert _login(monkeypatch, RIGHT).exit_code == 0
    assert (tmp_path / "token").read_text().startswith("acc_")
    assert AuditEvent.objects.get(action="auth.login").after == {"address": "cli"}


def test_token_create_with_a_password_is_throttled_too(ciso, monkeypatch, settings):
    settings.ACCORD_LOGIN_FREE_FAILURES = 1
    monkeypatch.setenv("ACCORD_PASSWORD", "wrong")
    runner.invoke(app, ["token", "create", "--name", "x", "--username", "ciso"])
    monkeypatch.setenv("ACCORD_PASSWORD", RIGHT)
    refused = runner.invoke(app, ["token", "create", "--name", "x", "--username", "ciso"])
    assert refused.exit_code == 3 and "Too many failed sign-ins" in refused.output


def test_user_passwd_changes_your_own_password(ciso, monkeypatch):
    token = services.create_token(actor=ciso, name="cli").secret
    monkeypatch.setenv("ACCORD_PASSWORD", RIGHT)
    monkeypatch.setenv("ACCORD_NEW_PASSWORD", "a-brand-new-passphrase-7")
    changed = runner.invoke(app, ["user", "passwd", "--token", token])
    assert changed.exit_code == 0, changed.output
    assert User.objects.get(pk=ciso.pk).check_password("a-brand-new-passphrase-7")
    assert AuditEvent.objects.get(action="user.password_changed").after == {"address": "cli"}

    monkeypatch.setenv("ACCORD_PASSWORD", "not-the-current-one")
    refused = runner.invoke(app, ["user", "passwd", "--token", token])
    assert refused.exit_code == 2 and "old_password" in refused.output
