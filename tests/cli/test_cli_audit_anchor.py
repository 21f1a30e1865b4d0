"""`accord audit anchor` writes the chain's head outside the database (a file, a webhook), and
`accord audit verify --anchor-file` reads it back: a tail deleted with the head set back is found."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

# The attack the anchor is for, as tests/core/test_audit_anchor.py stages it.
from tests.core.test_audit_anchor import _cut_tail_and_fix_head
from typer.testing import CliRunner

from accord.core import audit
from accord.org import services as org


@pytest.fixture
def accord_cli(admin, monkeypatch, tmp_path):
    from accord.accounts import services as accounts
    from accord.cli import app

    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.setenv("ACCORD_TOKEN", accounts.create_token(actor=admin, name="cli").secret)
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, list(args))
        result.said = " ".join(result.output.split())  # the console wraps long lines
        return result

    return run


def _write_teams(admin, n):
    for i in range(n):
        org.create_team(actor=admin, name=f"team {i}")


def test_an_anchor_file_catches_the_tail_deleted_with_the_head_set_back(admin, accord_cli, tmp_path):
    _write_teams(admin, 3)
    anchors = tmp_path / "anchors.jsonl"
    first = accord_cli("audit", "anchor", "--to", str(anchors))
    assert first.exit_code == 0, first.said
    org.create_team(actor=admin, name="later")
    assert accord_cli("audit", "anchor", "--to", str(anchors)).exit_code == 0
    lines = [json.loads(line) for line in anchors.read_text().splitlines()]
    head = audit.chain_head()
    assert len(lines) == 2  # appended, not replaced
    assert lines[-1]["anchor"] == str(head) and lines[-1]["row"] == head.seq and lines[-1]["hash"] == head.hash
    assert lines[-1]["database"] and lines[-1]["at"].endswith("+00:00")

    assert accord_cli("audit", "verify", "--anchor-file", str(anchors)).exit_code == 0
    _cut_tail_and_fix_head(keep=head.seq - 2)
    assert accord_cli("audit", "verify").exit_code == 0  # the chain alone looks whole
    broken = accord_cli("audit", "verify", "--anchor-file", str(anchors))
    assert broken.exit_code == 1
    assert f"broken at row #{head.seq - 1}" in broken.said
    assert f"#{head.seq - 1} to #{head.seq} were removed" in broken.said


def test_a_bad_anchor_file_is_refused_naming_it(admin, accord_cli, tmp_path):
    _write_teams(admin, 1)
    missing = accord_cli("audit", "verify", "--anchor-file", str(tmp_path / "none.jsonl"))
    assert missing.exit_code == 2 and "anchor-file" in missing.said and "does not exist" in missing.said
    junk = tmp_path / "junk.jsonl"
    junk.write_text('{"anchor": "1:abc"}\nnot json\n')
    refused = accord_cli("audit", "verify", "--anchor-file", str(junk))
    assert refused.exit_code == 2 and "line 2" in refused.said
    both = accord_cli("audit", "verify", "--anchor", "1:" + "a" * 64, "--anchor-file", str(junk))
    assert both.exit_code == 2 and "not both" in both.said


def test_anchoring_an_empty_trail_is_refused(make_user):
    from accord.core.anchors import current_anchor
    from accord.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        current_anchor(make_user("auditor"))  # users made by the fixture leave no audit row
    assert "empty" in str(caught.value)


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []
    status = 204

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    _Collector.received, _Collector.status = [], 204
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/anchors", _Collector
    server.shutdown()
    server.server_close()


def test_the_anchor_is_posted_to_a_webhook(admin, accord_cli, webhook):
    url, collector = webhook
    _write_teams(admin, 2)
    result = accord_cli("audit", "anchor", "--webhook", url)
    assert result.exit_code == 0, result.said
    assert "HTTP 204" in result.said
    [(content_type, document)] = collector.received
    head = audit.chain_head()
    assert content_type == "application/json" and document["anchor"] == str(head) and document["row"] == head.seq


def test_a_webhook_that_refuses_fails_the_command(admin, accord_cli, webhook):
    url, collector = webhook
    collector.status = 500
    _write_teams(admin, 1)
    result = accord_cli("audit", "anchor", "--webhook", url)
    assert result.exit_code == 2 and "HTTP 500" in result.said
    unreachable = accord_cli("audit", "anchor", "--webhook", "ftp://127.0.0.1/x")
    assert unreachable.exit_code == 2 and "http:// or https://" in unreachable.said


def test_without_a_target_the_anchor_is_printed(admin, accord_cli):
    _write_teams(admin, 1)
    result = accord_cli("audit", "anchor")
    assert result.exit_code == 0
    assert json.loads(result.output)["anchor"] == str(audit.chain_head())
