"""Writing edXML (QCVN 102:2016) exactly as STANDARDS §1.2–§1.9 describe.

- the root `edXML` in the default namespace; the envelope declares `xmlns:edXML` and every element
  inside it carries the `edXML:` prefix (the VPCP side refuses un-prefixed children, §1.2);
- `AttachmentEncoded` outside the envelope; each file zipped on its own, then base64, linked to its
  manifest reference by `cid:`;
- dates `yyyy/MM/dd`, timestamps `yyyy/MM/dd HH:mm:ss`; `Bussiness` spelled as the standard does;
- MessageHeader children in the order of the VNPT builder (§1.3).

What we emit is checked against `edxml.xsd` by the tests (and by `validate()` on demand).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

import pybase64
from lxml import etree

from chinhquyen.exchange.edxml.model import (
    DATE_FORMAT,
    DS_NS,
    NS,
    TIMESTAMP_FORMAT,
    Business,
    BusinessType,
    Organ,
    Package,
    ResponseFor,
    StaffInfo,
    StatusMessage,
)

_E = "{%s}" % NS  # noqa: UP031 - a namespace prefix, not formatting


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _E + name)
    if text is not None and text != "":
        element.text = text
    return element


def _date(value: dt.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def _timestamp(value: dt.datetime) -> str:
    return value.strftime(TIMESTAMP_FORMAT)


def _organ(parent: etree._Element, name: str, organ: Organ) -> None:
    node = _sub(parent, name)
    _sub(node, "OrganId", organ.organ_id)
    _sub(node, "OrganName", organ.organ_name)
    _sub(node, "OrganizationInCharge", organ.organization_in_charge)
    _sub(node, "OrganAdd", organ.organ_add)
    _sub(node, "Email", organ.email)
    _sub(node, "Telephone", organ.telephone)
    _sub(node, "Fax", organ.fax)
    _sub(node, "Website", organ.website)


def _staff(parent: etree._Element, staff: StaffInfo) -> None:
    node = _sub(parent, "StaffInfo")
    _sub(node, "Department", staff.department)
    _sub(node, "Staff", staff.staff)
    _sub(node, "Mobile", staff.mobile)
    _sub(node, "Email", staff.email)


def _response_for(parent: etree._Element, response: ResponseFor) -> None:
    node = _sub(parent, "ResponseFor")
    _sub(node, "OrganId", response.organ_id)
    _sub(node, "Code", response.code)
    _sub(node, "PromulgationDate", _date(response.promulgation_date))
    _sub(node, "DocumentId", response.document_id)


def _skeleton() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(_E + "edXML", nsmap={None: NS})
    envelope = etree.SubElement(root, _E + "edXMLEnvelope", nsmap={"edXML": NS})
    header = _sub(envelope, "edXMLHeader")
    return root, envelope, header


def _business(parent: etree._Element, business: Business, document_id: str) -> None:
    node = _sub(parent, "Bussiness")
    _sub(node, "DocumentId", business.document_id or document_id)
    _sub(node, "BussinessDocType", str(int(business.doc_type)))
    _sub(node, "BussinessDocReason", business.reason)
    _sub(node, "Paper", "1" if business.paper else "0")
    if business.doc_type == BusinessType.UPDATE:
        info = _sub(node, "BussinessDocumentInfo")
        _sub(info, "DocumentInfo", "1" if business.document_info_changed else "0")
        _sub(info, "DocumentReceiver", "1" if business.receivers_changed else "0")
        receivers = _sub(info, "ReceiverList")
        for receiver in business.receivers:
            r = _sub(receivers, "Receiver")
            _sub(r, "OrganId", receiver.organ_id)
            _sub(r, "ReceiverType", str(receiver.receiver_type))
    if business.doc_type == BusinessType.REPLACE:
        replacements = _sub(node, "ReplacementInfoList")
        for replacement in business.replacements:
            r = _sub(replacements, "ReplacementInfo")
            _sub(r, "DocumentId", replacement.document_id)
            organs = _sub(r, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _sub(organs, "OrganId", organ_id)
    _staff(node, business.staff)


#: Deflate is tried on this much of a file first: what does not shrink by 3 % there (a PDF's or a
#: scan's already-compressed streams, a JPEG, a zip) is stored in the zip as it is instead.
_SAMPLE = 16 * 1024


def _compressible(data: bytes) -> bool:
    if len(data) <= _SAMPLE:
        return True
    sample = data[:_SAMPLE]
    return len(zlib.compress(sample, 1)) < 0.97 * len(sample)


def zip_file(name: str, data: bytes) -> bytes:
    """One file in a zip of its own (§1.2: "each file is zipped individually").

    Deflated, unless a sample shows the file is already compressed: then it is stored (method 0,
    which every unzip reads), which saves the deflate pass (≈ 20 ms per MB) for nothing gained."""
    method = zipfile.ZIP_DEFLATED if _compressible(data) else zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        info = zipfile.ZipInfo(name or "file", date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = method
        archive.writestr(info, data)
    return buffer.getvalue()


def package_tree(package: Package, *, signature_placeholder: bool = False) -> etree._Element:
    root, envelope, header = _skeleton()
    message = _sub(header, "MessageHeader")
    _organ(message, "From", package.sender)
    for recipient in package.recipients:
        _organ(message, "To", recipient)
    document_id = package.effective_document_id
    _sub(message, "DocumentId", document_id)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", package.code_number)
    _sub(code, "CodeNotation", package.code_notation)
    info = _sub(message, "PromulgationInfo")
    _sub(info, "Place", package.place)
    _sub(info, "PromulgationDate", _date(package.promulgation_date))
    kind = _sub(message, "DocumentType")
    _sub(kind, "Type", str(package.document_type.type))
    _sub(kind, "TypeDetail", str(package.document_type.type_detail))
    _sub(kind, "TypeName", package.document_type.type_name)
    _sub(message, "Subject", package.subject)
    _sub(message, "Content", package.content)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", package.signer.competence)
    _sub(signer, "Position", package.signer.position)
    _sub(signer, "FullName", package.signer.full_name)
    _sub(message, "DueDate", _date(package.due_date))
    places = _sub(message, "ToPlaces")
    for place in package.to_places:
        _sub(places, "Place", place)
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", str(package.priority))
    _sub(other, "SphereOfPromulgation", package.sphere_of_promulgation)
    _sub(other, "TyperNotation", package.typer_notation)
    _sub(other, "PromulgationAmount", "" if package.promulgation_amount is None else str(package.promulgation_amount))
    _sub(other, "PageAmount", "" if package.page_amount is None else str(package.page_amount))
    appendixes = _sub(other, "Appendixes")
    for appendix in package.appendixes:
        _sub(appendixes, "Appendix", appendix)
    for response in package.response_for:
        _response_for(message, response)
    _sub(message, "SteeringType", str(package.steering_type))

    traces = _sub(header, "TraceHeaderList")
    for trace in package.trace_headers:
        t = _sub(traces, "TraceHeader")
        _sub(t, "OrganId", trace.organ_id)
        _sub(t, "Timestamp", _timestamp(trace.timestamp))
    _business(traces, package.business, document_id)
    if signature_placeholder:
        _signature_placeholder(header)

    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    for attachment in package.attachments:
        reference = _sub(manifest, "Reference")
        _sub(reference, "ContentId", attachment.content_id)
        _sub(reference, "ContentType", "application/zip")
        _sub(reference, "Description", attachment.description)
        _sub(reference, "AttachmentName", attachment.name)
    if package.attachments:
        encoded = etree.SubElement(root, _E + "AttachmentEncoded")
        for attachment in package.attachments:
            node = etree.SubElement(encoded, _E + "Attachment")
            etree.SubElement(node, _E + "ContentId").text = attachment.content_id
            etree.SubElement(node, _E + "AttachmentName").text = attachment.name
            description = etree.SubElement(node, _E + "Description")
            if attachment.description:
                description.text = attachment.description
            etree.SubElement(node, _E + "ContentType").text = "application/zip"
            payload = etree.SubElement(node, _E + "ContentTransferEncoded", nsmap={"edXML": NS})
            payload.text = pybase64.b64encode(zip_file(attachment.name, attachment.data)).decode("ascii")
    return root


def status_tree(status: StatusMessage, *, signature_placeholder: bool = False) -> etree._Element:
    root, _envelope, header = _skeleton()
    message = _sub(header, "MessageHeader")
    _organ(message, "From", status.sender)
    _response_for(message, status.response_for)
    _staff(message, status.staff)
    _sub(message, "StatusCode", str(status.status_code.value))
    _sub(message, "Description", status.description)
    _sub(message, "Timestamp", _timestamp(status.timestamp))
    if signature_placeholder:
        _signature_placeholder(header)
    return root


def _signature_placeholder(header: etree._Element) -> None:
    # signxml puts the enveloped signature where it finds this element (§1.5: in edXMLHeader).
    etree.SubElement(header, "{%s}Signature" % DS_NS, nsmap={"ds": DS_NS}, Id="placeholder")  # noqa: UP031


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_package(package: Package) -> bytes:
    """The `.edxml` bytes of a document package (unsigned)."""
    return serialize(package_tree(package))


def build_status(status: StatusMessage) -> bytes:
    """The `.edxml` bytes of a status message (unsigned)."""
    return serialize(status_tree(status))
