"""Services of the risk register: audit rows, field-named refusals that write nothing, re-run on change."""

from __future__ import annotations

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.engine.fair import ENGINE_VERSION
from accord.risks import services
from accord.risks.models import Control, RiskScenario, SimulationRun

RANSOMWARE_INPUTS = {
    "tef": {"pert": [0.5, 2, 10]},
    "vulnerability": {"pert": [0.05, 0.2, 0.5]},
    "primary_loss": {"pert": [10000, 150000, 2000000]},
    "secondary_loss_event_frequency": {"constant": 0.3},
    "secondary_loss": {"lognormal90": [50000, 5000000]},
}
BEC_INPUTS = {"lef": {"constant": 0.8}, "events": "bernoulli", "primary_loss": {"lognormal90": [20000, 900000]}}


def _counts():
    return RiskScenario.objects.count(), Control.objects.count(), SimulationRun.objects.count(), AuditEvent.objects.count()


def test_create_stores_the_scenario_its_run_and_audit_rows(ransomware, org_data):
    run = ransomware.latest_run
    assert run is not None and run.scenario == ransomware
    assert (run.seed, run.years, run.model, run.engine_version) == (11, 2_000, "event", ENGINE_VERSION)
    assert len(run.input_hash) == 64 and run.spec["scenarios"][0]["id"] == "ransomware-erp"
    assert run.result["scenarios"][0]["mean"] == pytest.approx(run.mean) and 0 <= run.p5 <= run.p95
    assert run.result["tornado"]["bars"]  # the tornado is stored with the run
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert "riskscenario.created" in actions and "simulationrun.created" in actions
    created = AuditEvent.objects.get(action="riskscenario.created")
    assert created.after["slug"] == "ransomware-erp" and created.after["assets"] == [org_data["assets"][0].pk]


@pytest.mark.parametrize(("inputs", "field", "words"), [
    ({**RANSOMWARE_INPUTS, "vulnerability": {"pert": [0.1, 0.5, 1.5]}}, "inputs.vulnerability", "[0, 1]"),
    ({**RANSOMWARE_INPUTS, "primary_loss": {"pert": [10, 5, "x"]}}, "inputs.primary_loss.pert[2]", "number"),
    ({**RANSOMWARE_INPUTS, "tfe": {"constant": 1}}, "inputs.tfe", "unknown input"),
    ({"lef": {"constant": 1}}, "inputs.primary_loss", "required"),
    ({**BEC_INPUTS, "lef": {"constant": -1}}, "inputs.lef", "negative"),
    ({**BEC_INPUTS, "lef": {"constant": 10**400}}, "inputs.lef.constant", "finite"),
    ({**BEC_INPUTS, "lef": {"constant": 5000}}, "inputs.lef", "events a year"),
])
def test_bad_inputs_are_refused_with_the_field_named_and_nothing_written(ciso, fast_settings, inputs, field, words):
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        services.create_scenario(actor=ciso, slug="x", name="X", inputs=inputs)
    problem = refused.value.problems[0]
    assert problem.field == field and words in problem.message
    assert _counts() == before


def test_model_fields_are_checked_too(ciso, fast_settings):
    with pytest.raises(ValidationFailed) as refused:
        services.create_scenario(actor=ciso, slug="not a slug", name="X", inputs=dict(BEC_INPUTS), treatment="ignore")
    assert {p.field for p in refused.value.problems} == {"slug", "treatment"}


def test_readers_cannot_write(make_user, fast_settings, bec):
    board = make_user("board_viewer")
    with pytest.raises(NotAllowed):
        services.create_scenario(actor=board, slug="x", name="X", inputs=dict(BEC_INPUTS))
    with pytest.raises(NotAllowed):
        services.simulate_scenario(actor=board, scenario=bec)


def test_re_run_on_input_change_stores_a_new_run_and_the_same_inputs_give_the_same_numbers(ciso, ransomware):
    first = ransomware.latest_run
    services.update_scenario(actor=ciso, scenario=ransomware, status="treated", description="notes")
    ransomware.refresh_from_db()
    assert ransomware.latest_run_id == first.pk  # nothing the simulation depends on changed

    changed = {**RANSOMWARE_INPUTS, "tef": {"pert": [1, 3, 12]}}
    services.update_scenario(actor=ciso, scenario=ransomware, inputs=changed)
    ransomware.refresh_from_db()
    second = ransomware.latest_run
    assert second.pk != first.pk and second.input_hash != first.input_hash and second.mean > first.mean

    services.update_scenario(actor=ciso, scenario=ransomware, inputs=dict(RANSOMWARE_INPUTS))
    ransomware.refresh_from_db()
    third = ransomware.latest_run
    assert third.pk not in (first.pk, second.pk) and third.input_hash == first.input_hash
    assert third.result["scenarios"] == first.result["scenarios"]  # bit for bit, same seed
    assert (third.mean, third.p5, third.p95) == (first.mean, first.p5, first.p95)
    assert SimulationRun.objects.filter(scenario=ransomware).count() == 3


