"""XML signatures of edXML messages: a minimal adapter over signxml.

TEMPORARY: the signing app (issue 6) provides `chinhquyen.signing.xml.sign_xml/verify_xml` with
trust anchors and stored validation reports. Until it lands, this module does the same thing,
narrowly: enveloped RSA-SHA256 signatures with exclusive canonicalisation (STANDARDS §1.5),
placed in `edXMLHeader`, verified against the certificate the signature carries. It says whether
the bytes are intact and who signed; it does not say whether that signer is trusted (no chain to
the VGCA/NEAC roots here). Switch the two functions below to `signing.xml` when it exists.

Speed (W5): signing and checking our own profile (exclusive c14n, RSA-SHA256, one reference to
the whole message) is done directly with lxml and cryptography — one canonicalisation of the
message each way. A signature of any other shape, and any signature the direct check does not
find valid, goes to signxml, which has the last word.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature as InvalidSignatureError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureConstructionMethod, SignatureMethod, XMLSigner, XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature

from chinhquyen.exchange.edxml.model import DS_NS

_ALGORITHM = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


@dataclass(frozen=True)
class XmlSigningKey:
    """A private key and its certificate, loaded once (re-reading the key per signature is slow)."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def from_pem_files(cls, key_file: str | Path, cert_file: str | Path, password: bytes | None = None) -> XmlSigningKey:
        key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=password)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("only RSA keys are supported by this adapter")
        return cls(key=key, certificate=x509.load_pem_x509_certificate(Path(cert_file).read_bytes()))


@dataclass(frozen=True)
class VerifiedSignature:
    valid: bool
    reason: str
    signer: str = ""
    algorithm: str = ""
    #: The element the signature actually covers (read the message from this one only).
    signed_element: etree._Element | None = None


_EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
_ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
_DS = "{%s}" % DS_NS  # noqa: UP031


def _c14n(element: etree._Element) -> bytes:
    """Exclusive XML canonicalisation 1.0 without comments (what our profile names)."""
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def _detached_c14n(root: etree._Element, signature: etree._Element) -> bytes:
    """The enveloped-signature transform, then exclusive c14n: `root` canonicalised as if
    `signature` were not there. The element is taken out and put back (its tail goes with it),
    so `root` is left as it was, whatever happens."""
    parent = signature.getparent()
    if parent is None:
        return _c14n(root)
    position = parent.index(signature)
    parent.remove(signature)
    try:
        return _c14n(root)
    finally:
        parent.insert(position, signature)


def sign_xml(root: etree._Element, signing_key: XmlSigningKey) -> etree._Element:
    """Sign `root` (enveloped, RSA-SHA256, exclusive c14n, the whole message: `URI=""`). The
    signature goes where `root` holds a `<ds:Signature Id="placeholder"/>` (else at the end of
    `root`); returns `root`, signed.

    The same signature signxml makes (tests check each verifies the other's), built directly
    with lxml: one canonicalisation of the message instead of signxml's serialise, re-parse and
    canonicalise, which cost three times as much on a message with attachments."""
    placeholder = root.find(f".//{_DS}Signature")
    if placeholder is None:
        placeholder = etree.SubElement(root, _DS + "Signature", nsmap={"ds": DS_NS})
    digest = hashlib.sha256(_detached_c14n(root, placeholder)).digest()
    signature = etree.Element(_DS + "Signature", nsmap={"ds": DS_NS})
    signed_info = etree.SubElement(signature, _DS + "SignedInfo")
    etree.SubElement(signed_info, _DS + "CanonicalizationMethod", Algorithm=_EXC_C14N)
    etree.SubElement(signed_info, _DS + "SignatureMethod", Algorithm=_ALGORITHM)
    reference = etree.SubElement(signed_info, _DS + "Reference", URI="")
    transforms = etree.SubElement(reference, _DS + "Transforms")
    etree.SubElement(transforms, _DS + "Transform", Algorithm=_ENVELOPED)
    etree.SubElement(transforms, _DS + "Transform", Algorithm=_EXC_C14N)
    etree.SubElement(reference, _DS + "DigestMethod", Algorithm=_SHA256)
    etree.SubElement(reference, _DS + "DigestValue").text = base64.b64encode(digest).decode("ascii")
    value = signing_key.key.sign(_c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    etree.SubElement(signature, _DS + "SignatureValue").text = base64.b64encode(value).decode("ascii")
    x509_data = etree.SubElement(etree.SubElement(signature, _DS + "KeyInfo"), _DS + "X509Data")
    der = signing_key.certificate.public_bytes(serialization.Encoding.DER)
    etree.SubElement(x509_data, _DS + "X509Certificate").text = base64.encodebytes(der).decode("ascii")
    signature.tail = placeholder.tail
    parent = placeholder.getparent()
    assert parent is not None
    parent.replace(placeholder, signature)
    return root


def sign_xml_signxml(root: etree._Element, signing_key: XmlSigningKey) -> etree._Element:
    """The same signature made by signxml (kept to check `sign_xml` against it in the tests)."""
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed: etree._Element = signer.sign(root, key=signing_key.key, cert=[signing_key.certificate])
    return signed


def _embedded_certificate(signature: etree._Element) -> x509.Certificate | str:
    node = signature.find(f".//{{{DS_NS}}}X509Certificate")
    if node is None or not (node.text or "").strip():
        return "The signature carries no certificate."
    try:
        der = base64.b64decode("".join((node.text or "").split()), validate=True)
        return x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError):
        return "The certificate in the signature cannot be read (truncated or damaged)."


