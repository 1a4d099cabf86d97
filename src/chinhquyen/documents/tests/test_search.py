"""Search over documents (issue 5): Vietnamese folding, numbers, attachments' text, access, bad input.

Run on SQLite (FTS5) and on PostgreSQL (DATABASE_URL): the same assertions hold on both."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.core.ocr.tasks import run_extraction
from chinhquyen.documents import access, services
from chinhquyen.documents import search as docsearch
from chinhquyen.documents.models import Attachment
from chinhquyen.documents.tests.conftest import incoming_input, register
from chinhquyen.organizations.testing import PASSWORD

pytestmark = pytest.mark.django_db


def find(official, query: str, **filters) -> list[int]:
    scope = access.scope_of(official)
    found = docsearch.search_documents(scope, query, docsearch.Filters(**filters) if filters else None, limit=50)
    return [r.document.pk for r in found.results]


def register_secret(office, **overrides):
    """A secret document registered by the keeper of the secret register (not in clerk_a's chain)."""
    return services.register_incoming_document(
        actor=office.secret_clerk,
        agency=office.cast.agency_a,
        data=incoming_input(secrecy="confidential", **overrides),
        source="electronic",
    ).document


def text_pdf(text: str) -> bytes:
    """A one-page PDF with a real text layer (WeasyPrint)."""
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


def run_jobs() -> None:
    for job in JobProgress.objects.filter(status=JobStatus.QUEUED).order_by("pk"):
        run_extraction(job.pk)


def test_words_without_accents_find_the_subject(office):
    doc = register(office, subject="Đồng ý chủ trương đầu tư xây dựng trường học")
    register(office, subject="Về việc giao chỉ tiêu biên chế", code_number="16")
    assert find(office.cast.clerk_a, "dong y chu truong dau tu") == [doc.pk]
    assert find(office.cast.clerk_a, '"chủ trương đầu tư"') == [doc.pk]


def test_upper_case_and_both_tone_placements(office):
    new = register(office, subject="Kế hoạch du lịch Hòa Bình", code_number="20")
    old = register(office, subject="Báo cáo kinh tế Hoà Bình", code_number="21")
    assert sorted(find(office.cast.clerk_a, "HOA BINH")) == sorted([new.pk, old.pk])
    nfd = unicodedata.normalize("NFD", "Hòa Bình")
    assert sorted(find(office.cast.clerk_a, nfd)) == sorted([new.pk, old.pk])


def test_number_and_notation(office):
    doc = register(office, code_number="15", code_notation="QĐ-UBND", subject="Quyết định về biên chế")
    other = register(office, code_number="17", code_notation="BC-STC", subject="Báo cáo về biên chế")
    assert find(office.cast.clerk_a, "15/QĐ-UBND") == [doc.pk]
    assert doc.pk in find(office.cast.clerk_a, "qd-ubnd")
    assert other.pk not in find(office.cast.clerk_a, "qd-ubnd")
    assert find(office.cast.clerk_a, "15/qđ") == [doc.pk]


def test_instructions_and_comments_are_indexed(office):
    doc = register(office, subject="Về việc tổ chức hội nghị")
    services.add_comment(actor=office.cast.clerk_a, document=doc, text="Đề nghị phòng kế hoạch khẩn trương tham mưu")
    assert find(office.cast.clerk_a, "khan truong tham muu") == [doc.pk]


def test_a_word_inside_a_pdf_attachment_finds_its_document(office):
    doc = services.register_incoming_document(
        actor=office.cast.clerk_a,
        agency=office.cast.agency_a,
        data=incoming_input(subject="Tờ trình"),
        source="electronic",
        attachments=[("phu-luc.pdf", text_pdf("Danh mục thiết bị phòng cháy chữa cháy Quỳnh Nhai"))],
    ).document
    assert find(office.cast.clerk_a, "quynh nhai") == []
    attachment = Attachment.objects.get(incoming=doc)
    jobs = docsearch.extraction_jobs([attachment.pk])
    assert jobs[attachment.pk].status == JobStatus.QUEUED
    run_jobs()
    assert find(office.cast.clerk_a, "quynh nhai") == [doc.pk]
    assert docsearch.extraction_jobs([attachment.pk])[attachment.pk].status == JobStatus.SUCCEEDED


def test_a_corrupt_pdf_fails_visibly_and_can_be_retried(office, client):
    from chinhquyen.core.ocr import retry_extraction

    doc = register(office, subject="Văn bản có tệp hỏng")
    attachment = Attachment.objects.get(incoming=doc)
    job = docsearch.queue_attachment(attachment)
    Attachment.objects.filter(pk=attachment.pk)  # the stored scan is fine; make a broken copy
    from django.core.files.storage import default_storage

    with default_storage.open(attachment.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7\n garbage garbage")
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.report["message"]
    client.login(username=office.cast.clerk_a.username, password=PASSWORD)
    page = client.get(reverse("documents:incoming_detail", args=[doc.pk]))
    assert page.status_code == 200
    assert str(job.report["message"]) in page.content.decode()
    again = retry_extraction(job.pk)
    assert again.status == JobStatus.QUEUED


def test_other_agency_and_secret_documents_stay_hidden_and_uncounted(office, cast):
    secret = register_secret(office, subject="Phương án bảo vệ bí mật Quỳnh Lâm", code_number="03")
    ordinary = register(office, subject="Kế hoạch công khai Quỳnh Lâm", code_number="04")
    keeper = office.secret_clerk
    assert sorted(find(keeper, "quynh lam")) == sorted([secret.pk, ordinary.pk])
    assert find(office.cast.clerk_a, "quynh lam") == [ordinary.pk]
    scope = access.scope_of(office.cast.clerk_a)
    counted = docsearch.search_documents(scope, "quynh lam", count=True)
    assert counted.total == 1
    # The leader sees ordinary registered documents, not the secret one.
    assert find(cast.leader_a, "quynh lam") == [ordinary.pk]
    # A specialist not assigned sees neither.
    assert find(office.specialist_y, "quynh lam") == []
    # Another agency's clerk sees nothing, and counts nothing.
    other = access.scope_of(cast.clerk_b)
    page = docsearch.search_documents(other, "quynh lam", count=True)
    assert page.results == [] and page.total == 0


def test_search_matches_the_lists(office, cast):
    """What search returns is exactly what `documents.access` lets each official see: roles, units,
    the handling chain (presented, instructed, assigned), secret documents, drafts."""
    from chinhquyen.documents.testing import pdf_bytes

    docs = [register(office, subject=f"Hồ sơ Mường Lát số {i}", code_number=str(30 + i)) for i in range(3)]
    docs.append(register_secret(office, subject="Hồ sơ Mường Lát mật", code_number="40"))
    for document in (docs[0], docs[3]):
        services.present_document(
            actor=office.secret_clerk if document is docs[3] else cast.clerk_a, document=document, leader=cast.leader_a
        )
        services.instruct_document(
            actor=cast.leader_a, document=document, instruction="Giao phòng Công chức xử lý Mường Lát", lead_unit=office.unit_x, due_days=5
        )
    services.instruct_document(
        actor=cast.leader_a,
        document=services.present_document(actor=cast.clerk_a, document=docs[1], leader=cast.leader_a),
        instruction="Giao chuyên viên Yên",
        lead_handler=office.specialist_y,
        due_days=5,
    )
    drafts = [
        services.create_draft(
            actor=office.specialist_x,
            agency=cast.agency_a,
            document_type="Công văn",
            subject="Dự thảo Mường Lát",
            draft=("d.pdf", pdf_bytes(1)),
        ),
        services.create_draft(
            actor=office.specialist_x,
            agency=cast.agency_a,
            document_type="Công văn",
            subject="Dự thảo mật Mường Lát",
            draft=("d.pdf", pdf_bytes(1)),
            secrecy="confidential",
        ),
    ]
    services.submit_draft(actor=office.specialist_x, document=drafts[0])
    officials = (
        cast.clerk_a,
        cast.leader_a,
        cast.specialist_a,
        office.unit_leader_x,
        office.specialist_x,
        office.specialist_y,
        office.secret_clerk,
        cast.clerk_b,
    )
    for official in officials:
        scope = access.scope_of(official)
        expected = set(access.visible_incoming(scope).filter(pk__in=[d.pk for d in docs]).values_list("pk", flat=True))
        assert set(find(official, "muong lat", kinds=[docsearch.INCOMING])) == expected, official.username
        expected_out = set(access.visible_outgoing(scope).filter(pk__in=[d.pk for d in drafts]).values_list("pk", flat=True))
        assert set(find(official, "muong lat", kinds=[docsearch.OUTGOING])) == expected_out, official.username
    # "Assigned to me"
    assert find(office.specialist_y, "muong lat", assigned_to_me=True) == [docs[1].pk]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        '"',
        '"unclosed',
        "*",
        "a*",
        "NEAR(",
        "NEAR(a b)",
        ":",
        "subject:x",
        "'; DROP TABLE x; --",
        "%_\\",
        "a OR b",
        "-",
        "()",
    ],
)
def test_bad_input_gives_results_or_a_clear_message(office, client, query):
    register(office, subject="Về việc phòng chống lụt bão")
    scope = access.scope_of(office.cast.clerk_a)
    try:
        docsearch.search_documents(scope, query)
    except DomainError as error:
        assert str(error.message)
    client.login(username=office.cast.clerk_a.username, password=PASSWORD)
    for url in (reverse("documents:search"), reverse("documents:search_box"), "/api/v1/documents/search/"):
        response = client.get(url, {"q": query})
        assert response.status_code in (200, 400), (url, response.status_code)


