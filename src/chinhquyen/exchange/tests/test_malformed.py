"""A malformed corpus, generated here: each case is refused with its error code, never a crash."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from collections.abc import Callable

import pytest
from lxml import etree

from chinhquyen.exchange import edxml
from chinhquyen.exchange.edxml.model import NS

E = "{%s}" % NS  # noqa: UP031
LIMITS = edxml.Limits(max_bytes=50 * 1024 * 1024, max_attachments=50, max_decompressed_bytes=8 * 1024 * 1024)


def _package(**changes) -> edxml.Package:
    base = {
        "sender": edxml.Organ("000.00.01.H99", "Sở Nội vụ"),
        "recipients": (edxml.Organ("000.00.02.H99", "Sở Tài chính"),),
        "code_number": "12",
        "code_notation": "SNV-VP",
        "promulgation_date": dt.date(2026, 3, 2),
        "subject": "Về việc thử nghiệm",
        "due_date": dt.date(2026, 3, 20),
        "trace_headers": (edxml.TraceHeader("000.00.01.H99", dt.datetime(2026, 3, 2, 8, 0, 0)),),
        "attachments": (edxml.Attachment("cid:1", "cong-van.pdf", b"%PDF-1.7 test"),),
    }
    base.update(changes)
    return edxml.Package(**base)


VALID = edxml.build_package(_package())
STATUS = edxml.build_status(
    edxml.StatusMessage(
        sender=edxml.Organ("000.00.02.H99"),
        response_for=edxml.ResponseFor("000.00.01.H99", "12/SNV-VP", dt.date(2026, 3, 2), "000.00.01.H99,2026/03/02,12/SNV-VP"),
        status_code=edxml.ExchangeStatus.ARRIVED,
        timestamp=dt.datetime(2026, 3, 2, 9, 0, 0),
    )
)


def _replace(old: str, new: str, source: bytes = VALID) -> bytes:
    text = source.decode()
    assert old in text, old
    return text.replace(old, new, 1).encode()


def _edit(edit: Callable[[etree._Element], None], source: bytes = VALID) -> bytes:
    root = etree.fromstring(source)
    edit(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _remove(path: str, source: bytes = VALID) -> bytes:
    def edit(root: etree._Element) -> None:
        node = root.find(path.replace("ed:", E))
        assert node is not None, path
        node.getparent().remove(node)

    return _edit(edit, source)


def _with_attachment_payload(payload: bytes, content_type: str = "application/zip") -> bytes:
    text = VALID.decode()
    start = text.index("<edXML:ContentTransferEncoded")
    start = text.index(">", start) + 1
    end = text.index("</edXML:ContentTransferEncoded>")
    text = text[:start] + base64.b64encode(payload).decode() + text[end:]
    return text.replace("<ContentType>application/zip</ContentType>", f"<ContentType>{content_type}</ContentType>").encode()


def _zip(members: dict[str, bytes], *, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    # 64 MB of zeros in ~64 KB: far over the 8 MB unzipped limit of these tests.
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomb.pdf", "w", force_zip64=True) as member,
    ):
        chunk = b"\0" * (1 << 20)
        for _ in range(64):
            member.write(chunk)
    return buffer.getvalue()


def _encrypted_flag() -> bytes:
    data = bytearray(_zip({"a.pdf": b"secret"}))
    data[6] |= 0x1  # local header general-purpose flag: encrypted
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1
    return bytes(data)


def _many_attachments(count: int) -> bytes:
    return edxml.build_package(_package(attachments=tuple(edxml.Attachment(f"cid:{i}", f"f{i}.txt", b"x") for i in range(count))))


def _deep(levels: int) -> bytes:
    return _replace("<edXML:Subject>", "<edXML:Subject>" + "<a>" * levels + "</a>" * levels)


XXE_FILE = b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML xmlns="' + NS.encode() + b'">&x;</edXML>'
XXE_NET = (
    b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><edXML xmlns="' + NS.encode() + b'">&x;</edXML>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><edXML xmlns="'
    + NS.encode()
    + b'">&lol9;</edXML>'
)
PARAMETER_ENTITY = b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><edXML/>'
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/edxml.dtd"><edXML xmlns="' + NS.encode() + b'"/>'
UTF16_DOCTYPE = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE edXML [<!ENTITY x "y">]><edXML xmlns="{NS}"/>'.encode("utf-16")

CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty": (lambda: b"", "edxml.empty"),
    "only whitespace": (lambda: b"   \n\t ", "edxml.empty"),
    "100 MB envelope": (lambda: VALID[:-10] + b" " * (100 * 1024 * 1024) + VALID[-10:], "edxml.too_large"),
    "doctype": (lambda: _replace("<edXML xmlns", "<!DOCTYPE edXML><edXML xmlns"), "edxml.doctype_refused"),
    "xxe local file": (lambda: XXE_FILE, "edxml.doctype_refused"),
    "xxe network": (lambda: XXE_NET, "edxml.doctype_refused"),
    "billion laughs": (lambda: LAUGHS, "edxml.doctype_refused"),
    "parameter entity": (lambda: PARAMETER_ENTITY, "edxml.doctype_refused"),
    "external dtd": (lambda: EXTERNAL_DTD, "edxml.doctype_refused"),
    "doctype in utf-16": (lambda: UTF16_DOCTYPE, "edxml.doctype_refused"),
    "entity declaration in a comment": (lambda: _replace("<edXML xmlns", '<!-- <!ENTITY x "y"> --><edXML xmlns'), "edxml.entity_refused"),
    "not xml": (lambda: b"PK\x03\x04 this is a zip, not xml", "edxml.not_xml"),
    "truncated": (lambda: VALID[: len(VALID) // 2], "edxml.not_xml"),
    "undefined entity reference": (lambda: _replace("Về việc thử nghiệm", "&undefined;"), "edxml.not_xml"),
    "json instead of xml": (lambda: b'{"edXML": true}', "edxml.not_xml"),
    "deep nesting": (lambda: _deep(5000), "edxml.too_deep"),
    "wrong root": (lambda: VALID.replace(b"<edXML xmlns", b"<Envelope xmlns").replace(b"</edXML>", b"</Envelope>"), "edxml.wrong_root"),
    "wrong namespace": (lambda: VALID.replace(NS.encode(), b"http://example.org/not-edxml"), "edxml.wrong_namespace"),
    "no namespace": (lambda: b"<edXML><edXMLEnvelope/></edXML>", "edxml.wrong_namespace"),
    "missing envelope": (lambda: _remove("ed:edXMLEnvelope"), "edxml.missing_element"),
    "missing header": (lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader"), "edxml.missing_element"),
    "missing message header": (lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader"), "edxml.missing_element"),
    "missing from": (lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:From"), "edxml.missing_element"),
    "missing from organ id": (
        lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:From/ed:OrganId"),
        "edxml.missing_element",
    ),
    "empty from organ id": (
        lambda: _replace("<edXML:OrganId>000.00.01.H99</edXML:OrganId>", "<edXML:OrganId>  </edXML:OrganId>"),
        "edxml.missing_element",
    ),
    "missing to": (lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:To"), "edxml.missing_element"),
    "missing code": (lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:Code"), "edxml.missing_element"),
    "empty code": (
        lambda: _replace(
            "<edXML:CodeNumber>12</edXML:CodeNumber><edXML:CodeNotation>SNV-VP</edXML:CodeNotation>",
            "<edXML:CodeNumber/><edXML:CodeNotation/>",
        ),
        "edxml.missing_element",
    ),
    "missing promulgation info": (
        lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:PromulgationInfo"),
        "edxml.missing_element",
    ),
    "missing promulgation date": (
        lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:PromulgationInfo/ed:PromulgationDate"),
        "edxml.missing_element",
    ),
    "empty subject": (lambda: _replace("<edXML:Subject>Về việc thử nghiệm</edXML:Subject>", "<edXML:Subject/>"), "edxml.missing_element"),
    "month 13": (lambda: _replace("2026/03/02</edXML:PromulgationDate>", "2026/13/02</edXML:PromulgationDate>"), "edxml.bad_date"),
    "date with letters": (
        lambda: _replace("2026/03/02</edXML:PromulgationDate>", "ngày 2 tháng 3</edXML:PromulgationDate>"),
        "edxml.bad_date",
    ),
    "30 february": (lambda: _replace("2026/03/02</edXML:PromulgationDate>", "2014/02/30</edXML:PromulgationDate>"), "edxml.bad_date"),
    "bad due date": (
        lambda: _replace("<edXML:DueDate>2026/03/20</edXML:DueDate>", "<edXML:DueDate>20/20/2026</edXML:DueDate>"),
        "edxml.bad_date",
    ),
    "bad trace timestamp": (lambda: _replace("2026/03/02 08:00:00", "2026/03/02 25:61:00"), "edxml.bad_timestamp"),
    "priority not a number": (
        lambda: _replace("<edXML:Priority>0</edXML:Priority>", "<edXML:Priority>khẩn</edXML:Priority>"),
        "edxml.bad_number",
    ),
    "priority out of range": (
        lambda: _replace("<edXML:Priority>0</edXML:Priority>", "<edXML:Priority>9</edXML:Priority>"),
        "edxml.invalid_value",
    ),
    "steering type not a number": (
        lambda: _replace("<edXML:SteeringType>0</edXML:SteeringType>", "<edXML:SteeringType>x</edXML:SteeringType>"),
        "edxml.bad_number",
    ),
    "page amount not a number": (lambda: _replace("<edXML:PageAmount/>", "<edXML:PageAmount>mười</edXML:PageAmount>"), "edxml.bad_number"),
    "organ id letters": (
        lambda: _replace("<edXML:OrganId>000.00.01.H99</edXML:OrganId>", "<edXML:OrganId>abc</edXML:OrganId>"),
        "edxml.bad_organ_id",
    ),
    "organ id lower case": (
        lambda: _replace("<edXML:OrganId>000.00.01.H99</edXML:OrganId>", "<edXML:OrganId>000.00.01.h99</edXML:OrganId>"),
        "edxml.bad_organ_id",
    ),
    "organ id too long": (
        lambda: _replace("<edXML:OrganId>000.00.01.H99</edXML:OrganId>", "<edXML:OrganId>H99." + "1" * 40 + "</edXML:OrganId>"),
        "edxml.bad_organ_id",
    ),
    "organ id non-ascii digits": (
        lambda: _replace("<edXML:OrganId>000.00.01.H99</edXML:OrganId>", "<edXML:OrganId>০০০.00.01.H99</edXML:OrganId>"),
        "edxml.bad_organ_id",
    ),
    "organ id level letter X": (
        lambda: _replace("<edXML:OrganId>000.00.02.H99</edXML:OrganId>", "<edXML:OrganId>X99.01</edXML:OrganId>"),
        "edxml.bad_organ_id",
    ),
    "recipient organ id injection": (
        lambda: _replace("<edXML:OrganId>000.00.02.H99</edXML:OrganId>", "<edXML:OrganId>000.00.02.H99;DROP</edXML:OrganId>"),
        "edxml.bad_organ_id",
    ),
    "business type 7": (
        lambda: _replace("<edXML:BussinessDocType>0</edXML:BussinessDocType>", "<edXML:BussinessDocType>7</edXML:BussinessDocType>"),
        "edxml.bad_business_type",
    ),
    "business type text": (
        lambda: _replace("<edXML:BussinessDocType>0</edXML:BussinessDocType>", "<edXML:BussinessDocType>new</edXML:BussinessDocType>"),
        "edxml.bad_number",
    ),
    "duplicate cid in attachments": (
        lambda: edxml.build_package(
            _package(attachments=(edxml.Attachment("cid:1", "a.pdf", b"a"), edxml.Attachment("cid:1", "b.pdf", b"b")))
        ),
        "edxml.duplicate_content_id",
    ),
    "duplicate cid in manifest": (
        lambda: _replace(
            "<edXML:ContentId>cid:2</edXML:ContentId>",
            "<edXML:ContentId>cid:1</edXML:ContentId>",
            edxml.build_package(_package(attachments=(edxml.Attachment("cid:1", "a.pdf", b"a"), edxml.Attachment("cid:2", "b.pdf", b"b")))),
        ),
        "edxml.duplicate_content_id",
    ),
    "attachment referenced but absent": (lambda: _remove("ed:AttachmentEncoded"), "edxml.attachment_missing"),
    "attachment under another cid": (
        lambda: _replace("<ContentId>cid:1</ContentId>", "<ContentId>cid:99</ContentId>"),
        "edxml.attachment_missing",
    ),
    "attachment without payload": (
        lambda: _remove("ed:AttachmentEncoded/ed:Attachment/ed:ContentTransferEncoded"),
        "edxml.missing_element",
    ),
    "attachment without cid": (lambda: _remove("ed:AttachmentEncoded/ed:Attachment/ed:ContentId"), "edxml.missing_element"),
    "manifest reference without cid": (
        lambda: _remove("ed:edXMLEnvelope/ed:edXMLBody/ed:edXMLManifest/ed:Reference/ed:ContentId"),
        "edxml.missing_element",
    ),
    "bad base64": (
        lambda: _with_attachment_payload(b"").replace(b"</edXML:ContentTransferEncoded>", b"!!not base64!!</edXML:ContentTransferEncoded>"),
        "edxml.bad_base64",
    ),
    "zip type but not a zip": (lambda: _with_attachment_payload(b"%PDF-1.7 plain"), "edxml.bad_zip"),
    "truncated zip": (lambda: _with_attachment_payload(_zip({"a.pdf": b"x" * 1000})[:40]), "edxml.bad_zip"),
    "zip bomb": (lambda: _with_attachment_payload(_zip_bomb()), "edxml.decompressed_too_large"),
    "attachments over the total": (
        lambda: edxml.build_package(
            _package(attachments=tuple(edxml.Attachment(f"cid:{i}", f"{i}.bin", b"\0" * (3 * 1024 * 1024)) for i in range(3)))
        ),
        "edxml.decompressed_too_large",
    ),
    "encrypted zip": (lambda: _with_attachment_payload(_encrypted_flag()), "edxml.bad_zip"),
    "zip with too many files": (lambda: _with_attachment_payload(_zip({f"{i}.txt": b"x" for i in range(150)})), "edxml.bad_zip"),
    "too many attachments": (lambda: _many_attachments(51), "edxml.too_many_attachments"),
    "status code 07": (
        lambda: _replace("<edXML:StatusCode>01</edXML:StatusCode>", "<edXML:StatusCode>07</edXML:StatusCode>", STATUS),
        "edxml.bad_status_code",
    ),
    "status code 99": (
        lambda: _replace("<edXML:StatusCode>01</edXML:StatusCode>", "<edXML:StatusCode>99</edXML:StatusCode>", STATUS),
        "edxml.bad_status_code",
    ),
    "status code text": (
        lambda: _replace("<edXML:StatusCode>01</edXML:StatusCode>", "<edXML:StatusCode>done</edXML:StatusCode>", STATUS),
        "edxml.bad_status_code",
    ),
    "status empty code": (
        lambda: _replace("<edXML:StatusCode>01</edXML:StatusCode>", "<edXML:StatusCode/>", STATUS),
        "edxml.missing_element",
    ),
    "status without timestamp": (
        lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:Timestamp", STATUS),
        "edxml.missing_element",
    ),
    "status bad timestamp": (lambda: _replace("2026/03/02 09:00:00", "hôm qua", STATUS), "edxml.bad_timestamp"),
    "status without response-for": (
        lambda: _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:ResponseFor", STATUS),
        "edxml.missing_element",
    ),
    "status response-for without id or code": (
        lambda: _replace(
            "<edXML:Code>12/SNV-VP</edXML:Code>",
            "<edXML:Code/>",
            _remove("ed:edXMLEnvelope/ed:edXMLHeader/ed:MessageHeader/ed:ResponseFor/ed:DocumentId", STATUS),
        ),
        "edxml.missing_element",
    ),
    "status bad sender code": (
        lambda: _replace("<edXML:OrganId>000.00.02.H99</edXML:OrganId>", "<edXML:OrganId>???</edXML:OrganId>", STATUS),
        "edxml.bad_organ_id",
    ),
    "status bad response-for date": (
        lambda: _replace(
            "<edXML:PromulgationDate>2026/03/02</edXML:PromulgationDate>",
            "<edXML:PromulgationDate>2026/02/31</edXML:PromulgationDate>",
            STATUS,
        ),
        "edxml.bad_date",
    ),
}


def test_the_corpus_has_at_least_fifty_cases_and_known_codes():
    assert len(CASES) >= 50
    assert {code for _make, code in CASES.values()} <= edxml.CODES


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_malformed_message_is_refused_with_its_code(name):
    make, code = CASES[name]
    data = make()
    with pytest.raises(edxml.CodecError) as refused:
        edxml.parse(data, limits=LIMITS)
    assert refused.value.code == code, refused.value.message
    assert refused.value.message


def test_the_valid_base_and_status_read():
    assert edxml.parse(VALID, limits=LIMITS).message == _package().completed()
    assert edxml.parse(STATUS, limits=LIMITS).is_status


def test_no_file_is_read_and_no_network_is_used_by_xinclude():
    data = _replace(
        "<edXML:Subject>Về việc thử nghiệm</edXML:Subject>",
        '<edXML:Subject>Về việc <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>thử</edXML:Subject>',
    )
    package = edxml.parse(data, limits=LIMITS).message
    assert "root:" not in package.subject


def test_status_code_14_is_read_as_15():
    data = _replace("<edXML:StatusCode>01</edXML:StatusCode>", "<edXML:StatusCode>14</edXML:StatusCode>", STATUS)
    assert edxml.parse(data).message.status_code == edxml.ExchangeStatus.RECALL_ACCEPTED


def test_lenient_reading_of_whitespace_empty_elements_and_both_date_forms():
    data = _replace("<edXML:Subject>Về việc thử nghiệm</edXML:Subject>", "<edXML:Subject>\n\t  Về việc thử nghiệm \t\n</edXML:Subject>")
    data = _replace("2026/03/02</edXML:PromulgationDate>", "02/03/2026</edXML:PromulgationDate>", data)
    data = _replace("<edXML:Priority>0</edXML:Priority>", "<edXML:Priority/>", data)
    package = edxml.parse(data).message
    assert package.subject == "Về việc thử nghiệm" and package.promulgation_date == dt.date(2026, 3, 2) and package.priority == 0
