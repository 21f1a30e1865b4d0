"""The skill catalogue: technical and business skills with a short description, and what each level
(0-4) means. It is data (`data/skills.json`), read once; assessments and goals name a skill by its key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TECHNICAL, BUSINESS = "technical", "business"
KINDS = (TECHNICAL, BUSINESS)
MIN_LEVEL, MAX_LEVEL = 0, 4


@dataclass(frozen=True)
class Skill:
    key: str
    kind: str
    name: str
    description: str


@dataclass(frozen=True)
class Catalogue:
    skills: tuple[Skill, ...]
    levels: dict[int, str]

    def get(self, key: str) -> Skill | None:
        return next((s for s in self.skills if s.key == key), None)

    def name_of(self, key: str) -> str:
        skill = self.get(key)
        return skill.name if skill else key

    def keys(self) -> list[str]:
        return [s.key for s in self.skills]


@cache
def catalogue() -> Catalogue:
    document = json.loads((Path(__file__).parent / "data" / "skills.json").read_text(encoding="utf-8"))
    skills = tuple(Skill(s["key"], s["kind"], s["name"], s["description"]) for s in document["skills"])
    levels = {int(k): v for k, v in document["levels"].items()}
    return Catalogue(skills, levels)
