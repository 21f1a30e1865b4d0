"""Roll-up maths: mean and strict (all-or-nothing) per category, function and overall; gaps to target
and to benchmark; function benchmarks from their categories."""

from __future__ import annotations

import pytest

from accord.posture.frameworks import csf
from accord.posture.rollup import MEAN, STRICT, function_benchmarks, roll_up, roll_up_profile


def test_mean_leaves_unscored_out_and_strict_counts_them_as_zero():
    scores = {"a": 3, "b": 4, "c": None}
    assert roll_up(scores, ["a", "b", "c"], MEAN) == 3.5
    assert roll_up(scores, ["a", "b", "c"], STRICT) == 0.0
    assert roll_up(scores, ["a", "b"], STRICT) == 3.0
    assert roll_up({"a": 1, "b": 2, "c": 2}, ["a", "b", "c"], MEAN) == 1.67  # rounded to two decimals once
    assert roll_up({}, ["a"], MEAN) is None and roll_up({"a": None}, ["a"], STRICT) is None
    with pytest.raises(ValueError):
        roll_up(scores, ["a"], "median")


def test_profile_rolls_up_categories_functions_and_overall():
    framework = csf()
    rc = next(f for f in framework.functions if f.id == "RC")
    rp, co = rc.categories  # RC.RP (6 subcategories), RC.CO (2)
    assert (rp.id, len(rp.subcategories), co.id, len(co.subcategories)) == ("RC.RP", 6, "RC.CO", 2)
    current = {s.id: 2 for s in rp.subcategories} | {co.subcategories[0].id: 4, co.subcategories[1].id: 1}
    target = {s.id: 3 for s in rc.subcategories}
    bench = {"RC.RP": 2.5}
    mean = roll_up_profile(framework, current=current, target=target, benchmark=bench, mode=MEAN)
    rows = {r.id: r for r in mean.categories}
    assert (rows["RC.RP"].current, rows["RC.RP"].target, rows["RC.RP"].gap_to_target) == (2.0, 3.0, 1.0)
    assert rows["RC.RP"].gap_to_benchmark == 0.5 and rows["RC.CO"].benchmark is None
    assert rows["RC.CO"].current == 2.5 and rows["RC.CO"].gap_to_target == 0.5
    function = {r.id: r for r in mean.functions}["RC"]
    assert function.current == 2.13  # (6 x 2 + 4 + 1) / 8 = 2.125: every subcategory counts once, halves up
    assert function.benchmark == 2.5 and function.gap_to_benchmark == 0.37  # from its one benchmarked category
    assert (function.scored, function.total) == (8, 8)
    assert {r.id: r for r in mean.functions}["GV"].current is None  # nothing scored there
    assert mean.overall.current == 2.13 and (mean.overall.scored, mean.overall.total) == (8, 106)
    assert mean.overall.benchmark == 2.5  # the mean of the function benchmarks that exist

    strict = roll_up_profile(framework, current=current, target=target, benchmark=bench, mode=STRICT)
    rows = {r.id: r for r in strict.categories}
    assert rows["RC.CO"].current == 1.0 and rows["RC.CO"].gap_to_target == 2.0
    assert {r.id: r for r in strict.functions}["RC"].current == 1.0
    assert strict.overall.current == 0.0  # 98 subcategories unscored: not evidenced


def test_function_benchmark_prefers_its_own_value():
    framework = csf()
    values = function_benchmarks(framework, {"GV": 3.0, "GV.OC": 1.0, "ID.AM": 2.0, "ID.RA": 3.0})
    assert values["GV"] == 3.0 and values["ID"] == 2.5 and values["PR"] is None
