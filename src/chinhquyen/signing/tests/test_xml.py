"""XML signatures for edXML: ours verify (also with xmlsec1), wrapping is refused, rsa-sha1 warns."""

from __future__ import annotations

import shutil
import subprocess
from copy import deepcopy

import pytest
from lxml import etree

from chinhquyen.signing.tests.conftest import CONFORMANCE, LEADER
from chinhquyen.signing.xml import DS, XmlSignatureError, sign_xml, verify_xml

EDXML = b"""<edXML:edXMLEnvelope xmlns:edXML="http://www.e-doc.vn/Schema/"><edXML:edXMLHeader><edXML:MessageHeader>
<edXML:From><edXML:OrganId>000.00.01.H99</edXML:OrganId><edXML:OrganName>S\xe1\xbb\x9f N\xe1\xbb\x99i v\xe1\xbb\xa5</edXML:OrganName></edXML:From>
<edXML:Code><edXML:CodeNumber>15</edXML:CodeNumber><edXML:CodeNotation>Q\xc4\x90-UBND</edXML:CodeNotation></edXML:Code>
<edXML:Subject>K\xe1\xba\xbf ho\xe1\xba\xa1ch chuy\xe1\xbb\x83n \xc4\x91\xe1\xbb\x95i s\xe1\xbb\x91</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope>"""


@pytest.fixture(scope="module")
def signed(demo):  # type: ignore[no-untyped-def]
    issued = demo.organization[next(iter(demo.organization))]
    return sign_xml(etree.fromstring(EDXML), issued.key, issued.cert, chain=issued.chain[:1])


