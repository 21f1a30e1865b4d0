"""Assessments and findings through the services: the score is computed from the answers, findings carry
an owner and a due day, closing one is audited, and a refused assessment writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.vendors import services
from accord.vendors.models import Assessment, VendorFinding

from .conftest import all_answers


def test_an_assessment_with_findings(db, frozen, make_vendor, people, person):
    vendor = make_vendor()
    answers = {**all_answers(), "mfa": "partial", "exit": "no"}  # mfa 3 x 0.4, exit 1 x 0: (16 - 1.8 - 1) / 16
    assessment = services.record_assessment(
        actor=people["ciso"], vendor=vendor, answers=answers, assessed_on=date(2026, 2, 20), notes="Call with PayCo",
        findings=[services.NewFinding("MFA for support staff", person("cio"), date(2026, 6, 30))])
    assert assessment.score == pytest.approx(82.5)
    assert assessment.questionnaire_version == "2026.1" and assessment.tier_at_assessment == "critical"
    finding = assessment.findings.get()
    assert (finding.owner, finding.due_on, finding.status) == (person("cio"), date(2026, 6, 30), "open")
    assert AuditEvent.objects.filter(action="vendor.assessed", object_id=str(assessment.pk)).exists()
    assert AuditEvent.objects.filter(action="vendor_finding.created").count() == 1

    with pytest.raises(ValidationFailed) as refused:
        services.close_finding(actor=people["cio"], finding=finding, status="accepted", note="")
    assert refused.value.problems[0].field == "note"
    services.close_finding(actor=people["cio"], finding=finding, status="resolved", note="Enforced on 1 June")
    finding.refresh_from_db()
    assert finding.status == "resolved" and finding.closed_by == people["cio"]
    with pytest.raises(ValidationFailed, match="already resolved"):
        services.close_finding(actor=people["cio"], finding=finding, status="resolved")


def test_a_refused_assessment_writes_nothing(db, frozen, make_vendor, people, person):
    vendor = make_vendor()
    with pytest.raises(ValidationFailed) as missing:
        services.record_assessment(actor=people["ciso"], vendor=vendor, answers={"mfa": "yes"})
    assert "answers.certification" in {p.field for p in missing.value.problems}
    with pytest.raises(ValidationFailed) as future:
        services.record_assessment(actor=people["ciso"], vendor=vendor, answers=all_answers(),
                                   assessed_on=date(2026, 3, 3))
    assert future.value.problems[0].field == "assessed_on"
    with pytest.raises(ValidationFailed) as bad_finding:
        services.record_assessment(actor=people["ciso"], vendor=vendor, answers=all_answers(),
                                   findings=[services.NewFinding("", person("cio"), date(2026, 4, 1))])
    assert bad_finding.value.problems[0].field == "findings.1.text"
    assert not Assessment.objects.exists() and not VendorFinding.objects.exists()


def test_only_vendor_writers_assess(db, frozen, make_vendor, people):
    vendor = make_vendor()
    for who in ("analyst", "itops", "board", "auditor", "owner"):
        with pytest.raises(NotAllowed):
            services.record_assessment(actor=people[who], vendor=vendor, answers=all_answers())
    assert services.record_assessment(actor=people["cio"], vendor=vendor, answers=all_answers()).score == 100
