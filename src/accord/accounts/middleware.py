"""Users whose role the organisation requires a second factor of enrol before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from accord.accounts import two_factor

# What such a user may still reach: the enrolment page, signing in and out, static files, health.
ENROLMENT_OPEN = ("/accounts/two-factor/", "/accounts/login", "/accounts/logout", "/static/", "/healthz")


class SecondFactorEnrolmentMiddleware:
    """A session signed in with a password alone, whose user holds a role listed in the
    organisation's second_factor_roles and has no second factor, is sent to the enrolment page
    (the API answers 403). Sessions signed in with a code or through single sign-on are not checked
    again; API tokens are not sessions and pass (docs/sign-in.md says why)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and not request.path.startswith(ENROLMENT_OPEN)
                and not request.headers.get("Authorization")
                and request.session.get(two_factor.SIGNED_IN_WITH) is None
                and two_factor.enrolment_required(user)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "enrol a second factor first: your role requires one "
                                               "(/accounts/two-factor/)"}, status=403)
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        return self.get_response(request)
