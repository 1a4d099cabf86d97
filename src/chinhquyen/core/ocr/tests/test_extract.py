"""Extraction as a background job, and its text becoming searchable (one real OCR, a small page)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings

from chinhquyen.core import search
from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.core.ocr import ExtractionError, extract_text, queue_extraction, register_sink, retry_extraction, unregister_sink
from chinhquyen.core.ocr.testing import DocumentSpec, image_pdf, render, to_pdf

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TARGET = "tests.attachment"
AGENCY = 7


def spec(**overrides):
    base = {
        "issuer_lines": ["ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH"],
        "number_notation": "15/QĐ-UBND",
        "place": "Hòa Bình",
        "date": dt.date(2026, 3, 15),
        "doc_type": "Quyết định",
        "subject": "Về việc phê duyệt chủ trương đầu tư xây dựng cầu Trung Minh",
        "signer": "Bùi Văn Khánh",
        "signer_position": "CHỦ TỊCH",
        "body": ["Giao Sở Kế hoạch và Đầu tư thẩm định hồ sơ dự án khu tái định cư Đồng Tâm."],
        "recipients": ["Như trên"],
    }
    return DocumentSpec(**{**base, **overrides})


@pytest.fixture
def sink():
    """A test owner of attachments: it indexes the text under the test kind, as documents will."""
    received = {}

    def on_text(*, object_id, result, job):
        received[object_id] = result
        search.index(
            TARGET,
            object_id,
            AGENCY,
            fields={"subject": f"Tệp {object_id}", "attachments": result.text},
            filters={"date": dt.date(2026, 3, 15)},
        )

    failures = {}

    def on_failure(*, object_id, code, message, job):
        failures[object_id] = code

    register_sink(TARGET, on_text=on_text, on_failure=on_failure)
    yield received, failures
    unregister_sink(TARGET)


def store(data: bytes, name: str) -> str:
    return default_storage.save(f"tests/{name}", ContentFile(data))


def found(query):
    return [h.object_id for h in search.search(query, access=search.Access.for_agencies(AGENCY), kinds=[TARGET]).hits]


@override_settings(TASKS=IMMEDIATE)
def test_a_word_inside_a_text_pdf_becomes_findable_after_the_task(sink):
    received, _ = sink
    job = queue_extraction(target=TARGET, object_id=1, storage_name=store(to_pdf(spec()), "a.pdf"), filename="a.pdf")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.report["method"] == "text" and job.report["attempts"] == 1
    assert "Đồng Tâm" in received[1].text
    assert found("dong tam") == [1]
    hit = search.search("tai dinh cu", access=search.Access.for_agencies(AGENCY)).hits[0]
    assert "<mark>tái</mark> <mark>định</mark> <mark>cư</mark>" in hit.snippet


@override_settings(TASKS=IMMEDIATE)
def test_an_image_only_pdf_is_ocrd_and_becomes_searchable(sink):
    page = render(spec(), dpi=200)
    data = image_pdf(page, dpi=200)
    job = queue_extraction(target=TARGET, object_id=2, storage_name=store(data, "scan.pdf"), filename="scan.pdf")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.report
    assert job.report["method"] == "ocr" and job.report["ocr_pages"] == [1]
    assert found("chu truong dau tu") == [2]
    assert found("15/QĐ-UBND") == [2]


@override_settings(TASKS=IMMEDIATE)
def test_a_corrupt_pdf_fails_visibly_and_can_be_retried(sink):
    _, failures = sink
    job = queue_extraction(
        target=TARGET, object_id=3, storage_name=store(b"%PDF-1.7\n1 0 obj <<>>\ngarbage", "bad.pdf"), filename="bad.pdf"
    )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.report["code"] == "extract.corrupt" and job.report["message"]
    assert failures[3] == "extract.corrupt"
    job = retry_extraction(job.pk)
    assert job.status == JobStatus.FAILED and job.report["attempts"] == 2  # ran again at once (immediate backend), failed again


@override_settings(TASKS=IMMEDIATE)
def test_an_encrypted_pdf_fails_with_its_own_reason(sink):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for p in PdfReader(io.BytesIO(to_pdf(spec()))).pages:
        writer.add_page(p)
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    job = queue_extraction(target=TARGET, object_id=4, storage_name=store(buffer.getvalue(), "locked.pdf"), filename="locked.pdf")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.report["code"] == "extract.encrypted"


def test_the_job_waits_in_the_queue_until_the_worker_runs_it(sink):
    from chinhquyen.core.ocr.tasks import run_extraction

    job = queue_extraction(target=TARGET, object_id=5, storage_name=store(b"Bien ban hop giao ban", "note.txt"), filename="note.txt")
    assert job.status == JobStatus.QUEUED and found("giao ban") == []
    run_extraction(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and found("giao ban") == [5]
    with pytest.raises(Exception) as refused:
        retry_extraction(job.pk)
    assert getattr(refused.value, "code", "") == "extract.not_failed"


def test_a_file_that_vanished_from_storage_is_a_visible_failure(sink):
    from chinhquyen.core.ocr.tasks import run_extraction

    job = queue_extraction(target=TARGET, object_id=6, storage_name="tests/not-there.pdf", filename="x.pdf")
    run_extraction(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.report["code"] == "extract.missing"


def test_docx_text_is_read():
    import docx

    document = docx.Document()
    document.add_paragraph("Kế hoạch phòng chống lụt bão năm 2026")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Xã Kỳ Sơn"
    buffer = io.BytesIO()
    document.save(buffer)
    result = extract_text(buffer.getvalue(), filename="kh.docx")
    assert result.method == "docx" and "lụt bão" in result.text and "Kỳ Sơn" in result.text


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "extract.empty"),
        (b"MZ\x90\x00 not a document", "extract.unsupported"),
        (b"PK\x03\x04 broken zip", "extract.unsupported"),
        (b"\x89PNG\r\n\x1a\n broken", "extract.corrupt"),
        (b"%PDF-1.4\n%%EOF", "extract.corrupt"),
    ],
)
def test_unreadable_files_raise_a_clear_error(data, code):
    with pytest.raises(ExtractionError) as error:
        extract_text(data, filename="x")
    assert error.value.code == code and error.value.message


def test_size_and_page_limits(settings):
    settings.EXTRACT_MAX_BYTES = 100
    with pytest.raises(ExtractionError) as big:
        extract_text(b"x" * 101, filename="a.txt")
    assert big.value.code == "extract.too_large"
    settings.EXTRACT_MAX_BYTES = 10_000_000
    settings.EXTRACT_MAX_PAGES = 0
    with pytest.raises(ExtractionError) as pages:
        extract_text(to_pdf(spec()), filename="a.pdf")
    assert pages.value.code == "extract.too_many_pages"


def test_a_job_for_an_unknown_target_is_refused():
    with pytest.raises(Exception) as refused:
        queue_extraction(target="nobody", object_id=1, storage_name="x")
    assert getattr(refused.value, "code", "") == "extract.unknown_target"
    assert not JobProgress.objects.exists()
