"""Paper intake (issue 5 §5): scan → background header reading → pre-filled form → registered and
searchable once the scan's text is extracted. One real OCR page per step (Tesseract, vie)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.core.ocr.tasks import run_extraction
from chinhquyen.core.ocr.testing import DocumentSpec, image_pdf, render
from chinhquyen.documents import access, intake
from chinhquyen.documents import search as docsearch
from chinhquyen.documents.models import Attachment, IncomingDocument
from chinhquyen.organizations.testing import PASSWORD

pytestmark = pytest.mark.django_db

SPEC = DocumentSpec(
    issuer_lines=["SỞ KẾ HOẠCH VÀ ĐẦU TƯ"],
    parent_lines=["UBND TỈNH HÒA BÌNH"],
    number_notation="07/KH-SKHĐT",
    place="Hòa Bình",
    date=dt.date(2026, 3, 15),
    doc_type="Kế hoạch",
    subject="Triển khai công tác chuyển đổi số năm 2026",
    signer="Nguyễn Văn An",
    signer_position="GIÁM ĐỐC",
    body=["Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở xây dựng kế hoạch như sau."],
    recipients=["UBND tỉnh"],
)


@pytest.fixture(scope="module")
def scan_pdf() -> bytes:
    return image_pdf(render(SPEC, dpi=300), dpi=300)


def login(client, official) -> None:
    assert client.login(username=official.username, password=PASSWORD)


def test_a_scan_prefills_the_form_and_becomes_searchable(office, client, scan_pdf):
    clerk = office.cast.clerk_a
    login(client, clerk)
    response = client.post(reverse("documents:intake"), {"scan": SimpleUploadedFile("scan.pdf", scan_pdf, "application/pdf")})
    assert response.status_code == 302
    job = JobProgress.objects.get(kind=intake.INTAKE_KIND)
    assert job.status == JobStatus.QUEUED  # never read inside the request
    waiting = client.get(response["Location"], headers={"HX-Request": "true"})
    assert waiting.status_code == 200 and 'hx-trigger="every 2s"' in waiting.content.decode()

    intake.run_intake(job.pk)  # what the worker does

    done = client.get(reverse("documents:intake_status", args=[job.pk]), headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == reverse("documents:intake_register", args=[job.pk])
    form_page = client.get(done["HX-Redirect"])
    html = form_page.content.decode()
    assert form_page.status_code == 200
    assert 'value="07"' in html and 'value="KH-SKHĐT"' in html and "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" in html
    assert 'data-testid="confidence-code_notation"' in html and 'data-testid="confidence-issued_date"' in html

    job.refresh_from_db()
    initial = intake.initial_values(job)
    assert initial["issued_date"] == dt.date(2026, 3, 15) and initial["document_type"] == "Kế hoạch"
    post = {k: v for k, v in initial.items() if v is not None}
    post["issued_date"] = initial["issued_date"].strftime("%d/%m/%Y")
    post["subject"] = post.get("subject") or SPEC.subject  # the clerk corrects what was misread
    registered = client.post(reverse("documents:intake_register", args=[job.pk]), post)
    assert registered.status_code == 302, registered.content.decode()[:2000]
    document = IncomingDocument.objects.get()
    assert document.code_notation == "KH-SKHĐT" and document.registered_by == clerk
    scan = Attachment.objects.get(incoming=document, kind="scan")

    # The scan's words (an image PDF: OCR) become searchable after the extraction job.
    scope = access.scope_of(clerk)
    assert [r.document.pk for r in docsearch.search_documents(scope, "thuc hien chi dao").results] == []
    page = client.get(reverse("documents:incoming_detail", args=[document.pk]))
    assert 'data-testid="extraction-pending"' in page.content.decode()
    job_id = docsearch.extraction_jobs([scan.pk])[scan.pk].pk
    report = run_extraction(job_id)
    assert report["method"] in ("ocr", "mixed"), report
    assert [r.document.pk for r in docsearch.search_documents(scope, "thuc hien chi dao").results] == [document.pk]


def test_an_unreadable_scan_fails_visibly_and_others_cannot_see_it(office, client, cast):
    login(client, office.cast.clerk_a)
    response = client.post(
        reverse("documents:intake"), {"scan": SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * 200, "application/pdf")}
    )
    if response.status_code == 400:  # refused at upload: a clear message, not a crash
        assert 'data-testid="intake-error"' in response.content.decode()
        return
    job = JobProgress.objects.get(kind=intake.INTAKE_KIND)
    intake.run_intake(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.report["message"]
    page = client.get(reverse("documents:intake_status", args=[job.pk]))
    assert 'data-testid="intake-failed"' in page.content.decode()
    client.logout()
    login(client, cast.clerk_b)
    assert client.get(reverse("documents:intake_status", args=[job.pk])).status_code == 404


def test_only_clerks_upload_scans(office, client):
    login(client, office.specialist_x)
    assert client.get(reverse("documents:intake")).status_code == 403


def test_photos_of_the_pages_become_one_pdf_scan(office, client):
    import io

    from PIL import Image

    def photo() -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (200, 280), "white").save(out, format="PNG")
        return out.getvalue()

    login(client, office.cast.clerk_a)
    pages = [SimpleUploadedFile(f"trang-{i}.png", photo(), "image/png") for i in (1, 2)]
    response = client.post(reverse("documents:intake"), {"scan": pages})
    assert response.status_code == 302
    job = JobProgress.objects.get(kind=intake.INTAKE_KIND)
    assert job.report["storage_name"].endswith(".pdf") and job.report["pages"] == 2