def test_slug_cannot_change(ciso, bec):
    with pytest.raises(ValidationFailed) as refused:
        services.update_scenario(actor=ciso, scenario=bec, slug="other")
    assert refused.value.problems[0].field == "slug"


def test_controls_give_delta_ale_and_rosi_and_a_zero_control_changes_nothing(ciso, ransomware):
    edr = services.add_control(actor=ciso, scenario=ransomware, name="EDR", factor="vulnerability",
                               effectiveness={"pert": [0.2, 0.4, 0.6]}, annual_cost=120_000)
    services.add_control(actor=ciso, scenario=ransomware, name="Poster", factor="tef",
                         effectiveness={"constant": 0}, annual_cost=1_000)
    ransomware.refresh_from_db()
    effects = {e["name"]: e for e in ransomware.latest_run.result["scenarios"][0]["controls"]}
    assert effects["Poster"]["delta_mean"] == 0.0 and effects["Poster"]["rosi"] == -1.0
    edr_effect = effects["EDR"]
    assert 0 < edr_effect["delta_mean"] < ransomware.latest_run.mean
    assert edr_effect["rosi"] == pytest.approx((edr_effect["delta_mean"] - 120_000) / 120_000)
    low, high = edr_effect["delta_mean_ci90"]
    assert low < edr_effect["delta_mean"] < high
    assert AuditEvent.objects.filter(action="control.created").count() == 2

    # A control in place is part of the inputs: it leaves the simulation, and the run changes.
    before = ransomware.latest_run
    services.update_control(actor=ciso, control=edr, in_place=True)
    ransomware.refresh_from_db()
    assert ransomware.latest_run_id != before.pk
    names = [e["name"] for e in ransomware.latest_run.result["scenarios"][0]["controls"]]
    assert names == ["Poster"]
    assert ransomware.latest_run.mean == before.mean  # the scenario's own figures do not include controls

    services.remove_control(actor=ciso, control=Control.objects.get(name="Poster"))
    assert AuditEvent.objects.filter(action="control.removed").count() == 1
    ransomware.refresh_from_db()
    assert "controls" not in ransomware.latest_run.result["scenarios"][0]


@pytest.mark.parametrize(("fields", "field"), [
    ({"effectiveness": {"pert": [0.2, 0.4, 1.4]}}, "effectiveness"),
    ({"factor": "tef"}, "factor"),  # bec gives lef, so tef is not one of its inputs
    ({"factor": "magic"}, "factor"),
    ({"annual_cost": -5}, "annual_cost"),
])
def test_bad_controls_are_refused_with_their_field(ciso, bec, fields, field):
    before = _counts()
    values = {"name": "C", "factor": "lef", "effectiveness": {"constant": 0.5}, "annual_cost": 10, **fields}
    with pytest.raises(ValidationFailed) as refused:
        services.add_control(actor=ciso, scenario=bec, **values)
    assert refused.value.problems[0].field == field
    assert _counts() == before


def test_settings_change_re_runs_everything_and_bad_settings_name_the_field(ciso, bec, ransomware):
    old = {bec.latest_run_id, ransomware.latest_run_id}
    services.update_settings(actor=ciso, seed=12, appetite=[[1_000_000, 0.1]])
    bec.refresh_from_db()
    ransomware.refresh_from_db()
    assert {bec.latest_run_id, ransomware.latest_run_id}.isdisjoint(old)
    assert bec.latest_run.seed == 12 and bec.latest_run.spec["appetite"] == [[1_000_000, 0.1]]
    assert AuditEvent.objects.filter(action="risksettings.updated").exists()
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        services.update_settings(actor=ciso, appetite=[[1_000_000, 1.5]])
    assert refused.value.problems[0].field == "appetite[0][1]"
    with pytest.raises(ValidationFailed) as refused:
        services.update_settings(actor=ciso, correlation={"ids": ["bec", "ghost"], "matrix": [[1, 0], [0, 1]]})
    assert refused.value.problems[0].field == "correlation.ids"
    assert _counts() == before


def test_portfolio_with_correlation_leaves_closed_scenarios_out(ciso, bec, ransomware):
    services.update_settings(actor=ciso, correlation={"ids": ["bec", "ransomware-erp"], "matrix": [[1, 0.5], [0.5, 1]]})
    run = services.simulate_portfolio(actor=ciso)
    assert run.kind == "portfolio" and run.spec["correlation"]["ids"] == ["bec", "ransomware-erp"]
    total = sum(entry["mean"] for entry in run.result["scenarios"])
    assert run.mean == pytest.approx(total)
    services.update_scenario(actor=ciso, scenario=bec, status="closed")
    smaller = services.simulate_portfolio(actor=ciso)
    assert [e["id"] for e in smaller.result["scenarios"]] == ["ransomware-erp"]
    assert "correlation" not in smaller.spec and any("bec" in w for w in smaller.result["warnings"])
