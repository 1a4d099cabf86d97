"""Outgoing documents (issue 4 §5–6): drafts, versions, review, approval, issue with a number,
internal delivery, recall and replacement, and the hooks for signing and exchange."""

from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.documents import files, hooks, services
from chinhquyen.documents.models import IncomingDocument, IncomingStatus, OutgoingDocument, OutgoingStatus
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.testing import docx_bytes, pdf_bytes


def _approved(office, **kwargs):
    cast = office.cast
    document = services.create_draft(
        actor=cast.specialist_a,
        agency=cast.agency_a,
        document_type=kwargs.pop("document_type", "Quyết định"),
        subject=kwargs.pop("subject", "Về việc phê duyệt kế hoạch tuyển dụng công chức năm 2026"),
        draft=("du-thao.pdf", pdf_bytes()),
        internal_recipients=[cast.agency_b],
        external_recipients=[("000.00.00.G01", "Bộ Nội vụ")],
        **kwargs,
    )
    services.submit_draft(actor=cast.specialist_a, document=document)
    document.refresh_from_db()
    if document.status == OutgoingStatus.IN_REVIEW:
        services.review_draft(actor=office.unit_leader_x, document=document, accept=True)
    services.approve_document(actor=cast.leader_a, document=document)
    document.refresh_from_db()
    return document


def test_issue_numbers_the_document_locks_it_and_delivers_it_inside_the_deployment(office):
    cast = office.cast
    document = _approved(office)
    at = dt.datetime(2026, 3, 5, 10, 0, tzinfo=VIETNAM)
    issued = services.issue_document(actor=cast.clerk_a, document=document, at=at)
    assert issued.written_number == "01/QĐ-SNV" and issued.issued_date == dt.date(2026, 3, 5)
    assert issued.locked
    received = IncomingDocument.objects.get(agency=cast.agency_b)
    assert received.status == IncomingStatus.RECEIVED and received.source_outgoing == issued
    assert received.attachments.get().sha256 == issued.attachments.order_by("-version").first().sha256
    with pytest.raises(DomainError) as refused:
        services.issue_document(actor=cast.clerk_a, document=issued)
    assert refused.value.code == "documents.already_issued"
    assert IncomingDocument.objects.filter(agency=cast.agency_b).count() == 1  # nothing half-done
    with pytest.raises(DomainError):
        services.add_version(actor=cast.specialist_a, document=issued, draft=("v2.pdf", pdf_bytes()))


def test_only_a_clerk_issues_and_only_a_leader_approves(office):
    from chinhquyen.core.errors import PermissionDenied

    cast = office.cast
    document = services.create_draft(
        actor=cast.specialist_a, agency=cast.agency_a, document_type="Công văn", subject="Công văn", draft=("a.pdf", pdf_bytes())
    )
    services.submit_draft(actor=cast.specialist_a, document=document)
    services.review_draft(actor=office.unit_leader_x, document=document, accept=True)
    with pytest.raises(PermissionDenied):
        services.approve_document(actor=cast.clerk_a, document=document)
    services.approve_document(actor=cast.leader_a, document=document)
    with pytest.raises(PermissionDenied):
        services.issue_document(actor=cast.leader_a, document=document)


def test_the_issue_deadline_is_the_next_working_day_after_signing(office):
    document = _approved(office)
    document.approved_at = dt.datetime(2026, 3, 6, 16, 0, tzinfo=VIETNAM)  # a Friday
    assert services.issue_deadline(document) == dt.date(2026, 3, 9)
    document.urgency = "immediate"
    assert services.issue_deadline(document) == dt.date(2026, 3, 6)


def test_versions_are_kept_and_a_docx_is_refused_clearly_without_libreoffice(office, monkeypatch):
    cast = office.cast
    document = services.create_draft(
        actor=cast.specialist_a, agency=cast.agency_a, document_type="Công văn", subject="Công văn", draft=("a.pdf", pdf_bytes())
    )
    services.add_version(actor=cast.specialist_a, document=document, draft=("b.pdf", pdf_bytes(3)), comment="Sửa theo ý kiến")
    assert list(document.attachments.values_list("version", flat=True).order_by("version")) == [1, 2]
    monkeypatch.setattr(files, "libreoffice", lambda: None)
    with pytest.raises(DomainError) as refused:
        services.add_version(actor=cast.specialist_a, document=document, draft=("c.docx", docx_bytes()))
    assert refused.value.code == "documents.converter_missing" and "LibreOffice" in refused.value.message
    assert document.attachments.count() == 2


