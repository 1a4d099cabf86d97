"""The edXML codec (QCVN 102:2016, STANDARDS §1): build, sign, parse, validate.

    from chinhquyen.exchange import edxml
    data = edxml.build_package(package)            # bytes of a .edxml file
    data = edxml.build_package(package, signing_key=key)   # signed (enveloped RSA-SHA256)
    parsed = edxml.parse(data)                      # ParsedMessage, or CodecError with a code
    edxml.message_json(parsed)                      # the snake_case JSON of issue 7

The edXML element names live in this package only; the rest of the platform speaks `Package`,
`StatusMessage` and `ExchangeStatus` (GLOSSARY).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chinhquyen.exchange.edxml import build as _build
from chinhquyen.exchange.edxml.errors import CODES, CodecError
from chinhquyen.exchange.edxml.jsonform import message_json, package_from_spec, package_json, status_from_spec, status_json
from chinhquyen.exchange.edxml.model import (
    DATE_FORMAT,
    NS,
    STATUS_DESCRIPTIONS,
    TIMESTAMP_FORMAT,
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
    make_document_id,
)
from chinhquyen.exchange.edxml.parse import ORGAN_ID_RE, Limits, parse

if TYPE_CHECKING:
    from chinhquyen.exchange.signatures import XmlSigningKey


def build_package(package: Package, *, signing_key: XmlSigningKey | None = None) -> bytes:
    """The `.edxml` bytes of a document package; signed in `edXMLHeader` when a key is given."""
    if signing_key is None:
        return _build.build_package(package)
    from chinhquyen.exchange.signatures import sign_xml

    return _build.serialize(sign_xml(_build.package_tree(package, signature_placeholder=True), signing_key))


def build_status(status: StatusMessage, *, signing_key: XmlSigningKey | None = None) -> bytes:
    """The `.edxml` bytes of a status message; signed when a key is given."""
    if signing_key is None:
        return _build.build_status(status)
    from chinhquyen.exchange.signatures import sign_xml

    return _build.serialize(sign_xml(_build.status_tree(status, signature_placeholder=True), signing_key))


def validate(data: bytes) -> list[str]:
    """Errors of `data` against our XSD of what we emit (`edxml.xsd`); empty when valid."""
    from chinhquyen.exchange.edxml.schema import validate as _validate

    return _validate(data)


__all__ = [
    "CODES",
    "DATE_FORMAT",
    "NS",
    "ORGAN_ID_RE",
    "STATUS_DESCRIPTIONS",
    "TIMESTAMP_FORMAT",
    "Attachment",
    "Business",
    "BusinessType",
    "CodecError",
    "DocumentType",
    "ExchangeStatus",
    "Limits",
    "Organ",
    "Package",
    "ParsedMessage",
    "Receiver",
    "Replacement",
    "ResponseFor",
    "SignatureReport",
    "Signer",
    "StaffInfo",
    "StatusMessage",
    "TraceHeader",
    "build_package",
    "build_status",
    "make_document_id",
    "message_json",
    "package_from_spec",
    "package_json",
    "parse",
    "status_from_spec",
    "status_json",
    "validate",
]
