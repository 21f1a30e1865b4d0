"""Plain text that reads well when pasted into an email or a chat: headings in capitals, bullets,
paragraphs wrapped at 78 columns, no markup."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

WIDTH = 78


def heading(text: str) -> str:
    return text.upper()


def paragraph(text: str, *, indent: str = "") -> str:
    lines = []
    for part in (text or "").strip().splitlines() or [""]:
        lines.append(textwrap.fill(part.strip(), WIDTH, initial_indent=indent, subsequent_indent=indent) or indent)
    return "\n".join(lines).rstrip()


def bullets(items: Iterable[str], *, empty: str = "") -> str:
    lines = [textwrap.fill(item.strip(), WIDTH, initial_indent="- ", subsequent_indent="  ")
             for item in items if item and item.strip()]
    return "\n".join(lines) if lines else empty


def key_values(pairs: Iterable[tuple[str, str]]) -> str:
    rows = list(pairs)
    width = max((len(key) for key, _ in rows), default=0)
    return "\n".join(f"{key + ':':<{width + 1}} {value}" for key, value in rows)


def section(title: str, body: str) -> str:
    return f"{heading(title)}\n{body}".rstrip()


def document(*sections: str) -> str:
    """Sections separated by blank lines, ending with one newline."""
    return "\n\n".join(s for s in sections if s and s.strip()) + "\n"
