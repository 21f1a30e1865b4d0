"""What fixes a finding, named once for the patch planner and the triage lists.

A finding's *action* is its solution text with the spacing normalised (first 300 characters), or
"fix RULE" when the scanner gave no solution. Findings whose actions differ only in case are the
same fix: their `fix_key` is the same. The key is stored on each finding (`Finding.fix_key`) so the
findings list can be grouped and filtered by fix in the database.
"""

from __future__ import annotations

import hashlib

ACTION_LENGTH = 300
FIX_KEY_LENGTH = 16  # hex characters: 64 bits, no collision to fear among a catalogue's fixes


def action_of(solution: str, rule_id: str, title: str) -> str:
    text = " ".join((solution or "").split()).strip()
    if text:
        return text[:ACTION_LENGTH]
    return f"fix {rule_id or title}"[:ACTION_LENGTH]


def action_key(action: str) -> str:
    return hashlib.sha256(action.lower().encode("utf-8")).hexdigest()[:FIX_KEY_LENGTH]


def fix_key_of(solution: str, rule_id: str, title: str) -> str:
    return action_key(action_of(solution, rule_id, title))
