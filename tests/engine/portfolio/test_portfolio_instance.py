"""Instance files: the issue's example parses; bad instances are refused with the field path named."""

from __future__ import annotations

import copy
import json

import pytest

from accord.engine.portfolio.errors import InvalidInstance
from accord.engine.portfolio.instance import instance_from_json, parse_instance

EXAMPLE = {
    "scenarios": [{"id": "ransomware-erp", "ale": 2400000}, {"id": "bec", "ale": 500000}],
    "initiatives": [
        {
            "id": "edr",
            "cost": 300000,
            "annual_cost": 120000,
            "capacity": {"secops": 2},
            "effects": [{"scenario": "ransomware-erp", "reduction": 0.35}],
            "requires": [],
            "excludes": [],
            "mandatory": False,
        },
        {"id": "mfa", "cost": 50000, "effects": [{"scenario": "bec", "reduction": 0.6}]},
        {"id": "xdr", "cost": 400000, "excludes": ["edr"]},
        {"id": "soc", "cost": 100000, "requires": ["edr"]},
    ],
    "capacity": {"secops": 6},
    "horizon_years": 3,
    "discount_rate": 0.08,
}


def test_the_issue_example_parses():
    instance = instance_from_json(json.dumps(EXAMPLE))
    assert [s.id for s in instance.scenarios] == ["ransomware-erp", "bec"]
    edr = instance.initiatives[0]
    assert edr.horizon_cost(3) == 300000 + 3 * 120000
    assert dict(edr.capacity or {}) == {"secops": 2}
    assert instance.reductions[0, 0] == 0.35
    assert instance.horizon_costs.tolist() == [660000, 50000, 400000, 100000]
    assert instance.discount_rate == 0.08
    assert instance.forced == frozenset()


def edited(path: list, value, *, delete: bool = False) -> dict:
    data = copy.deepcopy(EXAMPLE)
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD = [
    (
        ["initiatives", 0, "effects", 0, "reduction"],
        1.5,
        "initiatives[0].effects[0].reduction",
        "between 0 and 1",
    ),
    (
        ["initiatives", 0, "effects", 0, "reduction"],
        -0.1,
        "initiatives[0].effects[0].reduction",
        "between 0 and 1",
    ),
    (["initiatives", 0, "effects", 0, "reduction"], "0.3", "initiatives[0].effects[0].reduction", "number"),
    (
        ["initiatives", 0, "effects", 0, "scenario"],
        "flood",
        "initiatives[0].effects[0].scenario",
        "unknown scenario",
    ),
    (["initiatives", 3, "requires", 0], "siem", "initiatives[3].requires[0]", "unknown initiative"),
    (["initiatives", 2, "excludes", 0], "nope", "initiatives[2].excludes[0]", "unknown initiative"),
    (["initiatives", 2, "excludes", 0], "xdr", "initiatives[2].excludes[0]", "itself"),
    (["initiatives", 1, "cost"], -1, "initiatives[1].cost", ">= 0"),
    (["initiatives", 0, "annual_cost"], -5, "initiatives[0].annual_cost", ">= 0"),
    (["initiatives", 1, "cost"], True, "initiatives[1].cost", "number"),
    (["initiatives", 1, "cost"], float("inf"), "initiatives[1].cost", "finite"),
    (["initiatives", 0, "capacity"], {"devops": 1}, "initiatives[0].capacity.devops", "unknown team"),
    (["initiatives", 0, "capacity", "secops"], -2, "initiatives[0].capacity.secops", ">= 0"),
    (["initiatives", 0, "mandatory"], "yes", "initiatives[0].mandatory", "true or false"),
    (["initiatives", 0, "anual_cost"], 5, "initiatives[0].anual_cost", "unknown field"),
    (["initiatives", 1, "id"], "edr", "initiatives[1].id", "duplicate"),
    (["initiatives", 1, "id"], "", "initiatives[1].id", "non-empty"),
    (["scenarios", 1, "id"], "ransomware-erp", "scenarios[1].id", "duplicate"),
    (["scenarios", 0, "ale"], -1, "scenarios[0].ale", ">= 0"),
    (["scenarios"], [], "scenarios", "at least one"),
    (["capacity", "secops"], -1, "capacity.secops", ">= 0"),
    (["horizon_years"], 0, "horizon_years", ">= 1"),
    (["horizon_years"], 2.5, "horizon_years", "whole number"),
    (["discount_rate"], 1.5, "discount_rate", "between 0 and 1"),
    (["budget"], 5, "budget", "unknown field"),
]


