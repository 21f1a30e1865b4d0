"""Anchors kept outside the database: the audit chain's head written to a file or posted to a webhook.

An anchor is the JSON object `{"anchor": "ROW:HASH", "row": ..., "hash": ..., "at": ..., "database": ...}`.
A file of anchors holds one per line, appended, so it doubles as a history; `latest_anchor_in`
reads the last one for `accord audit verify --anchor-file`.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from accord.core.audit import parse_anchor
from accord.core.errors import ValidationFailed
from accord.core.permissions import HasCapabilities
from accord.core.selectors import audit_chain_head

WEBHOOK_TIMEOUT_SECONDS = 10


def current_anchor(viewer: HasCapabilities) -> dict[str, Any]:
    """The chain's head as an anchor document; refused while the trail is still empty."""
    head = audit_chain_head(viewer)
    if head is None:
        raise ValidationFailed.field("anchor", "the audit trail is empty: there is no row to anchor yet")
    database = settings.DATABASES["default"]
    return {"anchor": str(head), "row": head.seq, "hash": head.hash,
            "at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
            "database": f"{database['ENGINE'].rsplit('.', 1)[-1]}:{database.get('HOST') or ''}"
                        f"{':' if database.get('HOST') else ''}{database['NAME']}"}


def append_anchor(document: dict[str, Any], path: Path) -> None:
    """Append the anchor as one JSON line (the file is created if missing, never truncated)."""
    line = json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"
    try:
        with Path(path).open("a", encoding="utf-8") as sink:
            sink.write(line)
    except OSError as exc:
        raise ValidationFailed.field("to", f"cannot write {path}: {exc.strerror}") from None


def post_anchor(document: dict[str, Any], url: str) -> int:
    """POST the anchor as JSON to `url` (http or https); the HTTP status, refused unless 2xx."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValidationFailed.field("webhook", f"{url!r} is not an http:// or https:// address")
    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 - scheme checked above
                                     headers={"Content-Type": "application/json", "User-Agent": "accord-anchor"})
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise ValidationFailed.field("webhook", f"{url} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ValidationFailed.field("webhook", f"{url} could not be reached: {reason}") from None


def latest_anchor_in(path: Path) -> str:
    """The "ROW:HASH" of the last anchor `append_anchor` wrote to `path`."""
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed.field("anchor-file", f"{path} does not exist")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise ValidationFailed.field("anchor-file", f"{path} holds no anchor")
    try:
        text = str(json.loads(lines[-1])["anchor"])
    except (ValueError, KeyError, TypeError):
        raise ValidationFailed.field("anchor-file", f"the last line of {path} (line {len(lines)}) is not an anchor "
                                                    "written by `accord audit anchor --to`") from None
    return str(parse_anchor(text, field="anchor-file"))
