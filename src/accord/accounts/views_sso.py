"""Single sign-on pages: start, the provider's callback, and the refusal page. Without ACCORD_OIDC
they answer 404 and the OpenID library is never imported."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accord.accounts.oidc_config import OidcConfig
from accord.accounts.sso import REFUSAL_KEY


def _configured() -> OidcConfig:
    if settings.ACCORD_OIDC is None:
        raise Http404("single sign-on is not configured")
    return settings.ACCORD_OIDC


def start(request: HttpRequest) -> HttpResponse:
    _configured()
    from accord.accounts.oidc import SsoStartView

    return SsoStartView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    _configured()
    from accord.accounts.oidc import SsoCallbackView

    return SsoCallbackView.as_view()(request)


def refused(request: HttpRequest) -> HttpResponse:
    _configured()
    reason = request.session.pop(REFUSAL_KEY, "") or "the sign-in was not completed"
    return render(request, "accounts/sso_refused.html", {"reason": reason, "provider": _configured().name},
                  status=403)
