"""Reading edXML from outside: hardened, and lenient where real systems differ.

Hardened (the bytes come from other agencies' software):
- a size limit before anything is parsed; DOCTYPE and ENTITY declarations refused outright (no
  entity expansion, no billion laughs, no XXE); lxml with `resolve_entities=False`,
  `no_network=True`, no DTD loading, comments and processing instructions dropped;
- a limit on the number of attachments, on each file and on the total once unzipped (zip bombs:
  `core.limits` unzips a megabyte at a time, for deflate, bzip2 and LZMA alike, checking the
  declared size, the actual size and the compression ratio as the bytes come out; ADR 0039);
- the markup counted from the bytes before libxml2 builds a tree (elements, attributes per
  element and in all), then depth and text-node size checked on the tree: only an attachment's
  base64 may pass `max_text_bytes` (`core.limits.check_xml_markup`, `check_xml_tree`);
- every attachment must be named by a manifest reference, and every reference sent;
- every refusal is a `CodecError` with a code (`edxml.*`), never another exception.

Lenient (what the real messages in ../shared/conformance/edxml need): dates `yyyy/MM/dd` or
`dd/MM/yyyy` (and ISO), whitespace and tabs around values, empty elements, children in any order,
`DocumentId` rebuilt when missing, status code 14 read as 15, a signature that does not verify
reported as such without losing the document.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

import pybase64
from django.utils.translation import gettext as _
from lxml import etree

from chinhquyen.core import limits as bounded
from chinhquyen.exchange.edxml.errors import CodecError
from chinhquyen.exchange.edxml.model import (
    DS_NS,
    NS,
    STATUS_ALIASES,
    Attachment,
    Business,
    BusinessType,
    DocumentType,
    ExchangeStatus,
    Organ,
    Package,
    ParsedMessage,
    Receiver,
    Replacement,
    ResponseFor,
    SignatureReport,
    Signer,
    StaffInfo,
    StatusMessage,
    TraceHeader,
    full_code,
    make_document_id,
)

_E = "{%s}" % NS  # noqa: UP031

#: Electronic identifier codes: the QCVN 102 layout used by the axis (`000.00.01.H44`), or the
#: QĐ 20/2020 layout (level 1 leftmost, A–K, ≤ 35 characters) or a `Zxy` schema code (§13.5).
ORGAN_ID_RE = re.compile(r"^(?:\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}|[A-K]\d{2}(?:\.[0-9A-Z]+)*|Z\d{2}[0-9A-Z]{1,32})$", re.ASCII)
_ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/x-zip"}
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """What we accept from outside. Defaults suit the axis; settings can lower or raise them."""

    max_bytes: int = 50 * 1024 * 1024
    max_attachments: int = 50
    #: 160 MB: a message within the defaults stays within a 256 MB budget once read (ADR 0039).
    max_decompressed_bytes: int = 160 * 1024 * 1024
    max_zip_members: int = 100
    #: Unzipped / zipped bytes of one attachment past its first 10 MB (FILE_MAX_COMPRESSION_RATIO).
    max_compression_ratio: int = 100
    max_elements: int = 20_000
    max_attributes: int = 32
    max_total_attributes: int = 20_000
    max_depth: int = 64
    #: The longest text of any element but an attachment's base64 (a subject, a name, a content).
    max_text_bytes: int = 1024 * 1024

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            max_bytes=getattr(settings, "EXCHANGE_MAX_PACKAGE_BYTES", cls.max_bytes),
            max_attachments=getattr(settings, "EXCHANGE_MAX_ATTACHMENTS", cls.max_attachments),
            max_decompressed_bytes=getattr(settings, "EXCHANGE_MAX_DECOMPRESSED_BYTES", cls.max_decompressed_bytes),
            max_compression_ratio=bounded.max_compression_ratio(),
        )

    def xml(self) -> bounded.XmlLimits:
        return bounded.XmlLimits(
            max_elements=self.max_elements,
            max_attributes=self.max_attributes,
            max_total_attributes=self.max_total_attributes,
            max_depth=self.max_depth,
            max_text_bytes=self.max_text_bytes,
            huge_text_tags=frozenset({_E + "ContentTransferEncoded"}),
        )

    def zip(self) -> bounded.ZipLimits:
        return bounded.ZipLimits(
            max_bytes=self.max_decompressed_bytes, max_members=self.max_zip_members, max_ratio=self.max_compression_ratio
        )


#: `core.limits` codes → the codec's own.
_LIMIT_CODES = {
    "file.xml_too_many_elements": "edxml.too_many_elements",
    "file.xml_too_many_attributes": "edxml.too_many_attributes",
    "file.xml_too_deep": "edxml.too_deep",
    "file.xml_text_too_large": "edxml.text_too_large",
    "file.zip_too_large": "edxml.decompressed_too_large",
    "file.zip_ratio": "edxml.compression_ratio",
    "file.timeout": "edxml.timeout",
}


def _codec_error(exc: bounded.LimitError) -> CodecError:
    return CodecError(
        _LIMIT_CODES.get(exc.code, "edxml.bad_zip" if exc.code.startswith("file.zip_") else "edxml.invalid_value"), exc.message
    )


def _missing(path: str) -> CodecError:
    return CodecError("edxml.missing_element", _("A required element is missing: %(path)s.") % {"path": path}, fields={"element": path})


def clean_text(value: str | None) -> str:
    """NFC, without the whitespace (tabs, new lines) real senders leave around values."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def _find(node: etree._Element | None, name: str) -> etree._Element | None:
    if node is None:
        return None
    return node.find(_E + name)


