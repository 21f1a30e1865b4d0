"""The TOTP second factor end to end on the web pages: enrol from the profile with the code computed
from the shown key, sign in with password then code, wrong and replayed codes refused, recovery codes
single-use, removal, and the organisation's requirement for chosen roles."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django.test import Client
from django_otp.oath import TOTP

from accord.accounts import two_factor
from accord.accounts.models import RecoveryCode
from accord.core.audit import verify_chain
from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import Role

PASSWORD = "correct-horse-battery-9"


def code_for(key: bytes, *, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(client: Client, username: str, next_url: str = "/"):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD, "next": next_url})


def enrol(client: Client) -> tuple[bytes, list[str], str]:
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg' in html and 'class="segno"' in html  # the QR code is drawn inline, no image from elsewhere
    typed = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    key = b32decode(typed.replace(" ", ""))
    typed_code = code_for(key)
    done = client.post("/accounts/two-factor/", {"code": typed_code})
    assert done.status_code == 200, done.content.decode()[:2000]
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.content.decode())
    return key, codes, typed_code


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_enrol_then_sign_in_needs_the_code_and_recovery_codes_work_once(ciso):
    client = Client()
    assert sign_in(client, "ciso")["Location"] == "/"
    key, codes, enrolment_code = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert not RecoveryCode.objects.filter(digest__in=codes).exists()  # stored hashed only
    assert "two_factor.enrolled" in actions()
    # Shown once: the page now manages the factor and shows no key and no codes.
    again = client.get("/accounts/two-factor/").content.decode()
    assert "totp-secret" not in again and codes[0] not in again and "10 recovery codes left" in again

    client.post("/accounts/logout/")
    half = sign_in(client, "ciso", "/org/assets/")
    assert half.status_code == 302 and half["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.get("/org/assets/").status_code == 302  # not signed in before the code

    wrong = "000000" if code_for(key) != "000000" else "111111"
    refused = client.post("/accounts/login/code/", {"code": wrong})
    assert refused.status_code == 422 and b"wrong code" in refused.content
    assert "_auth_user_id" not in client.session
    # Guessing is slowed down: right after a wrong code even the right one waits.
    slowed = client.post("/accounts/login/code/", {"code": code_for(key, steps_ahead=1)})
    assert b"too many wrong codes" in slowed.content
    time.sleep(1.1)
    # The code typed at enrolment cannot be replayed; the next step's code is accepted (one step of tolerance).
    replay = client.post("/accounts/login/code/", {"code": enrolment_code})
    assert replay.status_code == 422
    time.sleep(2.1)
    ok = client.post("/accounts/login/code/", {"code": code_for(key, steps_ahead=1)})
    assert ok.status_code == 302 and ok["Location"] == "/org/assets/"
    assert client.get("/org/assets/").status_code == 200
    assert actions().count("auth.second_factor_failed") == 3 and "auth.second_factor_passed" in actions()

    client.post("/accounts/logout/")
    sign_in(client, "ciso")
    with_recovery = client.post("/accounts/login/code/", {"code": codes[3].upper()})
    assert with_recovery.status_code == 302 and client.get("/").status_code == 200
    assert "two_factor.recovery_code_used" in actions()

    client.post("/accounts/logout/")
    sign_in(client, "ciso")
    spent = client.post("/accounts/login/code/", {"code": codes[3]})
    assert spent.status_code == 422 and "_auth_user_id" not in client.session
    assert verify_chain().ok


def test_remove_needs_a_code(ciso):
    client = Client()
    sign_in(client, "ciso")
    _key, codes, _ = enrol(client)
    refused = client.post("/accounts/two-factor/disable/", {"code": "abcde-fghjk"}, follow=True)
    assert b"Second factor not removed" in refused.content and two_factor.has_second_factor(ciso)
    time.sleep(1.1)
    client.post("/accounts/two-factor/disable/", {"code": codes[0]})
    assert not two_factor.has_second_factor(ciso) and not RecoveryCode.objects.filter(user=ciso).exists()
    assert "two_factor.disabled" in actions()
    client.post("/accounts/logout/")
    assert sign_in(client, "ciso")["Location"] == "/"  # password alone again


def test_organisation_requires_a_second_factor_for_chosen_roles(admin, ciso, make_user, api_as):
    auditor = make_user(Role.AUDITOR, username="auditor")
    admin_client = Client()
    sign_in(admin_client, "root")
    page = admin_client.post("/accounts/two-factor/policy/", {"second_factor_roles": ["ciso"]})
    assert page.status_code == 302
    assert "org_settings.updated" in actions()

    client = Client()
    sign_in(client, "ciso", "/risks/")
    # Signed in with the password, but every page sends a CISO without a second factor to enrolment.
    for path in ("/", "/risks/", "/accounts/profile/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"
    assert client.get("/api/v1/me").status_code == 403  # the session cannot use the API either
    assert b"requires a second factor" in client.get("/accounts/two-factor/").content
    # A personal token is not a session: it was made after a sign-in and is unaffected.
    assert api_as(ciso).get("/me").status_code == 200

    enrol(client)
    assert client.get("/risks/").status_code == 200

    other = Client()
    sign_in(other, "auditor")
    assert other.get("/").status_code == 200  # auditors are not required
    assert auditor.pk


def test_policy_is_for_administrators_and_names_unknown_roles(ciso, admin):
    from accord.org import services as org_services

    client = Client()
    client.force_login(ciso)
    assert client.get("/accounts/two-factor/policy/").status_code == 403
    with pytest.raises(ValidationFailed) as refused:
        org_services.set_second_factor_roles(actor=admin, roles=["ciso", "wizard"])
    assert refused.value.problems[0].field == "second_factor_roles"


def test_administrator_resets_a_lost_second_factor(admin, ciso):
    client = Client()
    sign_in(client, "ciso")
    enrol(client)
    with pytest.raises(ValidationFailed):
        two_factor.reset_second_factor(actor=admin, user=admin)
    two_factor.reset_second_factor(actor=admin, user=ciso)
    assert not two_factor.has_second_factor(ciso)
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor_id == admin.pk and event.object_id == str(ciso.pk)
