from __future__ import annotations

import gzip
import io
from datetime import timedelta

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.vulns import services
from accord.vulns.models import EpssScore, FeedLoad, Finding, KevEntry, SlaPolicy


def _scan(actor, vf, name="weekly.csv"):
    return services.import_scan(actor=actor, file=io.BytesIO(vf.scan_csv()), filename=name)


def test_kev_load_is_idempotent_records_the_feed_date_and_re_decides_open_findings(org_data, analyst, vf):
    _scan(analyst, vf)
    ssh = Finding.objects.get(title="OpenSSH regreSSHion")
    assert not ssh.kev and ssh.decision == "attend"  # none, yes (AC:H does not count), total, high
    data = vf.kev_json("CVE-2024-6387", "CVE-2099-0001")
    first = services.load_kev(actor=analyst, file=io.BytesIO(data), filename="kev.json")
    assert not first.unchanged and first.load.entries == 2 and first.load.feed_version == "2026.01.02"
    assert first.load.feed_date.isoformat().startswith("2026-01-02T17:04:19")
    assert first.load.findings_redecided >= 1
    ssh.refresh_from_db()
    assert ssh.kev and ssh.decision == "act"  # active, yes, total, high
    # 14 KEV days from first seen (listed before it), not CISA's due date, which binds federal agencies only.
    assert ssh.due_date == (vf.NOW - timedelta(days=10)).date() + timedelta(days=14) and ssh.due_rule == "kev"
    again = services.load_kev(actor=analyst, file=io.BytesIO(data), filename="kev.json")
    assert again.unchanged and FeedLoad.objects.filter(kind="kev").count() == 1
    assert AuditEvent.objects.filter(action="feed.kev_loaded").count() == 1
    services.load_kev(actor=analyst, file=io.BytesIO(vf.kev_json("CVE-2099-0001")), filename="kev2.json")
    assert set(KevEntry.objects.values_list("cve_id", flat=True)) == {"CVE-2099-0001"}
    ssh.refresh_from_db()
    assert not ssh.kev and ssh.computed_decision == "attend"


def test_epss_above_the_threshold_means_public_poc(org_data, analyst, vf):
    _scan(analyst, vf)
    raw = gzip.compress(vf.epss_csv({"CVE-2024-6387": 0.42, "CVE-2024-4577": 0.01}))
    result = services.load_epss(actor=analyst, file=io.BytesIO(raw), filename="epss.csv.gz")
    assert result.load.entries == 2 and EpssScore.objects.count() == 2
    ssh = Finding.objects.get(title="OpenSSH regreSSHion")
    assert ssh.epss == pytest.approx(0.42) and ssh.epss_cve == "CVE-2024-6387"
    exploitation = next(p for p in ssh.decision_points if p["point"] == "exploitation")
    assert exploitation["value"] == "public_poc" and "0.420" in exploitation["reason"]
    assert services.load_epss(actor=analyst, file=io.BytesIO(raw), filename="epss.csv.gz").unchanged


def test_a_broken_feed_is_refused_with_its_line_and_nothing_changes(org_data, analyst, vf):
    bad = vf.epss_csv({"CVE-2024-6387": 0.4}) + b"CVE-2024-1,1.7,0.5\n"
    with pytest.raises(ValidationFailed) as refused:
        services.load_epss(actor=analyst, file=io.BytesIO(bad), filename="epss.csv")
    assert refused.value.problems[0].line == 4
    assert not EpssScore.objects.exists() and not FeedLoad.objects.exists()


def test_feeds_need_the_capability(org_data, make_user, vf):
    with pytest.raises(NotAllowed):
        services.load_kev(actor=make_user("cio"), file=io.BytesIO(vf.kev_json("CVE-2024-6387")))


def test_override_is_audited_moves_the_due_date_and_needs_a_justification(org_data, analyst, make_user, vf):
    _scan(analyst, vf)
    tls = Finding.objects.get(title="TLS 1.0 enabled")
    with pytest.raises(ValidationFailed, match="justification"):
        services.override_decision(actor=analyst, finding=tls, decision="act", justification="  ")
    with pytest.raises(NotAllowed):
        services.override_decision(actor=make_user("it_operations"), finding=tls, decision="act", justification="x")
    row = services.override_decision(actor=analyst, finding=tls, decision="act", justification="Exposed to partners")
    assert (row.decision, row.computed_decision, row.override_by) == ("act", "track", analyst)
    assert row.sla_start == vf.NOW.date() and row.due_date == vf.NOW.date() + timedelta(days=7)
    event = AuditEvent.objects.get(action="finding.decision_overridden")
    assert event.object_id == str(tls.pk) and event.before["decision"] == "track"
    assert event.after["override_justification"] == "Exposed to partners"
    cleared = services.clear_override(actor=analyst, finding=row, justification="Partner link closed")
    assert cleared.decision == "track" and not cleared.override_decision


def test_sla_policy_needs_the_ciso_and_the_cio(org_data, analyst, ciso, cio, make_user, vf):
    _scan(analyst, vf)
    with pytest.raises(NotAllowed):
        services.propose_sla_policy(actor=analyst, act_days=5, attend_days=20, track_star_days=60, track_days=120)
    with pytest.raises(ValidationFailed) as bad:
        services.propose_sla_policy(actor=ciso, act_days=40, attend_days=30, track_star_days=60, track_days=120)
    assert bad.value.problems[0].field == "act_days"
    policy = services.propose_sla_policy(actor=ciso, act_days=5, attend_days=20, track_star_days=60,
                                         track_days=120, reason="faster")
    with pytest.raises(ValidationFailed, match="you cannot confirm what you already answered"):
        services.confirm_sla_policy(actor=ciso, policy=policy)
    other_ciso = make_user("ciso")
    with pytest.raises(ValidationFailed, match="this needs the CIO"):
        services.confirm_sla_policy(actor=other_ciso, policy=policy)
    tls = Finding.objects.get(title="TLS 1.0 enabled")
    services.confirm_sla_policy(actor=cio, policy=policy)
    assert SlaPolicy.objects.get(pk=policy.pk).status == "active"
    tls.refresh_from_db()
    assert tls.due_date == tls.sla_start + timedelta(days=120)
    actions = list(AuditEvent.objects.filter(action__startswith="sla_policy").values_list("action", flat=True))
    assert sorted(actions) == ["sla_policy.confirmed", "sla_policy.proposed"]
    with pytest.raises(ValidationFailed, match="not awaiting"):
        services.confirm_sla_policy(actor=cio, policy=policy)