def _text(node: etree._Element | None, name: str) -> str:
    child = _find(node, name)
    return clean_text(child.text) if child is not None else ""


def _required(node: etree._Element | None, name: str, path: str) -> etree._Element:
    child = _find(node, name)
    if child is None:
        raise _missing(f"{path}/{name}")
    return child


def _required_text(node: etree._Element | None, name: str, path: str) -> str:
    value = _text(node, name)
    if not value:
        raise _missing(f"{path}/{name}")
    return value


_DATE_FORMATS = ("%Y/%m/%d", "%d/%m/%Y", "%Y-%m-%d")
_TIMESTAMP_FORMATS = ("%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M")


def parse_date(value: str, path: str) -> dt.date:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CodecError(
        "edxml.bad_date", _("%(path)s is not a date: %(value)s.") % {"path": path, "value": value[:40]}, fields={"element": path}
    )


def _date(node: etree._Element | None, name: str, path: str, *, required: bool) -> dt.date | None:
    value = _text(node, name)
    if not value:
        if required:
            raise _missing(f"{path}/{name}")
        return None
    return parse_date(value, f"{path}/{name}")


def parse_timestamp(value: str, path: str) -> dt.datetime:
    for fmt in _TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise CodecError(
        "edxml.bad_timestamp",
        _("%(path)s is not a date and time: %(value)s.") % {"path": path, "value": value[:40]},
        fields={"element": path},
    )


