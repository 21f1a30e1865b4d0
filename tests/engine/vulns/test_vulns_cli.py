"""`accord vulns cvss | ssvc | parse` (engine-only commands)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from accord.cli.vulns import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def test_cvss_json() -> None:
    result = runner.invoke(app, ["cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "--json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert (document["score"], document["severity"], document["version"]) == (7.5, "High", "3.1")


def test_cvss_table_and_bad_vector() -> None:
    result = runner.invoke(app, ["cvss", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"])
    assert result.exit_code == 0 and "9.3" in result.stdout and "Critical" in result.stdout
    bad = runner.invoke(app, ["cvss", "CVSS:3.1/AV:N"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output and "Missing mandatory" in bad.output


def test_ssvc() -> None:
    args = ["ssvc", "--exploitation", "active", "--automatable", "no", "--technical-impact", "total"]
    result = runner.invoke(app, [*args, "--mission-wellbeing", "high", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["decision"] == "act"
    spelled = runner.invoke(app, [*args, "--mission-well-being", "medium"])
    assert spelled.exit_code == 0 and "attend" in spelled.stdout
    bad = runner.invoke(app, [*args, "--mission-wellbeing", "extreme"])
    assert bad.exit_code == 2 and "mission_wellbeing" in bad.output


def test_parse_counts_by_severity() -> None:
    result = runner.invoke(app, ["parse", str(FIXTURES / "small.nessus"), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "nessus" and document["findings"] == 3
    assert document["by_severity"] == {"critical": 1, "high": 0, "medium": 1, "low": 0, "info": 1}
    assert document["assets"] == 2


def test_parse_explicit_format_and_errors(tmp_path: Path) -> None:
    table = runner.invoke(app, ["parse", str(FIXTURES / "sbom.cdx.json"), "--format", "cyclonedx"])
    assert table.exit_code == 0 and "2 suppressed" in table.stdout.replace("\n", " ")
    broken = tmp_path / "broken.nessus"
    broken.write_bytes((FIXTURES / "small.nessus").read_bytes()[:900])
    result = runner.invoke(app, ["parse", str(broken)])
    assert (
        result.exit_code == 2 and "broken.nessus, line" in result.output and "Traceback" not in result.output
    )
    wrong = runner.invoke(app, ["parse", str(FIXTURES / "small.nessus"), "--format", "nmap"])
    assert wrong.exit_code == 2
    missing = runner.invoke(app, ["parse", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output
