"""Single sign-on end to end: a real OpenID provider (django-oauth-toolkit, RS256 key made here, its own
process and SQLite file on 127.0.0.1) and Accord on a live server, driven through the whole redirect
dance by a real HTTP client; then the claims-to-user rules one by one, and the configuration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from accord.accounts import sso
from accord.accounts.models import SsoIdentity, User
from accord.accounts.oidc_config import OidcConfigError, oidc_config_from_env
from accord.accounts.services import system_actor
from accord.core.audit import verify_chain
from accord.core.models import AuditEvent

SERVE = Path(__file__).resolve().parent.parent / "oidc_provider" / "serve.py"
CLIENT_ID, CLIENT_SECRET = "accord-test", "accord-test-secret-0123456789"
ENV = {"ACCORD_OIDC_CLIENT_ID": CLIENT_ID, "ACCORD_OIDC_CLIENT_SECRET": CLIENT_SECRET,
       "ACCORD_OIDC_NAME": "Company SSO",
       "ACCORD_OIDC_ROLE_MAP": "accord-ciso=ciso,accord-analysts=security_analyst,accord-readers=auditor"}


@pytest.fixture
def provider(live_server, tmp_path, settings):
    """The provider's issuer URL, with Accord configured for it (as ACCORD_OIDC_* would)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    config = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
              "redirect_uri": f"{live_server.url}/accounts/login/sso/callback/",
              "users": [{"username": "alice", "password": "alice-pass-1", "email": "alice@example.com",
                         "groups": ["accord-ciso", "accord-readers", "staff"]},
                        {"username": "bob", "password": "bob-pass-1", "groups": ["staff"]}]}
    (tmp_path / "provider.json").write_text(json.dumps(config), encoding="utf-8")
    log = (tmp_path / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(SERVE), str(tmp_path / "provider.json")], stdout=subprocess.PIPE, stderr=log, text=True,
        env={**os.environ, "PROVIDER_DB": str(tmp_path / "provider.sqlite3"),
             "PROVIDER_KEY_FILE": str(tmp_path / "key.pem")})
    try:
        line = process.stdout.readline()
        assert line.startswith("listening on"), (tmp_path / "provider.log").read_text()
        issuer = f"http://127.0.0.1:{int(line.split()[-1])}/o"
        settings.ACCORD_OIDC = oidc_config_from_env({**ENV, "ACCORD_OIDC_ISSUER": issuer})
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accord.accounts.oidc.AccordOidcBackend"]
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def sign_in_at_provider(session: requests.Session, start: str, username: str, password: str) -> requests.Response:
    """Follow Accord to the provider's sign-in form, fill it in, and follow the redirects back."""
    form = session.get(start, timeout=30)
    assert form.status_code == 200 and "/login/" in form.url, (form.url, re.findall(r"did not work[^<]*", form.text))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', form.text).group(1).replace("&amp;", "&")
    return session.post(form.url, data={"csrfmiddlewaretoken": token, "username": username, "password": password,
                                        "next": next_url}, timeout=30)


def test_sign_in_through_a_real_provider_sets_mapped_roles(provider, live_server, transactional_db):
    session = requests.Session()
    login_page = session.get(f"{live_server.url}/accounts/login/", timeout=30)
    assert "Sign in with Company SSO" in login_page.text and 'name="password"' in login_page.text  # break-glass stays

    landed = sign_in_at_provider(session, f"{live_server.url}/accounts/login/sso/?next=/risks/", "alice", "alice-pass-1")
    assert landed.status_code == 200 and landed.url == f"{live_server.url}/risks/"
    assert [r.status_code for r in landed.history][-1] == 302

    alice = User.objects.get(username="alice")
    assert alice.role_names == {"ciso", "auditor"} and alice.email == "alice@example.com"
    assert not alice.has_usable_password()
    identity = SsoIdentity.objects.get(user=alice)
    assert identity.issuer == provider and identity.subject
    synced = AuditEvent.objects.get(action="user.roles_synced")
    assert synced.actor_id == system_actor().pk and synced.after["roles"] == ["auditor", "ciso"]
    assert "accord-ciso" in synced.after["groups"]
    login = AuditEvent.objects.filter(action="auth.login", actor_id=alice.pk).get()
    assert login.after["method"] == "sso"
    assert session.get(f"{live_server.url}/api/v1/me", timeout=30).json()["username"] == "alice"

    # A second sign-in finds the same user by the provider's subject and changes nothing.
    session.post(f"{live_server.url}/accounts/logout/",
                 headers={"X-CSRFToken": session.cookies.get("csrftoken")}, timeout=30)
    again = session.get(f"{live_server.url}/accounts/login/sso/", timeout=30)  # the provider remembers alice
    assert again.url == f"{live_server.url}/"
    assert User.objects.filter(username="alice").count() == 1
    assert AuditEvent.objects.filter(action="user.roles_synced").count() == 1
    assert verify_chain().ok


