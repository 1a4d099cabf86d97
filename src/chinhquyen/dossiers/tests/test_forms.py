"""Forms 01–07 as PDF with Vietnamese text (extracted with pdfminer), the receipt's QR, both sets."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from chinhquyen.dossiers import printing, services
from chinhquyen.dossiers.tests.conftest import at, receive, three_day_spec
from chinhquyen.procedures.services import save_procedure

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return " ".join(extract_text(io.BytesIO(pdf)).split())


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def _page_size_mm(pdf: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)


def test_the_receipt_shows_the_code_the_appointment_and_a_qr_of_the_tracking_url(one_stop, fake_clock, settings):
    settings.DOSSIER_TRACKING_URL = "https://dichvucong.phutho.gov.vn/tra-cuu/?ma={code}"
    dossier = receive(one_stop)
    pdf = printing.render_pdf("receipt", dossier=dossier)
    text = _text(pdf)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Mẫu số 01 (Thông tư số 03/2025/TT-VPCP)" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "09 giờ 00 phút, ngày 25/02/2026" in text  # the appointment after Tết
    assert "Nguyễn Văn An" in text and "Giấy chứng nhận sức khỏe" in text and "03 ngày làm việc" in text
    assert _images(pdf) == 1  # the QR code, embedded as an image
    assert _page_size_mm(pdf) == (148, 210)  # A5 (Circular 01/2018 art. 9)
    # segno cannot decode; the QR encodes the tracking URL built for this dossier, which the page prints too.
    assert printing.tracking_url(dossier) == f"https://dichvucong.phutho.gov.vn/tra-cuu/?ma={dossier.code}"
    html = printing.render_html("receipt", dossier=dossier)
    assert printing.qr_data_uri(printing.tracking_url(dossier)) in html


def test_every_form_renders_in_vietnamese(one_stop, fake_clock):
    dossier = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    services.request_supplement(
        officer=one_stop.processing_a, dossier=dossier, items=["Giấy chứng nhận sức khỏe còn hạn"], reason="Giấy đã hết hạn"
    )
    fake_clock.set(at(2026, 2, 23, 9))
    services.receive_supplement(officer=one_stop.cast.counter_officer, dossier=dossier)
    services.apologize_and_extend(officer=one_stop.cast.leader_a, dossier=dossier, new_due_at=at(2026, 3, 2, 9), reason="Cần xác minh thêm")
    dossier.refresh_from_db()
    expected = {
        "supplement_request": [
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            f"Số: {dossier.code}/HDHS",
            "Giấy chứng nhận sức khỏe còn hạn",
            "NGƯỜI HƯỚNG DẪN",
        ],
        "apology": ["VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", "Cần xác minh thêm", "ngày 02/03/2026"],
        "control_slip": [
            "Mẫu số 06",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            "Tiếp nhận và chuyển hồ sơ",
            "Thẩm định hồ sơ",
            "Đúng hạn",
        ],
    }
    for form, needles in expected.items():
        text = _text(printing.render_pdf(form, dossier=dossier))
        for needle in needles:
            assert needle in text, (form, needle)
    refused = receive(one_stop)
    services.refuse_dossier(officer=one_stop.cast.counter_officer, dossier=refused, reason="Không thuộc thẩm quyền giải quyết")
    refused.refresh_from_db()
    text = _text(printing.render_pdf("refusal", dossier=refused))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Không thuộc thẩm quyền giải quyết" in text
    stopped = receive(one_stop)
    services.stop_dossier(officer=one_stop.cast.leader_a, dossier=stopped, reason="Người nộp đề nghị dừng")
    stopped.refresh_from_db()
    text = _text(printing.render_pdf("stop_notice", dossier=stopped))
    assert "Mẫu số 05" in text and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Người nộp đề nghị dừng" in text
    book = printing.render_tracking_book(
        dossiers=[dossier, refused, stopped],
        agency=one_stop.cast.service_center,
        date_from=dt.date(2026, 2, 1),
        date_to=dt.date(2026, 2, 28),
    )
    text = _text(book)
    assert "Mẫu số 07" in text and "SỔ THEO DÕI HỒ SƠ" in text and dossier.code in text and "Hẹn trả kết quả" in text
    width, height = _page_size_mm(book)
    assert (width, height) == (297, 210)  # A4 landscape


def test_an_old_dossier_prints_the_2018_set(one_stop, fake_clock):
    old = three_day_spec("1.000461")
    old.valid_from = dt.date(2020, 1, 1)
    old.times[0].amount = Decimal("5")
    save_procedure(spec=old)
    fake_clock.set(at(2025, 3, 12, 9))
    dossier = receive(one_stop, one_stop.three_day.__class__.objects.get(code="1.000461"))
    assert dossier.form_set == "2018"
    text = _text(printing.render_pdf("control_slip", dossier=dossier))
    assert "Mẫu số 05 (Thông tư số 01/2018/TT-VPCP)" in text
    services.apologize_and_extend(officer=one_stop.cast.leader_a, dossier=dossier, new_due_at=at(2025, 3, 28, 9), reason="Chậm")
    dossier.refresh_from_db()
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in _text(printing.render_pdf("apology", dossier=dossier))
    with pytest.raises(Exception) as refusal:
        printing.render_pdf("stop_notice", dossier=dossier)
    assert getattr(refusal.value, "code", "") == "form.not_in_set"
