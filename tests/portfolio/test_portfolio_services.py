"""Initiative, effect and budget scenario services: validation with the field named, audit rows."""

from __future__ import annotations

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.portfolio import services
from accord.portfolio.models import Initiative, InitiativeEffect


def _problems(exc_info):
    return {p.field: p.message for p in exc_info.value.problems}


def test_create_and_update_are_audited_with_links_and_capacity(ciso, org_data, scenarios):
    mfa = services.create_initiative(actor=ciso, slug="mfa", title="MFA", one_off_cost=10, annual_cost=5)
    pam = services.create_initiative(actor=ciso, slug="pam", title="PAM", requires=["mfa"], capacity={"Platform": 2},
                                     csf_subcategories=["pr.aa-05"])
    assert [r.slug for r in pam.requires.all()] == ["mfa"]
    assert pam.csf_subcategories == ["PR.AA-05"]
    created = AuditEvent.objects.filter(action="initiative.created", object_id=str(pam.pk)).get()
    assert created.after["requires"] == ["mfa"] and created.after["capacity"] == {"Platform": 2.0}

    services.update_initiative(actor=ciso, initiative=pam, annual_cost=7, capacity={"Network": 1}, excludes=[])
    updated = AuditEvent.objects.filter(action="initiative.updated", object_id=str(pam.pk)).get()
    assert updated.before == {"annual_cost": 0.0, "capacity": {"Platform": 2.0}}
    assert updated.after == {"annual_cost": 7.0, "capacity": {"Network": 1.0}}
    assert mfa.pk and services.update_initiative(actor=ciso, initiative=mfa) == mfa
    assert not AuditEvent.objects.filter(action="initiative.updated", object_id=str(mfa.pk)).exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"one_off_cost": -1}, "one_off_cost"),
    ({"csf_subcategories": ["PR.AA-1"]}, "csf_subcategories"),
    ({"csf_subcategories": ["XX.AA-01"]}, "csf_subcategories"),
    ({"sponsor": "cfo"}, "sponsor"),
    ({"capacity": {"Nobody": 1}}, "capacity.Nobody"),
    ({"capacity": {"Platform": -2}}, "capacity.Platform"),
    ({"requires": ["ghost"]}, "requires"),
    ({"requires": ["x"]}, "requires"),
    ({"colour": "red"}, "colour"),
])
def test_bad_initiatives_are_refused_with_the_field_named_and_nothing_written(ciso, org_data, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        services.create_initiative(actor=ciso, slug="x", title="X", **fields)
    assert field in _problems(exc)
    assert not Initiative.objects.exists()
    assert not AuditEvent.objects.filter(action="initiative.created").exists()


def test_slug_cannot_change_and_both_required_and_excluded_is_refused(ciso, org_data):
    a = services.create_initiative(actor=ciso, slug="a", title="A")
    services.create_initiative(actor=ciso, slug="b", title="B")
    with pytest.raises(ValidationFailed) as exc:
        services.update_initiative(actor=ciso, initiative=a, slug="z")
    assert "slug" in _problems(exc)
    with pytest.raises(ValidationFailed) as exc:
        services.update_initiative(actor=ciso, initiative=a, requires=["b"], excludes=["b"])
    assert "excludes" in _problems(exc)


def test_writes_need_the_capability(make_user, org_data):
    board = make_user("board_viewer")
    with pytest.raises(NotAllowed):
        services.create_initiative(actor=board, slug="x", title="X")


def test_effects_are_checked_like_risk_engine_controls(ciso, scenarios):
    it = services.create_initiative(actor=ciso, slug="x", title="X")
    with pytest.raises(ValidationFailed) as exc:  # bec gives lef, so tef is not one of its inputs
        services.add_effect(actor=ciso, initiative=it, scenario=scenarios["bec"], factor="tef",
                            effectiveness={"constant": 0.3})
    assert "factor" in _problems(exc)
    with pytest.raises(ValidationFailed) as exc:  # an effectiveness is a probability
        services.add_effect(actor=ciso, initiative=it, scenario=scenarios["bec"], factor="lef",
                            effectiveness={"pert": [0.2, 0.5, 1.5]})
    assert any(f.startswith("effectiveness") for f in _problems(exc))
    with pytest.raises(ValidationFailed) as exc:
        services.add_effect(actor=ciso, initiative=it, scenario=scenarios["bec"], factor="speed",
                            effectiveness={"constant": 0.3})
    assert "factor" in _problems(exc)
    assert not InitiativeEffect.objects.exists()
    effect = services.add_effect(actor=ciso, initiative=it, scenario=scenarios["bec"], factor="lef",
                                 effectiveness={"constant": 0.3})
    services.update_effect(actor=ciso, effect=effect, effectiveness={"uniform": [0.1, 0.2]})
    services.remove_effect(actor=ciso, effect=effect)
    actions = list(AuditEvent.objects.filter(object_type="portfolio.initiativeeffect").values_list("action", flat=True))
    assert sorted(actions) == ["initiativeeffect.created", "initiativeeffect.removed", "initiativeeffect.updated"]


def test_delete_only_proposed_or_rejected(ciso, org_data):
    it = services.create_initiative(actor=ciso, slug="x", title="X", status="approved")
    with pytest.raises(ValidationFailed):
        services.delete_initiative(actor=ciso, initiative=it)
    services.update_initiative(actor=ciso, initiative=it, status="rejected")
    services.delete_initiative(actor=ciso, initiative=it)
    assert not Initiative.objects.exists()
    assert AuditEvent.objects.filter(action="initiative.deleted").exists()


def test_budget_scenario_validation(ciso, org_data):
    with pytest.raises(ValidationFailed) as exc:
        services.create_budget_scenario(actor=ciso, name="B", budget=10, horizon_years=0)
    assert "horizon_years" in _problems(exc)
    with pytest.raises(ValidationFailed) as exc:
        services.create_budget_scenario(actor=ciso, name="B", budget=10, discount_rate=1.5)
    assert "discount_rate" in _problems(exc)
    made = services.create_budget_scenario(actor=ciso, name="B", budget=10, capacity={"Network": 3})
    services.update_budget_scenario(actor=ciso, budget_scenario=made, budget=20)
    assert AuditEvent.objects.filter(action="budgetscenario.updated", object_id=str(made.pk)).get().after == {"budget": 20.0}
