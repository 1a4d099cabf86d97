"""The office on the document exchange (issue 7 item 4), through the real exchange outbox/inbox and
the embedded hub (in-process HTTP, HMAC). Agencies A and B of the cast sit in one database but
talk as two deployments: A's recipient is an *outside* recipient (a code, no local agency), the
package goes A → outbox → hub → B's inbox → B's "to register" list, and statuses come back the
same way."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse

from chinhquyen.documents import hooks, services
from chinhquyen.documents.integrations import exchange as wiring
from chinhquyen.documents.integrations import install
from chinhquyen.documents.models import IncomingDocument, IncomingStatus, OutgoingDocument, OutgoingStatus
from chinhquyen.documents.testing import pdf_bytes
from chinhquyen.exchange import delivery, edxml, registry
from chinhquyen.exchange import services as exchange
from chinhquyen.exchange.models import Outbox
from chinhquyen.exchange.testing import in_process_hub_transport, sample_package
from chinhquyen.exchange.transports.hub import HubTransport
from chinhquyen.hub import services as hub_services
from chinhquyen.hub.models import Delivery, DeliveryState


@dataclass
class Peers:
    a: HubTransport
    b: HubTransport


@pytest.fixture
def peers(cast, settings) -> Peers:
    settings.EXCHANGE_RETRY_BASE_SECONDS = 1
    registry.unregister_handlers()  # whatever another test left
    hooks.unregister_outgoing_transport(wiring.NAME)
    install()
    conn_a = hub_services.create_connector(name="dep-a", secret="secret-a-0123456789")
    conn_b = hub_services.create_connector(name="dep-b", secret="secret-b-0123456789")
    hub_services.upsert_agencies(
        agencies=[
            hub_services.AgencyInput(cast.agency_a.code, cast.agency_a.name, connector=conn_a.name),
            hub_services.AgencyInput(cast.agency_b.code, cast.agency_b.name, connector=conn_b.name),
        ]
    )
    yield Peers(
        a=in_process_hub_transport(connector="dep-a", secret="secret-a-0123456789"),
        b=in_process_hub_transport(connector="dep-b", secret="secret-b-0123456789"),
    )


def _issued_to_b(office, **kwargs) -> OutgoingDocument:
    cast = office.cast
    document = services.create_draft(
        actor=cast.specialist_a,
        agency=cast.agency_a,
        document_type="Công văn",
        subject=kwargs.pop("subject", "Về việc cử cán bộ tham dự tập huấn chuyển đổi số"),
        draft=("cong-van.pdf", pdf_bytes(1, text="Cong van gui So B")),
        external_recipients=[(cast.agency_b.code, cast.agency_b.name)],
        **kwargs,
    )
    services.submit_draft(actor=cast.specialist_a, document=document)
    document.refresh_from_db()
    if document.status == OutgoingStatus.IN_REVIEW:
        services.review_draft(actor=office.unit_leader_x, document=document, accept=True)
    services.approve_document(actor=cast.leader_a, document=document)
    return services.issue_document(actor=cast.clerk_a, document=OutgoingDocument.objects.get(pk=document.pk))


def _send(peers: Peers, code_a: str) -> int:
    """Send every pending outbox row through its own deployment's connector (A's or B's)."""
    sent = 0
    for row in Outbox.objects.filter(state="pending").order_by("pk"):
        sent += delivery.send_one(row, peers.a if row.sender_code == code_a else peers.b)
    return sent


def _pump(peers: Peers, code_a: str) -> None:
    """Both workers run until nothing moves."""
    for _round in range(5):
        moved = _send(peers, code_a) + delivery.fetch_inbound(peers.b) + delivery.fetch_inbound(peers.a)
        if not moved:
            return


def _statuses_to(code: str) -> list[str]:
    return [r.status_code for r in Outbox.objects.filter(kind="status").order_by("pk") if code in r.recipient_codes]


def _status_rows(sender_code: str) -> list[str]:
    return [r.status_code for r in Outbox.objects.filter(kind="status", sender_code=sender_code).order_by("pk")]


def _timeline(document: OutgoingDocument) -> list[str]:
    [(_recipient, events)] = wiring.timelines(document, list(document.recipients.all()))
    return [e.data["status"] for e in events]