def _int(node: etree._Element | None, name: str, path: str, default: int | None) -> int | None:
    value = _text(node, name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise CodecError(
            "edxml.bad_number",
            _("%(path)s is not a number: %(value)s.") % {"path": f"{path}/{name}", "value": value[:40]},
            fields={"element": f"{path}/{name}"},
        ) from None


def _flag(node: etree._Element | None, name: str) -> bool:
    return _text(node, name).lower() in {"1", "true"}


def check_organ_id(value: str, path: str) -> str:
    if len(value) > 35 or not ORGAN_ID_RE.match(value):
        raise CodecError(
            "edxml.bad_organ_id",
            _("%(path)s is not an agency code: %(value)s.") % {"path": path, "value": value[:40]},
            fields={"element": path},
        )
    return value


def _organ(node: etree._Element, path: str) -> Organ:
    return Organ(
        organ_id=check_organ_id(_required_text(node, "OrganId", path), f"{path}/OrganId"),
        organ_name=_text(node, "OrganName"),
        organization_in_charge=_text(node, "OrganizationInCharge"),
        organ_add=_text(node, "OrganAdd"),
        email=_text(node, "Email"),
        telephone=_text(node, "Telephone"),
        fax=_text(node, "Fax"),
        website=_text(node, "Website"),
    )


def _staff(node: etree._Element | None) -> StaffInfo:
    if node is None:
        return StaffInfo()
    return StaffInfo(
        department=_text(node, "Department"), staff=_text(node, "Staff"), mobile=_text(node, "Mobile"), email=_text(node, "Email")
    )


def _response_for(node: etree._Element, path: str) -> ResponseFor:
    organ_id = check_organ_id(_required_text(node, "OrganId", path), f"{path}/OrganId")
    code_node = _find(node, "Code")
    code = clean_text(code_node.text) if code_node is not None else ""
    if code_node is not None and len(code_node):
        # Some senders nest CodeNumber/CodeNotation here as in MessageHeader/Code.
        code = full_code(_text(code_node, "CodeNumber"), _text(code_node, "CodeNotation"))
    promulgation_date = _date(node, "PromulgationDate", path, required=False)
    document_id = _text(node, "DocumentId")
    if not document_id:
        if promulgation_date is None or not code:
            raise _missing(f"{path}/DocumentId")
        number, _sep, notation = code.partition("/")
        document_id = make_document_id(organ_id, promulgation_date, number, notation)
    return ResponseFor(organ_id=organ_id, code=code, promulgation_date=promulgation_date, document_id=document_id)


# --- The document: bytes → tree ------------------------------------------------------------


def _parser(huge: bool) -> etree.XMLParser:
    """`core.limits.xml_parser`; `huge` only for a message over 8 MB, whose attachments' base64
    needs text nodes past libxml2's 10 MB (every other text node is held to `max_text_bytes`)."""
    return bounded.xml_parser(huge_tree=huge)  # type: ignore[no-any-return]


def read_tree(data: bytes, limits: Limits) -> etree._Element:
    """The hardened part: size, DOCTYPE/ENTITY, well-formedness, root and namespace."""
    if not data or not data.strip():
        raise CodecError("edxml.empty", _("The message is empty."))
    if len(data) > limits.max_bytes:
        raise CodecError(
            "edxml.too_large",
            _("The message is %(size)s bytes; at most %(max)s are accepted.") % {"size": len(data), "max": limits.max_bytes},
        )
    if b"<!DOCTYPE" in data:
        raise CodecError("edxml.doctype_refused", _("Messages with a DOCTYPE are refused."))
    if b"<!ENTITY" in data:
        raise CodecError("edxml.entity_refused", _("Messages that declare entities are refused."))
    xml_limits = limits.xml()
    try:
        bounded.check_xml_markup(data, xml_limits)
    except bounded.LimitError as exc:
        raise _codec_error(exc) from None
    try:
        root = etree.fromstring(data, parser=_parser(huge=len(data) > 8 * 1024 * 1024))
    except etree.XMLSyntaxError as exc:
        text = str(exc)
        if "depth" in text.lower():
            raise CodecError("edxml.too_deep", _("The message is nested too deeply.")) from None
        raise CodecError("edxml.not_xml", _("The message is not well-formed XML: %(error)s") % {"error": text[:200]}) from None
    except (ValueError, etree.ParserError) as exc:
        raise CodecError("edxml.not_xml", _("The message is not well-formed XML: %(error)s") % {"error": str(exc)[:200]}) from None
    if root is None:
        raise CodecError("edxml.not_xml", _("The message is not well-formed XML: %(error)s") % {"error": "no root"})
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # Reached only by encodings the byte scan above cannot see (UTF-16, UTF-32).
        raise CodecError("edxml.doctype_refused", _("Messages with a DOCTYPE are refused."))
    qname = etree.QName(root)
    if qname.localname != "edXML":
        raise CodecError("edxml.wrong_root", _("The root element is %(name)s, not edXML.") % {"name": qname.localname[:40]})
    if qname.namespace != NS:
        raise CodecError(
            "edxml.wrong_namespace",
            _("The root element is in the namespace %(ns)s, not %(expected)s.") % {"ns": (qname.namespace or "")[:80], "expected": NS},
        )
    try:
        bounded.check_xml_tree(root, xml_limits)
    except bounded.LimitError as exc:
        raise _codec_error(exc) from None
    return root


# --- Attachments ---------------------------------------------------------------------------


def _unzip(data: bytes, name: str, budget: int, limits: Limits) -> bytes:
    """The single file inside a per-file zip, unzipped by `core.limits` within `budget` (what is
    left of the message's allowance), the declared size and the compression ratio (zip bombs)."""
    try:
        archive = bounded.open_zip(data, name=name, limits=limits.zip())
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) != 1:
            return data  # a real .zip file sent as it is: keep it whole
        return bounded.read_zip_member_bounded(archive, members[0], name=name, limits=limits.zip(), budget=budget)
    except bounded.LimitError as exc:
        raise _codec_error(exc) from None


