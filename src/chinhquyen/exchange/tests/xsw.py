"""A corpus of XML signature-wrapping (XSW) attacks on edXML packages, made from genuine ones.

McIntosh and Austel ("XML signature element wrapping attacks and countermeasures", 2005) showed
that a verifier and a reader that look at different elements can be told apart; Somorovsky et al.
("On breaking SAML: be whoever you want to be", 2012) catalogued eight forms, XSW1–XSW8, for SAML.
Here the same eight forms, adapted to edXML (the element a genuine signer signs by Id is the
`edXMLEnvelope`, the one our reader reads is the first `edXMLEnvelope` of the document), and the
variants named by issue 16: a second signature, a signature over an empty element, a signed copy
placed after the copy that is read, comments and processing instructions in signed text,
namespace re-prefixing.

Every form starts from a genuinely signed package (keys of a test PKI made by the tests) and
rewrites its subject into `EVIL_SUBJECT`. `corpus(...)` gives `{name: bytes}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLSigner, methods

from chinhquyen.exchange import edxml
from chinhquyen.exchange.edxml import build

NS = edxml.NS
DS = "http://www.w3.org/2000/09/xmldsig#"
E = "{%s}" % NS  # noqa: UP031
D = "{%s}" % DS  # noqa: UP031

GENUINE_SUBJECT = "Về việc tạm ứng kinh phí hội nghị: KHÔNG chi ngoài dự toán"
EVIL_SUBJECT = "Chi ngay 5.000.000.000 đồng ngoài dự toán vào tài khoản 0123456789"


def _sign_by_id(root: etree._Element, key: Any, cert: Any, target: etree._Element, ident: str) -> etree._Element:
    """A genuine signature of `target` (given `Id=ident`) placed at the header's placeholder —
    what a SAML-style signer makes: a reference by Id instead of the whole document."""
    target.set("Id", ident)
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed: etree._Element = signer.sign(root, key=key, cert=[cert], reference_uri=f"#{ident}", always_add_key_value=False)
    return signed


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False))


_MARK = "urn:chinhquyen:test:xsw"
_MARK_RE = re.compile(rb'<(\w+):piece xmlns:\1="urn:chinhquyen:test:xsw" n="(\d+)"/>')
_pieces: list[bytes] = []


def _keep(element: etree._Element) -> etree._Element:
    """A stand-in for `element`, replaced by its exact bytes when the document is written.

    Moving an element with lxml re-uses the new parent's namespace declarations (the edXML root
    declares the same namespace as the default one, so `edXML:Subject` would become `Subject`):
    the bytes a digest covers would change and the form would fail for the wrong reason. A piece
    kept this way is written out as it was signed."""
    _pieces.append(etree.tostring(element))
    return etree.Element(f"{{{_MARK}}}piece", nsmap={"xsw": _MARK}, n=str(len(_pieces) - 1))


def _bytes(root: etree._Element) -> bytes:
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    while _MARK_RE.search(data):  # a kept piece may hold another (a signature holding the original)
        data = _MARK_RE.sub(lambda m: _pieces[int(m.group(2))], data)
    return data


def _envelope(root: etree._Element) -> etree._Element:
    found = root.find(E + "edXMLEnvelope")
    assert found is not None
    return found


def _signature(node: etree._Element) -> etree._Element:
    found = node.find(f".//{D}Signature")
    assert found is not None
    return found


def _evil(envelope: etree._Element, *, keep_id: bool = False) -> etree._Element:
    """A copy of `envelope` with the subject rewritten and no signature (its Id dropped unless kept)."""
    copy = deepcopy(envelope)
    subject = copy.find(f"{E}edXMLHeader/{E}MessageHeader/{E}Subject")
    assert subject is not None
    subject.text = EVIL_SUBJECT
    for signature in copy.findall(f".//{D}Signature"):
        signature.getparent().remove(signature)  # type: ignore[union-attr]
    if not keep_id:
        copy.attrib.pop("Id", None)
    return copy


def _without_signature(envelope: etree._Element) -> etree._Element:
    copy = deepcopy(envelope)
    for signature in copy.findall(f".//{D}Signature"):
        signature.getparent().remove(signature)  # type: ignore[union-attr]
    return copy


def _header(envelope: etree._Element) -> etree._Element:
    found = envelope.find(E + "edXMLHeader")
    assert found is not None
    return found


def _object(signature: etree._Element) -> etree._Element:
    return etree.SubElement(signature, D + "Object")


# --- The eight forms (the signed element is the envelope with Id="env") -------------------


def xsw1(by_id: bytes) -> bytes:
    """XSW1: the signature moved into an evil envelope put where the reader looks; the signed
    envelope (without its signature) kept in a `ds:Object` of that signature."""
    root = _tree(by_id)
    original = _envelope(root)
    signature = deepcopy(_signature(original))
    evil = _evil(original)
    _object(signature).append(_keep(_without_signature(original)))
    _header(evil).append(_keep(signature))
    root.replace(original, evil)
    return _bytes(root)


def xsw2(by_id: bytes) -> bytes:
    """XSW2: as XSW1, but the signed envelope is a sibling before the signature (detached-style)."""
    root = _tree(by_id)
    original = _envelope(root)
    signature = deepcopy(_signature(original))
    evil = _evil(original)
    header = _header(evil)
    header.append(_keep(_without_signature(original)))
    header.append(_keep(signature))
    root.replace(original, evil)
    return _bytes(root)


def xsw3(by_id: bytes) -> bytes:
    """XSW3: an evil envelope with another Id put before the signed one, which keeps its signature."""
    root = _tree(by_id)
    original = _envelope(root)
    evil = _evil(original)
    evil.set("Id", "evil")
    root.insert(0, evil)
    return _bytes(root)


def xsw4(by_id: bytes) -> bytes:
    """XSW4: the evil envelope takes the place of the signed one, which goes inside it (a child)."""
    root = _tree(by_id)
    original = _envelope(root)
    evil = _evil(original)
    root.replace(original, evil)
    evil.append(_keep(original))
    return _bytes(root)


def xsw5(by_id: bytes) -> bytes:
    """XSW5: the signed envelope's content changed in place, signature kept; an unsigned copy of
    the original (the same Id) appended to the document for the verifier."""
    root = _tree(by_id)
    original = _envelope(root)
    copy = _without_signature(original)
    subject = original.find(f"{E}edXMLHeader/{E}MessageHeader/{E}Subject")
    assert subject is not None
    subject.text = EVIL_SUBJECT
    original.set("Id", "evil")
    root.append(_keep(copy))
    return _bytes(root)


def xsw6(by_id: bytes) -> bytes:
    """XSW6: as XSW5, the unsigned copy of the original in a `ds:Object` of the signature."""
    root = _tree(by_id)
    original = _envelope(root)
    copy = _without_signature(original)
    subject = original.find(f"{E}edXMLHeader/{E}MessageHeader/{E}Subject")
    assert subject is not None
    subject.text = EVIL_SUBJECT
    original.set("Id", "evil")
    _object(_signature(original)).append(_keep(copy))
    return _bytes(root)


def xsw7(by_id: bytes) -> bytes:
    """XSW7: the signed envelope hidden in an element the reader ignores (`Extensions`), an evil
    one put where the reader looks, carrying the signature."""
    root = _tree(by_id)
    original = _envelope(root)
    signature = deepcopy(_signature(original))
    evil = _evil(original)
    _header(evil).append(_keep(signature))
    extensions = etree.Element(E + "Extensions")
    extensions.append(_keep(_without_signature(original)))
    root.replace(original, evil)
    root.append(extensions)
    return _bytes(root)


def xsw8(by_id: bytes) -> bytes:
    """XSW8: as XSW7, the `Extensions` wrapper inside a `ds:Object` of the signature."""
    root = _tree(by_id)
    original = _envelope(root)
    signature = deepcopy(_signature(original))
    evil = _evil(original)
    extensions = etree.Element(E + "Extensions", nsmap={"edXML": NS})
    extensions.append(_keep(_without_signature(original)))
    _object(signature).append(_keep(extensions))
    _header(evil).append(_keep(signature))
    root.replace(original, evil)
    return _bytes(root)


# --- Variants ------------------------------------------------------------------------------


def duplicate_id(by_id: bytes) -> bytes:
    """Two elements with the referenced Id: the evil envelope (first, read) and the signed one."""
    root = _tree(by_id)
    original = _envelope(root)
    root.insert(0, _evil(original, keep_id=True))
    return _bytes(root)


def signed_copy_after(whole: bytes) -> bytes:
    """The whole genuinely signed document put after an evil envelope that is read first."""
    root = _tree(whole)
    evil_root = deepcopy(root)
    for child in list(evil_root):
        evil_root.remove(child)
    evil_root.append(_evil(_envelope(root)))
    evil_root.append(_keep(root))
    return _bytes(evil_root)


def signed_envelope_after(whole: bytes) -> bytes:
    """An evil envelope before the genuinely signed one (the signature, `URI=""`, kept in it)."""
    root = _tree(whole)
    root.insert(0, _evil(_envelope(root)))
    return _bytes(root)


def second_signature(whole: bytes, attacker_key: Any, attacker_cert: Any) -> bytes:
    """The evil document carrying two signatures: first the attacker's own over an empty element,
    then the genuine one (which no longer verifies)."""
    root = _tree(whole)
    header = _header(_envelope(root))
    genuine = _signature(header)
    header.find(f"{E}MessageHeader/{E}Subject").text = EVIL_SUBJECT  # type: ignore[union-attr]
    return _bytes(_with_empty_element_signature(root, header, attacker_key, attacker_cert, before=genuine))


def empty_element_signature(whole: bytes, key: Any, cert: Any) -> bytes:
    """The evil document whose only signature (made with the genuine key) covers an empty element."""
    root = _tree(whole)
    header = _header(_envelope(root))
    genuine = _signature(header)
    header.remove(genuine)
    header.find(f"{E}MessageHeader/{E}Subject").text = EVIL_SUBJECT  # type: ignore[union-attr]
    return _bytes(_with_empty_element_signature(root, header, key, cert, before=None))


def _with_empty_element_signature(root: etree._Element, header: etree._Element, key: Any, cert: Any, before: Any) -> etree._Element:
    empty = etree.Element(E + "Extension", Id="empty")
    signer = XMLSigner(
        method=methods.detached,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    holder = etree.Element(E + "Holder")
    holder.append(empty)
    signature = signer.sign(holder, key=key, cert=[cert], reference_uri="#empty", always_add_key_value=False)
    header.append(_keep(empty))
    if before is None:
        header.append(_keep(signature))
    else:
        header.insert(header.index(before), _keep(signature))
    return root


def object_in_whole_signature(whole: bytes) -> bytes:
    """The genuine whole-document signature left alone; an evil envelope put into a `ds:Object`
    of it (the enveloped transform takes the signature out, so the digest still matches)."""
    root = _tree(whole)
    _object(_signature(root)).append(_evil(_envelope(root)))
    return _bytes(root)


def subject_rewritten(whole: bytes) -> bytes:
    """No wrapping at all: the subject rewritten in place (the digest must catch it)."""
    root = _tree(whole)
    root.find(f".//{E}Subject").text = EVIL_SUBJECT  # type: ignore[union-attr]
    return _bytes(root)


def comment_in_subject(whole: bytes) -> bytes:
    """A comment put into the signed subject (c14n without comments drops it: the signed text is
    unchanged, and the reader must read the whole text, not the part before the comment)."""
    text = GENUINE_SUBJECT.encode()
    cut = text.index(b":")
    return whole.replace(text, text[:cut] + b"<!-- truncated? -->" + text[cut:], 1)


def pi_in_subject(whole: bytes) -> bytes:
    """A processing instruction put into the signed subject (c14n would keep it, but the hardened
    parser drops processing instructions before the signature is checked and the text read)."""
    text = GENUINE_SUBJECT.encode()
    cut = text.index(b":")
    return whole.replace(text, text[:cut] + b"<?cut?>" + text[cut:], 1)


def reprefixed(whole: bytes) -> bytes:
    """The edXML prefix renamed (same namespace): exclusive c14n keeps prefixes, so it changes
    the signed bytes; the content read would be the same."""
    return whole.replace(b"edXML:", b"x:").replace(b"xmlns:edXML=", b"xmlns:x=")


def signature_reprefixed(whole: bytes) -> bytes:
    """The XML-DSig prefix renamed (`ds:` → `dsig:`): the canonical SignedInfo changes."""
    return whole.replace(b"ds:", b"dsig:").replace(b"xmlns:ds=", b"xmlns:dsig=")


def attachment_added(whole: bytes) -> bytes:
    """An attachment of the attacker's added to the signed `AttachmentEncoded` (outside the
    envelope, but inside what `URI=""` covers)."""
    root = _tree(whole)
    encoded = root.find(E + "AttachmentEncoded")
    assert encoded is not None
    extra = deepcopy(encoded[0])
    extra.find(E + "ContentId").text = "cid:99"  # type: ignore[union-attr]
    encoded.append(extra)
    return _bytes(root)


def second_attachment_block(whole: bytes) -> bytes:
    """A second `AttachmentEncoded` block after the signed one."""
    root = _tree(whole)
    encoded = root.find(E + "AttachmentEncoded")
    assert encoded is not None
    root.append(deepcopy(encoded))
    return _bytes(root)


def signature_in_ds_namespace_moved_to_root(whole: bytes) -> bytes:
    """The genuine signature moved from the header to the document element (misplaced)."""
    root = _tree(whole)
    signature = _signature(root)
    signature.getparent().remove(signature)  # type: ignore[union-attr]
    root.append(_keep(signature))
    return _bytes(root)


def genuine_packages(
    key: Any, cert: Any, chain: list[Any], *, sender: str, recipient: str, subject: str = GENUINE_SUBJECT
) -> tuple[bytes, bytes]:
    """(signed over the whole document — our profile; signed by Id over the envelope — SAML style)."""
    from chinhquyen.exchange.signatures import XmlSigningKey
    from chinhquyen.exchange.testing import sample_package

    package = sample_package(sender=sender, recipients=[recipient], subject=subject)
    whole = edxml.build_package(package, signing_key=XmlSigningKey(key=key, certificate=cert, chain=tuple(chain)))
    root = build.package_tree(package, signature_placeholder=True)
    by_id = _bytes(_sign_by_id(root, key, cert, _envelope(root), "env"))
    return whole, by_id


def corpus(whole: bytes, by_id: bytes, *, key: Any, cert: Any, attacker_key: Any, attacker_cert: Any) -> dict[str, bytes]:
    forms: dict[str, Callable[[], bytes]] = {
        "xsw1_signature_in_evil_original_in_object": lambda: xsw1(by_id),
        "xsw2_signature_in_evil_original_sibling": lambda: xsw2(by_id),
        "xsw3_evil_before_signed": lambda: xsw3(by_id),
        "xsw4_signed_inside_evil": lambda: xsw4(by_id),
        "xsw5_changed_in_place_copy_appended": lambda: xsw5(by_id),
        "xsw6_changed_in_place_copy_in_object": lambda: xsw6(by_id),
        "xsw7_signed_in_extensions": lambda: xsw7(by_id),
        "xsw8_signed_in_extensions_in_object": lambda: xsw8(by_id),
        "duplicate_id": lambda: duplicate_id(by_id),
        "signed_document_after_evil": lambda: signed_copy_after(whole),
        "signed_envelope_after_evil": lambda: signed_envelope_after(whole),
        "second_signature_by_attacker": lambda: second_signature(whole, attacker_key, attacker_cert),
        "signature_over_empty_element": lambda: empty_element_signature(whole, key, cert),
        "evil_in_object_of_whole_signature": lambda: object_in_whole_signature(whole),
        "subject_rewritten": lambda: subject_rewritten(whole),
        "comment_in_signed_subject": lambda: comment_in_subject(whole),
        "pi_in_signed_subject": lambda: pi_in_subject(whole),
        "reprefixed": lambda: reprefixed(whole),
        "signature_moved_to_root": lambda: signature_in_ds_namespace_moved_to_root(whole),
        "signature_reprefixed": lambda: signature_reprefixed(whole),
        "attachment_added": lambda: attachment_added(whole),
        "second_attachment_block": lambda: second_attachment_block(whole),
    }
    return {name: make() for name, make in forms.items()}
