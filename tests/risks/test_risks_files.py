"""Import and export of scenario files: all-or-nothing, errors naming scenario and field, round trip."""

from __future__ import annotations

import json

import pytest
import yaml

from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.engine.fair import simulate_file
from accord.risks import scenario_files, services
from accord.risks.models import Control, RiskScenario, RiskSettings, SimulationRun


def _import(ciso, text, filename="risks.yaml"):
    return scenario_files.import_scenario_file(actor=ciso, file=text.encode(), filename=filename)


def _state():
    return (RiskScenario.objects.count(), Control.objects.count(), SimulationRun.objects.count(),
            AuditEvent.objects.count(), RiskSettings.objects.count())


def test_import_creates_scenarios_controls_settings_and_runs(ciso, samples):
    report = _import(ciso, samples.file_text)
    assert (report.scenarios, report.created, report.updated, report.unchanged) == (2, 2, 0, 0)
    assert report.settings_changed and report.runs == 3  # two scenarios and the portfolio
    settings = RiskSettings.objects.get()
    assert (settings.currency, settings.default_years, settings.seed) == ("USD", 20_000, 7)
    assert settings.correlation["ids"] == ["ransomware-erp", "bec"]
    ransomware = RiskScenario.objects.get(slug="ransomware-erp")
    assert ransomware.inputs["tef"] == {"pert": [0.5, 2, 10]} and ransomware.controls.get().annual_cost == 120_000
    assert SimulationRun.objects.filter(kind="portfolio").get().spec["correlation"]["ids"] == ["ransomware-erp", "bec"]
    assert AuditEvent.objects.filter(action="risks.imported").count() == 1

    again = _import(ciso, samples.file_text)
    assert (again.created, again.updated, again.unchanged, again.runs) == (0, 0, 2, 1)  # only the portfolio


def test_export_gives_back_the_imported_file_and_round_trips(ciso, samples):
    _import(ciso, samples.file_text)
    exported = scenario_files.export_document(ciso)
    assert exported == yaml.safe_load(samples.file_text) | {"scenarios": exported["scenarios"]}
    by_id = {s["id"]: s for s in exported["scenarios"]}
    assert by_id == {s["id"]: s for s in yaml.safe_load(samples.file_text)["scenarios"]}
    text = scenario_files.dump_document(exported, "yaml")
    _import(ciso, text)
    assert scenario_files.export_document(ciso) == exported
    as_json = scenario_files.dump_document(exported, "json")
    assert json.loads(as_json) == exported
    report = _import(ciso, as_json, "risks.json")
    assert report.unchanged == 2


def test_the_exported_file_re_runs_to_the_stored_numbers(ciso, samples):
    _import(ciso, samples.file_text)
    stored = RiskScenario.objects.get(slug="bec").latest_run
    again = simulate_file(scenario_files.export_document(ciso, ["bec"]))
    assert again.input_hash == stored.input_hash
    assert again.scenario("bec").stats.mean == stored.mean and again.scenario("bec").stats.p95 == stored.p95


@pytest.mark.parametrize(("replace", "field", "words"), [
    (("vulnerability: {pert: [0.05, 0.2, 0.5]}", "vulnerability: {pert: [0.05, 0.2, 1.5]}"),
     "scenario ransomware-erp, field vulnerability", "[0, 1]"),
    (("lef: {constant: 0.8}", "lef: {constant: -0.8}"), "scenario bec, field lef", "negative"),
    (("annual_cost: 120000", "annual_cost: -1"), "scenario ransomware-erp, field controls[0].annual_cost", ">= 0"),
    (("- id: bec\n", "- id: b e c\n"), "scenarios[1].id", "letters"),
    (("matrix: [[1, 0.4], [0.4, 1]]", "matrix: [[1, 0.4], [0.3, 1]]"), "field correlation.matrix[0][1]", "symmetric"),
    (("years: 20000", "years: 20"), "field years", "1,000"),
])
def test_a_bad_file_is_refused_whole_naming_scenario_and_field(ciso, samples, replace, field, words):
    _import(ciso, samples.file_text)
    before = _state()
    bad = samples.file_text.replace(*replace).replace("seed: 7", "seed: 8")
    if "b e c" in bad:
        bad = bad.replace("ids: [ransomware-erp, bec]", "ids: [ransomware-erp, b e c]")
    with pytest.raises(ValidationFailed) as refused:
        _import(ciso, bad, "bad.yaml")
    problem = refused.value.problems[0]
    assert refused.value.source == "bad.yaml" and problem.field == field and words in problem.message
    assert _state() == before and RiskSettings.objects.get().seed == 7


def test_syntax_errors_name_the_line(ciso):
    with pytest.raises(ValidationFailed) as refused:
        _import(ciso, "currency: USD\nscenarios:\n  - id: [unclosed\n")
    assert refused.value.problems[0].line == 4 or refused.value.problems[0].line == 3
    with pytest.raises(ValidationFailed) as refused:
        _import(ciso, '{"scenarios": [}', "x.json")
    assert refused.value.problems[0].line == 1 and "JSON" in refused.value.problems[0].message
    assert not RiskScenario.objects.exists()


def test_in_place_controls_stay_and_are_not_in_the_file(ciso, samples):
    _import(ciso, samples.file_text)
    bec = RiskScenario.objects.get(slug="bec")
    services.add_control(actor=ciso, scenario=bec, name="DMARC", factor="lef", effectiveness={"constant": 0.2},
                         in_place=True)
    exported = scenario_files.export_document(ciso, ["bec"])
    assert "controls" not in exported["scenarios"][0]
    _import(ciso, scenario_files.dump_document(exported))
    assert bec.controls.get().name == "DMARC"
    clash = samples.file_text.replace("name: EDR everywhere", "name: DMARC").replace(
        "factor: vulnerability", "factor: lef").replace("id: ransomware-erp\n", "id: bec-x\n")
    clash = clash.replace("ids: [ransomware-erp, bec]", "ids: [bec-x, bec]")
    assert _import(ciso, clash).created == 1  # another scenario may have a control of that name
    with pytest.raises(ValidationFailed) as refused:
        _import(ciso, scenario_files.dump_document({"scenarios": [
            {"id": "bec", "name": "BEC", "lef": {"constant": 0.8}, "primary_loss": {"constant": 1000},
             "controls": [{"name": "DMARC", "factor": "lef", "effectiveness": {"constant": 0.2}}]}]}))
    assert refused.value.problems[0].field == "scenario bec, field controls[0].name"


def test_export_before_any_settings_were_saved(ciso):
    text = scenario_files.dump_document(scenario_files.export_document(ciso), "yaml")
    assert yaml.safe_load(text) == {"currency": "USD", "model": "event", "years": 50_000, "seed": 2026, "scenarios": []}
