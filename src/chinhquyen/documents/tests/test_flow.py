"""The whole path through the services: register → present → instruct → complete with a reply →
approve → issue with a number → the recipient agency has it to register."""

from __future__ import annotations

from chinhquyen.documents import services
from chinhquyen.documents.models import IncomingDocument, IncomingStatus, OutgoingStatus
from chinhquyen.documents.testing import pdf_bytes

from .conftest import register


def test_a_document_goes_from_registration_to_a_reply_the_recipient_can_register(office):
    cast = office.cast
    document = register(office)
    assert document.status == IncomingStatus.REGISTERED and document.arrival_number == 1
    assert document.page_count == 2  # read from the scan (PageAmount)
    services.present_document(actor=cast.clerk_a, document=document, leader=cast.leader_a)
    services.instruct_document(
        actor=cast.leader_a,
        document=document,
        instruction="Giao phòng CCVC chủ trì",
        lead_unit=office.unit_x,
        lead_handler=office.specialist_x,
        due_days=5,
    )
    document.refresh_from_db()
    assert document.status == IncomingStatus.ASSIGNED and document.due_at is not None
    services.complete_document(
        actor=office.specialist_x,
        document=document,
        summary="Đã tham mưu",
        reply_draft=("tra-loi.pdf", pdf_bytes()),
        reply_subject="Về việc báo cáo biên chế",
        reply_recipients=[cast.agency_b],
    )
    document.refresh_from_db()
    reply = document.reply
    assert document.status == IncomingStatus.COMPLETED and reply is not None
    assert reply.status == OutgoingStatus.IN_REVIEW  # specialist_x's unit has a unit leader
    services.review_draft(actor=office.unit_leader_x, document=reply, accept=True)
    services.approve_document(actor=cast.leader_a, document=reply)
    issued = services.issue_document(actor=cast.clerk_a, document=reply)
    assert issued.written_number == "01/SNV-CCVC"  # công văn: <agency>-<drafting unit> (Phụ lục I II.3)
    delivered = IncomingDocument.objects.get(agency=cast.agency_b, source_outgoing=issued)
    assert delivered.status == IncomingStatus.RECEIVED and delivered.written_number == "01/SNV-CCVC"
    registered = services.register_received_document(actor=cast.clerk_b, document=delivered).document
    assert registered.arrival_number == 1