def test_our_xml_signature_verifies_and_returns_what_was_signed(signed, trust):
    result = verify_xml(signed, trust=trust)
    assert result.trusted and result.warnings == []
    assert result.signature_method.endswith("rsa-sha256")
    assert result.signed_root.findtext(".//{http://www.e-doc.vn/Schema/}CodeNumber") == "15"
    assert result.signed_root.find(f"{{{DS}}}Signature") is None


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 missing")
def test_xmlsec1_verifies_our_signature(signed, demo, tmp_path):
    (tmp_path / "signed.xml").write_bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))
    (tmp_path / "root.pem").write_bytes(demo.root.pem)
    (tmp_path / "ca.pem").write_bytes(demo.agency_ca.pem)
    done = subprocess.run(
        [
            "xmlsec1",
            "--verify",
            "--trusted-pem",
            str(tmp_path / "root.pem"),
            "--untrusted-pem",
            str(tmp_path / "ca.pem"),
            str(tmp_path / "signed.xml"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stderr


def test_a_changed_element_is_refused(signed, trust):
    altered = deepcopy(signed)
    altered.find(".//{http://www.e-doc.vn/Schema/}CodeNumber").text = "99"
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(altered, trust=trust)
    assert refused.value.code == "xml.invalid"


def test_a_wrapped_signature_is_refused(signed, trust):
    """XSW: the signed header moved under a wrapper, a forged one put where the reader looks."""
    wrapped = deepcopy(signed)
    header = wrapped.find("{http://www.e-doc.vn/Schema/}edXMLHeader")
    signature = wrapped.find(f"{{{DS}}}Signature")
    forged = deepcopy(header)
    forged.find(".//{http://www.e-doc.vn/Schema/}CodeNumber").text = "99"
    wrapper = etree.SubElement(signature, f"{{{DS}}}Object")
    wrapper.append(header)
    wrapped.insert(0, forged)
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(wrapped, trust=trust)
    assert refused.value.code in ("xml.invalid", "xml.wrapped")


def test_a_signature_over_a_part_only_is_refused(signed, trust, demo):
    issued = demo.organization[next(iter(demo.organization))]
    partial = etree.fromstring(EDXML)
    header = partial.find("{http://www.e-doc.vn/Schema/}edXMLHeader")
    header.set("Id", "h")
    from signxml import XMLSigner, methods

    signer = XMLSigner(method=methods.detached)
    signature = signer.sign(partial, key=issued.key, cert=[issued.pem.decode()], reference_uri="#h")
    partial.append(signature)
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(partial, trust=trust)
    assert refused.value.code == "xml.wrapped"


def test_an_untrusted_signer_is_refused_unless_asked(signed):
    from chinhquyen.signing.validation import TrustMaterial

    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(signed, trust=TrustMaterial(anchors=[]))
    assert refused.value.code == "xml.untrusted"
    assert verify_xml(signed, trust=TrustMaterial(anchors=[]), require_trust=False).trusted is False


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 missing")
def test_legacy_rsa_sha1_verifies_with_a_weak_algorithm_warning(demo, trust, tmp_path):
    issued = demo.personal[LEADER[0]]
    template = etree.fromstring(EDXML)
    ns = DS
    sig = etree.SubElement(template, f"{{{ns}}}Signature")
    info = etree.SubElement(sig, f"{{{ns}}}SignedInfo")
    etree.SubElement(info, f"{{{ns}}}CanonicalizationMethod", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    etree.SubElement(info, f"{{{ns}}}SignatureMethod", Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    ref = etree.SubElement(info, f"{{{ns}}}Reference", URI="")
    transforms = etree.SubElement(ref, f"{{{ns}}}Transforms")
    etree.SubElement(transforms, f"{{{ns}}}Transform", Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    etree.SubElement(transforms, f"{{{ns}}}Transform", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    etree.SubElement(ref, f"{{{ns}}}DigestMethod", Algorithm="http://www.w3.org/2000/09/xmldsig#sha1")
    etree.SubElement(ref, f"{{{ns}}}DigestValue")
    etree.SubElement(sig, f"{{{ns}}}SignatureValue")
    etree.SubElement(etree.SubElement(etree.SubElement(sig, f"{{{ns}}}KeyInfo"), f"{{{ns}}}X509Data"), f"{{{ns}}}X509Certificate")
    (tmp_path / "t.xml").write_bytes(etree.tostring(template))
    (tmp_path / "k.pem").write_bytes(issued.key_pem())
    (tmp_path / "c.pem").write_bytes(issued.pem)
    subprocess.run(
        [
            "xmlsec1",
            "--sign",
            "--privkey-pem",
            f"{tmp_path / 'k.pem'},{tmp_path / 'c.pem'}",
            "--output",
            str(tmp_path / "s.xml"),
            str(tmp_path / "t.xml"),
        ],
        check=True,
        capture_output=True,
    )
    result = verify_xml(etree.fromstring((tmp_path / "s.xml").read_bytes()), trust=trust)
    assert result.warnings == ["weak_algorithm"]
    assert result.signature_method.endswith("rsa-sha1")


@pytest.mark.skipif(not CONFORMANCE.exists(), reason="../shared/conformance is not beside the clone")
def test_the_real_edxml_signature_is_present_but_not_valid_without_crashing():
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring((CONFORMANCE / "edxml" / "edoc_new.edxml").read_bytes(), parser)
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(root)
    # Its Signature element has no XML-DSig namespace and a truncated certificate.
    assert refused.value.code in ("xml.no_signature", "xml.certificate_damaged", "xml.invalid")


def test_what_is_returned_is_the_signed_bytes_parsed_again_not_the_tree_given(signed, trust):
    result = verify_xml(signed, trust=trust)
    assert result.signed_root is not signed and result.signed_root.getroottree() is not signed.getroottree()
    assert etree.tostring(result.signed_root, method="c14n", exclusive=True) == result.signed_data
    assert b"Signature" not in result.signed_data


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("object", "xml.wrapped"),
        ("second_reference", "xml.wrapped"),
        ("xpath_transform", "xml.wrapped"),
        ("reference_by_id", "xml.wrapped"),
        ("duplicate_id", "xml.duplicate_id"),
        ("second_signature", "xml.multiple_signatures"),
        ("hmac_method", "xml.algorithm_refused"),
    ],
)
def test_a_signature_outside_the_profile_is_refused_before_any_cryptography(signed, trust, change, code):
    root = deepcopy(signed)
    signature = root.find(f"{{{DS}}}Signature")
    info = signature.find(f"{{{DS}}}SignedInfo")
    reference = info.find(f"{{{DS}}}Reference")
    if change == "object":
        etree.SubElement(signature, f"{{{DS}}}Object").text = "unsigned"
    elif change == "second_reference":
        info.append(deepcopy(reference))
    elif change == "xpath_transform":
        transform = etree.SubElement(reference.find(f"{{{DS}}}Transforms"), f"{{{DS}}}Transform")
        transform.set("Algorithm", "http://www.w3.org/TR/1999/REC-xpath-19991116")
    elif change == "reference_by_id":
        reference.set("URI", "#h")
    elif change == "duplicate_id":
        for child in list(root)[:1]:
            child.set("Id", "x")
        etree.SubElement(root, "Extra", Id="x")
    elif change == "second_signature":
        root.append(deepcopy(signature))
    elif change == "hmac_method":
        info.find(f"{{{DS}}}SignatureMethod").set("Algorithm", "http://www.w3.org/2000/09/xmldsig#hmac-sha1")
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(root, trust=trust)
    assert refused.value.code == code


def test_the_signature_must_be_where_the_caller_says(signed, trust):
    header = "{http://www.e-doc.vn/Schema/}edXMLHeader"
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(signed, trust=trust, signature_parent=(header,))
    assert refused.value.code == "xml.signature_misplaced"
    assert verify_xml(signed, trust=trust, signature_parent=()).trusted


def test_without_the_chain_check_trusted_is_none(signed):
    from chinhquyen.signing.validation import TrustMaterial

    assert verify_xml(signed, trust=TrustMaterial(anchors=[]), require_trust=False, check_trust=False).trusted is None


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 missing")
def test_rsa_sha1_is_refused_where_the_caller_forbids_it(demo, trust, tmp_path):
    template = etree.fromstring(EDXML)
    sig = etree.SubElement(template, f"{{{DS}}}Signature")
    info = etree.SubElement(sig, f"{{{DS}}}SignedInfo")
    etree.SubElement(info, f"{{{DS}}}CanonicalizationMethod", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    etree.SubElement(info, f"{{{DS}}}SignatureMethod", Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    ref = etree.SubElement(info, f"{{{DS}}}Reference", URI="")
    transforms = etree.SubElement(ref, f"{{{DS}}}Transforms")
    etree.SubElement(transforms, f"{{{DS}}}Transform", Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    etree.SubElement(ref, f"{{{DS}}}DigestMethod", Algorithm="http://www.w3.org/2000/09/xmldsig#sha1")
    etree.SubElement(ref, f"{{{DS}}}DigestValue")
    etree.SubElement(sig, f"{{{DS}}}SignatureValue")
    etree.SubElement(etree.SubElement(etree.SubElement(sig, f"{{{DS}}}KeyInfo"), f"{{{DS}}}X509Data"), f"{{{DS}}}X509Certificate")
    issued = demo.personal[LEADER[0]]
    (tmp_path / "t.xml").write_bytes(etree.tostring(template))
    (tmp_path / "k.pem").write_bytes(issued.key_pem())
    (tmp_path / "c.pem").write_bytes(issued.pem)
    subprocess.run(
        [
            "xmlsec1",
            "--sign",
            "--privkey-pem",
            f"{tmp_path / 'k.pem'},{tmp_path / 'c.pem'}",
            "--output",
            str(tmp_path / "s.xml"),
            str(tmp_path / "t.xml"),
        ],
        check=True,
        capture_output=True,
    )
    root = etree.fromstring((tmp_path / "s.xml").read_bytes())
    assert verify_xml(root, trust=trust).warnings == ["weak_algorithm"]  # the signing app's default: verifies, warns
    with pytest.raises(XmlSignatureError) as refused:
        verify_xml(root, trust=trust, allow_sha1=False)
    assert refused.value.code == "xml.algorithm_refused"