def test_a_provider_user_in_no_mapped_group_is_refused_with_a_clear_page(provider, live_server, transactional_db):
    session = requests.Session()
    refused = sign_in_at_provider(session, f"{live_server.url}/accounts/login/sso/", "bob", "bob-pass-1")
    assert refused.status_code == 403 and refused.url == f"{live_server.url}/accounts/login/sso/refused/"
    assert "none of the groups that give a role in Accord" in refused.text
    assert not User.objects.filter(username="bob").exists()
    event = AuditEvent.objects.get(action="auth.sso_refused")
    assert event.after["username"] == "bob" and event.after["groups"] == ["staff"]
    assert session.get(f"{live_server.url}/", timeout=30, allow_redirects=False).status_code == 302


def test_provider_down_is_a_refusal_page_not_an_error(live_server, transactional_db, settings):
    settings.ACCORD_OIDC = oidc_config_from_env({**ENV, "ACCORD_OIDC_ISSUER": "http://127.0.0.1:9/o"})
    response = requests.get(f"{live_server.url}/accounts/login/sso/", timeout=30)
    assert response.status_code == 403 and "could not be reached" in response.text


# The rules from verified claims to a user, without the network -----------------------------------

CONFIG = oidc_config_from_env({**ENV, "ACCORD_OIDC_ISSUER": "https://id.example.com"})


def test_roles_follow_the_groups_at_every_sign_in(db):
    user = sso.sign_in_with_provider(config=CONFIG, claims={"sub": "42", "preferred_username": "carol",
                                                            "groups": ["accord-analysts"]})
    assert user.role_names == {"security_analyst"}
    again = sso.sign_in_with_provider(config=CONFIG, claims={"sub": "42", "preferred_username": "carol-renamed",
                                                             "groups": ["accord-readers"]})
    assert again.pk == user.pk and again.role_names == {"auditor"}
    change = AuditEvent.objects.filter(action="user.roles_synced").order_by("seq").last()
    assert change.before == {"roles": ["security_analyst"]} and change.after["roles"] == ["auditor"]


def test_local_administrator_is_never_taken_over(admin):
    with pytest.raises(sso.SsoRefused, match="local administrator"):
        sso.sign_in_with_provider(config=CONFIG, claims={"sub": "7", "preferred_username": "root",
                                                         "groups": ["accord-readers"]})
    admin.refresh_from_db()
    assert admin.role_names == {"admin"} and not SsoIdentity.objects.exists()


def test_existing_account_is_linked_and_unknown_users_refused_when_creation_is_off(make_user):
    dave = make_user("board_viewer", username="dave")
    no_create = oidc_config_from_env({**ENV, "ACCORD_OIDC_ISSUER": "https://id.example.com",
                                      "ACCORD_OIDC_CREATE_USERS": "false"})
    linked = sso.sign_in_with_provider(config=no_create, claims={"sub": "d", "preferred_username": "dave",
                                                                 "groups": ["accord-readers"]})
    assert linked.pk == dave.pk and linked.role_names == {"auditor"}
    assert AuditEvent.objects.filter(action="user.sso_linked").exists()
    with pytest.raises(sso.SsoRefused, match="no Accord account erin"):
        sso.sign_in_with_provider(config=no_create, claims={"sub": "e", "preferred_username": "erin",
                                                            "groups": ["accord-readers"]})
    dave.is_active = False
    dave.save()
    with pytest.raises(sso.SsoRefused, match="disabled"):
        sso.sign_in_with_provider(config=no_create, claims={"sub": "d", "groups": ["accord-readers"]})


def test_configuration_names_what_is_wrong():
    assert oidc_config_from_env({}) is None
    assert CONFIG.role_map == {"accord-ciso": ("ciso",), "accord-analysts": ("security_analyst",),
                               "accord-readers": ("auditor",)}
    with pytest.raises(OidcConfigError, match="ACCORD_OIDC_CLIENT_SECRET"):
        oidc_config_from_env({"ACCORD_OIDC_ISSUER": "https://id.example.com", "ACCORD_OIDC_CLIENT_ID": "x",
                              "ACCORD_OIDC_ROLE_MAP": "a=ciso"})
    with pytest.raises(OidcConfigError, match="'wizard' is not a role"):
        oidc_config_from_env({**ENV, "ACCORD_OIDC_ISSUER": "https://id.example.com",
                              "ACCORD_OIDC_ROLE_MAP": "a=wizard"})


def test_without_configuration_nothing_changes_and_the_library_is_not_imported(tmp_path):
    script = ("import sys, django; django.setup();"
              "from django.test import Client; from django.test.utils import setup_test_environment;"
              "setup_test_environment();"
              "assert Client().get('/accounts/login/sso/').status_code == 404;"
              "page = Client().get('/accounts/login/').content;"
              "assert b'Sign in with' not in page, page;"
              "assert not [m for m in sys.modules if m.startswith(('mozilla_django_oidc', 'accord.accounts.oidc.'))]"
              " and 'accord.accounts.oidc' not in sys.modules, 'imported'")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_OIDC")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env={**env, "DJANGO_SETTINGS_MODULE": "accord.config.settings_test",
                                 "ACCORD_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
