"""Styled error pages: 404 and 403 inside the layout, 500 on its own (it may not reach the database)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path

from accord.config.urls import urlpatterns as accord_urls


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), *accord_urls]


def test_404_names_the_path_and_leads_home(ciso, client):
    client.force_login(ciso)
    page = client.get("/no/such/page/")
    assert page.status_code == 404
    body = page.content.decode()
    assert "/no/such/page/" in body and "Back to your desk" in body and 'class="sidebar"' in body


def test_a_missing_record_is_a_styled_404(ciso, client):
    client.force_login(ciso)
    page = client.get("/approvals/999999/")
    assert page.status_code == 404 and "Nothing here" in page.content.decode()


def test_403_names_the_missing_capability(make_user, client):
    client.force_login(make_user("board_viewer", username="board"))
    page = client.get("/vulns/")
    assert page.status_code == 403
    assert "vuln.read" in page.content.decode() and "Back to your desk" in page.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_500_is_a_page_not_a_trace(ciso):
    client = Client(raise_request_exception=False)
    client.force_login(ciso)
    page = client.get("/boom/")
    assert page.status_code == 500
    body = page.content.decode()
    assert "Something went wrong on our side" in body and "RuntimeError" not in body and "a bug" not in body


@pytest.mark.parametrize("path", ["/no/such/page/"])
def test_404_when_signed_out_redirects_to_sign_in(client, db, path):
    assert client.get(path).status_code == 302
