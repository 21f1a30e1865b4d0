"""Product areas not landed yet, the audit trail, and a health check."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from accord.core.errors import ValidationFailed
from accord.core.navigation import AREAS_BY_KEY
from accord.core.selectors import AuditFilter, audit_events_visible_to, audit_object_types, verify_audit_chain
from accord.core.web import capability_required, is_partial, paginate, viewer


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def area(request: HttpRequest, key: str) -> HttpResponse:
    found = AREAS_BY_KEY.get(key)
    if found is None:
        raise Http404(f"no area {key!r}")
    return render(request, "core/area_pending.html", {"area": found})


def _day(value: str | None, *, end: bool = False) -> dt.datetime | None:
    day = parse_date(value or "")
    if day is None:
        return None
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return start + dt.timedelta(days=1) if end else start


@capability_required("audit.read")
def audit_trail(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = AuditFilter(actor=g.get("actor", "").strip(), action=g.get("action", "").strip(),
                          object_type=g.get("object_type", ""), object_id=g.get("object_id", "").strip(),
                          since=_day(g.get("since")), until=_day(g.get("until"), end=True))
    page, query = paginate(request, audit_events_visible_to(viewer(request), filters), per_page=50)
    context = {"page": page, "query": query, "filters": g, "object_types": audit_object_types(viewer(request))}
    template = "core/_audit_rows.html" if is_partial(request) else "core/audit.html"
    return render(request, template, context)


@capability_required("audit.read")
def audit_verify(request: HttpRequest) -> HttpResponse:
    """The chain verified, with an anchor written down earlier (a board pack prints one) when given."""
    anchor = request.GET.get("anchor", "").strip()
    try:
        report = verify_audit_chain(viewer(request), anchor=anchor)
    except ValidationFailed as refused:
        return render(request, "core/_audit_verify.html", {"problem": "; ".join(p.message for p in refused.problems)})
    return render(request, "core/_audit_verify.html",
                  {"report": report, "anchor": anchor, "anchor_row": anchor.split(":", 1)[0]})
