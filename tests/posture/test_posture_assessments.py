"""Assessments: scoring with evidence, owner and day; validation naming the field; copies for the next
quarter; benchmarks imported and the synthetic one shipped; gaps linked to the portfolio's initiatives;
assessments side by side; who may read and write."""

from __future__ import annotations

import json
from datetime import date

import pytest

from accord.core.errors import NotAllowed, NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.posture import selectors, services
from accord.posture.benchmarks import shipped_benchmark
from accord.posture.models import Benchmark, Score
from accord.posture.rollup import STRICT


def _assessment(people, **kwargs):
    return services.create_assessment(actor=people["ciso"], title=kwargs.pop("title", "Q3 2026"),
                                      assessed_on=kwargs.pop("assessed_on", date(2026, 9, 30)), **kwargs)


def test_scoring_records_evidence_owner_and_day_and_audits(people, monkeypatch):
    from accord.core import clock

    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 1))
    a = _assessment(people, tier=2)
    score = services.set_score(actor=people["ciso"], assessment=a, subcategory="GV.RM-01", current=1, target=3,
                               evidence="Risk appetite not written down", owner=people["cio"])
    assert (score.current, score.target, score.owner, score.scored_on) == (1, 3, people["cio"], date(2026, 10, 1))
    services.set_score(actor=people["cio"], assessment=a, subcategory="GV.RM-01", current=2, target=3,
                       evidence="Appetite approved by the board", owner=people["cio"], scored_on=date(2026, 10, 5))
    assert Score.objects.get().current == 2
    revised = AuditEvent.objects.get(action="posture.score_revised")
    assert revised.before["current"] == 1 and revised.after["current"] == 2 and revised.actor_name == "cio"
    assert AuditEvent.objects.filter(action="posture.score_set").count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"subcategory": "GV.RM-99"}, "subcategory"),
    ({"current": 5}, "current"),
    ({"target": -1}, "target"),
    ({"current": True}, "current"),
])
def test_bad_scores_name_the_field_and_change_nothing(people, changes, field):
    a = _assessment(people)
    before = AuditEvent.objects.count()
    arguments = {"subcategory": "GV.RM-01", "current": 1, "target": 2} | changes
    with pytest.raises(ValidationFailed) as refused:
        services.set_score(actor=people["ciso"], assessment=a, **arguments)
    assert refused.value.problems[0].field == field
    assert Score.objects.count() == 0 and AuditEvent.objects.count() == before


def test_assessment_fields_are_validated(people):
    with pytest.raises(ValidationFailed) as refused:
        services.create_assessment(actor=people["ciso"], title="", assessed_on=date(2026, 9, 30), tier=7)
    assert {p.field for p in refused.value.problems} == {"title", "tier"}
    with pytest.raises(ValidationFailed, match="unknown framework"):
        services.create_assessment(actor=people["ciso"], title="X", assessed_on=date(2026, 9, 30), framework_key="nope")
    a = _assessment(people)
    services.update_assessment(actor=people["cio"], assessment=a, changes={"tier": 3})
    assert AuditEvent.objects.get(action="assessment.updated").after == {"tier": 3}
    with pytest.raises(ValidationFailed):
        services.update_assessment(actor=people["cio"], assessment=a, changes={"framework_key": "x"})


def test_a_new_assessment_can_start_from_the_last(people):
    q3 = _assessment(people)
    services.set_score(actor=people["ciso"], assessment=q3, subcategory="ID.AM-01", current=2, target=4,
                       evidence="CMDB covers servers", owner=people["ciso"])
    q4 = services.create_assessment(actor=people["ciso"], title="Q4", assessed_on=date(2026, 12, 31), copy_from=q3)
    copied = Score.objects.get(assessment=q4)
    assert (copied.subcategory, copied.current, copied.target, copied.evidence, copied.owner) == (
        "ID.AM-01", 2, 4, "CMDB covers servers", people["ciso"])
    assert AuditEvent.objects.get(action="posture.assessment_created", object_id=str(q4.pk)).after["scores_copied"] == 1
    assert selectors.latest_assessment(people["board"]) == q4


