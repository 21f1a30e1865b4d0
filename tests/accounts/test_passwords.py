"""Changing one's password on the profile, and resetting a forgotten one through an emailed link,
followed end to end with Django's test client and its mail outbox."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accord.accounts import services
from accord.accounts.models import LoginThrottle, User
from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent

OLD = "correct-horse-battery-9"
NEW = "a-brand-new-passphrase-7"


def _signed_in(user: User) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": OLD}).status_code == 302
    return client


def test_the_profile_links_to_the_password_page(ciso):
    client = _signed_in(ciso)
    assert b'href="/accounts/profile/password/"' in client.get("/accounts/profile/").content


def test_changing_the_password_keeps_this_session_and_ends_the_others(ciso):
    here, elsewhere = _signed_in(ciso), _signed_in(ciso)
    done = here.post("/accounts/profile/password/", {"old_password": OLD, "new_password": NEW,
                                                     "new_password_again": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/profile/"
    assert here.get("/accounts/profile/").status_code == 200
    assert elsewhere.get("/accounts/profile/").status_code == 302  # back to the sign-in page
    ciso.refresh_from_db()
    assert ciso.check_password(NEW)
    event = AuditEvent.objects.get(action="user.password_changed")
    assert event.actor_name == "ciso" and event.after == {"address": "127.0.0.1"}


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"old_password": "not-it", "new_password": NEW, "new_password_again": NEW}, "old_password",
     b"this is not your current password"),
    ({"old_password": OLD, "new_password": NEW, "new_password_again": NEW + "x"}, "new_password_again",
     b"The two new passwords differ."),
    ({"old_password": OLD, "new_password": "short", "new_password_again": "short"}, "new_password",
     b"This password is too short"),
])
def test_a_refused_change_says_why_and_changes_nothing(ciso, form, field, message):
    client = _signed_in(ciso)
    page = client.post("/accounts/profile/password/", form)
    assert page.status_code == 422 and message in page.content
    assert field in page.context["form"].errors
    ciso.refresh_from_db()
    assert ciso.check_password(OLD)
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()


def test_a_borrowed_session_cannot_guess_the_current_password(ciso, settings):
    settings.ACCORD_LOGIN_FREE_FAILURES = 3
    client = _signed_in(ciso)
    for _ in range(3):
        client.post("/accounts/profile/password/", {"old_password": "guess", "new_password": NEW,
                                                    "new_password_again": NEW})
    page = client.post("/accounts/profile/password/", {"old_password": OLD, "new_password": NEW,
                                                       "new_password_again": NEW})
    assert b"Too many failed sign-ins" in page.content
    ciso.refresh_from_db()
    assert ciso.check_password(OLD)
    assert AuditEvent.objects.filter(action="user.password_change_refused").count() == 3


def _reset_link() -> str:
    assert len(mail.outbox) == 1
    found = re.search(r"https?://\S+/accounts/login/reset/\S+/", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    return found.group(0)


def test_a_forgotten_password_is_reset_through_the_emailed_link(make_user, settings):
    settings.ACCORD_BASE_URL = "https://accord.example.com"
    dana = make_user("cio", username="dana")
    User.objects.filter(pk=dana.pk).update(email="dana@example.org")
    client = Client()
    assert b'href="/accounts/login/forgot/"' in client.get("/accounts/login/").content
    sent = client.post("/accounts/login/forgot/", {"login": "DANA@example.org"})
    assert sent.status_code == 200 and b'id="reset-sent"' in sent.content
    assert mail.outbox[0].to == ["dana@example.org"]
    link = _reset_link()
    assert link.startswith("https://accord.example.com/accounts/login/reset/")

    opened = client.get(link.removeprefix("https://accord.example.com"))
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")  # the token leaves the address
    form_page = client.get(opened["Location"])
    assert form_page.status_code == 200 and b"Choose a new password" in form_page.content
    done = client.post(opened["Location"], {"new_password": NEW, "new_password_again": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session  # not signed in: the sign-in (and its second factor) follows

    assert client.post("/accounts/login/", {"username": "dana", "password": NEW}).status_code == 302
    assert AuditEvent.objects.filter(action="auth.password_reset_requested", object_id=str(dana.pk)).count() == 1
    assert AuditEvent.objects.get(action="user.password_reset").actor_name == "dana"

    again = Client().get(link.removeprefix("https://accord.example.com"), follow=True)
    assert again.status_code == 400 and b'id="reset-invalid"' in again.content  # the link worked once


def _page_body(response) -> str:
    """The page's own part, without what differs per response anyway (the CSRF token, nonces)."""
    return re.search(r'<div class="login">.*?</div>', response.content.decode(), re.S).group(0)


def test_the_answer_is_the_same_whether_or_not_an_account_matches(ciso):
    User.objects.filter(pk=ciso.pk).update(email="ciso@example.org")
    client = Client()
    known = client.post("/accounts/login/forgot/", {"login": "ciso"})
    unknown = client.post("/accounts/login/forgot/", {"login": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _page_body(known) == _page_body(unknown)
    assert len(mail.outbox) == 1


def test_no_link_for_accounts_that_cannot_use_one(make_user):
    """Disabled accounts, accounts without email, and accounts without a password (single sign-on)."""
    disabled, sso = make_user("cio", username="gone"), make_user("cio", username="sso")
    make_user("cio", username="silent")
    User.objects.filter(pk__in=[disabled.pk, sso.pk]).update(email="x@example.org")
    User.objects.filter(pk=disabled.pk).update(is_active=False)
    sso.set_unusable_password()
    sso.save()
    for login in ("gone", "silent", "sso"):
        services.request_password_reset(login=login, address="10.0.0.1")
    assert mail.outbox == []


def test_one_reset_email_per_account_in_five_minutes(ciso):
    User.objects.filter(pk=ciso.pk).update(email="ciso@example.org")
    for _ in range(3):
        services.request_password_reset(login="ciso", address="10.0.0.1")
    assert len(mail.outbox) == 1


def test_a_reset_forgets_the_failed_sign_ins(ciso, settings):
    settings.ACCORD_LOGIN_FREE_FAILURES = 2
    User.objects.filter(pk=ciso.pk).update(email="ciso@example.org")
    for _ in range(2):
        services.sign_in(username="ciso", password="wrong", address="10.0.0.1")
    services.request_password_reset(login="ciso", address="10.0.0.1")
    uid, token = _reset_link().rstrip("/").split("/")[-2:]
    services.reset_password(uidb64=uid, token=token, new_password=NEW, address="10.0.0.1")
    assert LoginThrottle.objects.get(username="ciso").failures == 0
    assert services.sign_in(username="ciso", password=NEW, address="10.0.0.1") is not None


@pytest.mark.parametrize(("uid", "token"), [("MQ", "nonsense"), ("!!", "x-y"), ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ", "a-b")])
def test_a_bad_link_is_refused_naming_the_token(ciso, uid, token):
    with pytest.raises(ValidationFailed) as refused:
        services.reset_password(uidb64=uid, token=token, new_password=NEW, address="10.0.0.1")
    assert refused.value.problems[0].field == "token"
    page = Client().get(f"/accounts/login/reset/{uid}/{token}/", follow=True)
    assert page.status_code == 400
