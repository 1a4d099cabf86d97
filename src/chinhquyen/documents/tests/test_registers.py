"""The registers as the law prints them (Phụ lục IV; STANDARDS §2.5): PDF with Vietnamese text
(read back with pdfminer) and Excel with the law's columns in order."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from chinhquyen.core.errors import DomainError
from chinhquyen.documents import exports, services
from chinhquyen.documents.models import OutgoingDocument
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.testing import pdf_bytes

from .conftest import incoming_input

AT = dt.datetime(2026, 3, 5, 9, 30, tzinfo=VIETNAM)


@pytest.fixture
def registered(office):
    cast = office.cast
    document = services.register_incoming_document(
        actor=cast.clerk_a,
        agency=cast.agency_a,
        data=incoming_input(subject="Về việc tuyển dụng công chức cấp xã đợt 1"),
        source="electronic",
        at=AT,
    ).document
    services.instruct_document(actor=cast.leader_a, document=document, instruction="CCVC", lead_unit=office.unit_x, due_days=5, at=AT)
    services.complete_document(
        actor=office.specialist_x, document=document, reply_draft=("tl.pdf", pdf_bytes()), reply_recipients=[cast.agency_b], at=AT
    )
    document.refresh_from_db()
    services.review_draft(actor=office.unit_leader_x, document=document.reply, accept=True, at=AT)
    services.approve_document(actor=cast.leader_a, document=document.reply, at=AT)
    services.issue_document(actor=cast.clerk_a, document=document.reply, at=AT)
    return document


def _pdf_text(sheet) -> str:
    return " ".join(extract_text(io.BytesIO(exports.render_pdf(sheet))).split())


def test_the_incoming_register_prints_as_a_pdf_with_its_cover_and_ten_columns(registered):
    sheet = exports.build_sheet(register=registered.register, kind="incoming", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31))
    text = _pdf_text(sheet)
    for expected in [
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        "Năm: 2026",
        "Từ ngày 01/01/2026 đến ngày 31/03/2026",
        "Từ số 01 đến số 01",
        "Quyển số: 01",
        *exports.INCOMING_COLUMNS,
    ]:
        assert " ".join(expected.split()) in text, expected
    assert "tuyển dụng công chức cấp xã" in text and "Phòng Công chức, viên chức" in text
    assert "15/QĐ-UBND" in text.replace(" ", "")  # the cell may wrap after the hyphen


def test_the_handling_register_shows_deadline_progress_and_reply(registered):
    sheet = exports.build_sheet(register=registered.register, kind="handling", date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    assert sheet.columns == exports.HANDLING_COLUMNS and len(sheet.columns) == 7
    row = sheet.rows[0]
    assert row[0] == "01" and row[3] and row[5] == "01/SNV-CCVC" and row[4]
    text = _pdf_text(sheet)
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in text and "01/SNV-CCVC" in text.replace(" ", "")


def test_the_outgoing_register_exports_to_excel_with_the_law_s_columns(registered):
    register = OutgoingDocument.objects.get(pk=registered.reply_id).register
    sheet = exports.build_sheet(register=register, kind="outgoing", date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 5))
    workbook = load_workbook(io.BytesIO(exports.render_xlsx(sheet)))
    cover, body = workbook["Bìa"], workbook["Sổ"]
    assert cover["A4"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI" and cover["A5"].value == "Năm: 2026"
    assert [c.value for c in body[1]] == [f"({i})" for i in range(1, 11)]
    assert [c.value for c in body[2]] == exports.OUTGOING_COLUMNS
    assert [c.value for c in body[3]][:2] == ["01/SNV-CCVC", "05/03/2026"]
    assert "Sở Tài chính tỉnh Thử Nghiệm" in body[3][4].value


def test_a_period_across_two_years_is_refused(registered):
    with pytest.raises(DomainError) as refused:
        exports.build_sheet(register=registered.register, kind="incoming", date_from=dt.date(2025, 12, 1), date_to=dt.date(2026, 1, 31))
    assert refused.value.code == "documents.period_two_years"


def test_the_register_pages_download_for_the_clerk_and_not_for_others(client, office, registered):
    url = f"/documents/registers/{registered.register_id}/incoming.xlsx?from=01/01/2026&to=31/12/2026"
    client.force_login(office.cast.clerk_b)
    assert client.get(url).status_code == 404
    client.force_login(office.specialist_x)
    assert client.get(url).status_code == 404
    client.force_login(office.cast.clerk_a)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/documents/registers/").status_code == 200
