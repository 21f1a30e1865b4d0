"""Every write to the portfolio: initiatives and their effects, budget scenarios, estimates, selections.

Each service takes keyword arguments and a mandatory actor, checks the capability, validates
everything before writing (the field named), and writes its audit row in the same transaction.
Team capacities are given as {team name: units}; requires/excludes as initiative slugs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from accord.core import audit, money
from accord.core.crud import validate
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, require
from accord.engine.money import annualised_cost
from accord.engine.portfolio import ENGINE_VERSION as PORTFOLIO_ENGINE_VERSION
from accord.engine.portfolio.finance import initiative_finance
from accord.governance import services as governance
from accord.governance.models import SignOffStatus
from accord.org import selectors as org_selectors
from accord.org.models import Team
from accord.portfolio import estimation, planning
from accord.portfolio.models import (
    MAX_UNITS,
    BudgetCapacity,
    BudgetScenario,
    EffectEstimate,
    Initiative,
    InitiativeCapacity,
    InitiativeEffect,
    InitiativeStatus,
    Selection,
    SelectionStatus,
)
from accord.risks import selectors as risk_selectors
from accord.risks.models import RiskScenario

WRITE, DECIDE = "portfolio.write", "portfolio.decide"
INITIATIVE_FIELDS = frozenset({
    "slug", "title", "description", "sponsor", "one_off_cost", "annual_cost", "duration_months", "status",
    "mandatory", "csf_subcategories",
})
BUDGET_FIELDS = frozenset({"name", "fiscal_year", "budget", "horizon_years", "discount_rate", "dual_approval_above"})
SELECTION_KIND = "portfolio_selection"
EFFECT_FIELDS = frozenset({"factor", "effectiveness"})
DEFAULT_HORIZON, DEFAULT_RATE = 3, 0.08


def _assign(instance: Any, fields: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise ValidationFailed.field(name, "unknown field")
        setattr(instance, name, value)


# ---- capacity and dependencies ----------------------------------------------------------------------


def teams_by_name(actor: Actor) -> dict[str, Team]:
    return {t.name: t for t in org_selectors.teams_visible_to(actor)}


def check_capacity(actor: Actor, capacity: Any, field: str = "capacity") -> dict[Team, float]:
    """{team name: units} with known teams and units in range; refused with `capacity.<team>` named."""
    if capacity is None:
        return {}
    if not isinstance(capacity, Mapping):
        raise ValidationFailed.field(field, "must map team names to units, e.g. {\"Security Operations\": 2}")
    teams = teams_by_name(actor)
    out: dict[Team, float] = {}
    problems = []
    for name, units in capacity.items():
        team = teams.get(str(name).strip())
        if team is None:
            problems.append(Problem(field=f"{field}.{name}", message=f"no team named {name!r}"))
            continue
        if isinstance(units, bool) or not isinstance(units, int | float) or not 0 <= units <= MAX_UNITS:
            problems.append(Problem(field=f"{field}.{name}", message=f"must be a number between 0 and {MAX_UNITS:g}"))
            continue
        out[team] = float(units)
    if problems:
        raise ValidationFailed(problems)
    return out


def _initiatives_by_slug(slugs: Iterable[Any], field: str, own: str | None) -> list[Initiative]:
    wanted = list(dict.fromkeys(str(s).strip() for s in slugs))
    if own is not None and own in wanted:
        raise ValidationFailed.field(field, "an initiative cannot name itself")
    found = {i.slug: i for i in Initiative.objects.filter(slug__in=wanted)}
    missing = [s for s in wanted if s not in found]
    if missing:
        raise ValidationFailed.field(field, f"no initiative with id {missing[0]!r}")
    return [found[s] for s in wanted]


def _snapshot(initiative: Initiative) -> dict[str, Any]:
    data = audit.snapshot(initiative)
    if initiative.pk:
        data["requires"] = sorted(initiative.requires.values_list("slug", flat=True))
        data["excludes"] = sorted(initiative.excludes.values_list("slug", flat=True))
        data["capacity"] = {c.team.name: c.units for c in initiative.capacity.select_related("team")}
    return data


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    if isinstance(fields.get("slug"), str):
        fields["slug"] = fields["slug"].strip()
    if isinstance(fields.get("title"), str):
        fields["title"] = fields["title"].strip()
    if isinstance(fields.get("csf_subcategories"), list):
        fields["csf_subcategories"] = [s.strip().upper() if isinstance(s, str) else s
                                       for s in fields["csf_subcategories"]]
    return fields


def _save_initiative(actor: Actor, initiative: Initiative, *, requires: Iterable[Any] | None,
                     excludes: Iterable[Any] | None, capacity: Any) -> None:
    """Validate every part first, then write: a refusal leaves nothing half-saved."""
    validate(initiative)
    own = initiative.slug
    required = _initiatives_by_slug(requires, "requires", own) if requires is not None else None
    excluded = _initiatives_by_slug(excludes, "excludes", own) if excludes is not None else None
    if required is not None and excluded is not None:
        both = {i.slug for i in required} & {i.slug for i in excluded}
        if both:
            raise ValidationFailed.field("excludes", f"{sorted(both)[0]!r} is both required and excluded")
    units = check_capacity(actor, capacity) if capacity is not None else None
    initiative.save()
    if required is not None:
        initiative.requires.set(required)
    if excluded is not None:
        initiative.excludes.set(excluded)
    if units is not None:
        initiative.capacity.all().delete()
        InitiativeCapacity.objects.bulk_create(
            [InitiativeCapacity(initiative=initiative, team=team, units=u) for team, u in units.items()])


# ---- initiatives ------------------------------------------------------------------------------------


@transaction.atomic
def create_initiative(*, actor: Actor, requires: Iterable[Any] = (), excludes: Iterable[Any] = (),
                      capacity: Any = None, **fields: Any) -> Initiative:
    """Create an initiative (slug, title, costs, duration, sponsor, status, mandatory, CSF ids)."""
    require(actor, WRITE)
    initiative = Initiative()
    _assign(initiative, _normalise(fields), INITIATIVE_FIELDS)
    _save_initiative(actor, initiative, requires=requires, excludes=excludes, capacity=capacity or {})
    audit.record(actor, "initiative.created", initiative, after=_snapshot(initiative))
    return initiative


@transaction.atomic
def update_initiative(*, actor: Actor, initiative: Initiative, requires: Iterable[Any] | None = None,
                      excludes: Iterable[Any] | None = None, capacity: Any = None, **changes: Any) -> Initiative:
    require(actor, WRITE)
    if "slug" in changes and changes["slug"] != initiative.slug:
        raise ValidationFailed.field("slug", "an initiative's id cannot change: files and decisions name it")
    before = _snapshot(initiative)
    _assign(initiative, _normalise(changes), INITIATIVE_FIELDS)
    _save_initiative(actor, initiative, requires=requires, excludes=excludes, capacity=capacity)
    after = _snapshot(initiative)
    audit.record_change(actor, "initiative.updated", initiative, before, after)
    return initiative


@transaction.atomic
def delete_initiative(*, actor: Actor, initiative: Initiative) -> None:
    """Remove a proposed or rejected initiative; one that was approved stays, for the record."""
    require(actor, WRITE)
    if initiative.status not in (InitiativeStatus.PROPOSED, InitiativeStatus.REJECTED):
        raise ValidationFailed.field(
            "status", f"an initiative that is {initiative.get_status_display().lower()} cannot be deleted; "
            "set it to rejected instead")
    if initiative.selections.filter(decision__isnull=False).exists():
        raise ValidationFailed.field("status", "it is part of an approved selection; set it to rejected instead")
    audit.record(actor, "initiative.deleted", initiative, before=_snapshot(initiative))
    initiative.delete()


# ---- effects ----------------------------------------------------------------------------------------


def _save_effect(effect: InitiativeEffect) -> None:
    validate(effect)
    estimation.check_effect(estimation.effect_input(effect, runs={}))
    effect.save()


@transaction.atomic
def add_effect(*, actor: Actor, initiative: Initiative, scenario: RiskScenario, **fields: Any) -> InitiativeEffect:
    """Say how the initiative changes a scenario: factor and effectiveness, as a risk-engine control."""
    require(actor, WRITE)
    if not isinstance(scenario, RiskScenario):
        raise ValidationFailed.field("scenario", "must be a risk scenario")
    effect = InitiativeEffect(initiative=initiative, scenario=scenario)
    _assign(effect, fields, EFFECT_FIELDS)
    _save_effect(effect)
    audit.record(actor, "initiativeeffect.created", effect, after=audit.snapshot(effect))
    return effect


@transaction.atomic
def update_effect(*, actor: Actor, effect: InitiativeEffect, **changes: Any) -> InitiativeEffect:
    require(actor, WRITE)
    before = audit.snapshot(effect)
    _assign(effect, changes, EFFECT_FIELDS)
    _save_effect(effect)
    after = audit.snapshot(effect)
    audit.record_change(actor, "initiativeeffect.updated", effect, before, after)
    return effect


@transaction.atomic
def remove_effect(*, actor: Actor, effect: InitiativeEffect) -> None:
    require(actor, WRITE)
    audit.record(actor, "initiativeeffect.removed", effect, before=audit.snapshot(effect))
    effect.delete()


def scenario_for_effect(actor: Actor, slug: str) -> RiskScenario:
    """The register's scenario named by an effect (through the risk app's selector)."""
    return risk_selectors.scenario_by_slug(actor, slug)


# ---- budget scenarios -------------------------------------------------------------------------------


def _budget_snapshot(scenario: BudgetScenario) -> dict[str, Any]:
    data = audit.snapshot(scenario)
    if scenario.pk:
        data["capacity"] = {c.team.name: c.units for c in scenario.capacity.select_related("team")}
    return data


def _save_budget(actor: Actor, scenario: BudgetScenario, capacity: Any) -> None:
    validate(scenario)
    units = check_capacity(actor, capacity) if capacity is not None else None
    scenario.save()
    if units is not None:
        scenario.capacity.all().delete()
        BudgetCapacity.objects.bulk_create(
            [BudgetCapacity(budget_scenario=scenario, team=team, units=u) for team, u in units.items()])


@transaction.atomic
def create_budget_scenario(*, actor: Actor, capacity: Any = None, **fields: Any) -> BudgetScenario:
    """A budget (total over the horizon), horizon in years, discount rate and team capacity limits."""
    require(actor, WRITE)
    scenario = BudgetScenario()
    _assign(scenario, fields, BUDGET_FIELDS)
    _save_budget(actor, scenario, capacity or {})
    audit.record(actor, "budgetscenario.created", scenario, after=_budget_snapshot(scenario))
    return scenario


@transaction.atomic
def update_budget_scenario(*, actor: Actor, budget_scenario: BudgetScenario, capacity: Any = None,
                           **changes: Any) -> BudgetScenario:
    require(actor, WRITE)
    before = _budget_snapshot(budget_scenario)
    _assign(budget_scenario, changes, BUDGET_FIELDS)
    _save_budget(actor, budget_scenario, capacity)
    after = _budget_snapshot(budget_scenario)
    audit.record_change(actor, "budgetscenario.updated", budget_scenario, before, after)
    return budget_scenario


# ---- estimates --------------------------------------------------------------------------------------


def _store_estimate(actor: Actor, initiative: Initiative, simulated: estimation.Simulated, *, horizon: int,
                    rate: float) -> EffectEstimate:
    money = initiative_finance(
        delta_ale=simulated.delta, delta_ale_90=(simulated.low, simulated.high),
        one_off=initiative.one_off_cost, annual=initiative.annual_cost, years=horizon, rate=rate,
    )
    estimate = EffectEstimate.objects.create(
        initiative=initiative, delta_ale=simulated.delta, delta_ale_low=simulated.low,
        delta_ale_high=simulated.high, delta_ale_se=simulated.se,
        per_scenario={s.slug: s.as_dict() for s in simulated.savings},
        horizon_years=horizon, discount_rate=rate, annualised_cost=money.annualised_cost,
        rosi_low=money.rosi.at_low, rosi=money.rosi.at_estimate, rosi_high=money.rosi.at_high,
        npv_low=money.npv.at_low or 0.0, npv=money.npv.at_estimate or 0.0, npv_high=money.npv.at_high or 0.0,
        payback_years_low=money.payback_years.at_low, payback_years=money.payback_years.at_estimate,
        payback_years_high=money.payback_years.at_high,
        seed=simulated.seed, years=simulated.years, model=simulated.model,
        engine_version=simulated.engine_version, input_hash=simulated.input_hash,
        created_by_id=getattr(actor, "pk", None),
    )
    audit.record(actor, "effectestimate.created", estimate,
                 after=audit.snapshot(estimate, exclude=("per_scenario",)))
    return estimate


@transaction.atomic
def estimate_effects(*, actor: Actor, initiatives: Iterable[Initiative] | None = None,
                     budget_scenario: BudgetScenario | None = None, years: int | None = None,
                     force: bool = False) -> list[EffectEstimate]:
    """Simulate each initiative's ΔALE (common random numbers) and store it with ROSI, NPV and payback.

    Seed and model are the risk register's settings, so the baseline is the register's own ALE; years
    default to the register's too. ROSI, NPV and payback use the budget scenario's horizon and
    discount rate (the first budget scenario, else 3 years at 8%). An estimate whose inputs, seed,
    years, horizon and rate are unchanged is kept (unless `force`).
    """
    require(actor, WRITE)
    settings = risk_selectors.risk_settings(actor)
    run_years = settings.default_years if years is None else years
    if isinstance(run_years, bool) or not isinstance(run_years, int) or not 1_000 <= run_years <= 1_000_000:
        raise ValidationFailed.field("years", "must be a whole number between 1,000 and 1,000,000")
    budget_scenario = budget_scenario or BudgetScenario.objects.order_by("name").first()
    horizon = budget_scenario.horizon_years if budget_scenario else DEFAULT_HORIZON
    rate = budget_scenario.discount_rate if budget_scenario else DEFAULT_RATE
    chosen = list(initiatives) if initiatives is not None else planning.candidate_initiatives()
    latest = planning.latest_estimates(chosen)
    runs = risk_selectors.latest_runs(actor)  # each scenario's figures, as the register states them
    stored = []
    for initiative in chosen:
        effects = planning.effect_inputs(initiative, runs)
        digest = estimation.input_hash(effects, seed=settings.seed, years=run_years, model=settings.model)
        previous = latest.get(initiative.pk)
        if (not force and previous is not None and previous.input_hash == digest
                and previous.horizon_years == horizon and previous.discount_rate == rate
                and _same_costs(previous, initiative, horizon, rate)):
            stored.append(previous)
            continue
        simulated = estimation.simulate(effects, seed=settings.seed, years=run_years, model=settings.model)
        stored.append(_store_estimate(actor, initiative, simulated, horizon=horizon, rate=rate))
    return stored


def _same_costs(estimate: EffectEstimate, initiative: Initiative, horizon: int, rate: float) -> bool:
    now = annualised_cost(initiative.one_off_cost, initiative.annual_cost, horizon, rate)
    return abs(now - estimate.annualised_cost) <= 1e-9 * max(1.0, now)


# ---- selections and decisions -----------------------------------------------------------------------


def _selection_snapshot(selection: Selection) -> dict[str, Any]:
    data = audit.snapshot(selection, exclude=("frontier", "instance"))
    data["initiatives"] = sorted(selection.initiatives.values_list("slug", flat=True))
    return data


@transaction.atomic
def save_selection(*, actor: Actor, budget_scenario: BudgetScenario, budget: float | None = None) -> Selection:
    """Solve the best set for the budget (the scenario's own unless given) and keep it with its frontier."""
    require(actor, WRITE)
    plan = planning.build_plan(actor, budget_scenario)
    amount = budget_scenario.budget if budget is None else budget
    result = planning.answer(plan, amount)
    sel = result.selection
    selection = Selection.objects.create(
        budget_scenario=budget_scenario, budget=amount, cost=sel.cost, total_ale=plan.total_ale,
        residual_ale=sel.residual_ale, risk_reduction=sel.risk_reduction, gap=result.gap,
        frontier=planning.frontier_document(plan), instance=plan.document, instance_hash=plan.hash,
        engine_version=PORTFOLIO_ENGINE_VERSION, seed=plan.seed,
        notes=plan.notes, created_by_id=getattr(actor, "pk", None),
    )
    selection.initiatives.set(Initiative.objects.filter(slug__in=sel.selected))
    audit.record(actor, "selection.created", selection, after=_selection_snapshot(selection))
    return selection


def _slots(selection: Selection) -> list[list[str]]:
    """One of the CIO and the CISO, or both (two different people) above the scenario's amount."""
    if selection.cost > selection.budget_scenario.dual_approval_above:
        return [["cio"], ["ciso"]]
    return [["cio", "ciso"]]


def _selection_figures(selection: Selection, chosen: list[Initiative]) -> dict[str, Any]:
    scenario = selection.budget_scenario
    return {
        "selection_id": selection.pk, "budget_scenario": scenario.name, "fiscal_year": scenario.fiscal_year,
        "budget": selection.budget, "horizon_years": scenario.horizon_years, "discount_rate": scenario.discount_rate,
        "cost": selection.cost, "total_ale": selection.total_ale, "residual_ale": selection.residual_ale,
        "risk_reduction": selection.risk_reduction, "gap": selection.gap,
        "initiatives": [i.slug for i in chosen], "instance_hash": selection.instance_hash,
        "engine_version": selection.engine_version, "seed": selection.seed,
        "currency": risk_selectors.organisation_currency(),
    }


def _summary(selection: Selection, chosen: list[Initiative]) -> str:
    scenario, currency = selection.budget_scenario, risk_selectors.organisation_currency()
    return (f"Fund {len(chosen)} initiative{'s' if len(chosen) != 1 else ''} "
            f"({', '.join(i.title for i in chosen) or 'none'}) for {money.full(selection.cost, currency)} over "
            f"{scenario.horizon_years} years, within a budget of {money.full(selection.budget, currency)}. Expected "
            f"annual loss falls from {money.full(selection.total_ale, currency)} to "
            f"{money.full(selection.residual_ale, currency)}.")


def _leader_role(actor: Actor) -> str | None:
    held = set(getattr(actor, "role_names", ())) & {"cio", "ciso"}
    return None if not held else ("ciso" if "ciso" in held else "cio")


@transaction.atomic
def approve_selection(*, actor: Actor, selection: Selection, note: str = "") -> Selection:
    """Approve funding the selection. The first approval asks for the sign-off it needs (one of the
    CIO and the CISO, or both above the scenario's amount) and counts as the first answer; when the
    sign-off is granted the selection is funded: its initiatives are approved, the decision goes on
    the log, and the selection approved before for the same fiscal year is superseded (initiatives
    it funded that this one drops go back to proposed).

    Refused when the inputs changed since it was solved (the decision must stand on the numbers shown).
    """
    require(actor, DECIDE)
    selection = Selection.objects.select_for_update(of=("self",)).select_related("budget_scenario", "signoff").get(pk=selection.pk)
    if selection.status in (SelectionStatus.APPROVED, SelectionStatus.SUPERSEDED):
        raise ValidationFailed.field("selection", f"this selection was already {selection.status}")
    plan = planning.build_plan(actor, selection.budget_scenario)
    if plan.hash != selection.instance_hash:
        raise ValidationFailed.field(
            "selection", "costs, effects, estimates or risks changed since this selection was solved; "
            "solve it again and approve the new one")
    if not isinstance(note, str) or len(note) > 2000:
        raise ValidationFailed.field("note", "must be text of at most 2,000 characters")
    chosen = list(selection.initiatives.order_by("title"))
    if selection.signoff is None or not selection.signoff.is_open:
        role = _leader_role(actor)
        selection.signoff = governance.request_signoff(
            actor=actor, kind=SELECTION_KIND, subject=selection, inputs=_selection_figures(selection, chosen),
            slots=_slots(selection), summary=_summary(selection, chosen), figures=_selection_figures(selection, chosen),
            url=f"/portfolio/selections/{selection.pk}/", proposer_role=role)
        selection.status = SelectionStatus.AWAITING
        selection.save(update_fields=["signoff", "status"])
        audit.record(actor, "selection.submitted", selection, after={"signoff": selection.signoff.pk})
        if role is None:  # submitted by someone who cannot answer it (the capability allows it elsewhere)
            return selection
        signoff = selection.signoff
    else:
        signoff = governance.approve(actor=actor, signoff=selection.signoff, comment=note)
    signoff.refresh_from_db()
    if signoff.status == SignOffStatus.GRANTED:
        _fund(actor, selection, chosen, note, signoff)
    return selection


def _fund(actor: Actor, selection: Selection, chosen: list[Initiative], note: str, signoff: Any) -> None:
    scenario = selection.budget_scenario
    outcome = _summary(selection, chosen) + (f" {note.strip()}" if note.strip() else "")
    decision = governance.record_decision(
        actor=actor, question=f"Fund the security portfolio for {scenario.name} (fiscal year {scenario.fiscal_year})?",
        outcome=outcome, figures=_selection_figures(selection, chosen), subject=selection,
        url=f"/portfolio/selections/{selection.pk}/", signoff=signoff,
        options=[{"label": f"selection #{selection.pk}", "figures": {"cost": selection.cost,
                                                                      "risk_reduction": selection.risk_reduction}}])
    earlier = (Selection.objects.select_for_update().filter(status=SelectionStatus.APPROVED,
                                                           budget_scenario__fiscal_year=scenario.fiscal_year)
               .exclude(pk=selection.pk))
    kept = {i.pk for i in chosen}
    for old in earlier:
        for initiative in old.initiatives.filter(status=InitiativeStatus.APPROVED).exclude(pk__in=kept):
            initiative.status = InitiativeStatus.PROPOSED
            initiative.save(update_fields=["status", "updated_at"])
            audit.record(actor, "initiative.unfunded", initiative, before={"status": InitiativeStatus.APPROVED},
                         after={"status": InitiativeStatus.PROPOSED, "superseded_selection": old.pk,
                                "by_selection": selection.pk})
        old.status = SelectionStatus.SUPERSEDED
        old.save(update_fields=["status"])
        audit.record(actor, "selection.superseded", old, after={"by": selection.pk})
    for initiative in chosen:
        if initiative.status == InitiativeStatus.PROPOSED:
            initiative.status = InitiativeStatus.APPROVED
            initiative.save(update_fields=["status", "updated_at"])
            audit.record(actor, "initiative.approved", initiative,
                         before={"status": InitiativeStatus.PROPOSED},
                         after={"status": InitiativeStatus.APPROVED, "decision": decision.pk})
    selection.decision, selection.status = decision, SelectionStatus.APPROVED
    selection.save(update_fields=["decision", "status"])
    audit.record(actor, "selection.approved", selection, after={"decision": decision.pk})
