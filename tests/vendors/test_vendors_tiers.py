"""Vendor tiering: the matrix (data sensitivity by criticality), edits that move a vendor across it, and
overrides that need a reason and are audited."""

from __future__ import annotations

import pytest

from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.vendors import services
from accord.vendors.tiers import CRITICALITIES, MATRIX, SENSITIVITIES, matrix_rows, matrix_tier

EXPECTED = """
none         low    low    medium high
internal     low    medium medium high
confidential medium high   high   critical
restricted   high   high   critical critical
"""


def test_the_matrix_cell_by_cell():
    expected = {line.split()[0]: line.split()[1:] for line in EXPECTED.strip().splitlines()}
    for sensitivity in SENSITIVITIES:
        for position, criticality in enumerate(CRITICALITIES):
            assert matrix_tier(sensitivity, criticality) == expected[sensitivity][position], (sensitivity, criticality)


def test_the_matrix_never_lowers_the_tier_when_either_answer_grows():
    rank = {"low": 0, "medium": 1, "high": 2, "critical": 3}
    for s, sensitivity in enumerate(SENSITIVITIES):
        for c, criticality in enumerate(CRITICALITIES):
            here = rank[matrix_tier(sensitivity, criticality)]
            if s + 1 < len(SENSITIVITIES):
                assert rank[matrix_tier(SENSITIVITIES[s + 1], criticality)] >= here
            if c + 1 < len(CRITICALITIES):
                assert rank[matrix_tier(sensitivity, CRITICALITIES[c + 1])] >= here


def test_an_unknown_answer_has_no_tier():
    with pytest.raises(ValueError, match="no tier"):
        matrix_tier("secret", "high")
    assert [row["tiers"] for row in matrix_rows()] == [list(MATRIX[s]) for s in SENSITIVITIES]


def test_a_new_vendor_gets_the_matrix_tier_and_an_edit_moves_it(db, frozen, make_vendor, people):
    vendor = make_vendor(data_sensitivity="internal", criticality="medium")
    assert vendor.tier == "medium"
    services.update_vendor(actor=people["cio"], vendor=vendor, data_sensitivity="confidential", criticality="critical")
    vendor.refresh_from_db()
    assert vendor.tier == "critical"
    change = AuditEvent.objects.filter(action="vendor.updated", object_id=str(vendor.pk)).get()
    assert change.before["tier"] == "medium" and change.after["tier"] == "critical"


def test_an_override_needs_a_reason_and_is_audited(db, frozen, make_vendor, people):
    vendor = make_vendor(data_sensitivity="none", criticality="low")
    assert vendor.tier == "low"
    with pytest.raises(ValidationFailed) as refused:
        services.override_tier(actor=people["ciso"], vendor=vendor, tier="high", reason="  ")
    assert refused.value.problems[0].field == "reason"
    vendor.refresh_from_db()
    assert vendor.tier == "low" and not vendor.tier_override
    with pytest.raises(ValidationFailed) as bad_tier:
        services.override_tier(actor=people["ciso"], vendor=vendor, tier="extreme", reason="because")
    assert bad_tier.value.problems[0].field == "tier"

    services.override_tier(actor=people["ciso"], vendor=vendor, tier="high", reason="Holds our signing keys")
    vendor.refresh_from_db()
    assert (vendor.tier, vendor.tier_override, vendor.tier_override_reason) == ("high", "high", "Holds our signing keys")
    event = AuditEvent.objects.get(action="vendor.tier_overridden")
    assert event.actor_name == "ciso"
    assert event.after["matrix_tier"] == "low" and event.after["reason"] == "Holds our signing keys"

    # An edit keeps the override; clearing it goes back to the matrix's tier for the vendor's facts now.
    services.update_vendor(actor=people["ciso"], vendor=vendor, criticality="medium")
    vendor.refresh_from_db()
    assert vendor.tier == "high"
    services.override_tier(actor=people["cio"], vendor=vendor, tier="", reason="Keys moved to our HSM")
    vendor.refresh_from_db()
    assert (vendor.tier, vendor.tier_override, vendor.tier_override_reason) == ("low", "", "")
    assert AuditEvent.objects.filter(action="vendor.tier_override_cleared", actor_name="cio").exists()


def test_bad_facts_are_refused_naming_the_field_and_nothing_is_written(db, frozen, make_vendor, people, person):
    with pytest.raises(ValidationFailed) as refused:
        services.create_vendor(actor=people["ciso"], name="Odd", service_provided="x", owner=person("cio"),
                               data_sensitivity="secret", criticality="high")
    assert "data_sensitivity" in {p.field for p in refused.value.problems}
    with pytest.raises(ValidationFailed) as dates:
        make_vendor(contract_start="2026-05-01", contract_end="2026-01-01")
    assert dates.value.problems[0].field == "contract_end"
    from accord.vendors.models import Vendor

    assert not Vendor.objects.exists()