#: What `str.split()` takes for whitespace among ASCII characters.
_ASCII_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _base64(text: str) -> bytes:
    """Strict base64 (only its alphabet and final padding), line breaks and spaces allowed between
    the characters as real systems wrap it. The text is copied without them only when it has some
    (an attachment is most of a message). Decoded by pybase64 (SIMD: forty times the standard
    library's speed here, and decoding was the receiver's largest single cost in W5)."""
    if not text.isascii() or any(space in text for space in _ASCII_SPACES):
        text = "".join(text.split())
    return pybase64.b64decode(text, validate=True)


def _attachments(root: etree._Element, body: etree._Element | None, limits: Limits) -> tuple[Attachment, ...]:
    manifest = _find(body, "edXMLManifest")
    references: dict[str, dict[str, str]] = {}
    for reference in manifest.findall(_E + "Reference") if manifest is not None else []:
        cid = _text(reference, "ContentId")
        if not cid:
            raise _missing("edXMLManifest/Reference/ContentId")
        if cid in references:
            raise CodecError("edxml.duplicate_content_id", _("Two manifest references share %(cid)s.") % {"cid": cid[:60]})
        references[cid] = {
            "name": _text(reference, "AttachmentName"),
            "description": _text(reference, "Description"),
            "content_type": _text(reference, "ContentType").lower(),
        }
    encoded = root.find(_E + "AttachmentEncoded")
    nodes = encoded.findall(_E + "Attachment") if encoded is not None else []
    if len(nodes) > limits.max_attachments or len(references) > limits.max_attachments:
        raise CodecError(
            "edxml.too_many_attachments",
            _("The message has %(count)s attachments; at most %(max)s are accepted.")
            % {"count": max(len(nodes), len(references)), "max": limits.max_attachments},
        )
    seen: set[str] = set()
    result: list[Attachment] = []
    budget = limits.max_decompressed_bytes
    for node in nodes:
        cid = _text(node, "ContentId")
        if not cid:
            raise _missing("AttachmentEncoded/Attachment/ContentId")
        if cid in seen:
            raise CodecError("edxml.duplicate_content_id", _("Two attachments share %(cid)s.") % {"cid": cid[:60]})
        seen.add(cid)
        reference = references.get(cid, {})
        name = _text(node, "AttachmentName") or reference.get("name", "") or cid
        description = _text(node, "Description") or reference.get("description", "")
        content_type = (_text(node, "ContentType") or reference.get("content_type", "")).lower()
        payload = node.find(_E + "ContentTransferEncoded")
        if payload is None:
            raise _missing("AttachmentEncoded/Attachment/ContentTransferEncoded")
        try:
            raw = _base64(payload.text or "")
        except (binascii.Error, ValueError):
            raise CodecError("edxml.bad_base64", _("The attachment %(name)s is not valid base64.") % {"name": name[:80]}) from None
        data = _unzip(raw, name, budget, limits) if content_type in _ZIP_TYPES else raw
        budget -= len(data)
        if budget < 0:
            raise CodecError(
                "edxml.decompressed_too_large",
                _("The attachments unzip to more than %(max)s bytes.") % {"max": limits.max_decompressed_bytes},
            )
        result.append(Attachment(content_id=cid, name=name, data=data, description=description))
    for cid in references:
        if cid not in seen:
            raise CodecError(
                "edxml.attachment_missing",
                _("The manifest names %(cid)s but no such attachment was sent.") % {"cid": cid[:60]},
                fields={"content_id": cid},
            )
    for cid in seen:
        if cid not in references:
            raise CodecError(
                "edxml.attachment_unreferenced",
                _("The attachment %(cid)s is not named by any reference of the manifest.") % {"cid": cid[:60]},
                fields={"content_id": cid},
            )
    return tuple(result)


