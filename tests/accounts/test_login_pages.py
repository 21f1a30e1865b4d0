from __future__ import annotations

from django.test import Client


def test_pages_redirect_to_login_when_signed_out(db):
    response = Client().get("/org/assets/?q=erp")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/org/assets/")


def test_login_requires_csrf_and_signs_in(ciso):
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/accounts/login/", {"username": "ciso", "password": "correct-horse-battery-9"})
    assert refused.status_code == 403

    client = Client()
    ok = client.post("/accounts/login/", {"username": "ciso", "password": "correct-horse-battery-9", "next": "/org/assets/"})
    assert ok.status_code == 302 and ok["Location"] == "/org/assets/"
    assert client.get("/").status_code == 200


def test_wrong_password_and_throttle_messages(ciso, settings):
    settings.ACCORD_LOGIN_FREE_FAILURES = 2
    client = Client()
    first = client.post("/accounts/login/", {"username": "ciso", "password": "nope"})
    assert b"Wrong username or password" in first.content
    client.post("/accounts/login/", {"username": "ciso", "password": "nope"})
    slowed = client.post("/accounts/login/", {"username": "ciso", "password": "correct-horse-battery-9"})
    assert b"Too many failed sign-ins for this account. Try again in 2 seconds." in slowed.content
    assert "_auth_user_id" not in client.session


def test_open_redirects_are_refused(ciso):
    client = Client()
    response = client.post("/accounts/login/", {"username": "ciso", "password": "correct-horse-battery-9",
                                                "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_profile_creates_a_token_shown_once(ciso):
    client = Client()
    client.force_login(ciso)
    page = client.post("/accounts/profile/", {"name": "laptop"})
    assert b"acc_" in page.content
    again = client.get("/accounts/profile/")
    assert b"laptop" in again.content and b'id="new-token"' not in again.content


def test_users_page_needs_user_read(make_user):
    client = Client()
    client.force_login(make_user("board_viewer"))
    response = client.get("/accounts/users/")
    assert response.status_code == 403 and b"user.read" in response.content
