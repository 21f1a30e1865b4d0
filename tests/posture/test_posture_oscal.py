"""OSCAL in and out: a small catalogue written for these tests imported as a further framework (and
bad ones refused whole), an assessment exported as assessment results valid against the schema and
imported back unchanged."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.posture import oscal, selectors, services
from accord.posture.models import Assessment, ImportedFramework, Score

SMALL = Path(__file__).parent / "fixtures" / "small_catalogue.json"


def test_the_small_catalogue_is_valid_and_reads_into_three_levels():
    document = json.loads(SMALL.read_text())
    assert oscal.schema_problems(document, "catalog") == []


def test_import_a_catalogue_as_a_framework(people, upload):
    row = services.import_oscal_catalogue(actor=people["ciso"], file=upload(SMALL), filename="small.json",
                                          key="small-shop")
    assert (row.title, row.version) == ("Small Shop Controls", "1.1")
    framework = selectors.framework_by_key(people["board"], "small-shop")
    assert [f.id for f in framework.functions] == ["GOV", "ops"]
    gov, ops = framework.functions
    assert [c.id for c in gov.categories] == ["GOV-1", "gov-2"]
    assert [s.id for s in gov.categories[0].subcategories] == ["GOV-1.a", "GOV-1.b"]  # the withdrawn one left out
    assert [s.id for s in gov.categories[1].subcategories] == ["gov-2"]  # a leaf category scores itself
    assert [s.id for s in ops.categories[0].subcategories] == ["ops-backup-1", "ops-backup-2"]
    assert [f.key for f in selectors.frameworks(people["board"])] == ["csf-2.0", "small-shop"]
    event = AuditEvent.objects.get(action="posture.framework_imported")
    assert event.after["subcategories"] == 5 and event.actor_name == "ciso"

    # An assessment of the imported framework rolls up like CSF's.
    assessment = services.create_assessment(actor=people["cio"], title="Shop 2026", assessed_on=date(2026, 11, 2),
                                            framework_key="small-shop")
    services.set_score(actor=people["cio"], assessment=assessment, subcategory="GOV-1.a", current=2, target=4)
    profile = selectors.profile(people["board"], assessment)
    assert {r.id: r.current for r in profile.rolled.functions} == {"GOV": 2.0, "ops": None}


def test_bad_catalogues_are_refused_whole(people, upload):
    ciso = people["ciso"]
    document = json.loads(SMALL.read_text())
    broken = copy.deepcopy(document)
    del broken["catalog"]["metadata"]["title"]
    broken["catalog"]["uuid"] = "not-a-uuid"
    with pytest.raises(ValidationFailed) as refused:
        services.import_oscal_catalogue(actor=ciso, file=upload(json.dumps(broken).encode()), filename="b.json", key="b")
    fields = {p.field for p in refused.value.problems}
    assert fields == {"catalog/metadata", "catalog/uuid"}
    assert "'title' is a required property" in str(refused.value)

    loose = copy.deepcopy(document)
    loose["catalog"]["controls"] = [{"id": "stray", "title": "A control outside any group"}]
    with pytest.raises(ValidationFailed, match="controls outside any group"):
        services.import_oscal_catalogue(actor=ciso, file=upload(json.dumps(loose).encode()), filename="l.json", key="l")
    with pytest.raises(ValidationFailed, match="line 1"):
        services.import_oscal_catalogue(actor=ciso, file=upload(b"{not json"), filename="x.json", key="x")
    with pytest.raises(ValidationFailed, match=r"the CSF 2\.0 Accord ships"):
        services.import_oscal_catalogue(actor=ciso, file=upload(SMALL), filename="s.json", key="csf-2.0")
    with pytest.raises(ValidationFailed) as bad_key:
        services.import_oscal_catalogue(actor=ciso, file=upload(SMALL), filename="s.json", key="Not a slug!")
    assert bad_key.value.problems[0].field == "key"
    with pytest.raises(NotAllowed):
        services.import_oscal_catalogue(actor=people["analyst"], file=upload(SMALL), filename="s.json", key="s")
    services.import_oscal_catalogue(actor=ciso, file=upload(SMALL), filename="s.json", key="twice")
    with pytest.raises(ValidationFailed) as twice:
        services.import_oscal_catalogue(actor=ciso, file=upload(SMALL), filename="s.json", key="twice")
    assert twice.value.problems[0].field == "key"
    assert ImportedFramework.objects.count() == 1
    assert AuditEvent.objects.filter(action="posture.framework_imported").count() == 1


def test_export_round_trip_through_the_schema(people, upload):
    ciso = people["ciso"]
    assessment = services.create_assessment(actor=ciso, title="Q4 2026 profile", assessed_on=date(2026, 11, 30),
                                            tier=2, notes="Self-assessment by the leadership team")
    services.set_score(actor=ciso, assessment=assessment, subcategory="GV.OC-01", current=2, target=3,
                       evidence="Mission statement, risk policy v3", owner=people["cio"], scored_on=date(2026, 11, 20))
    services.set_score(actor=ciso, assessment=assessment, subcategory="PR.AA-01", current=4, target=3)
    services.set_score(actor=ciso, assessment=assessment, subcategory="DE.CM-01", current=None, target=3)

    document = selectors.oscal_assessment_results(people["auditor"], assessment)
    assert oscal.schema_problems(document, "assessment-results") == []
    findings = document["assessment-results"]["results"][0]["findings"]
    states = {f["target"]["target-id"]: f["target"]["status"]["state"] for f in findings}
    assert states == {"DE.CM-01": "not-satisfied", "GV.OC-01": "not-satisfied", "PR.AA-01": "satisfied"}

    back = services.import_assessment_results(actor=people["cio"], file=upload(json.dumps(document).encode()),
                                              filename="q4.json")
    assert back.pk != assessment.pk
    assert (back.title, back.assessed_on, back.tier, back.notes) == (
        "Q4 2026 profile", date(2026, 11, 30), 2, "Self-assessment by the leadership team")

    def scores(a: Assessment) -> list[tuple]:
        return [(s.subcategory, s.current, s.target, s.evidence, s.owner_id, s.scored_on)
                for s in Score.objects.filter(assessment=a).order_by("subcategory")]

    assert scores(back) == scores(assessment)
    assert scores(back)[1] == ("GV.OC-01", 2, 3, "Mission statement, risk policy v3", people["cio"].pk, date(2026, 11, 20))


def test_assessment_results_with_unknown_subcategories_are_refused(people, upload):
    ciso = people["ciso"]
    assessment = services.create_assessment(actor=ciso, title="Q4", assessed_on=date(2026, 11, 30))
    services.set_score(actor=ciso, assessment=assessment, subcategory="GV.OC-01", current=2, target=3)
    document = selectors.oscal_assessment_results(ciso, assessment)
    document["assessment-results"]["results"][0]["findings"][0]["target"]["target-id"] = "GV.XX-99"
    with pytest.raises(ValidationFailed, match=r"'GV\.XX-99' is not a subcategory of csf-2\.0"):
        services.import_assessment_results(actor=ciso, file=upload(json.dumps(document).encode()), filename="x.json")
    del document["assessment-results"]["results"][0]["findings"][0]["target"]
    with pytest.raises(ValidationFailed, match="'target' is a required property"):
        services.import_assessment_results(actor=ciso, file=upload(json.dumps(document).encode()), filename="x.json")
    assert Assessment.objects.count() == 1
