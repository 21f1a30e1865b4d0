"""`accord login` with a second factor: the code is asked for (or --code), a wrong one refused and
audited; `accord token create --username` cannot skip it; the policy and reset commands."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.accounts import two_factor
from accord.accounts.models import ApiToken
from accord.cli import app
from accord.core.models import AuditEvent
from accord.org import selectors as org_selectors

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.setenv("ACCORD_PASSWORD", "correct-horse-battery-9")
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    monkeypatch.delenv("ACCORD_TOTP_CODE", raising=False)


def _enrolled(user) -> tuple[bytes, list[str]]:
    secret = two_factor.new_secret()
    totp = TOTP(bytes.fromhex(secret))
    totp.time = time.time() - 30  # enrol with the previous step's code, so the current one is still fresh
    codes = two_factor.confirm_enrolment(actor=user, secret=secret, code=f"{totp.token():06d}")
    return bytes.fromhex(secret), codes


def _now(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


def test_login_asks_for_the_code(ciso, tmp_path):
    key, codes = _enrolled(ciso)
    wrong = runner.invoke(app, ["login", "ciso", "--code", "123456" if _now(key) != "123456" else "654321"])
    assert wrong.exit_code == 3 and "second factor: wrong code" in wrong.output
    assert not (tmp_path / "token").exists()
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").exists()
    time.sleep(1.1)
    asked = runner.invoke(app, ["login", "ciso"], input=_now(key) + "\n")
    assert asked.exit_code == 0, asked.output
    assert "Code from your authenticator app" in asked.output and (tmp_path / "token").exists()
    with_recovery = runner.invoke(app, ["login", "ciso", "--code", codes[0]])
    assert with_recovery.exit_code == 0, with_recovery.output


def test_token_create_with_a_password_needs_the_code_too(ciso):
    _enrolled(ciso)
    refused = runner.invoke(app, ["token", "create", "--name", "x", "--username", "ciso"], input="000000\n")
    assert refused.exit_code == 3 and not ApiToken.objects.filter(name="x").exists()


def test_policy_and_reset_commands(admin, ciso):
    secret = account_services.create_token(actor=admin, name="cli").secret
    set_it = runner.invoke(app, ["two-factor", "policy", "--role", "ciso", "--role", "cio", "--token", secret])
    assert set_it.exit_code == 0 and "cio, ciso" in set_it.output
    assert org_selectors.second_factor_roles() == {"cio", "ciso"}
    # A CISO without a second factor cannot get a command-line token with the password alone.
    refused = runner.invoke(app, ["login", "ciso"])
    assert refused.exit_code == 3 and "requires a second factor" in refused.output
    _enrolled(ciso)
    reset = runner.invoke(app, ["two-factor", "reset", "ciso", "--token", secret])
    assert reset.exit_code == 0 and not TOTPDevice.objects.filter(user=ciso).exists()
    unknown = runner.invoke(app, ["two-factor", "policy", "--role", "wizard", "--token", secret])
    assert unknown.exit_code == 2 and "second_factor_roles" in unknown.output
