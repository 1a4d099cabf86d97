"""The three real messages of ../shared/conformance/edxml/ give what their README lists."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from chinhquyen.exchange import edxml

CONFORMANCE = Path(__file__).resolve().parents[5] / "shared" / "conformance" / "edxml"
if not CONFORMANCE.exists():  # the repository checked out elsewhere than /work/main
    CONFORMANCE = Path("/work/shared/conformance/edxml")
pytestmark = pytest.mark.skipif(not CONFORMANCE.exists(), reason="conformance data not present")


def _parse(name: str) -> edxml.ParsedMessage:
    return edxml.parse((CONFORMANCE / name).read_bytes())


def test_the_new_document_reads_with_its_dd_mm_yyyy_date_and_keeps_its_unverifiable_signature():
    parsed = _parse("edoc_new.edxml")
    package = parsed.message
    assert isinstance(package, edxml.Package)
    assert package.sender.organ_id == "000.00.11.H53" and package.sender.organization_in_charge == "Tỉnh Tây Ninh"
    assert [o.organ_id for o in package.recipients] == ["000.00.01.A53"]
    assert package.recipients[0].organ_name == "Văn phòng tỉnh ủy"
    assert (package.code_number, package.code_notation) == ("2491", "STC-BCTC")
    assert package.promulgation_date == dt.date(2020, 10, 30)  # written 30/10/2020
    assert package.place == "Tây Ninh"
    assert package.subject == "Báo cáo tài chính tỉnh"
    assert package.document_type == edxml.DocumentType(type=1, type_detail=0, type_name="Công văn")
    assert (package.priority, package.steering_type) == (0, 1)
    assert package.document_id == "000.00.11.H53,2020/10/30,2491/STC-BCTC"
    assert package.trace_headers == (edxml.TraceHeader("000.00.00.G22", dt.datetime(2018, 9, 28, 0, 0, 0)),)
    assert package.business.doc_type == edxml.BusinessType.NEW
    assert package.business.document_id == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"  # impossible date kept as text
    assert package.business.staff == edxml.StaffInfo("Văn thư văn phòng", "Nguyễn Thị Ngọc Trâm", "84912000001", "vanthuvanphong@gov.vn")
    assert package.due_date is None and package.signer == edxml.Signer()
    [attachment] = package.attachments
    assert attachment.content_id == "cid:209" and attachment.name == "1896_QD-TTg_m_294779.doc"
    assert attachment.size == 388347 and attachment.data.startswith(b"<?xml")  # unzipped
    assert attachment.content_type == "application/msword"
    assert parsed.signature.present and parsed.signature.valid is False and parsed.signature.reason


def test_the_update_reads_its_business_block():
    package = _parse("edoc_update.edxml").message
    assert isinstance(package, edxml.Package)
    assert package.sender.organ_id == "000.00.00.G22"
    assert [o.organ_id for o in package.recipients] == ["000.00.00.H53", "000.00.12.H53", "000.00.00.G17"]
    assert (package.code_number, package.code_notation, package.promulgation_date) == ("7816", "VPCP-TTĐT", dt.date(2018, 9, 28))
    assert package.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert package.signer == edxml.Signer("TL. BO TRUONG", "Cuc truong cuc ung dung cong nghe thong tin", "Nguyen Thanh Phuc")
    assert package.due_date == dt.date(2018, 9, 28)
    business = package.business
    assert business.doc_type == edxml.BusinessType.UPDATE and business.reason == "Cập nhật văn bản điện tử"
    assert business.document_info_changed and business.receivers_changed
    assert business.receivers == (edxml.Receiver("000.00.00.H41", 0), edxml.Receiver("000.00.00.H14", 1))
    assert package.appendixes == ("Công văn về việc kết nối, liên thông phần mềm quản lý văn bản",)
    assert len(package.attachments) == 1 and package.attachments[0].size > 100_000


def test_the_status_message_reads_through_tabs_and_trailing_spaces():
    status = _parse("status_processing_05.edxml").message
    assert isinstance(status, edxml.StatusMessage)
    assert status.status_code == edxml.ExchangeStatus.PROCESSING
    assert status.description == "Đang xử lý văn bản đến"
    assert status.sender.organ_id == "000.00.00.H41"
    assert status.response_for == edxml.ResponseFor(
        "000.00.00.G22", "7816/VPCP-TTĐT", dt.date(2015, 9, 30), "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    )
    assert status.staff.department == "Phong hanh chinh"
    assert status.timestamp == dt.datetime(2015, 9, 20, 11, 8, 36)


@pytest.mark.parametrize("name", ["edoc_new.edxml", "edoc_update.edxml", "status_processing_05.edxml"])
def test_what_we_write_for_the_same_data_reads_back_the_same(name):
    message = _parse(name).message
    data = edxml.build_status(message) if isinstance(message, edxml.StatusMessage) else edxml.build_package(message)
    assert edxml.parse(data).message == message
    assert edxml.validate(data) == []


def test_the_json_has_the_keys_of_the_issue():
    body = edxml.message_json(_parse("edoc_new.edxml"))
    assert body["from"]["organ_id"] == "000.00.11.H53" and body["to"][0]["organ_id"] == "000.00.01.A53"
    assert body["promulgation_date"] == "2020-10-30" and body["business"]["doc_type"] == "new"
    assert {
        "code_number",
        "code_notation",
        "subject",
        "document_type",
        "priority",
        "steering_type",
        "document_id",
        "trace_headers",
    } <= body.keys()
    assert body["attachments"][0].keys() >= {"name", "content_type", "size", "sha256"}
    assert body["signature"]["present"] is True and body["signature"]["valid"] is False and body["signature"]["reason"]
    status = edxml.message_json(_parse("status_processing_05.edxml"))
    assert status["status_code"] == "05" and status["response_for"]["document_id"].endswith("7816/VPCP-TTĐT")


def test_the_attachment_inside_is_what_the_zip_held():
    attachment = _parse("edoc_new.edxml").message.attachments[0]
    import base64
    import io
    import re

    raw = (CONFORMANCE / "edoc_new.edxml").read_text(encoding="utf-8")
    encoded = re.search(r"ContentTransferEncoded[^>]*>(.*?)</edXML:ContentTransferEncoded", raw, re.S).group(1)
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded))) as archive:
        assert archive.read(archive.infolist()[0]) == attachment.data
