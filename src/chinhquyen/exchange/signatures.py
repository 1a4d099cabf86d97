"""XML signatures of edXML messages: a minimal adapter over signxml.

TEMPORARY: the signing app (issue 6) provides `chinhquyen.signing.xml.sign_xml/verify_xml` with
trust anchors and stored validation reports. Until it lands, this module does the same thing,
narrowly: enveloped RSA-SHA256 signatures with exclusive canonicalisation (STANDARDS §1.5),
placed in `edXMLHeader`, verified against the certificate the signature carries. It says whether
the bytes are intact and who signed; it does not say whether that signer is trusted (no chain to
the VGCA/NEAC roots here). Switch the two functions below to `signing.xml` when it exists.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
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


def sign_xml(root: etree._Element, signing_key: XmlSigningKey) -> etree._Element:
    """Sign `root` (enveloped, RSA-SHA256, exclusive c14n). The signature goes where `root` holds a
    `<ds:Signature Id="placeholder"/>`; returns the signed tree (a new element)."""
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
    try:
        result = XMLVerifier().verify(root, x509_cert=certificate)
    except InvalidSignature as exc:
        return VerifiedSignature(False, f"The signature does not verify: {exc}", subject, algorithm)
    except (InvalidInput, ValueError) as exc:
        return VerifiedSignature(False, f"The signature cannot be checked: {exc}", subject, algorithm)
    signed = result[0].signed_xml if isinstance(result, list) else result.signed_xml
    return VerifiedSignature(True, "The content is intact and matches the signer's certificate.", subject, algorithm, signed)


def make_test_key(common_name: str = "chinhquyen test signer") -> XmlSigningKey:
    """A throw-away self-signed RSA-2048 key (tests, the benchmark and `edxml build --sign-test`)."""
    import datetime as dt

    from cryptography.hazmat.primitives import hashes
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