# --- Signature -----------------------------------------------------------------------------


def _signature(root: etree._Element, header: etree._Element, verify: bool) -> tuple[SignatureReport, etree._Element]:
    """The signature report, and the tree to read the message from: the signed bytes parsed again
    when the signature is valid (ADR 0040), else the tree received.

    An XML-DSig signature anywhere in the message is checked by the signing app with the exchange's
    profile (`exchange.signatures`). Not exactly one signature over the whole message in
    `edXMLHeader` (a second signature, a `ds:Object`, a reference by Id, a duplicate Id, a
    signature elsewhere) is refused: `edxml.signature_wrapping`. A signature that merely does not
    verify (altered content, a damaged certificate, rsa-sha1, a `<Signature>` outside the XML-DSig
    namespace as real systems send it) is reported not valid, and the document is kept."""
    from chinhquyen.exchange import signatures

    if next(root.iter(f"{{{DS_NS}}}Signature"), None) is None:
        candidates = [
            child for child in header if isinstance(child.tag, str) and etree.QName(child).localname in {"Signature", "DigitalSignature"}
        ]
        if not any(len(c) or clean_text(c.text) for c in candidates):
            return SignatureReport(present=False, valid=None, reason=""), root
        return (
            SignatureReport(
                present=True, valid=False, reason="The Signature element is not in the XML-DSig namespace, so it cannot be verified."
            ),
            root,
        )
    if not verify:
        return SignatureReport(present=True, valid=None, reason="Not checked."), root
    try:
        checked = signatures.verify_xml(root)
    except signatures.XmlSignatureError as exc:
        if exc.code in signatures.WRAPPING_CODES:
            raise CodecError(
                "edxml.signature_wrapping",
                _("The message's signature does not cover exactly the whole message (possible signature wrapping): %(reason)s")
                % {"reason": exc.message},
                fields={"signature": exc.code},
            ) from None
        return SignatureReport(present=True, valid=False, reason=f"{exc.code}: {exc.message}"), root
    report = SignatureReport(
        present=True,
        valid=True,
        reason="The content is intact and matches the signer's certificate.",
        signer=checked.certificate.subject,
        algorithm=checked.signature_method,
        certificates=checked.certificates,
    )
    return report, checked.signed_root


# --- Messages ------------------------------------------------------------------------------


