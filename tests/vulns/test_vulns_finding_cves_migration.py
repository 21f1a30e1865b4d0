"""Migration vulns.0005: the finding-to-CVE table and fix keys are filled for findings stored before it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accord.org.models import Asset
from accord.vulns.fixes import fix_key_of

BEFORE = [("vulns", "0004_import_summary")]
AFTER = [("vulns", "0005_finding_cves")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_fills_finding_cves_and_fix_keys_for_existing_findings():
    old = _migrate(BEFORE)
    asset = Asset.objects.create(hostname="old-01")  # org's tables stay at their latest migration
    Finding = old.get_model("vulns", "Finding")
    day = dt.date(2026, 1, 1)
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    common = {"asset_id": asset.pk, "source_format": "csv", "scanner": "nessus", "title": "t", "severity": "high",
              "content_hash": "x", "scope": "s", "first_seen": moment, "last_seen": moment,
              "computed_decision": "track", "decision": "track", "opened_on": day, "sla_start": day, "due_date": day}
    two = Finding.objects.create(fingerprint="a", rule_id="1", cves=",CVE-2024-0001,CVE-2024-0002,",
                                 solution=" Upgrade  it. ", **common)
    none = Finding.objects.create(fingerprint="b", rule_id="2", cves="", solution="", **common)
    try:
        new = _migrate(AFTER)
        FindingCve = new.get_model("vulns", "FindingCve")
        assert set(FindingCve.objects.values_list("finding_id", "cve")) == {
            (two.pk, "CVE-2024-0001"), (two.pk, "CVE-2024-0002")}
        keys = dict(new.get_model("vulns", "Finding").objects.values_list("pk", "fix_key"))
        assert keys == {two.pk: fix_key_of("upgrade it.", "1", "t"), none.pk: fix_key_of("", "2", "t")}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
