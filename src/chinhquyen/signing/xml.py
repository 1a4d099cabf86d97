"""XML signatures for edXML packages (QCVN 102:2016; STANDARDS §1.5) — the contract the exchange calls.

    from chinhquyen.signing.xml import sign_xml, verify_xml, XmlSignatureError

    signed = sign_xml(root, key, cert)                 # enveloped, RSA-SHA256, exclusive c14n
    result = verify_xml(received_root)                 # raises XmlSignatureError when not valid
    envelope = result.signed_root                      # read ONLY this element afterwards

Rules kept here:

- one `ds:Signature`, a direct child of the document element, with one `Reference URI=""` and the
  enveloped-signature transform: the whole document is signed. The element returned in
  `signed_root` is the one the signature covers, re-parsed from the signed bytes; code that reads
  it cannot be pointed at unsigned content (signature-wrapping defence, XML-DSig best practices §2.1);
- RSA-SHA256 (or ECDSA-SHA256 for an EC key) with SHA-256 digests when we sign (Circular
  15/2025); legacy rsa-sha1 / sha1 from real systems verify with a "weak_algorithm" warning;
- the signer's certificate must chain to the deployment's trust anchors (the same
  `TrustMaterial` as PDFs), unless `require_trust=False`, which still reports `trusted`.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext_lazy as _
from lxml import etree
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLSigner, XMLVerifier, methods

from chinhquyen.core.errors import DomainError
from chinhquyen.signing.pki import CertificateFacts, certificate_facts
from chinhquyen.signing.validation import TrustMaterial

DS = "http://www.w3.org/2000/09/xmldsig#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
_WEAK_METHODS = {SignatureMethod.RSA_SHA1, SignatureMethod.ECDSA_SHA1, SignatureMethod.DSA_SHA1}
_ACCEPTED_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.SHA256_RSA_MGF1,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.RSA_SHA1,
    }
)
_ACCEPTED_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512, DigestAlgorithm.SHA1})


class XmlSignatureError(DomainError):
    """The XML signature is missing, misplaced, altered, wrapped or (with `require_trust`) untrusted."""


@dataclass
class XmlVerification:
    """What `verify_xml` found. Read the document only through `signed_root`."""

    signed_root: Any  # lxml element: the element the signature covers
    certificate: CertificateFacts
    signature_method: str
    digest_method: str
    trusted: bool
    chain_problem: str = ""
    warnings: list[str] = field(default_factory=list)


def sign_xml(root: Any, key: Any, cert: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> Any:
    """Sign `root` (an lxml element) with an enveloped signature; returns the signed root (a new element).

    `key` is a `cryptography` private key (RSA ≥ 2048 or EC P-256) or a `keys.LoadedSigner`.
    RSA-SHA256 / ECDSA-SHA256, SHA-256 digest, exclusive canonicalisation, `Reference URI=""`,
    the certificate (and `chain`) in `KeyInfo/X509Data`.
    """
    private_key = getattr(key, "_key", key)
    method = SignatureMethod.ECDSA_SHA256 if isinstance(private_key, ec.EllipticCurvePrivateKey) else SignatureMethod.RSA_SHA256
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=method,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in (cert, *chain)]
    try:
        return signer.sign(root, key=private_key, cert=pems, always_add_key_value=False)
    except Exception as exc:
        raise XmlSignatureError("xml.sign_failed", _("The XML could not be signed: %(error)s") % {"error": type(exc).__name__})


def _one_signature(root: Any) -> Any:
    signatures = root.findall(f".//{{{DS}}}Signature")
    if not signatures:
        if root.xpath("//*[local-name()='Signature']"):
            # Real systems send <Signature> without the XML-DSig namespace (conformance/edxml): present, not valid.
            raise XmlSignatureError("xml.invalid", _("The XML signature is not valid: %(error)s") % {"error": "no XML-DSig namespace"})
        raise XmlSignatureError("xml.no_signature", _("The XML carries no signature."))
    if len(signatures) > 1:
        raise XmlSignatureError("xml.multiple_signatures", _("The XML carries more than one signature."))
    signature = signatures[0]
    if signature.getparent() is not root:
        raise XmlSignatureError(
            "xml.signature_misplaced", _("The signature is not where it belongs (a direct child of the document element).")
        )
    return signature


def _certificate(signature: Any) -> x509.Certificate:
    node = signature.find(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    if node is None or not (node.text or "").strip():
        raise XmlSignatureError("xml.certificate_missing", _("The signature carries no certificate."))
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(node.text.split())))
    except Exception:
        raise XmlSignatureError("xml.certificate_damaged", _("The certificate in the signature is damaged or truncated."))


def _whole_document_reference(signature: Any) -> None:
    references = signature.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != "":
        raise XmlSignatureError("xml.wrapped", _("The signature does not cover the whole document (possible signature wrapping)."))
    transforms = [t.get("Algorithm") for t in references[0].findall(f"{{{DS}}}Transforms/{{{DS}}}Transform")]
    if ENVELOPED not in transforms:
        raise XmlSignatureError("xml.wrapped", _("The signature does not cover the whole document (possible signature wrapping)."))


def _c14n(element: Any) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)  # type: ignore[no-any-return]


def verify_xml(
    root: Any, *, trust: TrustMaterial | None = None, require_trust: bool = True, at: dt.datetime | None = None
) -> XmlVerification:
    """Verify the enveloped signature of `root` (an lxml element) and return what was signed.

    Raises `XmlSignatureError` (a `DomainError`, with a code `xml.*` and a Vietnamese message) when
    there is no signature, more than one, a misplaced one, a reference that is not the whole
    document, a digest or signature value that does not verify, or — with `require_trust` — a
    certificate that does not chain to the trust anchors (`trust`, by default the deployment's).
    """
    signature = _one_signature(root)
    cert = _certificate(signature)
    _whole_document_reference(signature)
    method_node = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
    digest_node = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}Reference/{{{DS}}}DigestMethod")
    method_uri = method_node.get("Algorithm", "") if method_node is not None else ""
    digest_uri = digest_node.get("Algorithm", "") if digest_node is not None else ""
    warnings: list[str] = []
    if method_uri in {m.value for m in _WEAK_METHODS} or digest_uri == DigestAlgorithm.SHA1.value:
        warnings.append("weak_algorithm")
    config = SignatureConfiguration(
        location="./", expect_references=1, signature_methods=_ACCEPTED_METHODS, digest_algorithms=_ACCEPTED_DIGESTS
    )
    try:
        result = XMLVerifier().verify(deepcopy(root), x509_cert=cert, expect_config=config)
    except Exception as exc:
        raise XmlSignatureError("xml.invalid", _("The XML signature is not valid: %(error)s") % {"error": str(exc)[:200]})
    verified = result if not isinstance(result, list) else result[0]
    # What the caller reads must be what was signed: the document minus its signature.
    unsigned_view = deepcopy(root)
    for sig in unsigned_view.findall(f"{{{DS}}}Signature"):
        unsigned_view.remove(sig)
    if verified.signed_xml is None or _c14n(verified.signed_xml) != _c14n(unsigned_view):
        raise XmlSignatureError("xml.wrapped", _("The signature does not cover the whole document (possible signature wrapping)."))
    trusted, problem = _chain(cert, trust, at)
    if require_trust and not trusted:
        raise XmlSignatureError(
            "xml.untrusted", _("The signer's certificate does not lead to a trusted root: %(problem)s") % {"problem": problem}
        )
    return XmlVerification(
        signed_root=verified.signed_xml,
        certificate=certificate_facts(cert),
        signature_method=method_uri,
        digest_method=digest_uri,
        trusted=trusted,
        chain_problem=problem,
        warnings=warnings,
    )


def _chain(cert: x509.Certificate, trust: TrustMaterial | None, at: dt.datetime | None) -> tuple[bool, str]:
    if trust is None:
        from chinhquyen.signing.trust import current_trust

        trust = current_trust()
    context = ValidationContext(
        trust_roots=list(trust.anchors),
        other_certs=list(trust.intermediates),
        moment=at or dt.datetime.now(dt.UTC),
        allow_fetching=False,
        weak_hash_algos=set(),
    )
    leaf = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    try:
        import asyncio

        asyncio.run(CertificateValidator(leaf, validation_context=context).async_validate_usage(set()))
    except Exception as exc:
        return False, type(exc).__name__
    return True, ""
