from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.accounts import services
from accord.accounts.models import ApiToken, User
from accord.accounts.tokens import token_digest
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import Role


def test_admin_creates_a_user_with_roles_and_an_audit_row(admin):
    user = services.create_user(actor=admin, username="dana", password="a-long-passphrase-1",
                                roles=[Role.CISO, Role.AUDITOR], email="dana@example.org")
    assert user.role_names == {"ciso", "auditor"}
    assert "risk.accept" in user.capabilities and "audit.read" in user.capabilities
    assert user.password.startswith(("md5$", "argon2")) and "a-long-passphrase-1" not in user.password
    event = AuditEvent.objects.get(action="user.created")
    assert event.actor_name == "root" and event.after["roles"] == ["auditor", "ciso"]
    assert "password" not in event.after


def test_only_user_managers_create_users(ciso):
    with pytest.raises(NotAllowed):
        services.create_user(actor=ciso, username="x", password="a-long-passphrase-1", roles=["cio"])
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize(("field", "kwargs"), [
    ("roles", {"roles": ["pope"]}),
    ("roles", {"roles": []}),
    ("password", {"password": "short"}),
    ("username", {"username": "root"}),
    ("username", {"username": "a/b"}),
    ("username", {"username": "two words"}),
    ("username", {"username": "x" * 151}),
    ("username", {"username": "  "}),
])
def test_bad_user_input_names_the_field(admin, field, kwargs):
    args = {"username": "newbie", "password": "a-long-passphrase-1", "roles": ["cio"], **kwargs}
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(actor=admin, **args)
    assert refused.value.problems[0].field == field
    assert not User.objects.filter(username="newbie").exists()


def test_bootstrap_only_while_there_is_no_administrator(db):
    first = services.bootstrap_admin(username="first", password="a-long-passphrase-1")
    assert first.role_names == {"admin"}
    with pytest.raises(ValidationFailed):
        services.bootstrap_admin(username="second", password="a-long-passphrase-1")


def test_token_is_stored_hashed_and_identifies_its_user(ciso):
    issued = services.create_token(actor=ciso, name="laptop")
    row = ApiToken.objects.get()
    assert issued.secret.startswith("acc_") and issued.secret not in (row.digest, row.prefix)
    assert row.digest == token_digest(issued.secret)
    assert services.user_for_token(issued.secret) == ciso
    assert services.user_for_token(issued.secret + "x") is None


def test_revoked_expired_and_disabled_tokens_stop_working(admin, ciso):
    revoked = services.create_token(actor=ciso, name="a")
    services.revoke_token(actor=ciso, token=revoked.token)
    assert services.user_for_token(revoked.secret) is None

    expiring = services.create_token(actor=ciso, name="b", expires_in_days=1)
    ApiToken.objects.filter(pk=expiring.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.user_for_token(expiring.secret) is None

    live = services.create_token(actor=ciso, name="c")
    services.disable_user(actor=admin, user=ciso)
    assert services.user_for_token(live.secret) is None
    assert ApiToken.objects.get(pk=live.token.pk).revoked_at is not None


def test_users_cannot_revoke_each_others_tokens(make_user):
    alice, bob = make_user("cio", username="alice"), make_user("cio", username="bob")
    issued = services.create_token(actor=alice, name="a")
    with pytest.raises(NotAllowed):
        services.revoke_token(actor=bob, token=issued.token)


def test_an_admin_cannot_disable_themselves(admin):
    with pytest.raises(ValidationFailed):
        services.disable_user(actor=admin, user=admin)


def test_roles_change_is_audited_with_before_and_after(admin, ciso):
    services.set_roles(actor=admin, user=ciso, roles=["cio", "auditor"])
    ciso.forget_cached_roles()
    assert ciso.role_names == {"cio", "auditor"}
    event = AuditEvent.objects.get(action="user.roles_changed")
    assert event.before["roles"] == ["ciso"] and event.after["roles"] == ["auditor"]
    # the leadership role has its own row: granted by the only administrator (see ADR 0005)
    assert AuditEvent.objects.get(action="role_grant.granted").after == {
        "user": "ciso", "role": "cio", "how": "granted by the only administrator; holders told"}


def test_sign_in_slows_the_pair_after_repeated_failures(ciso, settings):
    settings.ACCORD_LOGIN_FREE_FAILURES = 3
    for _ in range(3):
        assert services.sign_in(username="ciso", password="wrong", address="10.0.0.9") is None
    with pytest.raises(services.LoginThrottled) as throttled:
        services.sign_in(username="CISO", password="correct-horse-battery-9", address="10.0.0.9")
    assert throttled.value.retry_after == 2
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 3


def test_sign_in_succeeds_with_the_right_password(ciso):
    assert services.sign_in(username="ciso", password="correct-horse-battery-9", address="127.0.0.1") == ciso
    assert AuditEvent.objects.filter(action="auth.login").count() == 1