def test_issuing_to_an_outside_agency_queues_a_package_in_the_same_transaction(office, peers):
    cast = office.cast
    issued = _issued_to_b(office)
    recipient = issued.recipients.get()
    document_id = f"{cast.agency_a.code},{issued.issued_date:%Y/%m/%d},{issued.written_number}"
    assert (recipient.transport, recipient.transport_reference) == ("exchange", document_id)
    [row] = Outbox.objects.filter(kind="package")
    assert row.document_id == document_id and row.recipient_codes == [cast.agency_b.code] and row.state == "pending"

    # A rolled-back issue leaves nothing in the outbox (and no number taken).
    document = services.create_draft(
        actor=cast.specialist_a,
        agency=cast.agency_a,
        document_type="Công văn",
        subject="Văn bản sẽ không được ban hành",
        draft=("b.pdf", pdf_bytes()),
        external_recipients=[(cast.agency_b.code, cast.agency_b.name)],
    )
    services.submit_draft(actor=cast.specialist_a, document=document)
    document.refresh_from_db()
    if document.status == OutgoingStatus.IN_REVIEW:
        services.review_draft(actor=office.unit_leader_x, document=document, accept=True)
    services.approve_document(actor=cast.leader_a, document=document)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.issue_document(actor=cast.clerk_a, document=document)
        assert Outbox.objects.filter(kind="package").count() == 2
        raise RuntimeError("the issuing transaction fails after the enqueue")
    assert Outbox.objects.filter(kind="package").count() == 1
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED and not document.code_number


def test_secret_documents_never_reach_the_exchange(office, peers):
    cast = office.cast
    document = services.create_draft(
        actor=cast.specialist_a,
        agency=cast.agency_a,
        document_type="Công văn",
        subject="Văn bản mật",
        secrecy="confidential",
        draft=("m.pdf", pdf_bytes()),
        external_recipients=[(cast.agency_b.code, cast.agency_b.name)],
    )
    services.submit_draft(actor=cast.specialist_a, document=document)
    document.refresh_from_db()
    if document.status == OutgoingStatus.IN_REVIEW:
        services.review_draft(actor=office.unit_leader_x, document=document, accept=True)
    services.approve_document(actor=cast.leader_a, document=document)
    services.issue_document(actor=office.secret_clerk, document=document)
    assert not Outbox.objects.exists()
    assert document.recipients.get().transport == ""


def test_a_package_arrives_in_the_clerks_list_once_with_its_metadata_and_statuses_01_then_03_reach_the_sender(office, peers, client):
    cast = office.cast
    issued = _issued_to_b(office)
    assert _send(peers, cast.agency_a.code) == 1
    assert delivery.fetch_inbound(peers.b) == 1
    [received] = IncomingDocument.objects.filter(agency=cast.agency_b)
    assert received.status == IncomingStatus.RECEIVED and received.source == "electronic"
    assert (received.code_number, received.code_notation, received.issuer_code) == (
        issued.code_number,
        issued.code_notation,
        cast.agency_a.code,
    )
    assert received.subject == issued.subject and received.issued_date == issued.issued_date
    assert received.issuer_name == cast.agency_a.name and received.document_type == issued.document_type
    assert received.edxml_document_id == issued.recipients.get().transport_reference
    [main] = received.attachments.all()
    from chinhquyen.signing.models import ValidationReport

    assert ValidationReport.objects.filter(subject_type="documents.Attachment", subject_id=str(main.pk)).count() == 1
    assert received.events.filter(data__has_key="edxml_signature").exists()

    # fetched twice (the acknowledgement was lost): still one incoming document
    Delivery.objects.filter(message__message_type="edoc").update(state=DeliveryState.PENDING)
    assert delivery.fetch_inbound(peers.b) == 1
    assert IncomingDocument.objects.filter(agency=cast.agency_b).count() == 1

    # 01 (exchange, on fetch) reaches A
    _pump(peers, cast.agency_a.code)
    assert _timeline(issued) == ["01"]
    # B's clerk registers: 03
    services.register_received_document(actor=cast.clerk_b, document=received)
    assert _status_rows(cast.agency_b.code) == ["01", "03"]
    _pump(peers, cast.agency_a.code)
    assert _timeline(issued) == ["01", "03"]

    client.force_login(cast.clerk_a)
    page = client.get(reverse("documents:outgoing_detail", args=[issued.pk])).content.decode()
    assert page.index('data-status="01"') < page.index('data-status="03"')


