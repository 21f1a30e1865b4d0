"""The board pack's render, as a job: reading the figures and printing the PDF take seconds."""

from __future__ import annotations

from typing import Any

from accord.jobs.registry import JobRun, register


@register("packs.board", "Print a board pack", capability="report.generate")
def render_board_pack(run: JobRun) -> dict[str, Any]:
    from accord.packs import selectors, services

    pack = selectors.pack_by_id(run.actor, int(run.args["pack"]))
    try:
        pack = services.render_board_pack(actor=run.actor, pack=pack, progress=run.progress)
    except Exception as exc:
        services.record_board_pack_failure(actor=run.actor, pack=pack, error=f"{type(exc).__name__}: {exc}")
        raise
    return {"pack": pack.pk, "period": pack.period, "pages": pack.pages, "sha256": pack.sha256,
            "url": f"/reports/{pack.pk}/", "summary": f"Board pack {pack.period}: {pack.pages} pages"}
