"""Usernames are checked when created; users already stored with other characters still show and
can be disabled from the web and the API. A token id of someone else's is not found, not a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.accounts import services
from accord.accounts.models import ApiToken, User
from accord.core.errors import ValidationFailed


@pytest.mark.parametrize("username", ["dana", "dana.smith", "d_s-1", "dana+ops@example.org", "zoë", "x" * 150])
def test_these_usernames_are_accepted(admin, username):
    user = services.create_user(actor=admin, username=username, password="a-long-passphrase-1", roles=["cio"])
    assert user.username == username


@pytest.mark.parametrize("username", ["a/b", "../admin", "two words", "semi;colon", "quote'", "<b>", "x" * 151,
                                      "tab\tname", "percent%2F"])
def test_other_usernames_are_refused_naming_the_field(admin, username):
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(actor=admin, username=username, password="a-long-passphrase-1", roles=["cio"])
    assert refused.value.problems[0].field == "username"
    assert not User.objects.exclude(username="root").exists()


def test_the_web_form_shows_the_refusal_beside_the_username(admin):
    client = Client()
    client.force_login(admin)
    page = client.post("/accounts/users/", {"username": "a/b", "password": "a-long-passphrase-1", "roles": ["cio"]})
    assert page.status_code == 200 and "username" in page.context["form"].errors
    assert b"use letters, digits and . _ @ + - only" in page.content


@pytest.fixture
def odd(db) -> User:
    """A user stored before usernames were checked."""
    return User.objects.create_user(username="ops/team lead", password="a-long-passphrase-1")


def test_a_stored_odd_username_shows_and_is_disabled_on_the_web(admin, odd):
    client = Client()
    client.force_login(admin)
    page = client.get("/accounts/users/")
    assert page.status_code == 200 and b"ops/team lead" in page.content
    assert f'action="/accounts/users/{odd.pk}/disable/"'.encode() in page.content
    done = client.post(f"/accounts/users/{odd.pk}/disable/", follow=True)
    assert done.status_code == 200 and b"ops/team lead disabled" in done.content
    odd.refresh_from_db()
    assert not odd.is_active


def test_a_stored_odd_username_is_disabled_and_given_roles_through_the_api(api_as, admin, odd):
    api = api_as(admin)
    roles = api.call("PUT", "/users/ops%2Fteam%20lead/roles", {"roles": ["auditor"]})
    assert roles.status_code == 200, roles.content
    disabled = api.post("/users/ops%2Fteam%20lead/disable")
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False
    assert api.post("/users/nobody/disable").status_code == 404


def test_revoking_someone_elses_token_on_the_web_is_not_found(make_user):
    alice, bob = make_user("cio", username="alice"), make_user("cio", username="bob")
    issued = services.create_token(actor=alice, name="alice's laptop")
    client = Client()
    client.force_login(bob)
    for token_id in (issued.token.pk, 987654, 2**64):
        assert client.post(f"/accounts/tokens/{token_id}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None