def verify_xml(root: etree._Element) -> VerifiedSignature:
    """Verify the enveloped XML-DSig signature of `root` with the certificate it carries.

    Never raises for a bad signature: the answer says why it is not valid (an unreadable
    certificate, an algorithm we refuse such as rsa-sha1, altered content)."""
    signature = root.find(f".//{{{DS_NS}}}Signature")
    if signature is None:
        return VerifiedSignature(False, "There is no XML-DSig signature.")
    method = signature.find(f"{{{DS_NS}}}SignedInfo/{{{DS_NS}}}SignatureMethod")
    algorithm = method.get("Algorithm", "") if method is not None else ""
    certificate = _embedded_certificate(signature)
    if isinstance(certificate, str):
        return VerifiedSignature(False, certificate, algorithm=algorithm)
    subject = certificate.subject.rfc4514_string()
    if _our_profile(signature):
        fast = _verify_our_profile(root, signature, certificate)
        if fast:
            return VerifiedSignature(True, "The content is intact and matches the signer's certificate.", subject, algorithm, root)
        # Not valid by the direct check: let signxml say why (and have the last word).
    try:
        result = XMLVerifier().verify(root, x509_cert=certificate)
    except InvalidSignature as exc:
        return VerifiedSignature(False, f"The signature does not verify: {exc}", subject, algorithm)
    except (InvalidInput, ValueError, etree.LxmlError) as exc:  # LxmlError: a DigestValue that is not base64, …
        return VerifiedSignature(False, f"The signature cannot be checked: {exc}", subject, algorithm)
    signed = result[0].signed_xml if isinstance(result, list) else result.signed_xml
    return VerifiedSignature(True, "The content is intact and matches the signer's certificate.", subject, algorithm, signed)


def _only(parent: etree._Element, name: str) -> etree._Element | None:
    found = [child for child in parent if isinstance(child.tag, str)]
    matching = [child for child in found if child.tag == _DS + name]
    return matching[0] if len(matching) == 1 else None


def _our_profile(signature: etree._Element) -> bool:
    """True when the signature is exactly the profile we make: exclusive c14n (no prefix list),
    RSA-SHA256, one reference to the whole message (`URI=""`) with the enveloped-signature and
    exclusive c14n transforms, SHA-256. Anything else is left to signxml."""
    signed_info = _only(signature, "SignedInfo")
    if signed_info is None or len([c for c in signed_info if isinstance(c.tag, str)]) != 3:
        return False
    c14n, method, reference = (_only(signed_info, n) for n in ("CanonicalizationMethod", "SignatureMethod", "Reference"))
    if c14n is None or method is None or reference is None or len(c14n) or c14n.get("Algorithm") != _EXC_C14N:
        return False
    if method.get("Algorithm") != _ALGORITHM or reference.get("URI") != "" or set(reference.attrib) != {"URI"}:
        return False
    transforms, digest_method = _only(reference, "Transforms"), _only(reference, "DigestMethod")
    if transforms is None or digest_method is None or _only(reference, "DigestValue") is None or len(reference) != 3:
        return False
    steps = [t for t in transforms if isinstance(t.tag, str)]
    return (
        [t.tag for t in steps] == [_DS + "Transform"] * 2
        and [t.get("Algorithm") for t in steps] == [_ENVELOPED, _EXC_C14N]
        and not any(len(t) for t in steps)
        and digest_method.get("Algorithm") == _SHA256
    )


def _verify_our_profile(root: etree._Element, signature: etree._Element, certificate: x509.Certificate) -> bool:
    """Check a signature of our profile directly: the RSA signature over the canonical SignedInfo
    with the certificate's key, then the digest of the message without the signature."""
    signed_info = signature.find(_DS + "SignedInfo")
    value = signature.find(_DS + "SignatureValue")
    digest_value = signature.find(f"{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue")
    public_key = certificate.public_key()
    if signed_info is None or value is None or digest_value is None or not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:
        raw = base64.b64decode("".join((value.text or "").split()), validate=True)
        expected = base64.b64decode("".join((digest_value.text or "").split()), validate=True)
        public_key.verify(raw, _c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    except (binascii.Error, ValueError, InvalidSignatureError):
        return False
    return hmac.compare_digest(hashlib.sha256(_detached_c14n(root, signature)).digest(), expected)


def make_test_key(common_name: str = "chinhquyen test signer") -> XmlSigningKey:
    """A throw-away self-signed RSA-2048 key (tests, the benchmark and `edxml build --sign-test`)."""
    import datetime as dt

    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return XmlSigningKey(key=key, certificate=cert)
