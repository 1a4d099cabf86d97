"""What the hub reads from a message to route it: sender, recipients, DocumentId, status code.

A small hardened reader of its own (the hub imports nothing from `exchange`): size limit, no
DOCTYPE or entity declarations, lxml without entities or network. The full reading and the
signature check are the receiver's job. It also splits the attachments' base64 text out of the
bytes (to store each once, by hash) and puts it back, byte for byte, when a recipient fetches.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from chinhquyen.core import limits
from chinhquyen.core.errors import DomainError

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
_E = "{%s}" % NS  # noqa: UP031
#: An attachment's text is what lies between these two tags (any prefix), with no `<` in it.
_OPEN_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?ContentTransferEncoded\b[^>]*>")
_CLOSE_RE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?ContentTransferEncoded>")
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
    # The skeleton holds whatever the message declares: the base64 taken out of it has no `<`.
    text = data if skeleton is None else skeleton
    if not text.strip():
        raise InvalidMessage("hub.invalid_message", "The message is empty.")
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise InvalidMessage("hub.invalid_message", "Messages with a DOCTYPE or entity declarations are refused.")
    try:
        # Elements and attributes counted from the bytes before libxml2 builds a tree (one element
        # with a million attributes costs 460 MB once parsed; ADR 0039).
        limits.check_xml_markup(text, limits.XmlLimits(max_elements=20_000, max_attributes=32, max_total_attributes=20_000))
    except limits.LimitError as exc:
        raise InvalidMessage("hub.invalid_message", exc.message) from None
    parser = limits.xml_parser(huge_tree=len(text) > 8 * 1024 * 1024)
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


def _payload_spans(data: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each attachment text, in order, found with `bytes.find` (base64 is most
    of a message, and a regular expression walked it a character at a time: W5)."""
    position = 0
    while (opening := _OPEN_RE.search(data, position)) is not None:
        start = opening.end()
        end = data.find(b"<", start)
        if end < 0:
            return
        closing = _CLOSE_RE.match(data, end)
        if closing is None:  # an element inside: not an attachment text; look on from there
            position = end
            continue
        yield start, end
        position = closing.end()


def split_payloads(data: bytes) -> tuple[bytes, list[Payload]]:
    """(skeleton, payloads): each attachment's base64 text replaced by `cq-hub-blob:<sha256>`."""
    payloads: list[Payload] = []
    parts: list[bytes] = []
    kept = 0
    for start, end in _payload_spans(data):
        payload = data[start:end]
        if not payload.strip():
            continue
        digest = hashlib.sha256(payload).hexdigest()
        payloads.append(Payload(payload, digest))
        parts += [data[kept:start], _REF_PREFIX, digest.encode()]
        kept = end
    if not payloads:
        return data, payloads
    parts.append(data[kept:])
    return b"".join(parts), payloads


def join_payloads(skeleton: bytes, blobs: dict[str, bytes]) -> bytes:
    parts: list[bytes] = []
    kept = 0
    for start, end in _payload_spans(skeleton):
        text = skeleton[start:end]
        if text.startswith(_REF_PREFIX):
            parts += [skeleton[kept:start], blobs[text[len(_REF_PREFIX) :].decode()]]
            kept = end
    if not parts:
        return skeleton
    parts.append(skeleton[kept:])
    return b"".join(parts)
