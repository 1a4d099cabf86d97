"""Registration and handling of incoming documents (issue 4 §3–4), and refusals that leave nothing half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import AuditEvent
from chinhquyen.documents import selectors, services
from chinhquyen.documents.access import scope_of
from chinhquyen.documents.models import Attachment, DocumentEvent, EventKind, IncomingDocument, IncomingStatus, Notification
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.testing import docx_bytes, pdf_bytes, png_bytes
from chinhquyen.workdays import engine

from .conftest import incoming_input, register


def _counts():
    return (IncomingDocument.objects.count(), Attachment.objects.count(), DocumentEvent.objects.count(), AuditEvent.objects.count())


@pytest.mark.parametrize(
    ("overrides", "scan", "code", "field"),
    [
        ({"code_notation": "QĐ UBND"}, ("s.pdf", "pdf"), "documents.notation_invalid", "code_notation"),  # a space (§2.3)
        ({"code_notation": "qđ-ubnd"}, ("s.pdf", "pdf"), "documents.notation_invalid", "code_notation"),  # lower case
        ({"code_number": "5"}, ("s.pdf", "pdf"), "documents.number_invalid", "code_number"),  # leading zero below 10
        ({"code_number": "0"}, ("s.pdf", "pdf"), "documents.number_invalid", "code_number"),
        ({"document_type": "Nghị định thư"}, ("s.pdf", "pdf"), "documents.type_unknown", "document_type"),
        ({"subject": "x" * 501}, ("s.pdf", "pdf"), "documents.too_long", "subject"),  # Phụ lục VI: Subject 500
        ({"issued_date": dt.date(2099, 1, 1)}, ("s.pdf", "pdf"), "documents.issued_in_future", "issued_date"),
        ({"urgency": "rất khẩn"}, ("s.pdf", "pdf"), "documents.choice_invalid", "urgency"),
        ({}, ("quet.pdf", "png"), "upload.content_mismatch", "scan"),  # a PNG named .pdf
        ({}, ("quet.pdf", "text"), "upload.content_mismatch", "scan"),
        ({}, ("quet.docx", "docx"), "upload.type_not_allowed", "scan"),  # a DOCX is not a scan
        ({}, None, "documents.scan_required", "scan"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(office, overrides, scan, code, field):
    content = {"pdf": pdf_bytes(), "png": png_bytes(), "text": b"Hello, not a PDF", "docx": docx_bytes()}
    before = _counts()
    with pytest.raises(DomainError) as refused:
        services.register_incoming_document(
            actor=office.cast.clerk_a,
            agency=office.cast.agency_a,
            data=incoming_input(**overrides),
            source="paper",
            scan=(scan[0], content[scan[1]]) if scan else None,
        )
    assert refused.value.code == code and field in refused.value.fields
    assert refused.value.message  # a sentence for people
    assert _counts() == before


def test_the_law_s_notations_are_accepted():
    from chinhquyen.documents.reference import is_valid_notation

    for notation in ["QĐ-UBND", "UBND-VP", "TTr-SNV", "QyĐ-UBND", "CTr-UBND", "KH-SNV", "2020/QĐ-TTg", "SKHĐT-TH"]:
        assert is_valid_notation(notation), notation
    for notation in ["QĐ-", "-UBND", "QĐ/UBND", "QĐ–UBND", "15/QĐ-UBND"]:
        assert not is_valid_notation(notation), notation


def test_the_29_types_are_found_by_name_or_abbreviation():
    from chinhquyen.documents.reference import ABBREVIATIONS, DocumentType, type_by_name_or_abbreviation

    assert len(DocumentType.values) == 29
    assert type_by_name_or_abbreviation("QĐ") == type_by_name_or_abbreviation("quyết định") == "decision"
    assert type_by_name_or_abbreviation("QyĐ") == "regulation" and type_by_name_or_abbreviation("TTr") == "submission"
    assert ABBREVIATIONS["official_letter"] == ABBREVIATIONS["public_letter"] == ""
    assert type_by_name_or_abbreviation("Công văn") == "official_letter"


def test_a_duplicate_is_registered_with_a_warning(office):
    first = register(office)
    second = services.register_incoming_document(
        actor=office.cast.clerk_a,
        agency=office.cast.agency_a,
        data=incoming_input(issuer_name="ủy ban nhân dân tỉnh thử nghiệm"),
        source="electronic",
    )
    assert second.duplicates == [first] and second.document.duplicate_of == first
    by_id = services.register_incoming_document(
        actor=office.cast.clerk_a,
        agency=office.cast.agency_a,
        data=incoming_input(code_number="99", document_id="000.00.00.H99,2026/03/02,15/QĐ-UBND"),
        source="electronic",
    )
    again = services.register_incoming_document(
        actor=office.cast.clerk_a,
        agency=office.cast.agency_a,
        data=incoming_input(code_number="98", issuer_name="Khác", document_id="000.00.00.H99,2026/03/02,15/QĐ-UBND"),
        source="electronic",
    )
    assert by_id.duplicates == [] and again.duplicates == [by_id.document]


def test_a_common_number_of_many_issuers_does_not_hide_the_same_document_id(office):
    """ "01/QĐ-UBND" comes from every province's people's committee every year: the duplicate check
    reads the number rule and the DocumentId rule apart, so sixty documents with the number do
    not crowd out the one with the same DocumentId (§1.7)."""
    for i in range(60):
        services.register_incoming_document(
            actor=office.cast.clerk_a,
            agency=office.cast.agency_a,
            data=incoming_input(code_number="01", issuer_name=f"Ủy ban nhân dân tỉnh Số {i}", issuer_code=""),
            source="electronic",
        )
    document_id = "000.00.00.H99,2026/03/02,01/QĐ-UBND"
    first = services.register_incoming_document(
        actor=office.cast.clerk_a,
        agency=office.cast.agency_a,
        data=incoming_input(code_number="01", document_id=document_id),
        source="electronic",
    )
    again = services.register_incoming_document(
        actor=office.cast.clerk_a,
        agency=office.cast.agency_a,
        data=incoming_input(code_number="01", issuer_name="Tên khác", document_id=document_id),
        source="electronic",
    )
    assert first.duplicates == [] and again.duplicates == [first.document]


def test_an_image_scan_is_accepted_and_its_type_recorded(office):
    document = services.register_incoming_document(
        actor=office.cast.clerk_a, agency=office.cast.agency_a, data=incoming_input(), scan=("trang-1.png", png_bytes())
    ).document
    assert document.attachments.get().content_type == "image/png"


def test_an_urgent_document_goes_first_and_the_leaders_are_told_at_once(office):
    ordinary = register(office)
    urgent = register(office, urgency="immediate", code_number="16")
    assert Notification.objects.filter(recipient=office.cast.leader_a, incoming=urgent).exists()
    assert not Notification.objects.filter(recipient=office.cast.leader_a, incoming=ordinary).exists()
    qs, ordering = selectors.incoming_list(scope_of(office.cast.clerk_a), "to_present")
    assert [d.pk for d in selectors.paginate(qs, ordering, None).rows] == [urgent.pk, ordinary.pk]


def test_the_deadline_is_counted_in_working_days_and_refused_in_the_past(office):
    document = register(office)
    friday = dt.datetime(2026, 3, 6, 16, 0, tzinfo=VIETNAM)
    services.instruct_document(
        actor=office.cast.leader_a, document=document, instruction="Xử lý", lead_handler=office.specialist_x, due_days=2, at=friday
    )
    document.refresh_from_db()
    assert document.due_at == engine.add_working_time(friday, days=2, agency=office.cast.agency_a.pk)
    assert document.due_at.astimezone(VIETNAM).date() == dt.date(2026, 3, 10)  # Mon + Tue: the weekend does not count
    with pytest.raises(DomainError) as refused:
        services.instruct_document(
            actor=office.cast.leader_a, document=document, instruction="Lại", lead_handler=office.specialist_x, due_date=dt.date(2020, 1, 1)
        )
    assert refused.value.code == "documents.deadline_past"
    document.refresh_from_db()
    assert document.due_at.astimezone(VIETNAM).date() == dt.date(2026, 3, 10)


def test_handling_keeps_a_timeline_with_old_and_new_deadlines(office):
    cast = office.cast
    document = register(office)
    services.present_document(actor=cast.clerk_a, document=document, leader=cast.leader_a, note="Kính trình")
    services.instruct_document(
        actor=cast.leader_a,
        document=document,
        instruction="Phòng CCVC chủ trì, Văn phòng phối hợp",
        lead_unit=office.unit_x,
        coordinator_units=[office.unit_y],
        due_days=5,
    )
    services.reassign_in_unit(actor=office.unit_leader_x, document=document, official=office.specialist_x)
    services.record_progress(actor=office.specialist_x, document=document, text="Đã dự thảo báo cáo")
    services.add_work_file(actor=office.specialist_x, document=document, upload=("bang-tong-hop.pdf", pdf_bytes()))
    document.refresh_from_db()
    old_due = document.due_at
    until = (old_due + dt.timedelta(days=10)).astimezone(VIETNAM).date()
    services.request_extension(actor=office.specialist_x, document=document, until=until, reason="Chờ số liệu của các xã")
    services.decide_extension(actor=cast.leader_a, document=document, grant=True, note="Đồng ý")
    services.complete_document(actor=office.specialist_x, document=document, summary="Đã báo cáo")
    document.refresh_from_db()
    kinds = list(document.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.REGISTERED,
        EventKind.PRESENTED,
        EventKind.INSTRUCTED,
        EventKind.REASSIGNED,
        EventKind.PROGRESS,
        EventKind.FILE_ADDED,
        EventKind.EXTENSION_REQUESTED,
        EventKind.EXTENSION_GRANTED,
        EventKind.COMPLETED,
    ]
    granted = document.events.get(kind=EventKind.EXTENSION_GRANTED)
    assert granted.old_due_at == old_due and granted.new_due_at == document.due_at > old_due
    assert document.status == IncomingStatus.COMPLETED and document.reply is None


def test_a_unit_leader_can_only_reassign_to_people_of_the_unit(office):
    document = register(office)
    services.instruct_document(actor=office.cast.leader_a, document=document, instruction="CCVC", lead_unit=office.unit_x, due_days=5)
    with pytest.raises(DomainError) as refused:
        services.reassign_in_unit(actor=office.unit_leader_x, document=document, official=office.specialist_y)
    assert refused.value.code == "documents.person_other_unit"


def test_the_role_lists_answer_each_question(office):
    cast = office.cast
    waiting = register(office)
    presented = register(office, code_number="16")
    services.present_document(actor=cast.clerk_a, document=presented, leader=cast.leader_a)
    late = register(office, code_number="17")
    soon = register(office, code_number="18")
    past = timezone.now() - dt.timedelta(days=20)
    services.instruct_document(actor=cast.leader_a, document=late, instruction="a", lead_handler=office.specialist_x, due_days=1, at=past)
    services.instruct_document(actor=cast.leader_a, document=soon, instruction="b", lead_handler=office.specialist_x, due_days=3)

    def names(who, list_name):
        qs, ordering = selectors.incoming_list(scope_of(who), list_name)
        return [d.pk for d in selectors.paginate(qs, ordering, None).rows]

    assert names(cast.clerk_a, "to_present") == [waiting.pk]
    assert names(cast.leader_a, "to_instruct") == [presented.pk]
    assert names(office.specialist_x, "mine") == [late.pk, soon.pk]  # due soonest first
    assert names(cast.leader_a, "overdue") == [late.pk]
    assert names(office.unit_leader_x, "overdue") == []  # assigned to a person, not to the unit


def test_keyset_pages_walk_the_whole_list_without_repeats(office):
    ids = {register(office, code_number=f"{10 + i}", scan=False).pk for i in range(7)}
    qs, ordering = selectors.incoming_list(scope_of(office.cast.clerk_a), "all")
    seen, cursor = [], None
    while True:
        page = selectors.paginate(qs, ordering, cursor, size=3)
        seen += [d.pk for d in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7 and set(seen) == ids


def test_pages_merge_the_ordinary_and_the_secret_documents_in_order(office):
    """The list reads the documents that are not secret and the secret ones the official may see
    as two parts (W1) and merges them: the same rows, in the same order, as the one query."""
    at = timezone.now() - dt.timedelta(days=3)
    ids = []
    for i in range(9):
        secret = i % 3 == 1
        ids.append(
            services.register_incoming_document(
                actor=office.secret_clerk if secret else office.cast.clerk_a,
                agency=office.cast.agency_a,
                data=incoming_input(code_number=f"{30 + i}", secrecy="secret" if secret else ""),
                source="electronic",
                at=at + dt.timedelta(hours=i),
            ).document.pk
        )
    scope = scope_of(office.secret_clerk)
    parts, ordering = selectors.incoming_list_parts(scope, "all")
    assert len(parts) == 2
    qs, _ordering = selectors.incoming_list(scope, "all")
    whole = [d.pk for d in selectors.paginate(qs, ordering, None, size=100).rows]
    assert whole == list(reversed(ids))  # newest arrival first, secret ones in their place
    seen, cursor = [], None
    while True:
        page = selectors.paginate_parts(parts, ordering, cursor, size=2)
        assert page.count == 9
        seen += [d.pk for d in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == whole
    # Someone outside the secret documents' chain gets one part and none of them.
    parts, ordering = selectors.incoming_list_parts(scope_of(office.cast.clerk_a), "all")
    page = selectors.paginate_parts(parts, ordering, None)
    assert len(parts) == 1 and [d.pk for d in page.rows] == [pk for pk in whole if pk not in ids[1::3]] and page.count == 6