@pytest.mark.parametrize(("path", "value", "field", "words"), BAD, ids=[b[2] + "=" + repr(b[1]) for b in BAD])
def test_bad_fields_are_refused_with_the_path(path, value, field, words):
    with pytest.raises(InvalidInstance) as caught:
        parse_instance(edited(path, value))
    assert caught.value.path == field
    assert words in caught.value.message
    assert str(caught.value).startswith(field + ": ")


def test_missing_required_fields_are_named():
    with pytest.raises(InvalidInstance, match=r"^horizon_years: is required"):
        parse_instance(edited(["horizon_years"], None, delete=True))
    with pytest.raises(InvalidInstance, match=r"^initiatives\[1\]\.cost: is required"):
        parse_instance(edited(["initiatives", 1, "cost"], None, delete=True))
    with pytest.raises(InvalidInstance, match=r"^initiatives: is required"):
        parse_instance(edited(["initiatives"], None, delete=True))


def test_duplicate_effect_on_one_scenario_is_refused():
    data = edited(["initiatives", 1, "effects"], [{"scenario": "bec", "reduction": 0.1}] * 2)
    with pytest.raises(InvalidInstance, match=r"^initiatives\[1\]\.effects\[1\]: duplicate scenario 'bec'"):
        parse_instance(data)


def test_mandatory_initiatives_that_exclude_each_other_are_refused():
    data = edited(["initiatives", 2, "mandatory"], True)
    data["initiatives"][0]["mandatory"] = True
    with pytest.raises(InvalidInstance) as caught:
        parse_instance(data)
    assert caught.value.path.endswith(".mandatory")
    assert "'edr'" in caught.value.message and "'xdr'" in caught.value.message


def test_mandatory_that_requires_an_excluded_initiative_is_refused():
    # soc requires edr; xdr excludes edr; both soc and xdr mandatory: contradiction through requires
    data = edited(["initiatives", 3, "mandatory"], True)
    data["initiatives"][2]["mandatory"] = True
    with pytest.raises(InvalidInstance, match=r"mandatory.*exclude each other"):
        parse_instance(data)


def test_initiative_whose_requirements_exclude_each_other_is_refused():
    # a requires b and c, c excludes b: a can never be selected
    data = copy.deepcopy(EXAMPLE)
    data["initiatives"] += [
        {"id": "a", "cost": 1, "requires": ["b", "c"]},
        {"id": "b", "cost": 1},
        {"id": "c", "cost": 1, "excludes": ["b"]},
    ]
    with pytest.raises(InvalidInstance) as caught:
        parse_instance(data)
    assert caught.value.path == "initiatives[4].requires"
    assert "'b'" in caught.value.message and "'c'" in caught.value.message


def test_a_requires_cycle_is_a_bundle_not_an_error():
    data = copy.deepcopy(EXAMPLE)
    data["initiatives"][1]["requires"] = ["soc"]  # mfa -> soc -> edr, no contradiction
    data["initiatives"][0]["requires"] = ["mfa"]  # edr -> mfa closes the cycle
    instance = parse_instance(data)
    assert instance.initiatives[0].requires == ("mfa",)


def test_mandatory_initiatives_over_capacity_are_refused():
    data = edited(["initiatives", 0, "mandatory"], True)
    data["capacity"]["secops"] = 1
    with pytest.raises(InvalidInstance, match=r"^capacity\.secops: 1 available"):
        parse_instance(data)


def test_not_json_and_not_an_object():
    with pytest.raises(InvalidInstance, match=r"^line 1: not valid JSON"):
        instance_from_json("{nope")
    with pytest.raises(InvalidInstance, match=r"^instance: must be an object"):
        instance_from_json("[]")
    with pytest.raises(InvalidInstance, match=r"^initiatives\[0\]: must be an object"):
        parse_instance(edited(["initiatives", 0], 7))
