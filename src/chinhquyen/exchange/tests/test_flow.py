"""A package from A to B through the hub, statuses back, duplicates, recall, failures."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.utils import timezone

from chinhquyen.core.errors import DomainError
from chinhquyen.exchange import delivery, services
from chinhquyen.exchange.models import Inbox, InboxState, Outbox, OutboxState, RecipientStatus
from chinhquyen.exchange.testing import sample_package
from chinhquyen.exchange.transports import TransportNotConfigured, get_transport
from chinhquyen.exchange.transports.hub import HubTransport
from chinhquyen.hub.models import Blob, Delivery, DeliveryState

pytestmark = pytest.mark.django_db


def _send_a_to_b(peers, **changes):
    row = services.queue_package(package=sample_package(sender=peers.code_a, recipients=[peers.code_b], **changes))
    assert delivery.deliver_due(peers.a) == 1
    return row


def test_a_package_is_registered_once_and_its_statuses_reach_the_sender(peers):
    row = _send_a_to_b(peers)
    assert Outbox.objects.get(pk=row.pk).state == OutboxState.SENT
    assert delivery.fetch_inbound(peers.b) == 1
    [document] = peers.handler.documents
    assert document.sender_code == peers.code_a and document.recipient_code == peers.code_b and document.business_type == "new"
    assert document.metadata["code_number"] == "12" and document.attachments[0].name == "cong-van.pdf"
    assert document.document_id == f"{peers.code_a},2026/03/02,12/SNV-VP"
    # 01 went back automatically
    assert delivery.deliver_due(peers.b) == 1 and delivery.fetch_inbound(peers.a) == 1
    assert RecipientStatus.objects.get(document_id=document.document_id, recipient_code=peers.code_b).status_code == "01"
    # the clerk registers it: 03
    services.report_status(inbound=document.inbound_id, code="03")
    delivery.deliver_due(peers.b)
    delivery.fetch_inbound(peers.a)
    assert RecipientStatus.objects.get(document_id=document.document_id, recipient_code=peers.code_b).status_code == "03"
    assert [s.status_code for s in peers.handler.statuses] == ["01", "03"]
    # the hub offers it again (an ack lost): still one incoming document
    Delivery.objects.filter(message__message_type="edoc").update(state=DeliveryState.PENDING)
    assert delivery.fetch_inbound(peers.b) == 1
    assert len(peers.handler.documents) == 1 and Inbox.objects.filter(kind="package").count() == 1
    assert Delivery.objects.get(message__message_type="edoc").state == DeliveryState.DONE


def test_a_package_sent_twice_makes_one_incoming_document(peers):
    package = sample_package(sender=peers.code_a, recipients=[peers.code_b])
    services.queue_package(package=package)
    services.queue_package(package=package)
    assert delivery.deliver_due(peers.a) == 2
    assert delivery.fetch_inbound(peers.b) == 2
    assert len(peers.handler.documents) == 1
    assert Inbox.objects.filter(kind="package").count() == 1


def test_a_resend_after_a_crash_is_not_delivered_twice(peers):
    row = _send_a_to_b(peers)
    # the worker died after the hub accepted but before its commit: the row is pending again
    Outbox.objects.filter(pk=row.pk).update(state=OutboxState.PENDING, locked_until=None)
    assert delivery.deliver_due(peers.a) == 1
    assert Delivery.objects.filter(message__message_type="edoc").count() == 1


def test_the_same_attachment_is_stored_once_at_the_hub(peers):
    _send_a_to_b(peers, number="1")
    _send_a_to_b(peers, number="2", attachments=sample_package(sender=peers.code_a, recipients=[peers.code_b], number="1").attachments)
    assert Blob.objects.count() == 1


def test_secret_documents_never_leave(peers):
    with pytest.raises(DomainError) as refused:
        services.queue_package(package=sample_package(sender=peers.code_a, recipients=[peers.code_b]), secrecy="secret")
    assert refused.value.code == "exchange.secret_refused"
    assert not Outbox.objects.exists()


def test_statuses_only_move_forward_and_a_rejection_needs_a_reason(peers):
    _send_a_to_b(peers)
    delivery.fetch_inbound(peers.b)
    inbound = peers.handler.documents[0].inbound_id
    with pytest.raises(DomainError) as no_reason:
        services.report_status(inbound=inbound, code="02")
    assert no_reason.value.code == "exchange.reason_required"
    services.report_status(inbound=inbound, code="05")
    assert services.report_status(inbound=inbound, code="05") is None
    with pytest.raises(DomainError) as backwards:
        services.report_status(inbound=inbound, code="03")
    assert backwards.value.code == "exchange.status_backwards"
    with pytest.raises(DomainError):
        services.report_status(inbound=inbound, code="15")  # no recall was asked


def test_a_late_status_does_not_move_the_sender_back(peers):
    _send_a_to_b(peers)
    delivery.fetch_inbound(peers.b)
    services.report_status(inbound=peers.handler.documents[0].inbound_id, code="03")
    # deliver 03 before 01: send the rows newest first
    for row in Outbox.objects.filter(state=OutboxState.PENDING).order_by("-id"):
        delivery.send_one(row, peers.b)
    delivery.fetch_inbound(peers.a)
    status = RecipientStatus.objects.get(recipient_code=peers.code_b)
    assert status.status_code == "03"
    assert [(s.status_code, s.applied) for s in peers.handler.statuses] == [("03", True), ("01", False)]


def test_a_recall_asked_before_the_document_arrives_is_applied_when_it_comes(peers):
    package = sample_package(sender=peers.code_a, recipients=[peers.code_b])
    services.request_recall(document_id=package.effective_document_id, sender=package.sender, recipients=[peers.code_b], code="12/SNV-VP")
    delivery.deliver_due(peers.a)
    delivery.fetch_inbound(peers.b)
    assert Inbox.objects.get(kind="status").state == InboxState.WAITING
    assert peers.handler.statuses == []
    services.queue_package(package=package)
    delivery.deliver_due(peers.a)
    delivery.fetch_inbound(peers.b)
    [document] = peers.handler.documents
    [recall] = peers.handler.statuses
    assert recall.status_code == "13" and recall.inbound_id == document.inbound_id
    assert Inbox.objects.get(pk=document.inbound_id).recall_status == "13"
    services.report_status(inbound=document.inbound_id, code="15", description="Đồng ý thu hồi")
    delivery.deliver_due(peers.b)
    delivery.fetch_inbound(peers.a)
    assert RecipientStatus.objects.get(recipient_code=peers.code_b).recall_status == "15"


def test_a_failing_handler_leaves_the_message_for_a_retry(peers):
    peers.handler.fail_with = RuntimeError("the office is down")
    _send_a_to_b(peers)
    delivery.fetch_inbound(peers.b)
    row = Inbox.objects.get(kind="package")
    assert row.state == InboxState.FAILED and "office is down" in row.error
    assert Delivery.objects.get(message__message_type="edoc").state == DeliveryState.DONE  # stored here: safe
    peers.handler.fail_with = None
    services.retry_inbound(inbox=row)
    row.refresh_from_db()
    assert row.state == InboxState.RECEIVED and len(peers.handler.documents) == 1


def test_an_unknown_recipient_is_a_dead_letter_and_can_be_retried(peers):
    row = services.queue_package(package=sample_package(sender=peers.code_a, recipients=["000.00.77.H99"]))
    delivery.deliver_due(peers.a)
    row.refresh_from_db()
    assert row.state == OutboxState.DEAD and row.last_error_code == "hub.unknown_recipient"
    services.retry_dead_letter(outbox=row)
    row.refresh_from_db()
    assert row.state == OutboxState.PENDING and row.attempts == 0


def test_an_unreachable_hub_means_try_again_later(peers):
    row = services.queue_package(package=sample_package(sender=peers.code_a, recipients=[peers.code_b]))
    down = HubTransport(base_url="http://127.0.0.1:9/hub/api/v1/", connector="dep-a", secret="x", timeout=2)
    assert delivery.deliver_due(down) == 0
    row.refresh_from_db()
    assert row.state == OutboxState.PENDING and row.attempts == 1 and row.last_error_code == "exchange.hub_unreachable"
    assert row.next_attempt_at > timezone.now()


def test_an_unreadable_package_is_kept_refused_and_acknowledged_as_failed(peers):
    from chinhquyen.hub import services as hub_services
    from chinhquyen.hub.models import Connector

    good = services.queue_package(package=sample_package(sender=peers.code_a, recipients=[peers.code_b]))
    broken = bytes(good.payload).replace(b"2026/03/02</edXML:PromulgationDate>", b"2026/02/31</edXML:PromulgationDate>")
    Outbox.objects.all().delete()
    hub_services.accept(connector=Connector.objects.get(name="dep-a"), package_id="broken-1", message_type="edoc", data=broken)
    delivery.fetch_inbound(peers.b)
    row = Inbox.objects.get()
    assert row.state == InboxState.INVALID and row.error_code == "edxml.bad_date"
    assert Delivery.objects.get().state == DeliveryState.FAIL
    assert peers.handler.documents == []


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.EXCHANGE_RETRY_BASE_SECONDS = 2
    settings.EXCHANGE_RETRY_MAX_SECONDS = 60
    rng = random.Random(7)
    delays = [delivery.backoff_seconds(n, rng=rng) for n in range(1, 12)]
    for n, value in enumerate(delays, start=1):
        ceiling = min(60, 2 * 2 ** (n - 1))
        assert ceiling / 2 <= value <= ceiling
    assert max(delays) <= 60


def test_the_worker_polls_fast_after_work_and_slows_down_when_idle(monkeypatch):
    assert list(itertools.islice(delivery.idle_sleeps(1.0), 7)) == [0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    assert list(itertools.islice(delivery.idle_sleeps(0.02), 2)) == [0.02, 0.02]
    # Passes: work, nothing ×3, work, nothing ×2 → the sleeps start again at 0.05 after the work.
    script = iter([1, 0, 0, 0, 1, 0, 0])
    slept: list[float] = []
    monkeypatch.setattr(delivery, "deliver_due", lambda transport, limit: 0)
    monkeypatch.setattr(delivery, "fetch_inbound", lambda transport, limit: next(script))
    monkeypatch.setattr(delivery.time, "sleep", slept.append)
    clock = itertools.count()
    monkeypatch.setattr(delivery.time, "monotonic", lambda: next(clock))
    stats = delivery.run_worker(transport=object(), max_seconds=7, poll_seconds=1.0)  # type: ignore[arg-type]
    assert stats.passes == 7 and stats.fetched == 2
    assert slept == [0.05, 0.1, 0.2, 0.05]  # (the last pass ends the run: no sleep)


def test_the_lgsp_transport_refuses_clearly(settings):
    with pytest.raises(TransportNotConfigured, match="LGSP"):
        get_transport("lgsp").list_received()
    settings.EXCHANGE_AXIS_URL = ""
    with pytest.raises(TransportNotConfigured, match="EXCHANGE_AXIS_URL"):
        get_transport("national_axis")


def test_the_national_axis_headers_are_signed_with_the_secret():
    import hashlib
    import hmac
    import json

    from chinhquyen.exchange.transports.national_axis import axis_headers

    headers = axis_headers(
        system_id="000.00.01.H99", secret="s3cret", values={"docId": "42"}, now=dt.datetime(2026, 3, 2, 8, 0, 0, 123000, tzinfo=dt.UTC)
    )
    names = headers["XroadVnpt-sign-header"].split(";")
    assert names == sorted(["systemid", "timestamp", "docId"])
    assert headers["XroadVnpt-timestamp"] == "02032026T150000+0123"
    canonical = json.dumps({n: headers["XroadVnpt-" + n] for n in names}, separators=(",", ":")).encode()
    assert headers["XroadVnpt-hash-header"] == hmac.new(b"s3cret", canonical, hashlib.sha256).hexdigest()
