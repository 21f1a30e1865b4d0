"""Champion coverage: programme teams with an active champion / programme teams, on a given day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.culture import selectors, services
from accord.metrics.selectors import read_now


def _programme(people, *names):
    for name in names:
        services.add_programme_team(actor=people["ciso"], team=people["team"][name])


def test_no_programme_team_means_no_figure_not_zero(people):
    figures = selectors.coverage(people["ciso"])
    assert figures.total == 0 and figures.percent is None
    [metric] = read_now(people["ciso"], keys=["champion_coverage"])
    assert metric.value is None and metric.display == "no data"


def test_coverage_counts_programme_teams_with_an_active_champion(people, frozen):
    ciso, person = people["ciso"], people["person"]
    _programme(people, "Platform", "Network", "Data")
    # Two champions in one team cover it once; a champion outside the programme does not count.
    services.appoint_champion(actor=ciso, person=person["Ana Adler"], appointed_on=date(2025, 6, 1))
    services.appoint_champion(actor=ciso, person=person["Ben Bauer"], appointed_on=date(2025, 9, 1))
    services.appoint_champion(actor=ciso, person=person["Finn Fischer"], appointed_on=date(2025, 9, 1))
    gone = services.appoint_champion(actor=ciso, person=person["Cleo Costa"], appointed_on=date(2025, 1, 1))
    services.step_down_champion(actor=ciso, champion=gone, on=frozen)

    figures = selectors.coverage(ciso)
    assert (figures.covered, figures.total, figures.percent) == (1, 3, 33.3)
    assert [t.team for t in figures.uncovered] == ["Data", "Network"]
    assert [t.team for t in figures.teams] == ["Data", "Network", "Platform"]
    assert figures.teams[2].champions == ("Ana Adler", "Ben Bauer")

    # The day before Cleo stepped down, Network was covered; before any appointment, nothing was.
    assert selectors.coverage(ciso, on=frozen - timedelta(days=1)).covered == 2
    assert selectors.coverage(ciso, on=date(2024, 12, 31)).covered == 0


def test_coverage_on_the_scorecard_is_the_figure_the_page_shows(people, frozen):
    ciso = people["ciso"]
    _programme(people, "Platform", "Network", "Data", "Commerce")
    for name in ("Ana Adler", "Cleo Costa", "Eva Eriksen"):
        services.appoint_champion(actor=ciso, person=people["person"][name], appointed_on=date(2026, 1, 5))
    [metric] = read_now(ciso, keys=["champion_coverage"])
    assert metric.value == selectors.coverage(ciso).percent == 75.0
    assert metric.status == "amber"  # amber below 90%, red below 75%
    assert metric.detail == "3 of 4 programme teams have an active champion"
    assert metric.as_of == frozen


def test_appointing_and_stepping_down_are_audited_and_checked(people, frozen):
    ciso, ana = people["ciso"], people["person"]["Ana Adler"]
    champion = services.appoint_champion(actor=ciso, person=ana, appointed_on=frozen, focus="secure code")
    assert champion.team == people["team"]["Platform"]
    assert AuditEvent.objects.filter(action="champion.created", object_id=str(champion.pk)).exists()
    with pytest.raises(ValidationFailed) as future:
        services.appoint_champion(actor=ciso, person=ana, appointed_on=frozen + timedelta(days=1))
    assert future.value.problems[0].field == "appointed_on"
    with pytest.raises(ValidationFailed) as before:
        services.step_down_champion(actor=ciso, champion=champion, on=frozen - timedelta(days=3))
    assert before.value.problems[0].field == "stepped_down_on"
    champion.refresh_from_db()
    assert champion.stepped_down_on is None
    activity = services.log_champion_activity(actor=ciso, champion=champion, kind="training",
                                              title="Secure coding course", on=frozen, hours=16)
    assert AuditEvent.objects.filter(action="championactivity.created", object_id=str(activity.pk)).exists()
    with pytest.raises(ValidationFailed) as kind:
        services.log_champion_activity(actor=ciso, champion=champion, kind="party", title="x", on=frozen)
    assert kind.value.problems[0].field == "kind"


def test_only_the_programme_writers_appoint(people, frozen):
    for role in ("auditor", "itops", "steering", "board"):
        with pytest.raises(NotAllowed):
            services.appoint_champion(actor=people[role], person=people["person"]["Ana Adler"], appointed_on=frozen)
    with pytest.raises(NotAllowed):
        services.add_programme_team(actor=people["auditor"], team=people["team"]["Platform"])
    services.appoint_champion(actor=people["analyst"], person=people["person"]["Ana Adler"], appointed_on=frozen)


def test_a_person_without_a_team_needs_one_named(people, frozen):
    from accord.org import services as org

    loner = org.create_person(actor=people["admin"], name="Lone Wolf")
    with pytest.raises(ValidationFailed) as refused:
        services.appoint_champion(actor=people["ciso"], person=loner, appointed_on=frozen)
    assert refused.value.problems[0].field == "team"
    champion = services.appoint_champion(actor=people["ciso"], person=loner, team=people["team"]["Data"],
                                         appointed_on=frozen)
    assert champion.team.name == "Data"


def test_removing_a_team_from_the_programme(people):
    _programme(people, "Platform", "Network")
    services.remove_programme_team(actor=people["cio"], team=people["team"]["Network"])
    assert selectors.coverage(people["ciso"]).total == 1
    with pytest.raises(ValidationFailed):
        services.remove_programme_team(actor=people["cio"], team=people["team"]["Network"])
