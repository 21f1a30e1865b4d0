"""Pages need a signed-in user; the API, static files, health check and login page do their own checks."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

OPEN_PREFIXES = ("/api/", "/static/", "/healthz", "/accounts/login")


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OPEN_PREFIXES) or request.user.is_authenticated:
            return self.get_response(request)
        login_url = reverse(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{login_url}?next={quote(request.get_full_path())}")
