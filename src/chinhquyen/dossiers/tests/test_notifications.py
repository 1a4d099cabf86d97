"""Notifications to the applicant: e-mail through a real local SMTP server (aiosmtpd), SMS through the providers."""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Notification
from chinhquyen.dossiers.notifications.base import SmsError, normalise_phone
from chinhquyen.dossiers.notifications.registry import get_provider, provider_names
from chinhquyen.dossiers.tasks import deliver_notification
from chinhquyen.dossiers.tests.conftest import receive


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_the_receipt_reaches_the_applicant_by_email_and_sms_through_the_worker(one_stop, fake_clock, smtp_server, settings, tmp_path):
    settings.SMS_PROVIDER = "console"
    settings.SMS_FILE = str(tmp_path / "sms.jsonl")
    dossier = receive(one_stop)
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    assert len(smtp_server.messages) == 1
    mail_from, to, content = smtp_server.messages[0]
    assert mail_from == settings.DEFAULT_FROM_EMAIL
    message = message_from_bytes(content)
    assert to == ["an@example.test"]
    assert str(make_header(decode_header(message["Subject"]))) == gettext("Dossier %(code)s") % {"code": dossier.code}
    body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
    assert dossier.code in body and "25/02/2026" in body
    sms = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(m["to"], dossier.code in m["text"]) for m in sms] == [("84912345678", True)]
    assert Notification.objects.filter(dossier=dossier, sent_at__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
def test_no_notification_is_left_behind_by_a_rolled_back_change(one_stop, fake_clock):
    class Boom(Exception):
        pass

    dossier = receive(one_stop)
    before = Notification.objects.count()
    with pytest.raises(Boom), transaction.atomic():
        services.request_supplement(officer=one_stop.cast.counter_officer, dossier=dossier, items=["Ảnh"], reason="Thiếu")
        assert Notification.objects.count() == before + 2
        raise Boom
    assert Notification.objects.count() == before


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        _Gateway.received.append({"body": json.loads(self.rfile.read(length)), "auth": self.headers.get("Authorization")})
        self.send_response(_Gateway.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "msg-1"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received = []
    _Gateway.status = 200
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()


@pytest.mark.django_db
def test_the_http_provider_posts_to_the_gateway_and_records_refusals(one_stop, fake_clock, gateway, settings):
    settings.SMS_PROVIDER = "http"
    settings.SMS_HTTP_URL = gateway
    settings.SMS_HTTP_TOKEN = "bi-mat"
    dossier = receive(one_stop)
    sms = Notification.objects.get(dossier=dossier, channel="sms")
    assert deliver_notification(sms.pk) == "http"
    assert _Gateway.received[0]["body"]["to"] == "84912345678" and _Gateway.received[0]["auth"] == "Bearer bi-mat"
    assert deliver_notification(sms.pk) == "already sent" and len(_Gateway.received) == 1
    _Gateway.status = 503
    services.request_supplement(officer=one_stop.cast.counter_officer, dossier=dossier, items=["Ảnh"], reason="Thiếu")
    failing = Notification.objects.get(dossier=dossier, channel="sms", kind="supplement_request")
    with pytest.raises(SmsError):
        deliver_notification(failing.pk)
    failing.refresh_from_db()
    assert failing.sent_at is None and "503" in failing.error


def test_phone_numbers_are_normalised_and_the_registry_knows_the_providers():
    assert normalise_phone("0912 345 678") == normalise_phone("+84912345678") == "84912345678"
    with pytest.raises(SmsError):
        normalise_phone("12345")
    assert provider_names() == ["console", "http"]
    with pytest.raises(SmsError):
        get_provider("pigeon")
