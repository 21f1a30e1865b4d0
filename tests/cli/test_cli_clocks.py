"""`accord clocks deadlines` and `accord clocks add`: JSON with the promised keys, the legal basis in
the text output, bad input exits 2 naming the option, and the command line starts without the engine."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from accord.cli.clocks import app

DEADLINE_KEYS = {"key", "label", "due", "starts_from", "within", "capped_by", "basis", "note"}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_deadlines_json_for_gdpr():
    result = invoke("deadlines", "--regime", "gdpr", "--aware", "2026-12-04T16:00Z", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"regime", "moments", "deadlines", "not_yet"}
    assert document["moments"] == {"aware": "2026-12-04T16:00:00Z"}
    (deadline,) = document["deadlines"]
    assert set(deadline) == DEADLINE_KEYS
    assert deadline["due"] == "2026-12-07T16:00:00Z"
    assert deadline["basis"] == "Regulation (EU) 2016/679 (GDPR), Art. 33(1)"
    assert document["not_yet"] == []


def test_deadlines_json_for_dora_names_what_is_not_yet_computable():
    result = invoke("deadlines", "--regime", "DORA", "--aware", "2026-12-04T17:00+01:00",
                    "--classified", "2026-12-05T14:00Z", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (initial,) = document["deadlines"]
    assert initial["due"] == "2026-12-05T16:00:00Z" and initial["capped_by"] == "24 hours after aware"
    assert document["not_yet"] == [
        {"key": "intermediate_report", "label": "Intermediate report", "needs": ["initial_notified"]},
        {"key": "final_report", "label": "Final report", "needs": ["last_intermediate"]},
    ]


def test_deadlines_json_for_sec_and_nis2_with_their_moments():
    sec = json.loads(invoke("deadlines", "--regime", "sec", "--aware", "2026-11-20T10:00Z",
                            "--determined", "2026-11-25T15:00-05:00", "--json").stdout)
    assert sec["deadlines"][0]["due"] == "2026-12-02T22:30:00Z"
    nis2 = json.loads(invoke("deadlines", "--regime", "nis2", "--aware", "2027-01-28T10:00Z",
                             "--notified", "2027-01-31T10:00Z", "--json").stdout)
    assert [d["due"] for d in nis2["deadlines"]] == ["2027-01-29T10:00:00Z", "2027-01-31T10:00:00Z",
                                                      "2027-02-28T10:00:00Z"]


def test_deadlines_text_shows_each_deadline_with_its_legal_basis():
    result = invoke("deadlines", "--regime", "nis2", "--aware", "2026-12-04T16:00Z")
    assert result.exit_code == 0, result.output
    assert "Early warning to the CSIRT or competent authority" in result.stdout
    assert "Sat 2026-12-05 16:00 UTC (24 hours after aware)" in result.stdout
    assert "Directive (EU) 2022/2555 (NIS2), Art. 23(4)(a)" in result.stdout
    assert "Final report: not yet computable; give --notified" in result.stdout


@pytest.mark.parametrize(("args", "names"), [
    (["--regime", "hipaa", "--aware", "2026-12-04T16:00Z"], ["--regime", "unknown regime", "gdpr"]),
    (["--regime", "gdpr", "--aware", "2026-12-04T16:00"], ["--aware", "no UTC offset", "Z"]),
    (["--regime", "gdpr", "--aware", "2026-12-04"], ["--aware", "no UTC offset"]),
    (["--regime", "gdpr", "--aware", "yesterday"], ["--aware", "not an ISO 8601 time"]),
    (["--regime", "dora", "--aware", "2026-12-04T16:00Z", "--classified", "soon"], ["--classified"]),
    (["--regime", "sec", "--aware", "2026-12-04T16:00Z"], ["--determined", "no deadline it can compute yet"]),
])
def test_bad_deadline_input_exits_2_naming_the_option(args, names):
    result = invoke("deadlines", *args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    for name in names:
        assert name in result.stderr
    assert "Traceback" not in result.output


def test_add_json_gives_the_business_time_due_moment():
    result = invoke("add", "--calendar", "de-be", "--start", "2026-12-04T16:00Z", "--hours", "16", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "calendar": "de-be", "zone": "Europe/Berlin", "start": "2026-12-04T16:00:00Z", "hours": 16.0,
        "due": "2026-12-08T16:00:00Z", "due_local": "2026-12-08T17:00:00+01:00",
    }


def test_add_text_skips_thanksgiving_in_new_york():
    result = invoke("add", "--calendar", "us-ny", "--start", "2026-11-25T16:00-05:00", "--hours", "2")
    assert result.exit_code == 0, result.output
    assert "due 2026-11-27T15:00:00Z (Fri 2026-11-27 10:00 America/New_York)" in result.stdout


@pytest.mark.parametrize(("args", "names"), [
    (["--calendar", "mars", "--start", "2026-12-04T16:00Z", "--hours", "8"], ["--calendar", "de-be", "utc-247"]),
    (["--calendar", "uk", "--start", "2026-12-04T16:00", "--hours", "8"], ["--start", "no UTC offset"]),
    (["--calendar", "uk", "--start", "2026-12-04T16:00Z", "--hours", "-1"], ["--hours"]),
    (["--calendar", "uk", "--start", "2026-12-04T16:00Z", "--hours", "nan"], ["--hours"]),
])
def test_bad_add_input_exits_2_naming_the_option(args, names):
    result = invoke("add", *args)
    assert result.exit_code == 2
    for name in names:
        assert name in result.stderr


def test_the_lists_of_regimes_and_calendars():
    assert {"gdpr", "nis2", "sec", "dora"} <= {line.split()[0] for line in invoke("regimes").stdout.splitlines()}
    assert "utc-247" in invoke("calendars").stdout


def test_the_command_line_starts_without_the_clock_engine_holidays_or_yaml():
    probe = ("import sys, accord.cli; "
             "print(','.join(n for n in ('holidays', 'yaml', 'accord.engine.clocks') if n in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_the_real_entry_point_prints_deadlines():
    done = subprocess.run([sys.executable, "-c", "from accord.cli import main; main()", "clocks", "deadlines",
                           "--regime", "gdpr", "--aware", "2026-12-04T16:00Z", "--json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["deadlines"][0]["due"] == "2026-12-07T16:00:00Z"