def test_benchmarks_shipped_and_imported(people, upload, fixtures):
    shipped = shipped_benchmark()
    assert shipped.synthetic and "SYNTHETIC" in shipped.label and len(shipped.values) == 22
    assert [b.key for b in selectors.benchmarks(people["board"])] == [shipped.key]
    row = services.import_benchmark(actor=people["ciso"], file=upload(fixtures / "benchmark_finance.json"),
                                    filename="fs.json")
    assert (row.industry, row.synthetic, row.values["GV.OC"]) == ("Financial services", False, 3.1)
    assert selectors.default_benchmark(people["board"], "csf-2.0").key == "fs-isac-large-2026"
    newer = json.loads((fixtures / "benchmark_finance.json").read_text()) | {"as_of": "2026-12-31"}
    services.import_benchmark(actor=people["cio"], file=upload(json.dumps(newer).encode()), filename="fs2.json")
    assert Benchmark.objects.get().as_of == date(2026, 12, 31)
    replaced = AuditEvent.objects.get(action="posture.benchmark_replaced")
    assert replaced.before["as_of"] == "2026-06-30" and replaced.after["as_of"] == "2026-12-31"

    bad = newer | {"values": {"GV.OC": 5, "XX.YY": 1}, "synthetic": "no", "key": "other"}
    with pytest.raises(ValidationFailed) as refused:
        services.import_benchmark(actor=people["ciso"], file=upload(json.dumps(bad).encode()), filename="bad.json")
    assert {p.field for p in refused.value.problems} == {"values.GV.OC", "values.XX.YY", "synthetic"}
    shipped_key = newer | {"key": shipped.key}
    with pytest.raises(ValidationFailed, match="synthetic benchmark Accord ships"):
        services.import_benchmark(actor=people["ciso"], file=upload(json.dumps(shipped_key).encode()), filename="s.json")
    assert Benchmark.objects.count() == 1


def test_gaps_link_to_initiatives_that_advance_them(people):
    from accord.portfolio import services as portfolio

    a = _assessment(people)
    for sub, current in (("PR.AA-01", 1), ("PR.AA-02", 2), ("DE.CM-01", 3)):
        services.set_score(actor=people["ciso"], assessment=a, subcategory=sub, current=current, target=3)
    mfa = portfolio.create_initiative(actor=people["ciso"], slug="mfa", title="MFA everywhere",
                                      csf_subcategories=["PR.AA-01", "PR.AA-03", "DE.CM-09"])
    portfolio.create_initiative(actor=people["ciso"], slug="old", title="Rejected idea", status="rejected",
                                csf_subcategories=["PR.AA-02"])
    profile = selectors.profile(people["cio"], a, benchmark=shipped_benchmark())
    rows = {r.id: r for r in profile.rolled.categories}
    assert rows["PR.AA"].current == 1.5 and rows["PR.AA"].gap_to_target == 1.5
    assert rows["PR.AA"].benchmark == 2.7 and rows["PR.AA"].gap_to_benchmark == 1.2
    links = profile.initiatives
    assert [(i.id, i.subcategories) for i in links["PR.AA"]] == [(mfa.pk, ("PR.AA-01", "PR.AA-03"))]
    assert [i.title for i in links["DE.CM"]] == ["MFA everywhere"]
    document = profile.as_document()
    pr_aa = next(c for c in document["categories"] if c["id"] == "PR.AA")
    assert pr_aa["initiatives"][0]["title"] == "MFA everywhere" and pr_aa["gap_to_target"] == 1.5
    assert document["benchmark"]["synthetic"] is True and document["as_of"] == "2026-09-30"
    strict = selectors.profile(people["cio"], a, mode=STRICT)
    assert {r.id: r for r in strict.rolled.categories}["PR.AA"].current == 0.0  # PR.AA-03..06 unscored
    assert "<svg" in profile.radar() and "Benchmark (synthetic)" in profile.radar()


def test_assessments_side_by_side(people, upload, fixtures):
    q2 = _assessment(people, title="Q2", assessed_on=date(2026, 6, 30))
    q3 = _assessment(people, title="Q3", assessed_on=date(2026, 9, 30))
    services.set_score(actor=people["ciso"], assessment=q2, subcategory="RS.MA-01", current=1, target=3)
    services.set_score(actor=people["ciso"], assessment=q3, subcategory="RS.MA-01", current=3, target=3)
    result = selectors.comparison(people["board"], [q3, q2])
    assert [a.title for a in result.assessments] == ["Q2", "Q3"]
    assert {i: v for i, _t, v in result.functions}["RS"] == [1.0, 3.0]
    assert result.overall == [1.0, 3.0]
    other = services.import_oscal_catalogue(actor=people["ciso"], file=upload(fixtures / "small_catalogue.json"),
                                            filename="s.json", key="small")
    shop = _assessment(people, title="Shop", framework_key=other.key)
    with pytest.raises(ValidationFailed, match="one framework at a time"):
        selectors.comparison(people["board"], [q2, shop])


def test_who_may_read_and_write(people):
    a = _assessment(people)
    for name in ("board", "auditor", "analyst", "cio"):
        assert selectors.assessment_by_id(people[name], a.pk) == a
    with pytest.raises(NotAllowed):
        selectors.assessments(people["owner"])
    with pytest.raises(NotAllowed):
        selectors.frameworks(people["owner"])
    for name in ("board", "auditor", "analyst", "owner"):
        with pytest.raises(NotAllowed):
            services.set_score(actor=people[name], assessment=a, subcategory="GV.OC-01", current=1, target=2)
        with pytest.raises(NotAllowed):
            services.create_assessment(actor=people[name], title="X", assessed_on=date(2026, 1, 1))
    with pytest.raises(NotFound):
        selectors.assessment_by_id(people["board"], 999_999)