def test_search_page_box_and_api(office, client):
    doc = register(office, subject="Đồng ý chủ trương đầu tư xây dựng cầu Hòa Bình", code_number="15", code_notation="QĐ-UBND")
    client.login(username=office.cast.clerk_a.username, password=PASSWORD)
    page = client.get(reverse("documents:search"), {"q": "hoa binh", "order": "relevance"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<mark>Hòa</mark>" in html and reverse("documents:incoming_detail", args=[doc.pk]) in html
    box = client.get(reverse("documents:search_box"), {"q": "chu truo"})
    assert reverse("documents:incoming_detail", args=[doc.pk]) in box.content.decode()
    api = client.get("/api/v1/documents/search/", {"q": "qd-ubnd"})
    assert api.status_code == 200
    body = api.json()
    assert body["results"][0]["id"] == doc.pk
    assert body["results"][0]["code_notation"] == "QĐ-UBND" and body["results"][0]["kind"] == "incoming"
    assert "next" in body
    home = client.get(reverse("documents:incoming"))
    assert 'id="cq-search-box"' in home.content.decode()


def test_reindex_rebuilds_the_entries(office):
    from chinhquyen.core import search

    doc = register(office, subject="Kế hoạch phát triển Mộc Châu")
    search.remove(docsearch.INCOMING, [doc.pk])
    assert find(office.cast.clerk_a, "moc chau") == []
    written = search.reindex(list(docsearch.KINDS))
    assert written[docsearch.INCOMING] >= 1
    assert find(office.cast.clerk_a, "moc chau") == [doc.pk]


def test_filters_issuer_type_dates_and_order(office):
    import datetime as dt

    old = register(office, subject="Kế hoạch Sơn La một", code_number="50", issued_date=dt.date(2025, 3, 1))
    new = register(office, subject="Kế hoạch Sơn La hai", code_number="51", issuer_name="Sở Tài chính tỉnh Sơn La", issuer_code="")
    clerk = office.cast.clerk_a
    assert find(clerk, "son la") == [new.pk, old.pk]  # newest first
    assert find(clerk, "son la", issuer="SỞ TÀI CHÍNH TỈNH SƠN LA") == [new.pk]
    assert find(clerk, "son la", date_to=dt.date(2025, 12, 31)) == [old.pk]
    assert find(clerk, "son la", doc_type="decision") == [new.pk, old.pk]
    assert find(clerk, "son la", doc_type="plan") == []
    scope = access.scope_of(clerk)
    ranked = docsearch.search_documents(scope, "son la mot", order="relevance")
    assert ranked.results[0].document.pk == old.pk


def test_the_reindex_command_rebuilds_documents(office):
    import io

    from django.core.management import call_command

    from chinhquyen.core import search

    doc = register(office, subject="Quy hoạch vùng Điện Biên")
    search.remove(docsearch.INCOMING, [doc.pk])
    out = io.StringIO()
    call_command("search", "reindex", "--kind", docsearch.INCOMING, stdout=out, stderr=io.StringIO())
    assert find(office.cast.clerk_a, "dien bien") == [doc.pk]


def test_an_encrypted_pdf_fails_visibly(office):
    from django.core.files.storage import default_storage
    from pypdf import PdfReader, PdfWriter

    from chinhquyen.documents.testing import pdf_bytes

    doc = register(office, subject="Văn bản có tệp khóa")
    attachment = Attachment.objects.get(incoming=doc)
    writer = PdfWriter(clone_from=PdfReader(__import__("io").BytesIO(pdf_bytes(1))))
    writer.encrypt(user_password="bi-mat", owner_password="bi-mat")
    locked = __import__("io").BytesIO()
    writer.write(locked)
    with default_storage.open(attachment.file.name, "wb") as handle:
        handle.write(locked.getvalue())
    run_jobs()
    job = docsearch.extraction_jobs([attachment.pk])[attachment.pk]
    assert job.status == JobStatus.FAILED and job.report["code"] == "extract.encrypted"


def test_the_search_box_is_on_every_official_page_and_the_api_pages(office, client):
    for i in range(3):
        register(office, subject=f"Báo cáo Lai Châu số {i}", code_number=str(60 + i))
    client.login(username=office.cast.clerk_a.username, password=PASSWORD)
    home = client.get("/")
    assert home.status_code in (200, 302)
    page = client.get(reverse("documents:registers"))
    assert 'id="cq-search-box"' in page.content.decode()
    first = client.get("/api/v1/documents/search/", {"q": "lai chau", "limit": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(ids) == 3
