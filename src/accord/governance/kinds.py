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
    # False where asking and approving must be different people (a risk acceptance): the requester
    # is then never asked, and cannot answer.
    requester_answers: bool = True


KINDS: dict[str, SignOffKind] = {}


def register(name: str, label: str, *, read: str, act: str, requester_answers: bool = True) -> None:
    KINDS[name] = SignOffKind(name, label, read, act, requester_answers)


def requester_answers(name: str) -> bool:
    kind = KINDS.get(name)
    return kind.requester_answers if kind else True


def label(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else name.replace("_", " ")
