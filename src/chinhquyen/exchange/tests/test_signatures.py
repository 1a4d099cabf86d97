"""The XML signature: ours and signxml's verify each other, and a change anywhere is caught."""

from __future__ import annotations

import os

import pytest
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureConstructionMethod, SignatureMethod, XMLSigner, XMLVerifier

from chinhquyen.exchange import edxml
from chinhquyen.exchange.edxml import build
from chinhquyen.exchange.signatures import XmlSignatureError, XmlSigningKey, make_test_key, sign_xml, verify_xml
from chinhquyen.exchange.testing import sample_package


@pytest.fixture(scope="module")
def key():
    return make_test_key()


def sign_xml_signxml(root: etree._Element, signing_key: XmlSigningKey) -> etree._Element:
    """The same signature made by signxml (to check ours against it)."""
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed: etree._Element = signer.sign(root, key=signing_key.key, cert=[signing_key.certificate])
    return signed


def _package() -> edxml.Package:
    attachment = edxml.Attachment("cid:1", "scan.pdf", os.urandom(40 * 1024))
    return sample_package(sender="000.00.01.H98", recipients=["000.00.02.H98"], attachments=(attachment,)).completed()


def test_our_signature_verifies_with_signxml_and_theirs_with_ours(key):
    ours = build.serialize(sign_xml(build.package_tree(_package(), signature_placeholder=True), key))
    theirs = build.serialize(sign_xml_signxml(build.package_tree(_package(), signature_placeholder=True), key))
    assert XMLVerifier().verify(etree.fromstring(ours), x509_cert=key.certificate)
    assert verify_xml(etree.fromstring(ours)).signed_root is not None
    assert verify_xml(etree.fromstring(theirs)).signed_root is not None
    assert edxml.validate(ours) == []


@pytest.mark.parametrize(
    "change",
    [
        (b"<edXML:CodeNotation>SNV-VP<", b"<edXML:CodeNotation>SNV-VX<"),  # the header
        (b">UEsDB", b">AAAAUEsDB"),  # an attachment (its zip, base64)
        (b"<ds:DigestValue>", b"<ds:DigestValue>A"),  # the digest itself
        (b"xmldsig-more#rsa-sha256", b"xmldsig#rsa-sha1"),  # a weaker algorithm named
    ],
)
def test_any_change_after_signing_is_caught(key, change):
    data = edxml.build_package(_package(), signing_key=key)
    altered = data.replace(*change, 1)
    assert altered != data
    try:
        root = etree.fromstring(altered)
    except etree.XMLSyntaxError:  # pragma: no cover - every change above keeps the XML well-formed
        pytest.fail("the altered message should still be XML")
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(root)
    assert refused.value.code in {"xml.invalid", "xml.algorithm_refused"} and refused.value.message
    # The message itself is left as it was (the check takes the signature out and puts it back).
    assert etree.tostring(root) == etree.tostring(etree.fromstring(altered))


def test_signature_value_of_another_message_is_refused(key):
    first = etree.fromstring(edxml.build_package(_package(), signing_key=key))
    second = etree.fromstring(edxml.build_package(_package(), signing_key=key))
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    second.find(f".//{ds}SignatureValue").text = first.find(f".//{ds}SignatureValue").text
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(second)
    assert refused.value.code == "xml.invalid"


def test_incompressible_attachments_are_stored_and_read_back():
    data = os.urandom(100 * 1024)
    stored = build.zip_file("scan.pdf", data)
    assert len(stored) > len(data)  # not deflated (it would not shrink)
    text = build.zip_file("note.txt", b"van ban " * 20_000)
    assert len(text) < 10_000  # deflated
    package = sample_package(
        sender="000.00.01.H98",
        recipients=["000.00.02.H98"],
        attachments=(edxml.Attachment("cid:1", "scan.pdf", data), edxml.Attachment("cid:2", "note.txt", b"van ban " * 20_000)),
    )
    parsed = edxml.parse(edxml.build_package(package))
    assert [a.data for a in parsed.message.attachments] == [data, b"van ban " * 20_000]


def test_a_signature_followed_by_whitespace_verifies_with_signxml_and_ours(key):
    """The enveloped-signature transform takes the signature out and keeps the text after it (a
    pretty-printed message has some): ours does the same as signxml, and leaves the tree as it was."""
    tree = build.package_tree(_package(), signature_placeholder=True)
    placeholder = tree.find(".//{http://www.w3.org/2000/09/xmldsig#}Signature")
    placeholder.tail = "\n    "
    data = build.serialize(sign_xml(tree, key))
    assert XMLVerifier().verify(etree.fromstring(data), x509_cert=key.certificate)
    root = etree.fromstring(data)
    before = etree.tostring(root)
    assert verify_xml(root).signed_root is not None
    assert etree.tostring(root) == before


def test_a_certificate_of_another_kind_of_key_makes_the_signature_not_valid_not_a_crash(key):
    import base64
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.x509.oid import NameOID

    other = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ed25519")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(other.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(other, None)
    )
    root = etree.fromstring(edxml.build_package(_package(), signing_key=key))
    root.find(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate").text = base64.b64encode(
        cert.public_bytes(serialization.Encoding.DER)
    ).decode()
    parsed = edxml.parse(build.serialize(root))
    assert parsed.signature.present and parsed.signature.valid is False and "xml.invalid" in parsed.signature.reason
