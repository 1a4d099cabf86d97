"""XML signatures of edXML messages: the exchange's profile over `chinhquyen.signing.xml` (ADR 0040).

The signing app signs and verifies; this module only names what the exchange asks for:

- the signature in `edXMLEnvelope/edXMLHeader` (STANDARDS §1.2, §1.5), exactly one, over the
  whole message (`Reference URI=""`, enveloped-signature then canonicalisation), no `ds:Object`,
  no duplicate Ids, RSA-SHA256 family (no rsa-sha1: `allow_sha1=False`);
- the message is then read from `XmlVerification.signed_root` — the signed bytes parsed again —
  never from the tree that was received (`edxml.parse` does so);
- the signer's chain is not looked at here (`check_trust=False`): the codec runs without the
  database (`chinhquyen edxml verify`); the report says who signed.

`XmlSigningKey` is the exchange's key (EXCHANGE_SIGNING_KEY_FILE / _CERT_FILE), loaded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chinhquyen.exchange.edxml.model import NS
from chinhquyen.signing import xml as signing_xml
from chinhquyen.signing.xml import WRAPPING_CODES, XmlSignatureError, XmlVerification

#: Where the signature of an edXML message is: `edXML/edXMLEnvelope/edXMLHeader/ds:Signature`.
SIGNATURE_PARENT = (f"{{{NS}}}edXMLEnvelope", f"{{{NS}}}edXMLHeader")

__all__ = [
    "SIGNATURE_PARENT",
    "WRAPPING_CODES",
    "XmlSignatureError",
    "XmlSigningKey",
    "XmlVerification",
    "make_test_key",
    "sign_xml",
    "verify_xml",
]


@dataclass(frozen=True)
class XmlSigningKey:
    """A private key, its certificate and the CA certificates above it, loaded once."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @classmethod
    def from_pem_files(cls, key_file: str | Path, cert_file: str | Path, password: bytes | None = None) -> XmlSigningKey:
        """The key, and the certificate file: the signer's certificate first, then its CAs if any."""
        key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=password)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("only RSA keys are supported for edXML signatures")
        certificates = x509.load_pem_x509_certificates(Path(cert_file).read_bytes())
        return cls(key=key, certificate=certificates[0], chain=tuple(certificates[1:]))


def sign_xml(root: Any, signing_key: XmlSigningKey) -> Any:
    """Sign an edXML tree built with `signature_placeholder=True` (the signature goes there)."""
    return signing_xml.sign_xml(root, signing_key.key, signing_key.certificate, signing_key.chain)


def verify_xml(root: Any) -> XmlVerification:
    """Verify an edXML message's signature by the exchange's profile; raises `XmlSignatureError`
    (its code in `WRAPPING_CODES` when the signature is not exactly over the whole message)."""
    return signing_xml.verify_xml(root, signature_parent=SIGNATURE_PARENT, require_trust=False, check_trust=False, allow_sha1=False)


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
