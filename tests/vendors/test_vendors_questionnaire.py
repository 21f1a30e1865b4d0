"""The questionnaire as data and its scoring: weighted answers into 0-100, not-applicable questions left
out, every problem named by question."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.core.errors import ValidationFailed
from accord.vendors import questionnaire
from accord.vendors.questionnaire import parse, score

SMALL = parse({"version": "t1", "title": "test", "questions": [
    {"id": "a", "text": "A?", "weight": 3, "answers": [{"key": "yes", "label": "Y", "score": 1},
                                                       {"key": "half", "label": "H", "score": 0.5},
                                                       {"key": "no", "label": "N", "score": 0}]},
    {"id": "b", "text": "B?", "weight": 1, "answers": [{"key": "yes", "label": "Y", "score": 1},
                                                       {"key": "no", "label": "N", "score": 0},
                                                       {"key": "na", "label": "n/a", "score": None}]},
]})


def test_weighted_score():
    assert score(SMALL, {"a": "yes", "b": "yes"}) == Decimal(100)
    assert score(SMALL, {"a": "no", "b": "no"}) == Decimal(0)
    assert score(SMALL, {"a": "half", "b": "yes"}) == Decimal("62.5")  # (3 x 0.5 + 1) / 4
    assert score(SMALL, {"a": "yes", "b": "no"}) == Decimal(75)


def test_not_applicable_leaves_the_question_out():
    assert score(SMALL, {"a": "half", "b": "na"}) == Decimal(50)


def test_every_problem_is_named_by_question():
    with pytest.raises(ValidationFailed) as refused:
        score(SMALL, {"a": "maybe", "c": "yes"})
    fields = {p.field: p.message for p in refused.value.problems}
    assert set(fields) == {"answers.a", "answers.b", "answers.c"}
    assert "not one of yes, half, no" in fields["answers.a"] and fields["answers.b"] == "not answered"


def test_nothing_to_score_is_refused():
    only_na = parse({"version": "t2", "questions": [
        {"id": "x", "text": "X?", "weight": 1, "answers": [{"key": "na", "label": "n/a", "score": None}]}]})
    with pytest.raises(ValidationFailed, match="not applicable"):
        score(only_na, {"x": "na"})


def test_a_malformed_questionnaire_is_refused():
    with pytest.raises(ValueError, match="weight"):
        parse({"version": "x", "questions": [{"id": "a", "text": "A", "weight": 0, "answers": []}]})
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse({"version": "x", "questions": [{"id": "a", "text": "A", "weight": 1,
                                              "answers": [{"key": "y", "label": "Y", "score": 2}]}]})


def test_the_shipped_questionnaire():
    form = questionnaire.current()
    assert form.version == "2026.1" and len(form.questions) == 8
    assert sum(q.weight for q in form.questions) == 16
    for q in form.questions:  # every question has a best answer worth the whole weight and a worst worth none
        shares = [a.share for a in q.answers if a.share is not None]
        assert max(shares) == 1 and min(shares) == 0
