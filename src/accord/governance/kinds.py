"""The kinds of sign-off, registered by the apps that own them: a label for people, and the
capability needed to see one (an auditor sees every kind; a project owner only theirs)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignOffKind:
    name: str
    label: str
    read: str  # capability to see it
    act: str  # capability to answer it (the owning app's service checks it too)


KINDS: dict[str, SignOffKind] = {}


def register(name: str, label: str, *, read: str, act: str) -> None:
    KINDS[name] = SignOffKind(name, label, read, act)


def label(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else name.replace("_", " ")
