"""The steering pack as the page and the PDF show it, from `selectors.pack_document` (the API's
document): nothing here reads the database, so the PDF prints exactly the figures the API reports."""

from __future__ import annotations

from typing import Any

PACK_TEMPLATE = "steering/pack_print.html"


def partnership_table(document: dict[str, Any]) -> dict[str, Any]:
    """The partnership trend as a table: one column per quarter (oldest first), one row per figure."""
    quarters = document["partnership"]["quarters"]
    labels: list[str] = []
    for quarter in quarters:
        for figure in quarter["figures"]:
            if figure["label"] not in labels:
                labels.append(figure["label"])
    rows = [{"label": label,
             "values": [next((f["value"] for f in q["figures"] if f["label"] == label), "\u2013") for q in quarters]}
            for label in labels]
    return {"quarters": [q["quarter"] for q in quarters],
            "rows": rows}


def pack_context(document: dict[str, Any]) -> dict[str, Any]:
    meeting = document["meeting"]
    return {"title": f"Steering pack: {meeting['title']}", "doc": document,
            "partnership": partnership_table(document),
            "subtitle": f"Agenda as of {document['as_of']}: {document['item_count']} open item"
                        f"{'s' if document['item_count'] != 1 else ''}"}


def pack_pdf(document: dict[str, Any]) -> bytes:
    from accord.reports import render_pdf

    return render_pdf(PACK_TEMPLATE, pack_context(document))
