"""Board pack API: ask for a pack (rendered as a job), list packs, read one with its figures, and
download its PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, PageQuery, file_download, paginate
from accord.core.rate_limits import count_expensive
from accord.packs import selectors, services
from accord.packs.periods import last_complete_quarter
from accord.packs.schemas import BoardPackDetailOut, BoardPackIn, BoardPackOut, PackQuery

router = Router(tags=["packs"])
READ, GENERATE = Capability(selectors.READ), Capability(selectors.GENERATE)


class ListQuery(PageQuery, PackQuery):
    pass


@router.post("/board", response={202: BoardPackDetailOut, **REFUSALS}, auth=GENERATE)
def request_board_pack(request: HttpRequest, payload: BoardPackIn) -> Any:
    """Ask for the board pack of a quarter: 202 with the pack, rendered by the job `job_id` (follow it
    at GET /api/v1/jobs/{job_id}, or poll this pack until `status` is ready)."""
    actor = acting_user(request)
    count_expensive(actor)
    pack = services.request_board_pack(actor=actor, period=payload.period or str(last_complete_quarter()))
    return Status(202, selectors.pack_by_id(actor, pack.pk))


@router.get("/", response={200: Page[BoardPackOut], **REFUSALS}, auth=READ)
def list_packs(request: HttpRequest, query: Query[ListQuery]) -> Any:
    return paginate(selectors.packs_visible_to(acting_user(request), period=query.period), page=query.page,
                    page_size=query.page_size)


@router.get("/{pack_id}", response={200: BoardPackDetailOut, **REFUSALS}, auth=READ)
def get_pack(request: HttpRequest, pack_id: DbId) -> Any:
    return selectors.pack_by_id(acting_user(request), pack_id)


@router.get("/{pack_id}/pdf", response=REFUSALS, auth=READ,
            openapi_extra=file_download("application/pdf", description="The pack as PDF"))
def pack_pdf(request: HttpRequest, pack_id: DbId) -> Any:
    """The PDF (404 until the pack is ready)."""
    actor = acting_user(request)
    pack = selectors.pack_by_id(actor, pack_id)
    response = HttpResponse(selectors.pack_pdf(actor, pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    return response
