"""The anchor: a row number and hash written down outside the database (the board pack prints one)
lets `verify` notice what the chain alone cannot: its tail removed with the head row set back, or
the chain rewritten from a row before the anchor on."""

from __future__ import annotations

import pytest
from django.db import connection
from typer.testing import CliRunner

from accord.core import audit
from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.org import services as org


def _write_some(admin, n=6):
    for i in range(n):
        org.create_team(actor=admin, name=f"team {i}")


def _anchor_at(seq: int) -> audit.Anchor:
    return audit.Anchor(seq, AuditEvent.objects.get(seq=seq).hash)


def _cut_tail_and_fix_head(keep: int) -> None:
    """What an attacker with database access does to hide the latest writes: delete them and set the
    chain-head row back to the last row kept, so the chain itself looks whole."""
    last = AuditEvent.objects.get(seq=keep)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq > %s", [keep])
        cursor.execute("UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [keep, last.hash])


def _rewrite_from(seq: int, actor_name: str) -> None:
    """Change row `seq` and recompute its hash and every later row's, and the head: a consistent forgery."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS_HASH
    with connection.cursor() as cursor:
        for row in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
            name = actor_name if row.seq == seq else row.actor_name
            digest = audit._row_digest(seq=row.seq, at=row.at, actor_id=row.actor_id, actor_name=name,
                                       action=row.action, object_type=row.object_type, object_id=row.object_id,
                                       object_repr=row.object_repr, before=row.before, after=row.after,
                                       prev_hash=prev)
            cursor.execute("UPDATE core_auditevent SET actor_name = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [name, prev, digest, row.pk])
            prev = digest
        cursor.execute("UPDATE core_auditchainhead SET hash = %s WHERE id = 1", [prev])


def test_an_anchor_on_an_intact_chain_holds(admin):
    _write_some(admin)
    head = audit.chain_head()
    assert head == _anchor_at(6)
    report = audit.verify_chain(head)
    assert report.ok and report.rows_checked == 6 and report.anchor == f"6:{head.hash}"
    assert audit.verify_chain(_anchor_at(3)).ok  # an older anchor holds too: rows after it are allowed


def test_deleting_the_tail_with_the_head_passes_without_the_anchor_and_fails_with_it(admin):
    _write_some(admin)
    anchor = audit.chain_head()
    _cut_tail_and_fix_head(keep=4)
    assert audit.verify_chain().ok  # the gap the anchor closes: the chain alone looks whole
    report = audit.verify_chain(anchor)
    assert not report.ok
    assert report.rows_checked == 4 and report.first_broken_seq == 5
    assert "ends at row #4" in report.reason and "#5 to #6 were removed" in report.reason


def test_deleting_only_the_anchored_row_is_noticed(admin):
    _write_some(admin)
    anchor = _anchor_at(6)
    _cut_tail_and_fix_head(keep=5)
    report = audit.verify_chain(anchor)
    assert not report.ok and "anchor names row #6" in report.reason


def test_a_row_before_the_anchor_changed_and_the_chain_rewritten_fails(admin):
    _write_some(admin)
    anchor = _anchor_at(5)
    _rewrite_from(2, "forger")
    assert audit.verify_chain().ok  # consistently rewritten: the chain alone cannot tell
    report = audit.verify_chain(anchor)
    assert not report.ok and report.first_broken_seq == 5
    assert "not the anchor's" in report.reason and "at or before #5" in report.reason


def test_a_row_changed_without_rehashing_before_the_anchor_fails_at_that_row(admin):
    _write_some(admin)
    anchor = _anchor_at(6)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE seq = 2", ["team.deleted"])
    report = audit.verify_chain(anchor)
    assert not report.ok and report.first_broken_seq == 2 and "content" in report.reason


def test_a_row_removed_before_the_anchor_fails(admin):
    _write_some(admin)
    anchor = _anchor_at(6)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 3")
    report = audit.verify_chain(anchor)
    assert not report.ok and report.first_broken_seq == 3 and "missing" in report.reason


def test_rows_rewritten_only_after_the_anchor_do_not_fail_the_anchor_but_the_head(admin):
    """The anchor vouches for rows up to it; a later change is the chain's (and a later anchor's) to find."""
    _write_some(admin)
    _rewrite_from(6, "forger")
    assert audit.verify_chain(_anchor_at(5)).ok


@pytest.mark.parametrize("text", ["", "5", "5:abc", "x:" + "a" * 64, "0:" + "a" * 64, "5:" + "g" * 64])
def test_a_malformed_anchor_is_refused_naming_the_field(text):
    with pytest.raises(ValidationFailed) as caught:
        audit.parse_anchor(text)
    assert caught.value.problems[0].field == "anchor"


def test_an_anchor_is_read_case_insensitively_with_spaces():
    anchor = audit.parse_anchor(" 12 : " + "AB" * 32 + " ")
    assert anchor == audit.Anchor(12, "ab" * 32)


def test_the_api_takes_the_anchor(admin, api_as):
    _write_some(admin)
    anchor = audit.chain_head()
    _cut_tail_and_fix_head(keep=4)
    api = api_as(admin)
    assert api.get("/audit/verify").json()["ok"] is True
    body = api.get(f"/audit/verify?anchor={anchor}").json()
    assert body["ok"] is False and body["anchor"] == str(anchor) and "removed" in body["reason"]
    refused = api.get("/audit/verify?anchor=nonsense")
    assert refused.status_code == 422 and "anchor" in refused.content.decode()


def test_the_command_takes_the_anchor(admin, monkeypatch, tmp_path):
    from accord.accounts import services as accounts
    from accord.cli import app

    _write_some(admin)
    anchor = audit.chain_head()
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.setenv("ACCORD_TOKEN", accounts.create_token(actor=admin, name="cli").secret)
    runner = CliRunner()
    intact = runner.invoke(app, ["audit", "verify", "--anchor", str(anchor)])
    assert intact.exit_code == 0, intact.output
    assert f"anchor row #{anchor.seq} holds" in intact.output
    _cut_tail_and_fix_head(keep=anchor.seq - 2)
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    broken = runner.invoke(app, ["audit", "verify", "--anchor", str(anchor)])
    assert broken.exit_code == 1 and "were removed" in broken.output
    bad = runner.invoke(app, ["audit", "verify", "--anchor", "12"])
    assert bad.exit_code == 2 and "anchor" in bad.output


def test_the_audit_page_takes_the_anchor(admin, make_user, client):
    _write_some(admin)
    anchor = _anchor_at(4)
    client.force_login(make_user("auditor"))
    holds = client.get(f"/audit/verify/?anchor={anchor.seq}:{anchor.hash}").content.decode()
    assert "chain intact" in holds and "anchor row #4 holds" in holds
    _cut_tail_and_fix_head(3)
    broken = client.get(f"/audit/verify/?anchor={anchor.seq}:{anchor.hash}").content.decode()
    assert "chain broken at row #4" in broken
    assert "chain intact" in client.get("/audit/verify/").content.decode()  # without it, nothing shows
    refused = client.get("/audit/verify/?anchor=nonsense").content.decode()
    assert "✘" in refused and "ROW:HASH" in refused
