"""The REST API: /api/v1/, OpenAPI at /api/v1/openapi.json. Each app contributes a router."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from accord import __version__
from accord.acceptances.api import router as acceptances_router
from accord.accounts.api import router as accounts_router
from accord.core.api import router as audit_router
from accord.core.api_auth import CsrfFailed
from accord.core.api_common import AccordApi
from accord.core.errors import NotAllowed, NotFound, ValidationFailed
from accord.core.rate_limits import RateLimited
from accord.culture.api import router as culture_router
from accord.desk.api import router as desk_router
from accord.governance.api import router as governance_router
from accord.incidents.api import router as incidents_router
from accord.jobs.api import router as jobs_router
from accord.leadership.api import router as leadership_router
from accord.metrics.api import router as metrics_router
from accord.notifications.api import router as notifications_router
from accord.org.api import router as org_router
from accord.packs.api import router as packs_router
from accord.patching.api import router as patching_router
from accord.portfolio.api import router as portfolio_router
from accord.posture.api import router as posture_router
from accord.reviews.api import router as reviews_router
from accord.risks.api import router as risks_router
from accord.steering.api import router as steering_router
from accord.vendors.api import router as vendors_router
from accord.vulns.api import router as vulns_router

api = AccordApi(
    title="Accord API",
    version=__version__,
    description=(
        "The shared decision desk of the CIO and the CISO. Authenticate with a personal token "
        "(`Authorization: Bearer acc_...`, create one with `accord token create` or on your profile page) "
        "or a signed-in browser session."
    ),
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/org", org_router)
api.add_router("/risks", risks_router)
api.add_router("/vulns", vulns_router)
api.add_router("/patching", patching_router)
api.add_router("/portfolio", portfolio_router)
api.add_router("/governance", governance_router)
api.add_router("/notifications", notifications_router)
api.add_router("/jobs", jobs_router)
api.add_router("/desk", desk_router)
api.add_router("/reviews", reviews_router)
api.add_router("/incidents", incidents_router)
api.add_router("/acceptances", acceptances_router)
api.add_router("/steering", steering_router)
api.add_router("/metrics", metrics_router)
api.add_router("/reports", packs_router)
api.add_router("/posture", posture_router)
api.add_router("/vendors", vendors_router)
api.add_router("/culture", culture_router)
api.add_router("/leadership", leadership_router)


def _error(request: HttpRequest, status: int, detail: str, problems: list | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "problems": problems or []}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "sign in or send a valid personal token (Authorization: Bearer acc_...)")


@api.exception_handler(CsrfFailed)
def _csrf(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return _error(request, 403, "CSRF check failed: send the X-CSRFToken header with session requests")


@api.exception_handler(NotAllowed)
def _not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return _error(request, 403, str(exc))


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _error(request, 429, str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _error(request, 404, str(exc))


@api.exception_handler(ValidationFailed)
def _invalid(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return _error(request, 422, str(exc), [p.as_dict() for p in exc.problems])


@api.exception_handler(ProtectedError)
@api.exception_handler(RestrictedError)
def _still_referenced(request: HttpRequest, exc: ProtectedError | RestrictedError) -> HttpResponse:
    found = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    names = sorted({f"{obj._meta.verbose_name} {obj}" for obj in list(found)[:5]})
    return _error(request, 409, "cannot delete: still referred to by " + ", ".join(names))


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
def _unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django refuses these bodies itself (too many fields, too large, a broken multipart boundary);
    # answered here so the body is the API's JSON error rather than Django's HTML page.
    return _error(request, 400, f"the request cannot be read: {exc}")


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Services validate before they write; what still reaches the database as a constraint error is
    # a write racing another (the same unique name twice at once), and the transaction rolled back.
    return _error(request, 409, "the change conflicts with a record written at the same time; try again")


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [
        {"field": ".".join(str(p) for p in err.get("loc", [])[1:]) or str(err.get("loc", "")),
         "message": err.get("msg", "invalid"), "line": None, "column": None}
        for err in exc.errors
    ]
    return _error(request, 422, "the request is not valid", problems)