def _business(traces: etree._Element | None, document_id: str) -> Business:
    node = _find(traces, "Bussiness")
    if node is None:
        return Business(document_id=document_id)
    path = "TraceHeaderList/Bussiness"
    code = _int(node, "BussinessDocType", path, 0) or 0
    try:
        doc_type = BusinessType(code)
    except ValueError:
        raise CodecError("edxml.bad_business_type", _("BussinessDocType %(code)s is not 0, 1, 2 or 3.") % {"code": code}) from None
    info = _find(node, "BussinessDocumentInfo")
    receivers = []
    for receiver in info.findall(f"{_E}ReceiverList/{_E}Receiver") if info is not None else []:
        receivers.append(
            Receiver(organ_id=_text(receiver, "OrganId"), receiver_type=_int(receiver, "ReceiverType", f"{path}/Receiver", 0) or 0)
        )
    replacements = []
    for replacement in node.findall(f"{_E}ReplacementInfoList/{_E}ReplacementInfo"):
        organs = tuple(clean_text(o.text) for o in replacement.findall(f"{_E}OrganIdList/{_E}OrganId") if clean_text(o.text))
        replacements.append(Replacement(document_id=_text(replacement, "DocumentId"), organ_ids=organs))
    return Business(
        doc_type=doc_type,
        document_id=_text(node, "DocumentId") or document_id,
        reason=_text(node, "BussinessDocReason"),
        paper=_flag(node, "Paper"),
        document_info_changed=_flag(info, "DocumentInfo"),
        receivers_changed=_flag(info, "DocumentReceiver"),
        receivers=tuple(receivers),
        replacements=tuple(replacements),
        staff=_staff(_find(node, "StaffInfo")),
    )


def _package(root: etree._Element, envelope: etree._Element, header: etree._Element, message: etree._Element, limits: Limits) -> Package:
    path = "MessageHeader"
    sender = _organ(_required(message, "From", path), f"{path}/From")
    to_nodes = message.findall(_E + "To")
    if not to_nodes:
        raise _missing(f"{path}/To")
    recipients = tuple(_organ(node, f"{path}/To") for node in to_nodes)
    code = _required(message, "Code", path)
    code_number = _text(code, "CodeNumber")
    code_notation = _text(code, "CodeNotation")
    if not code_number and not code_notation:
        raise _missing(f"{path}/Code/CodeNumber")
    info = _required(message, "PromulgationInfo", path)
    promulgation_date = _date(info, "PromulgationDate", f"{path}/PromulgationInfo", required=True)
    assert promulgation_date is not None
    subject = _required_text(message, "Subject", path)
    kind = _find(message, "DocumentType")
    signer = _find(message, "SignerInfo")
    other = _find(message, "OtherInfo")
    priority = _int(other, "Priority", f"{path}/OtherInfo", 0) or 0
    if not 0 <= priority <= 4:
        raise CodecError(
            "edxml.invalid_value", _("Priority %(value)s is not between 0 and 4.") % {"value": priority}, fields={"element": "Priority"}
        )
    traces = _find(header, "TraceHeaderList")
    trace_headers = []
    for trace in traces.findall(_E + "TraceHeader") if traces is not None else []:
        stamp = _text(trace, "Timestamp")
        trace_headers.append(
            TraceHeader(
                organ_id=_text(trace, "OrganId"),
                timestamp=parse_timestamp(stamp, "TraceHeader/Timestamp") if stamp else dt.datetime(1970, 1, 1),
            )
        )
    document_id = _text(message, "DocumentId") or make_document_id(sender.organ_id, promulgation_date, code_number, code_notation)
    return Package(
        sender=sender,
        recipients=recipients,
        code_number=code_number,
        code_notation=code_notation,
        promulgation_date=promulgation_date,
        subject=subject,
        place=_text(info, "Place"),
        document_type=DocumentType(
            type=_int(kind, "Type", f"{path}/DocumentType", 1) or 0,
            type_detail=_int(kind, "TypeDetail", f"{path}/DocumentType", 0) or 0,
            type_name=_text(kind, "TypeName"),
        ),
        content=_text(message, "Content"),
        signer=Signer(competence=_text(signer, "Competence"), position=_text(signer, "Position"), full_name=_text(signer, "FullName")),
        due_date=_date(message, "DueDate", path, required=False),
        to_places=tuple(clean_text(p.text) for p in message.findall(f"{_E}ToPlaces/{_E}Place") if clean_text(p.text)),
        priority=priority,
        sphere_of_promulgation=_text(other, "SphereOfPromulgation"),
        typer_notation=_text(other, "TyperNotation"),
        promulgation_amount=_int(other, "PromulgationAmount", f"{path}/OtherInfo", None),
        page_amount=_int(other, "PageAmount", f"{path}/OtherInfo", None),
        appendixes=tuple(clean_text(a.text) for a in message.findall(f"{_E}OtherInfo/{_E}Appendixes/{_E}Appendix") if clean_text(a.text)),
        steering_type=_int(message, "SteeringType", path, 0) or 0,
        response_for=tuple(_response_for(node, f"{path}/ResponseFor") for node in message.findall(_E + "ResponseFor")),
        trace_headers=tuple(trace_headers),
        business=_business(traces, document_id),
        attachments=_attachments(root, _find(envelope, "edXMLBody"), limits),
        document_id=document_id,
    )


