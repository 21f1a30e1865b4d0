"""Instance files: accepted when well-formed, refused with the bad field's path otherwise."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accord.engine.patching.errors import InvalidInstance
from accord.engine.patching.instance import instance_to_json, load_instance, parse_instance


def test_the_issue_example_parses(example_json: dict[str, object]) -> None:
    instance = parse_instance(example_json)
    assert instance.start == datetime(2026, 12, 1, tzinfo=UTC)
    assert [w.id for w in instance.windows] == ["w1", "w2"]
    assert instance.windows[0].minutes == 240 and instance.windows[0].max_changes == 40
    assert instance.assets[0].reboot_cost == pytest.approx(20 / 60 * 5000)
    assert instance.jobs[0].due == datetime(2026, 12, 10, tzinfo=UTC)
    assert instance.is_usable(instance.windows[0]) and not instance.is_usable(instance.windows[1])


def test_round_trip(example_json: dict[str, object]) -> None:
    instance = parse_instance(example_json)
    assert parse_instance(json.loads(json.dumps(instance_to_json(instance)))) == instance


def _broken(example: dict[str, object], edit: str) -> dict[str, object]:
    bad = copy.deepcopy(example)
    jobs, windows, assets = bad["jobs"], bad["windows"], bad["assets"]
    assert isinstance(jobs, list) and isinstance(windows, list) and isinstance(assets, list)
    match edit:
        case "unknown asset":
            jobs.append({**jobs[0], "id": "j2", "asset": "x"})
        case "window longer than a day":
            windows[1]["minutes"] = 1441
        case "negative minutes":
            jobs[0]["minutes"] = -5
        case "negative risk":
            jobs[0]["risk_per_day"] = -1
        case "unknown cluster":
            assets[0]["cluster"] = "nope"
        case "duplicate job":
            jobs.append(dict(jobs[0]))
        case "duplicate window":
            windows.append(dict(windows[0]))
        case "naive timestamp":
            windows[0]["start"] = "2026-12-03T22:00:00"
        case "garbage timestamp":
            jobs[0]["due"] = "next tuesday"
        case "typo field":
            jobs[0]["rebot"] = True
        case "reboot not a bool":
            jobs[0]["reboot"] = "yes"
        case "missing start":
            del bad["start"]
        case "bad decision":
            jobs[0]["decision"] = "panic"
        case "empty groups":
            windows[0]["groups"] = []
        case "bad rrule":
            windows[0]["rrule"] = "FREQ=SOMETIMES"
        case "freeze ends before start":
            bad["freezes"] = [{"start": "2026-12-20T00:00:00Z", "end": "2026-12-19T00:00:00Z"}]
        case "negative max_down":
            bad["clusters"] = [{"id": "erp-db", "max_down": -1}]
        case "zero horizon":
            bad["horizon_days"] = 0
        case "bool as number":
            assets[0]["reboot_minutes"] = True
    return bad


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        ("unknown asset", "jobs[1].asset", "unknown asset 'x'"),
        ("window longer than a day", "windows[1].minutes", "at most a day"),
        ("negative minutes", "jobs[0].minutes", ">= 0"),
        ("negative risk", "jobs[0].risk_per_day", ">= 0"),
        ("unknown cluster", "assets[0].cluster", "unknown cluster 'nope'"),
        ("duplicate job", "jobs[1].id", "duplicate job id 'j1'"),
        ("duplicate window", "windows[2].id", "duplicate window id 'w1'"),
        ("naive timestamp", "windows[0].start", "time zone"),
        ("garbage timestamp", "jobs[0].due", "ISO 8601"),
        ("typo field", "jobs[0].rebot", "unknown field"),
        ("reboot not a bool", "jobs[0].reboot", "true or false"),
        ("missing start", "start", "required"),
        ("bad decision", "jobs[0].decision", "one of"),
        ("empty groups", "windows[0].groups", "at least one"),
        ("bad rrule", "windows[0].rrule", "bad recurrence rule"),
        ("freeze ends before start", "freezes[0].end", "after start"),
        ("negative max_down", "clusters[0].max_down", ">= 0"),
        ("zero horizon", "horizon_days", "> 0"),
        ("bool as number", "assets[0].reboot_minutes", "number"),
    ],
)
def test_invalid_instances_name_the_field(
    example_json: dict[str, object], edit: str, path: str, words: str
) -> None:
    with pytest.raises(InvalidInstance) as caught:
        parse_instance(_broken(example_json, edit))
    assert caught.value.path == path
    assert words in caught.value.message
    assert str(caught.value).startswith(f"{path}: ")


def test_recurring_windows_expand_inside_the_horizon(example_json: dict[str, object]) -> None:
    example_json["windows"] = [
        {
            "id": "sat",
            "start": "2026-12-05T22:00:00Z",
            "minutes": 180,
            "groups": ["erp"],
            "rrule": "FREQ=WEEKLY;BYDAY=SA",
        }
    ]
    instance = parse_instance(example_json)
    # 2026-12-05 .. 2027-02-27 are the Saturdays before 2027-03-01 (start + 90 days)
    assert len(instance.windows) == 13
    assert instance.windows[0].id == "sat@2026-12-05T22:00"
    assert instance.windows[-1].start == datetime(2027, 2, 27, 22, tzinfo=UTC)
    assert all(w.max_changes is None and w.minutes == 180 for w in instance.windows)
    # Dec 26 and Jan 2 fall in the year-end freeze, and Dec 19 22:00 + 3 h runs into it
    unusable = [w.start.day for w in instance.windows if not instance.is_usable(w)]
    assert unusable == [19, 26, 2]


def test_load_instance_refuses_a_non_json_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInstance, match="not a JSON document"):
        load_instance(path)


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(InvalidInstance, match="must be an object"):
        parse_instance([1, 2])