def test_recall_freezes_the_document_and_cancels_it_at_the_receivers_with_a_trace(office):
    cast = office.cast
    issued = services.issue_document(actor=cast.clerk_a, document=_approved(office))
    received = IncomingDocument.objects.get(agency=cast.agency_b)
    services.register_received_document(actor=cast.clerk_b, document=received)
    services.recall_document(actor=cast.clerk_a, document=issued, reason="Sai thể thức")
    issued.refresh_from_db()
    received.refresh_from_db()
    assert issued.frozen and issued.status == OutgoingStatus.RECALLED
    assert received.status == IncomingStatus.CANCELLED and received.cancel_reason == "Sai thể thức"
    assert received.events.filter(kind="cancelled").exists()


def test_a_replacement_links_old_and_new_and_recalls_the_old_when_issued(office):
    cast = office.cast
    old = services.issue_document(actor=cast.clerk_a, document=_approved(office))
    new = _approved(office, replaces=old, subject="Về việc phê duyệt kế hoạch tuyển dụng (thay thế)")
    new = services.issue_document(actor=cast.clerk_a, document=new)
    old.refresh_from_db()
    assert new.replaces == old and old.status == OutgoingStatus.RECALLED
    assert old.events.filter(kind="replaced").exists()
    assert new.written_number == "02/QĐ-SNV"


class RecordingSigner:
    """Signs by appending a marker after the PDF's end (a test stand-in for issue 6's provider)."""

    def __init__(self):
        self.calls = []

    def sign_personal(self, request):
        self.calls.append(("personal", request.code_number))
        return pdf_bytes(1, text="personal")

    def sign_organization(self, request):
        self.calls.append(("organization", request.code_number))
        return pdf_bytes(1, text="organization")


class RecordingTransport:
    name = "test_axis"

    def __init__(self):
        self.sent = []

    def accepts(self, dispatch):
        return bool(dispatch.recipient.code)

    def enqueue(self, dispatch):
        self.sent.append(dispatch)
        return f"pkg-{len(self.sent)}"

    def recall(self, dispatch, reason):
        self.sent.append(("recall", reason))


def test_signing_hooks_run_at_approval_and_after_the_number_and_transports_get_outside_recipients(office):
    signer, transport = RecordingSigner(), RecordingTransport()
    hooks.set_signing_provider(signer)
    hooks.register_outgoing_transport(transport)
    try:
        document = _approved(office)
        issued = services.issue_document(actor=office.cast.clerk_a, document=document)
    finally:
        hooks.set_signing_provider(None)
        hooks.unregister_outgoing_transport("test_axis")
    assert signer.calls == [("personal", ""), ("organization", "01")]  # the number is in the PDF the clerk signs
    assert [d.recipient.name for d in transport.sent] == ["Bộ Nội vụ"]
    dispatch = transport.sent[0]
    assert dispatch.edxml_document_id == f"{office.cast.agency_a.code},{issued.issued_date:%Y/%m/%d},01/QĐ-SNV"
    recipient = issued.recipients.get(agency__isnull=True)
    assert (recipient.transport, recipient.transport_reference) == ("test_axis", "pkg-1")
    assert issued.attachments.filter(kind="main").count() == 2


def test_a_refusing_signer_leaves_the_document_unissued(office):
    class Refusing(RecordingSigner):
        def sign_organization(self, request):
            raise DomainError("signing.token_missing", "Chưa cắm thiết bị ký số")

    document = _approved(office)
    hooks.set_signing_provider(Refusing())
    try:
        with pytest.raises(DomainError):
            services.issue_document(actor=office.cast.clerk_a, document=document)
    finally:
        hooks.set_signing_provider(None)
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED and not document.code_number
    assert not IncomingDocument.objects.filter(agency=office.cast.agency_b).exists()
    assert services.issue_document(actor=office.cast.clerk_a, document=document).code_number == "01"  # no number was lost


def test_secret_documents_are_not_delivered_electronically(office):
    cast = office.cast
    document = _approved(office, secrecy="secret")
    issued = services.issue_document(actor=office.secret_clerk, document=document)
    assert issued.register.is_secret and issued.code_number == "01"
    assert not IncomingDocument.objects.filter(agency=cast.agency_b).exists()
    assert OutgoingDocument.objects.get(pk=issued.pk).events.filter(kind="delivered").count() == 2
