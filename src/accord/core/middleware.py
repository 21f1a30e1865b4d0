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


class ServiceRefusalsMiddleware:
    """A service's refusal that reaches no form is a page, not a 500: NotFound is the 404 page and
    NotAllowed the 403 page naming the capability (views with `capability_required` do the same)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import Http404
        from django.shortcuts import render

        from accord.core.errors import NotAllowed, NotFound
        from accord.core.permissions import CAPABILITY_HELP

        if isinstance(exception, NotFound):
            from django.views.defaults import page_not_found

            return page_not_found(request, Http404(str(exception)))
        if isinstance(exception, NotAllowed):
            return render(request, "core/forbidden.html", {"capability": exception.capability,
                                                           "help": CAPABILITY_HELP.get(exception.capability, "")},
                          status=403)
        return None
