"""The OpenID Connect code flow with mozilla-django-oidc, fitted to Accord: settings come from
ACCORD_OIDC (accord.accounts.oidc_config), endpoints from the issuer's discovery document unless
given, PKCE and the nonce always on, the ID token's audience and issuer checked, and the claims
handed to accord.accounts.sso, which decides who signs in with which roles.

Only imported when single sign-on is configured (the backend is listed in AUTHENTICATION_BACKENDS
then, and the sign-on views import this module on their first request).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accord.accounts import sso
from accord.accounts.oidc_config import OidcConfig
from accord.accounts.sso import REFUSAL_KEY
from accord.accounts.two_factor import SIGNED_IN_WITH

TIMEOUT_SECONDS = 15
DISCOVERY_TTL_SECONDS = 3600

_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_discovery_lock = threading.Lock()


class ProviderUnavailable(Exception):
    pass


def current_config() -> OidcConfig:
    config = settings.ACCORD_OIDC
    if config is None:
        raise ProviderUnavailable("single sign-on is not configured")
    return config


def provider_endpoint(config: OidcConfig, name: str) -> str:
    """An endpoint of the provider: configured explicitly, else from its discovery document (kept an hour)."""
    if name in config.endpoints:
        return config.endpoints[name]
    with _discovery_lock:
        cached = _discovered.get(config.discovery_url)
        if cached is not None and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
            document = cached[1]
        else:
            try:
                response = requests.get(config.discovery_url, timeout=TIMEOUT_SECONDS)
                response.raise_for_status()
                document = response.json()
            except (requests.RequestException, ValueError) as exc:
                raise ProviderUnavailable(f"{config.name} could not be reached ({config.discovery_url}): "
                                          f"{exc.__class__.__name__}") from None
            _discovered[config.discovery_url] = (time.monotonic(), document)
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise ProviderUnavailable(f"{config.name}'s discovery document names no {name}")
    return value


def mozilla_setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, answered from ACCORD_OIDC instead of OIDC_* Django settings."""
    config = current_config()
    answers: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": config.client_id,
        "OIDC_RP_CLIENT_SECRET": config.client_secret,
        "OIDC_RP_SCOPES": " ".join(config.scopes),
        "OIDC_RP_SIGN_ALGO": config.sign_algo,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso_callback",
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_TIMEOUT": TIMEOUT_SECONDS,
        "LOGIN_REDIRECT_URL_FAILURE": reverse("accounts:sso_refused"),
    }
    if name in answers:
        return answers[name]
    return import_from_settings(name, *default)


def _remember_refusal(request: HttpRequest, reason: str) -> None:
    request.session[REFUSAL_KEY] = reason


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class AccordOidcBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of the code flow only; every other authenticate() (passwords, API
    tokens) passes it by without a network call."""

    get_settings = staticmethod(mozilla_setting)
    # ModelBackend's: a disabled user's session ends, where mozilla-django-oidc's would keep it.
    get_user = ModelBackend.get_user

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every authenticate() call; the endpoints are looked up at
        # the callback, where a provider that is down can be reported, not here.
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, nonce: str | None = None,
                     code_verifier: str | None = None, **credentials: Any) -> Any:
        if request is None or nonce is None or credentials:
            return None
        config = current_config()
        try:
            self.OIDC_OP_TOKEN_ENDPOINT = provider_endpoint(config, "token_endpoint")
            self.OIDC_OP_USER_ENDPOINT = provider_endpoint(config, "userinfo_endpoint")
            self.OIDC_OP_JWKS_ENDPOINT = provider_endpoint(config, "jwks_uri")
            self.OIDC_RP_CLIENT_ID = config.client_id
            self.OIDC_RP_CLIENT_SECRET = config.client_secret
            self.OIDC_RP_SIGN_ALGO = config.sign_algo
            self.OIDC_RP_IDP_SIGN_KEY = None
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except sso.SsoRefused as exc:
            _remember_refusal(request, str(exc))
        except ProviderUnavailable as exc:
            _remember_refusal(request, str(exc))
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError) as exc:
            _remember_refusal(request, f"the answer of {config.name} could not be verified ({exc})")
        return None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return True  # accord.accounts.sso decides, with a reason the user is shown

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        config = current_config()
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if config.client_id not in audiences:
            raise sso.SsoRefused(f"the sign-in token from {config.name} was not issued to Accord")
        if str(payload.get("iss", "")).rstrip("/") != config.issuer:
            raise sso.SsoRefused(f"the sign-in token was issued by {payload.get('iss')!r}, not {config.issuer}")
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub", payload.get("sub")) != payload.get("sub"):
            raise sso.SsoRefused(f"{config.name} answered for another account than the one signing in")
        assert self.request is not None  # noqa: S101 - set by authenticate()
        return sso.sign_in_with_provider(config=config, claims={**payload, **userinfo},
                                         address=_client_address(self.request))


class SsoStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and a PKCE challenge kept in the session."""

    get_settings = staticmethod(mozilla_setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoint is looked up in get(), where a failure can be shown

    def get(self, request: HttpRequest) -> HttpResponse:
        config = current_config()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoint(config, "authorization_endpoint")
        except ProviderUnavailable as exc:
            _remember_refusal(request, str(exc))
            return HttpResponseRedirect(reverse("accounts:sso_refused"))
        self.OIDC_RP_CLIENT_ID = config.client_id
        return super().get(request)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(mozilla_setting)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        # The provider enforces its own second factor: the enrolment requirement is for passwords.
        self.request.session[SIGNED_IN_WITH] = "sso"
        return response

    def login_failure(self) -> HttpResponse:
        self.request.session.setdefault(REFUSAL_KEY, "the sign-in was cancelled or has expired; try again")
        return super().login_failure()
