"""The vendor security questionnaire (data/questionnaire.yaml) and how answers become a score.

score = sum(weight x answer's share) / sum(weight of the questions that apply) x 100, rounded to one
decimal. A "not applicable" answer (share null) takes its question out of both sums; when no question
applies the score is refused. Every question must be answered with one of its answer keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from accord.core.errors import Problem, ValidationFailed

QUESTIONNAIRE_FILE = Path(__file__).resolve().parent / "data" / "questionnaire.yaml"


@dataclass(frozen=True)
class Answer:
    key: str
    label: str
    share: float | None  # None: not applicable


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    weight: float
    answers: tuple[Answer, ...]

    def answer(self, key: str) -> Answer | None:
        return next((a for a in self.answers if a.key == key), None)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "title": self.title, "questions": [
            {"id": q.id, "text": q.text, "weight": q.weight,
             "answers": [{"key": a.key, "label": a.label, "score": a.share} for a in q.answers]}
            for q in self.questions]}


def parse(document: dict[str, Any]) -> Questionnaire:
    """A questionnaire from its YAML document; a malformed one raises ValueError naming the question."""
    questions = []
    for position, item in enumerate(document["questions"], start=1):
        weight = float(item["weight"])
        if weight <= 0:
            raise ValueError(f"question {position} ({item.get('id')}): the weight must be positive")
        answers = tuple(Answer(str(a["key"]), str(a["label"]), None if a["score"] is None else float(a["score"]))
                        for a in item["answers"])
        if any(a.share is not None and not 0 <= a.share <= 1 for a in answers):
            raise ValueError(f"question {position} ({item['id']}): answer scores lie between 0 and 1")
        questions.append(Question(str(item["id"]), str(item["text"]), weight, answers))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError("question ids must be unique")
    return Questionnaire(str(document["version"]), str(document.get("title", "")), tuple(questions))


@cache
def current() -> Questionnaire:
    """The questionnaire in force (the file shipped with Accord)."""
    return parse(yaml.safe_load(QUESTIONNAIRE_FILE.read_text(encoding="utf-8")))


def score(questionnaire: Questionnaire, answers: dict[str, str]) -> Decimal:
    """The 0-100 score of a complete set of answers; refuses, naming each question, a missing or unknown
    answer or question."""
    problems = [Problem(field=f"answers.{key}", message="no such question in questionnaire "
                        f"{questionnaire.version}") for key in answers if questionnaire.question(key) is None]
    earned = possible = 0.0
    for question in questionnaire.questions:
        given = answers.get(question.id)
        if given is None or given == "":
            problems.append(Problem(field=f"answers.{question.id}", message="not answered"))
            continue
        answer = question.answer(given)
        if answer is None:
            keys = ", ".join(a.key for a in question.answers)
            problems.append(Problem(field=f"answers.{question.id}", message=f"{given!r} is not one of {keys}"))
            continue
        if answer.share is not None:
            earned += question.weight * answer.share
            possible += question.weight
    if problems:
        raise ValidationFailed(problems)
    if possible == 0:
        raise ValidationFailed.field("answers", "every question is marked not applicable: nothing to score")
    return Decimal(str(100 * earned / possible)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
