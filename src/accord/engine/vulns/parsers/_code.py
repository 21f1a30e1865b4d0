"""What the code and component formats (SARIF, CycloneDX, DefectDojo) share.

Their findings attach to an application or repository asset named from the file's own metadata;
a file that names none attaches them to one placeholder per tool (`unnamed application
(dependency-check)`), never to an asset named after the uploaded file, and says so in the notes.
Fields Accord has no column for (CWE ids) are kept inside the description, labelled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from accord.engine.vulns.notes import ParseNotes

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_CREDENTIALS = re.compile(r"^[^/@]*@")
_SCP_LIKE = re.compile(r"^[^/:]+:(?!\d+(?:/|$))")
_CWE = re.compile(r"^(?:CWE-?)?(\d{1,7})$", re.IGNORECASE)


def repository_name(uri: str) -> str:
    """`https://user:token@git.example.com/payments/checkout-api.git` -> `git.example.com/payments/checkout-api`.

    The scheme goes (the same repository is cloned over https and ssh), and so do credentials a CI
    job may have left in the URI: a token must never become an asset name.
    """
    text = _CREDENTIALS.sub("", _SCHEME.sub("", uri.strip()).rstrip("/"))
    if _SCP_LIKE.match(text):  # git@host:org/repo, as ssh clones are written
        text = text.replace(":", "/", 1)
    return re.sub(r"\.git$", "", text)


def folder_name(uri: str) -> str:
    """The last folder of a root URI (`file:///home/runner/work/shop/shop/` -> `shop`), "" if none."""
    path = _SCHEME.sub("", uri.strip()).rstrip("/")
    name = path.rsplit("/", 1)[-1]
    return "" if name in ("", ".", "..") or name.endswith(":") else name


def unnamed_application(tool: str, notes: ParseNotes, what: str) -> str:
    """The placeholder asset for findings of a file that names no application, noted for the summary."""
    name = f"unnamed application ({tool.strip().lower() or 'unknown tool'})"
    notes.note(
        f"{what}: no repository or application named, so findings attach to {name!r}; "
        "name the application (or an existing asset) at import to keep applications apart"
    )
    return name


def cwe_ids(values: Iterable[object]) -> list[str]:
    """`CWE-79` for each of 79, "79", "CWE-79", "cwe79"; other values are left out."""
    found = []
    for value in values:
        if isinstance(value, bool):
            continue
        match = _CWE.match(str(value).strip())
        if match:
            found.append(f"CWE-{int(match.group(1))}")
    return list(dict.fromkeys(found))


def with_weaknesses(description: str, cwes: Iterable[str]) -> str:
    """The description with a last line naming the CWE weaknesses (Accord has no CWE column)."""
    listed = ", ".join(cwes)
    if not listed:
        return description
    return f"{description}\n\nWeaknesses: {listed}" if description else f"Weaknesses: {listed}"
