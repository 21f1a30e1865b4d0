"""The technology radar: a stance is joint (one leader proposes through a governance sign-off, the other
agrees), changed prerequisites void a pending proposal, links go through the owning apps' selectors, and
the picture puts every entry inside its quadrant and ring."""

from __future__ import annotations

import math

import pytest

from accord.core.errors import NotAllowed, NotFound, ValidationFailed
from accord.governance.models import Decision, SignOff, SignOffStatus
from accord.leadership import documents, radar, selectors, services
from accord.leadership.models import RadarEntry


@pytest.fixture
def entry(people):
    return services.create_radar_entry(actor=people["cio"], name="Kubernetes platform", quadrant="platforms",
                                       prerequisites="Signed images\nNetwork policies by default")


def test_one_leader_proposes_and_the_other_agrees(people, entry):
    ciso, cio = people["ciso"], people["cio"]
    proposed = services.propose_stance(actor=cio, entry=entry, stance="trial", reason="one team first")
    assert proposed.stance == "" and proposed.proposed_stance == "trial"
    signoff = SignOff.objects.get(pk=proposed.signoff_id)
    assert (signoff.kind, signoff.status) == ("radar_stance", SignOffStatus.OPEN)
    with pytest.raises(ValidationFailed):
        services.agree_stance(actor=cio, entry=proposed)  # not your own proposal
    agreed = services.agree_stance(actor=ciso, entry=proposed)
    assert (agreed.stance, agreed.proposed_stance, str(agreed.stance_agreed_on)) == ("trial", "", "2026-12-02")
    assert SignOff.objects.get(pk=signoff.pk).status == SignOffStatus.GRANTED
    decision = Decision.objects.get(signoff=signoff)
    assert decision.outcome == "Trial" and "Kubernetes platform" in decision.question
    with pytest.raises(ValidationFailed):
        services.agree_stance(actor=ciso, entry=agreed)  # nothing waits any more


def test_only_the_ciso_and_the_cio_take_part(people, entry):
    for role in ("analyst", "itops", "auditor", "steering"):
        with pytest.raises(NotAllowed):
            services.propose_stance(actor=people[role], entry=entry, stance="adopt")
        with pytest.raises(NotAllowed):
            services.create_radar_entry(actor=people[role], name="x", quadrant="tools")
    with pytest.raises(ValidationFailed) as refused:
        services.propose_stance(actor=people["ciso"], entry=entry, stance="maybe")
    assert refused.value.problems[0].field == "stance"


def test_changed_prerequisites_void_a_pending_proposal(people, entry):
    ciso, cio = people["ciso"], people["cio"]
    proposed = services.propose_stance(actor=ciso, entry=entry, stance="assess")
    services.update_radar_entry(actor=cio, entry=proposed, description="wording only")  # not a prerequisite
    assert RadarEntry.objects.get(pk=entry.pk).proposed_stance == "assess"
    services.update_radar_entry(actor=cio, entry=proposed, prerequisites="Signed images")
    changed = RadarEntry.objects.get(pk=entry.pk)
    assert changed.proposed_stance == "" and changed.signoff.status == SignOffStatus.VOIDED
    with pytest.raises(ValidationFailed):
        services.agree_stance(actor=cio, entry=changed)


def test_a_new_proposal_replaces_the_pending_one_and_can_be_declined(people, entry):
    ciso, cio = people["ciso"], people["cio"]
    first = services.propose_stance(actor=ciso, entry=entry, stance="assess")
    second = services.propose_stance(actor=cio, entry=first, stance="hold")
    assert SignOff.objects.get(pk=first.signoff_id).status == SignOffStatus.VOIDED
    declined = services.withdraw_stance(actor=ciso, entry=second)
    assert declined.proposed_stance == "" and declined.stance == ""
    assert SignOff.objects.get(pk=second.signoff_id).status == SignOffStatus.WITHDRAWN


def test_links_go_through_the_owning_apps_selectors(people):
    from accord.portfolio import services as portfolio

    ciso = people["ciso"]
    initiative = portfolio.create_initiative(actor=ciso, slug="iac-scanning", title="IaC scanning",
                                             one_off_cost=10_000, annual_cost=2_000, duration_months=2)
    fields = documents.radar_fields(ciso, {"name": "Terraform scanning", "quadrant": "tools",
                                           "prerequisites": ["Gate on criticals", " ", "Owner per module"],
                                           "initiative": "iac-scanning"})
    entry = services.create_radar_entry(actor=ciso, **fields)
    assert entry.initiative == initiative and entry.prerequisite_list() == ["Gate on criticals", "Owner per module"]
    assert selectors.radar_document(entry, people["itops"])["initiative"] is None  # no portfolio.read
    assert selectors.radar_document(entry, ciso)["initiative"] == "iac-scanning"
    with pytest.raises(NotFound):
        documents.radar_fields(ciso, {"initiative": "nope"})
    with pytest.raises(NotFound):
        documents.radar_fields(ciso, {"review_id": 999})


def test_every_blip_sits_in_its_quadrant_and_ring():
    placements = [radar.Placement(key, quadrant, ring) for key, (quadrant, ring) in
                  enumerate((q, r) for q in range(4) for r in range(4) for _ in range(3))]
    blips = radar.place(placements)
    assert [b.number for b in blips] == list(range(1, len(placements) + 1))
    for placement, blip in zip(placements, blips, strict=True):
        dx, dy = blip.x - radar.CENTRE, radar.CENTRE - blip.y
        inner, outer = radar.ring_band(placement.ring)
        assert inner <= math.hypot(dx, dy) <= outer
        angle = math.degrees(math.atan2(dy, dx)) % 360
        assert radar.QUADRANT_START[placement.quadrant] < angle < radar.QUADRANT_START[placement.quadrant] + 90
    assert len({(b.x, b.y) for b in blips}) == len(blips)  # nobody on top of another
    assert radar.place(placements) == blips  # the same entries land in the same places


def test_the_picture_shows_agreed_and_proposed_stances(people, entry):
    services.create_radar_entry(actor=people["ciso"], name="Passkeys", quadrant="techniques")
    services.propose_stance(actor=people["cio"], entry=entry, stance="trial")
    points = selectors.radar_points(list(selectors.radar_entries(people["auditor"])))
    assert [(p.entry.name, p.pending) for p in points] == [("Kubernetes platform", True)]  # Passkeys: no stance yet
    with pytest.raises(NotAllowed):
        selectors.radar_entries(people["board"])
