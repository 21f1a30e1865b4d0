"""X-Forwarded-For and X-Forwarded-Proto are believed from trusted proxies only; `check --deploy` is
clean in the documented production configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from accord.core.proxies import TrustedProxyMiddleware, client_address, parse_networks

NETWORKS = parse_networks(["10.0.0.0/8", "127.0.0.1"])


@pytest.mark.parametrize(("peer", "forwarded_for", "client"), [
    ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
    ("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the leftmost is the client's own claim
    ("10.0.0.5", "203.0.113.7, 10.1.1.1", "203.0.113.7"),  # two proxies of ours
    ("10.0.0.5", "10.2.2.2, 10.1.1.1", "10.2.2.2"),  # all ours: the farthest
    ("10.0.0.5", "", "10.0.0.5"),
    ("10.0.0.5", "garbage, 10.1.1.1", "10.1.1.1"),
    ("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7"),
    ("192.0.2.1", "203.0.113.7", "192.0.2.1"),  # not a proxy of ours: the header is not believed
])
def test_the_client_is_the_rightmost_untrusted_hop(peer, forwarded_for, client):
    assert client_address(peer, forwarded_for, NETWORKS) == client


def test_a_bad_entry_names_the_setting():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=r"ACCORD_TRUSTED_PROXIES: 'proxy\.example' is not"):
        parse_networks(["10.0.0.0/8", "proxy.example"])


def _seen(peer: str, **headers: str) -> tuple[str, bool, dict[str, str]]:
    seen: dict[str, object] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(address=request.META["REMOTE_ADDR"], secure=request.is_secure(),
                    left={k: v for k, v in request.META.items() if k.startswith("HTTP_X_FORWARDED")})
        return HttpResponse()

    TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=peer, headers=headers))
    return seen["address"], seen["secure"], seen["left"]  # type: ignore[return-value]


@override_settings(ACCORD_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_trusted_proxy_sets_the_address_and_the_scheme():
    assert _seen("10.0.0.5", x_forwarded_for="203.0.113.7", x_forwarded_proto="https") == ("203.0.113.7", True, {})
    assert _seen("10.0.0.5", x_forwarded_proto="http")[1] is False
    assert _seen("10.0.0.5", x_forwarded_proto="https, http")[1] is False  # our proxy (rightmost) saw HTTP


@override_settings(ACCORD_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_anyone_else_has_both_headers_removed():
    assert _seen("192.0.2.1", x_forwarded_for="203.0.113.7", x_forwarded_proto="https") == ("192.0.2.1", False, {})


@override_settings(ACCORD_TRUSTED_PROXIES=[])
def test_with_no_trusted_proxy_nobody_is_believed():
    assert _seen("127.0.0.1", x_forwarded_for="203.0.113.7", x_forwarded_proto="https") == ("127.0.0.1", False, {})


MANAGE_PY = Path(__file__).resolve().parents[2] / "manage.py"
PRODUCTION = {  # the configuration docs/deployment.md documents
    "ACCORD_ENV": "production",
    "ACCORD_SECRET_KEY": "k2P9vQx7LmN4rT8wZs3yB6cF1hJ5dG0aE2uXqW9oK7iV3nM8pR4tY6bL1zH5gD0",
    "ACCORD_ALLOWED_HOSTS": "accord.example.com",
    "ACCORD_CSRF_TRUSTED_ORIGINS": "https://accord.example.com",
    "ACCORD_HTTPS": "true",
    "ACCORD_TRUSTED_PROXIES": "10.0.0.10",
}


def _check_deploy(tmp_path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    # Nothing of the test run's own environment: Accord's settings, and Django's (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE in this process, which check --deploy rightly reports).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    env.update(ACCORD_VAR_DIR=str(tmp_path), **env_vars)
    return subprocess.run([sys.executable, str(MANAGE_PY), "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_is_clean_in_the_documented_production_configuration(tmp_path):
    result = _check_deploy(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_still_warns_without_https(tmp_path):
    result = _check_deploy(tmp_path, **{**PRODUCTION, "ACCORD_HTTPS": "false"})
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr
