"""The Reports area: board packs, a button to generate one for a quarter, its progress while the job
runs, and the download. The pack's page shows the headline figures it printed, read from what was
stored with it, so the page says what the PDF says."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.core.errors import ValidationFailed
from accord.core.permissions import can
from accord.core.web import capability_required, is_partial, paginate, viewer
from accord.jobs.selectors import live_progress
from accord.packs import selectors, services
from accord.packs.models import BoardPack
from accord.packs.periods import last_complete_quarter, recent_quarters


def _rows(packs: list[BoardPack]) -> list[dict[str, Any]]:
    return [{"pack": p, "progress": live_progress(p.job) if p.job is not None and not p.ready else None}
            for p in packs]


@capability_required(selectors.READ)
def home(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    page, query = paginate(request, selectors.packs_visible_to(user), per_page=25)
    rows = _rows(list(page))
    context = {"page": page, "query": query, "rows": rows,
               "pending": any(r["pack"].state in ("queued", "running") for r in rows),
               "can_generate": can(user, selectors.GENERATE),
               "quarters": recent_quarters(), "default_period": str(last_complete_quarter())}
    template = "packs/_pack_rows.html" if is_partial(request) else "packs/home.html"
    return render(request, template, context)


@require_POST
@capability_required(selectors.GENERATE)
def generate(request: HttpRequest) -> HttpResponse:
    try:
        pack = services.request_board_pack(actor=viewer(request), period=request.POST.get("period", ""))
    except ValidationFailed as exc:
        messages.error(request, str(exc))
        return redirect("packs:home")
    messages.success(request, f"Board pack {pack.period} requested: it is printed in the background.")
    return redirect("packs:home")


@capability_required(selectors.READ)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = selectors.pack_by_id(viewer(request), pk)
    figures = pack.figures or {}
    progress = live_progress(pack.job) if pack.job is not None and not pack.ready else None
    return render(request, "packs/detail.html", {"pack": pack, "figures": figures,
                                                 "sections": figures.get("sections", {}), "progress": progress})


@capability_required(selectors.READ)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    pack = selectors.pack_by_id(user, pk)
    response = HttpResponse(selectors.pack_pdf(user, pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    return response
