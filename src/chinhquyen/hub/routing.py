"""What the hub reads from a message to route it: sender, recipients, DocumentId, status code.

A small hardened reader of its own (the hub imports nothing from `exchange`): size limit, no
DOCTYPE or entity declarations, lxml without entities or network. The full reading and the
signature check are the receiver's job. It also splits the attachments' base64 text out of the
bytes (to store each once, by hash) and puts it back, byte for byte, when a recipient fetches.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from lxml import etree

from chinhquyen.core.errors import DomainError

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
_E = "{%s}" % NS  # noqa: UP031
_PAYLOAD_RE = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?ContentTransferEncoded\b[^>]*>)([^<]*)(</(?:[A-Za-z_][\w.-]*:)?ContentTransferEncoded>)"
)
_REF_PREFIX = b"cq-hub-blob:"


class InvalidMessage(DomainError):
    status = 422


class TooLarge(DomainError):
    status = 413


@dataclass(frozen=True)
class Route:
    message_type: str
    from_code: str
    to_codes: list[str]
    document_id: str
    status_code: str


def _text(node: etree._Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


#: What an attachment's text may hold for the hub to set it aside before parsing: base64 and
#: whitespace (anything else — an entity reference, say — and the whole message is parsed as is).
_BASE64_TEXT = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n"


def read_route(data: bytes, *, max_bytes: int, skeleton: bytes | None = None) -> Route:
    """The routing of `data`. With `skeleton` (`split_payloads(data)[0]`, given when every payload
    taken out was plain base64, so that taking it out changes nothing to the XML's
    well-formedness), the small skeleton is parsed instead of the whole message."""
    if len(data) > max_bytes:
        raise TooLarge("hub.too_large", f"The message is {len(data)} bytes; the hub accepts at most {max_bytes}.")
    if not data.strip():
        raise InvalidMessage("hub.invalid_message", "The message is empty.")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InvalidMessage("hub.invalid_message", "Messages with a DOCTYPE or entity declarations are refused.")
    text = data if skeleton is None else skeleton
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=len(text) > 8 * 1024 * 1024)
    try:
        root = etree.fromstring(text, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InvalidMessage("hub.invalid_message", f"The message is not well-formed XML: {str(exc)[:200]}") from None
    if root is None or root.tag != _E + "edXML" or root.getroottree().docinfo.doctype:
        raise InvalidMessage("hub.invalid_message", "The message is not an edXML document.")
    header = root.find(f"{_E}edXMLEnvelope/{_E}edXMLHeader/{_E}MessageHeader")
    if header is None:
        raise InvalidMessage("hub.invalid_message", "The message has no MessageHeader.")
    from_code = _text(header.find(f"{_E}From/{_E}OrganId"))
    status_code = _text(header.find(f"{_E}StatusCode"))
    if status_code:
        to_codes = [_text(header.find(f"{_E}ResponseFor/{_E}OrganId"))]
        document_id = _text(header.find(f"{_E}ResponseFor/{_E}DocumentId"))
    else:
        to_codes = [_text(n) for n in header.findall(f"{_E}To/{_E}OrganId")]
        document_id = _text(header.find(f"{_E}DocumentId"))
    to_codes = list(dict.fromkeys(code for code in to_codes if code))
    if not from_code or not to_codes:
        raise InvalidMessage("hub.invalid_message", "The message names no sender or no recipient.")
    return Route("status" if status_code else "edoc", from_code, to_codes, document_id, status_code[:2])


@dataclass(frozen=True)
class Payload:
    """An attachment's text taken out of a message, and its SHA-256 (hex), the key it is stored under."""

    data: bytes
    sha256: str


def plain_base64(payloads: list[bytes]) -> bool:
    """Whether every payload is only base64 and whitespace (see `read_route`)."""
    return all(not payload.translate(None, _BASE64_TEXT) for payload in payloads)


def split_payloads(data: bytes) -> tuple[bytes, list[Payload]]:
    """(skeleton, payloads): each attachment's base64 text replaced by `cq-hub-blob:<sha256>`."""
    payloads: list[Payload] = []

    def replace(match: re.Match[bytes]) -> bytes:
        payload = match.group(2)
        if not payload.strip():
            return match.group(0)
        digest = hashlib.sha256(payload).hexdigest()
        payloads.append(Payload(payload, digest))
        return match.group(1) + _REF_PREFIX + digest.encode() + match.group(3)

    return _PAYLOAD_RE.sub(replace, data), payloads


def join_payloads(skeleton: bytes, blobs: dict[str, bytes]) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        text = match.group(2)
        if not text.startswith(_REF_PREFIX):
            return match.group(0)
        return match.group(1) + blobs[text[len(_REF_PREFIX) :].decode()] + match.group(3)

    return _PAYLOAD_RE.sub(replace, skeleton)