def test_statuses_03_04_05_06_are_queued_at_the_matching_transitions(office, peers):
    cast = office.cast
    # A package from an agency outside the deployment (B's code) to A.
    exchange.queue_package(
        package=sample_package(
            sender=cast.agency_b.code,
            recipients=[cast.agency_a.code],
            attachments=(edxml.Attachment("cid:1", "cong-van.pdf", pdf_bytes(1, text="Cong van tu So B")),),
        ),
        actor=None,
    )
    _send(peers, cast.agency_a.code)
    delivery.fetch_inbound(peers.a)
    [document] = IncomingDocument.objects.filter(agency=cast.agency_a, source="electronic")
    assert _status_rows(cast.agency_a.code) == ["01"]
    services.register_received_document(actor=cast.clerk_a, document=document)
    assert _status_rows(cast.agency_a.code) == ["01", "03"]
    services.present_document(actor=cast.clerk_a, document=document, leader=cast.leader_a)
    assert _status_rows(cast.agency_a.code) == ["01", "03"]  # presenting is not a status of §1.8
    services.instruct_document(
        actor=cast.leader_a,
        document=document,
        instruction="Giao phòng CCVC",
        lead_unit=office.unit_x,
        lead_handler=office.specialist_x,
        due_days=5,
    )
    assert _status_rows(cast.agency_a.code) == ["01", "03", "04"]
    services.record_progress(actor=office.specialist_x, document=document, text="Đang tổng hợp")
    services.record_progress(actor=office.specialist_x, document=document, text="Đã xin ý kiến")
    assert _status_rows(cast.agency_a.code) == ["01", "03", "04", "05"]
    services.complete_document(actor=office.specialist_x, document=IncomingDocument.objects.get(pk=document.pk), summary="Xong")
    assert _status_rows(cast.agency_a.code) == ["01", "03", "04", "05", "06"]
    assert set(_statuses_to(cast.agency_b.code)) == {"01", "03", "04", "05", "06"}


def test_a_recall_shows_on_both_sides(office, peers, client):
    cast = office.cast
    issued = _issued_to_b(office)
    _pump(peers, cast.agency_a.code)
    assert _timeline(issued) == ["01"]
    [received] = IncomingDocument.objects.filter(agency=cast.agency_b)

    services.recall_document(actor=cast.clerk_a, document=issued, reason="Sai đối tượng áp dụng")
    assert [r.status_code for r in Outbox.objects.filter(kind="status", sender_code=cast.agency_a.code)] == ["13"]
    assert _timeline(issued) == ["01", "13"]
    _pump(peers, cast.agency_a.code)
    received.refresh_from_db()
    assert received.status == IncomingStatus.CANCELLED and "Sai đối tượng" in received.cancel_reason
    assert _status_rows(cast.agency_b.code) == ["01", "15"]
    assert _timeline(issued) == ["01", "13", "15"]
    client.force_login(cast.clerk_b)
    page = client.get(reverse("documents:incoming_detail", args=[received.pk])).content.decode()
    assert "Sai đối tượng áp dụng" in page


def test_the_clerk_rejects_a_received_package_with_a_reason_and_02_goes_back(office, peers, client):
    from chinhquyen.core.errors import DomainError

    cast = office.cast
    exchange.queue_package(
        package=sample_package(
            sender=cast.agency_b.code,
            recipients=[cast.agency_a.code],
            attachments=(edxml.Attachment("cid:1", "cong-van.pdf", pdf_bytes(1, text="Gui nham noi nhan")),),
        ),
        actor=None,
    )
    _send(peers, cast.agency_a.code)
    delivery.fetch_inbound(peers.a)
    [document] = IncomingDocument.objects.filter(agency=cast.agency_a, source="electronic")
    client.force_login(cast.clerk_a)
    page = client.get(reverse("documents:incoming_detail", args=[document.pk])).content.decode()
    assert "/reject/" in page
    with pytest.raises(DomainError):
        wiring.reject_received(actor=cast.clerk_a, document=document, reason="  ")
    client.post(reverse("documents:incoming_action", args=[document.pk, "reject"]), {"reason": "Gửi nhầm nơi nhận"})
    document.refresh_from_db()
    assert document.status == IncomingStatus.CANCELLED
    [row] = Outbox.objects.filter(kind="status", sender_code=cast.agency_a.code, status_code="02")
    assert "Gửi nhầm nơi nhận".encode() in bytes(row.payload)
    assert _status_rows(cast.agency_a.code) == ["01", "02"]
