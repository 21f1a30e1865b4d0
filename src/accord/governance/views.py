"""The approvals page (what is open, granted, voided, expired), one sign-off, and the decision log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.core.web import capability_required, paginate, viewer
from accord.governance import selectors
from accord.governance.kinds import KINDS, label
from accord.governance.models import SignOffStatus


def approvals(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    status = request.GET.get("status", SignOffStatus.OPEN)
    status = status if status in SignOffStatus.values or status == "all" else SignOffStatus.OPEN
    kind = request.GET.get("kind", "")
    rows = selectors.signoffs_visible_to(user, status="" if status == "all" else status,
                                         kind=kind if kind in KINDS else "")
    page, query = paginate(request, rows.prefetch_related("approvals__user"), per_page=50)
    return render(request, "governance/approvals.html", {
        "page": page, "query": query, "status": status, "kind": kind, "statuses": SignOffStatus.choices,
        "kinds": [(name, k.label) for name, k in KINDS.items() if k.read in user.capabilities],
        "waiting": selectors.waiting_for(user), "counts": selectors.counts(user), "label": label,
    })


def signoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    signoff = selectors.signoff_by_id(user, pk)
    return render(request, "governance/signoff.html", {
        "signoff": signoff, "kind_label": label(signoff.kind), "open_slots": selectors.open_slot_indexes(signoff),
    })


@capability_required(selectors.DECISIONS_READ)
def decisions(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, selectors.decisions_visible_to(viewer(request)), per_page=50)
    return render(request, "governance/decisions.html", {"page": page, "query": query})


@capability_required(selectors.DECISIONS_READ)
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_by_id(viewer(request), pk)
    return render(request, "governance/decision.html", {"decision": decision})
