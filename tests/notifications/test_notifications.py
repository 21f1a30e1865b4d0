"""Word when it matters: the inbox and its unread count, choices of events and channels, email
through a real SMTP server, webhooks (Slack, Teams, generic JSON signed with HMAC-SHA256) through
a real HTTP server, retries that end failed with the error."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from accord.core.permissions import Role
from accord.notifications import services
from accord.notifications.models import Delivery, DeliveryStatus, Event, Notification


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_inbox_unread_count_and_mark_read(db, make_user):
    ciso = make_user(Role.CISO)
    services.notify(event=Event.APPROVAL_REQUESTED, recipients=[ciso], title="Sign patch plan #3", url="/patching/")
    client = Client()
    client.force_login(ciso)
    page = client.get("/").content.decode()
    assert 'aria-label="1 unread"' in page
    inbox = client.get("/inbox/").content.decode()
    assert "Sign patch plan #3" in inbox
    client.post("/inbox/read/", {})
    assert Notification.objects.get().read_at is not None
    assert 'unread"' not in client.get("/").content.decode()


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[Any] = []

    class Keep(Message):
        def handle_message(self, message: Any) -> None:
            received.append(message)

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield received
    controller.stop()


def test_email_goes_through_a_real_smtp_server_and_follows_preferences(db, make_user, smtp_server):
    ciso = make_user(Role.CISO)
    ciso.email = "ciso@example.test"
    ciso.save()
    services.notify(event=Event.APPROVAL_REQUESTED, recipients=[ciso], title="Sign patch plan #3",
                    body="Two emergency changes wait.", url="/patching/plans/3/")
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "ciso@example.test" and message["Subject"] == "Sign patch plan #3"
    assert "/patching/plans/3/" in message.get_payload()
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    services.set_preference(actor=ciso, event=Event.APPROVAL_REQUESTED, channel="email", enabled=False)
    services.notify(event=Event.APPROVAL_REQUESTED, recipients=[ciso], title="Another")
    assert len(smtp_server) == 1  # no second email, but the inbox has both
    assert Notification.objects.filter(user=ciso).count() == 2
    # jobs that finished stay in the inbox only, by default
    services.notify(event=Event.JOB_FINISHED, recipients=[ciso], title="Done")
    assert len(smtp_server) == 1


@pytest.fixture
def http_receiver():
    received: list[dict[str, Any]] = []
    status = {"code": 204}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"body": body, "headers": dict(self.headers), "path": self.path})
            self.send_response(status["code"])
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", received=received, status=status)
    server.shutdown()


def test_webhooks_slack_and_signed_generic_json(db, admin, http_receiver):
    services.add_webhook(actor=admin, name="SecOps Slack", kind="slack", url=f"{http_receiver.url}/slack",
                         events=[Event.KEV_PAST_DUE])
    services.add_webhook(actor=admin, name="SIEM", kind="generic", url=f"{http_receiver.url}/siem",
                         events=[Event.KEV_PAST_DUE, Event.APPROVAL_GRANTED], secret="s3cret")
    services.notify(event=Event.KEV_PAST_DUE, recipients=[], title="12 KEV findings past due",
                    body="ERP 7, Website 5", url="/vulns/?kev=true&sla=breached", payload={"count": 12})
    by_path = {r["path"]: r for r in http_receiver.received}
    slack = json.loads(by_path["/slack"]["body"])
    assert slack["text"].startswith("*12 KEV findings past due*") and "/vulns/?kev=true" in slack["text"]
    generic = by_path["/siem"]
    expected = "sha256=" + hmac.new(b"s3cret", generic["body"], hashlib.sha256).hexdigest()
    assert generic["headers"]["X-Accord-Signature"] == expected
    payload = json.loads(generic["body"])
    assert payload["event"] == "kev.past_due" and payload["count"] == 12
    assert payload["url"].endswith("/vulns/?kev=true&sla=breached")
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_failing_webhook_is_retried_then_marked_failed_with_its_error(db, admin, http_receiver):
    from accord.notifications.tasks import deliver

    http_receiver.status["code"] = 500
    target = services.add_webhook(actor=admin, name="Teams", kind="teams", url=http_receiver.url,
                                  events=[Event.JOB_FAILED])
    services.notify(event=Event.JOB_FAILED, recipients=[], title="Failed: import")
    delivery = Delivery.objects.get(target=target)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1 and "500" in delivery.last_error
    with pytest.raises(Exception, match="500"):
        deliver.call_local(delivery.pk, task=SimpleNamespace(retries=0))  # the last retry
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert json.loads(http_receiver.received[0]["body"])["@type"] == "MessageCard"


def test_webhook_targets_are_checked_and_only_administrators_manage_them(db, admin, make_user):
    from accord.core.errors import NotAllowed, ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        services.add_webhook(actor=admin, name="x", kind="slack", url="file:///etc/passwd", events=["kev.past_due"])
    assert caught.value.problems[0].field == "url"
    with pytest.raises(ValidationFailed) as caught:
        services.add_webhook(actor=admin, name="x", kind="slack", url="https://x.example", events=["nope"])
    assert caught.value.problems[0].field == "events"
    with pytest.raises(NotAllowed):
        services.add_webhook(actor=make_user(Role.CISO), name="x", kind="slack", url="https://x.example",
                             events=["kev.past_due"])