def parse_status_code(value: str) -> ExchangeStatus:
    code = value.strip()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code in STATUS_ALIASES:
        return STATUS_ALIASES[code]
    try:
        return ExchangeStatus(code)
    except ValueError:
        raise CodecError(
            "edxml.bad_status_code",
            _("Status code %(code)s is not one of 01–06, 13, 15, 16.") % {"code": code[:10]},
            fields={"element": "StatusCode"},
        ) from None


def _status(message: etree._Element) -> StatusMessage:
    path = "MessageHeader"
    stamp = _required_text(message, "Timestamp", path)
    return StatusMessage(
        sender=_organ(_required(message, "From", path), f"{path}/From"),
        response_for=_response_for(_required(message, "ResponseFor", path), f"{path}/ResponseFor"),
        status_code=parse_status_code(_required_text(message, "StatusCode", path)),
        timestamp=parse_timestamp(stamp, f"{path}/Timestamp"),
        description=_text(message, "Description"),
        staff=_staff(_find(message, "StaffInfo")),
    )


#: Elements a message has once: a second one (read or not) is refused, never chosen between.
_ONCE = (
    ("edXMLEnvelope",),
    ("edXMLEnvelope", "edXMLHeader"),
    ("edXMLEnvelope", "edXMLBody"),
    ("edXMLEnvelope", "edXMLHeader", "MessageHeader"),
    ("edXMLEnvelope", "edXMLHeader", "TraceHeaderList"),
    ("AttachmentEncoded",),
)


def _one_each(root: etree._Element) -> None:
    for path in _ONCE:
        found = root.findall("/".join(_E + name for name in path))
        if len(found) > 1:
            raise CodecError(
                "edxml.duplicate_element",
                _("The message has %(count)s %(path)s elements; one is expected.") % {"count": len(found), "path": "/".join(path)},
                fields={"element": "/".join(path)},
            )


def parse(data: bytes, *, limits: Limits | None = None, verify_signature: bool = True, sha256: str | None = None) -> ParsedMessage:
    """Read a package or a status message. Raises `CodecError` (with its code) and nothing else.
    `sha256`: the hex SHA-256 of `data` when the caller has already computed it (not hashed again)."""
    limits = limits or Limits()
    received = read_tree(data, limits)
    try:
        header = _required(_required(received, "edXMLEnvelope", "edXML"), "edXMLHeader", "edXMLEnvelope")
        # From here on only what the signature covers is read (the received tree when unsigned).
        signature, root = _signature(received, header, verify_signature)
        _one_each(root)
        envelope = _required(root, "edXMLEnvelope", "edXML")
        header = _required(envelope, "edXMLHeader", "edXMLEnvelope")
        message = _required(header, "MessageHeader", "edXMLHeader")
        parsed: Package | StatusMessage
        if _find(message, "StatusCode") is not None:
            parsed = _status(message)
        else:
            parsed = _package(root, envelope, header, message, limits)
    except CodecError:
        raise
    except (RecursionError, MemoryError, OverflowError, TypeError, ValueError, UnicodeError) as exc:  # pragma: no cover - belt and braces
        raise CodecError("edxml.invalid_value", _("The message could not be read: %(error)s") % {"error": str(exc)[:200]}) from None
    return ParsedMessage(message=parsed, signature=signature, sha256=sha256 or hashlib.sha256(data).hexdigest(), size=len(data))
