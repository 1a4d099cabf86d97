"""XML signatures for edXML packages (QCVN 102:2016; STANDARDS §1.5) — the contract the exchange calls.

    from chinhquyen.signing.xml import sign_xml, verify_xml, XmlSignatureError

    signed = sign_xml(root, key, cert)                 # enveloped, RSA-SHA256, exclusive c14n
    result = verify_xml(received_root)                 # raises XmlSignatureError when not valid
    document = result.signed_root                      # read ONLY this afterwards

One profile, checked before any cryptography (ADR 0040; XML-DSig best practices §2.1, §3.1):

- exactly one `ds:Signature` in the document, at the place the caller names (`signature_parent`:
  the path from the document element to the signature's parent; the document element itself by
  default, `edXMLEnvelope/edXMLHeader` for edXML);
- the signature holds `SignedInfo`, `SignatureValue` and optionally `KeyInfo` — no `ds:Object`,
  no `ds:Manifest`, nothing else;
- `SignedInfo` holds one canonicalisation method (c14n 1.0, 1.1 or exclusive, without comments),
  one signature method and **one** `Reference URI=""` (the whole document) whose transforms are
  the enveloped-signature transform, then at most one canonicalisation: no XPath, no XSLT, no
  reference by Id — so what was signed is the whole document without its signature, and nothing
  can be moved or shadowed beside it;
- no two elements of the document carry the same Id (`Id`, `ID`, `id` in any namespace);
- RSA-SHA256/384/512, RSA-PSS-SHA256, ECDSA-SHA256/384 with SHA-2 digests; legacy rsa-sha1/sha1
  from real systems verify with a "weak_algorithm" warning unless `allow_sha1=False` (the exchange).

The result's `signed_data` is the canonical bytes the digest covers, and `signed_root` is those
bytes parsed again: a caller that reads `signed_root` reads exactly what was signed, never the
tree it was given. The signer's certificate must chain to the deployment's trust anchors (the same
`TrustMaterial` as PDFs), unless `require_trust=False` (then `trusted` says), or `check_trust=False`
(then `trusted` is None: not looked at).

Speed: a signature of our own profile (exclusive c14n, RSA-SHA256, SHA-256) is made and checked
directly with lxml and `cryptography` — one canonicalisation of the document each way (signxml
serialises, parses and canonicalises again: three times the cost on a package with attachments,
W5). Any other accepted shape is checked by signxml, with the same profile enforced first.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature as InvalidSignatureError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils.translation import gettext_lazy as _
from lxml import etree
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLSigner, XMLVerifier, methods

from chinhquyen.core.errors import DomainError
from chinhquyen.signing.pki import CertificateFacts, certificate_facts
from chinhquyen.signing.validation import TrustMaterial

DS = "http://www.w3.org/2000/09/xmldsig#"
_DS = "{%s}" % DS  # noqa: UP031
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
EXC_C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0.value
_C14N = frozenset(
    {
        EXC_C14N,
        CanonicalizationMethod.CANONICAL_XML_1_0.value,
        CanonicalizationMethod.CANONICAL_XML_1_1.value,
    }
)
_WEAK_METHODS = {SignatureMethod.RSA_SHA1, SignatureMethod.ECDSA_SHA1, SignatureMethod.DSA_SHA1}
_STRONG_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.SHA256_RSA_MGF1,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
    }
)
_ACCEPTED_METHODS = _STRONG_METHODS | {SignatureMethod.RSA_SHA1}
_STRONG_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})
_ACCEPTED_DIGESTS = _STRONG_DIGESTS | {DigestAlgorithm.SHA1}
_ID_NAMES = frozenset({"Id", "ID", "id"})

#: The codes that say the signature is not (exactly) over the whole document where it belongs:
#: the signs of signature wrapping. A caller that is lenient with signatures that merely do not
#: verify (the exchange, for real systems' broken ones) refuses these outright.
WRAPPING_CODES = frozenset({"xml.multiple_signatures", "xml.signature_misplaced", "xml.wrapped", "xml.duplicate_id"})


class XmlSignatureError(DomainError):
    """The XML signature is missing, misplaced, altered, wrapped or (with `require_trust`) untrusted."""


@dataclass
class XmlVerification:
    """What `verify_xml` found. Read the document only through `signed_root`."""

    signed_root: Any  # lxml element: the document the signature covers, parsed from `signed_data`
    certificate: CertificateFacts
    signature_method: str
    digest_method: str
    #: None when the chain was not looked at (`check_trust=False`).
    trusted: bool | None
    chain_problem: str = ""
    warnings: list[str] = field(default_factory=list)
    #: The canonical bytes the digest covers: the whole document without its signature.
    signed_data: bytes = b""
    #: DER of every certificate in `KeyInfo/X509Data`, the signer's first (for `certificate_trusted`).
    certificates: tuple[bytes, ...] = ()


def _wrapped(detail: str) -> XmlSignatureError:
    return XmlSignatureError(
        "xml.wrapped",
        _("The signature does not cover exactly the whole document (possible signature wrapping): %(detail)s") % {"detail": detail},
    )


def _refused_algorithm(uri: str) -> XmlSignatureError:
    return XmlSignatureError(
        "xml.algorithm_refused", _("The XML signature uses an algorithm that is not accepted: %(uri)s") % {"uri": uri[:100]}
    )


# --- Signing ---------------------------------------------------------------------------------


def _c14n(element: Any) -> bytes:
    """Exclusive XML canonicalisation 1.0 without comments (what our profile names)."""
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)  # type: ignore[no-any-return]


def _without(root: Any, signature: Any) -> bytes:
    """The enveloped-signature transform, then exclusive c14n: `root` canonicalised as if
    `signature` were not there. The element is taken out and put back (its tail goes with it,
    as XML-DSig's transform keeps it: it is not part of the signature), so `root` is left as it was."""
    parent = signature.getparent()
    if parent is None:
        return _c14n(root)
    position = parent.index(signature)
    tail = signature.tail
    parent.remove(signature)
    previous = parent[position - 1] if position else None
    if tail:  # the tail text stays in the document while the signature is out
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    try:
        return _c14n(root)
    finally:
        if tail:
            if previous is not None:
                previous.tail = previous.tail[: len(previous.tail) - len(tail)] or None
            else:
                parent.text = parent.text[: len(parent.text) - len(tail)] or None
        parent.insert(position, signature)
        signature.tail = tail


def sign_xml(root: Any, key: Any, cert: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> Any:
    """Sign `root` (an lxml element) with an enveloped signature over the whole document; returns `root`.

    `key` is a `cryptography` private key (RSA ≥ 2048 or EC P-256) or a `keys.LoadedSigner`.
    RSA-SHA256 / ECDSA-SHA256, SHA-256 digest, exclusive canonicalisation, `Reference URI=""`,
    the certificate (and `chain`) in `KeyInfo/X509Data`. The signature goes where `root` holds a
    `<ds:Signature Id="placeholder"/>` (edXML: in `edXMLHeader`), else at the end of `root`.
    """
    private_key = getattr(key, "_key", key)
    if isinstance(private_key, rsa.RSAPrivateKey):
        return _sign_rsa(root, private_key, cert, chain)
    placeholder = root.find(f".//{_DS}Signature")
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    if placeholder is not None:
        placeholder.set("Id", "placeholder")
    pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in (cert, *chain)]
    try:
        return signer.sign(root, key=private_key, cert=pems, always_add_key_value=False)
    except Exception as exc:
        raise XmlSignatureError("xml.sign_failed", _("The XML could not be signed: %(error)s") % {"error": type(exc).__name__})


def _sign_rsa(root: Any, key: rsa.RSAPrivateKey, cert: x509.Certificate, chain: Sequence[x509.Certificate]) -> Any:
    """The same signature signxml makes (the tests check each verifies the other's, and xmlsec1
    ours), built directly: one canonicalisation of the document."""
    placeholder = root.find(f".//{_DS}Signature")
    if placeholder is None:
        placeholder = etree.SubElement(root, _DS + "Signature", nsmap={"ds": DS})
    digest = hashlib.sha256(_without(root, placeholder)).digest()
    signature = etree.Element(_DS + "Signature", nsmap={"ds": DS})
    signed_info = etree.SubElement(signature, _DS + "SignedInfo")
    etree.SubElement(signed_info, _DS + "CanonicalizationMethod", Algorithm=EXC_C14N)
    etree.SubElement(signed_info, _DS + "SignatureMethod", Algorithm=SignatureMethod.RSA_SHA256.value)
    reference = etree.SubElement(signed_info, _DS + "Reference", URI="")
    transforms = etree.SubElement(reference, _DS + "Transforms")
    etree.SubElement(transforms, _DS + "Transform", Algorithm=ENVELOPED)
    etree.SubElement(transforms, _DS + "Transform", Algorithm=EXC_C14N)
    etree.SubElement(reference, _DS + "DigestMethod", Algorithm=DigestAlgorithm.SHA256.value)
    etree.SubElement(reference, _DS + "DigestValue").text = base64.b64encode(digest).decode("ascii")
    value = key.sign(_c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    etree.SubElement(signature, _DS + "SignatureValue").text = base64.b64encode(value).decode("ascii")
    x509_data = etree.SubElement(etree.SubElement(signature, _DS + "KeyInfo"), _DS + "X509Data")
    for certificate in (cert, *chain):
        der = certificate.public_bytes(serialization.Encoding.DER)
        etree.SubElement(x509_data, _DS + "X509Certificate").text = base64.encodebytes(der).decode("ascii")
    signature.tail = placeholder.tail
    parent = placeholder.getparent()
    if parent is None:
        raise XmlSignatureError("xml.sign_failed", _("The XML could not be signed: %(error)s") % {"error": "placeholder is the root"})
    parent.replace(placeholder, signature)
    return root


# --- Verifying: the profile ------------------------------------------------------------------


def _elements(node: Any) -> list[Any]:
    return [child for child in node if isinstance(child.tag, str)]


def _one_signature(root: Any, signature_parent: Sequence[str]) -> Any:
    signatures = list(root.iter(_DS + "Signature"))
    if not signatures:
        if root.xpath("//*[local-name()='Signature']"):
            # Real systems send <Signature> without the XML-DSig namespace (conformance/edxml): present, not valid.
            raise XmlSignatureError("xml.invalid", _("The XML signature is not valid: %(error)s") % {"error": "no XML-DSig namespace"})
        raise XmlSignatureError("xml.no_signature", _("The XML carries no signature."))
    if len(signatures) > 1:
        raise XmlSignatureError("xml.multiple_signatures", _("The XML carries more than one signature."))
    signature = signatures[0]
    parent = root
    for name in signature_parent:
        found = [child for child in parent if child.tag == name]
        if len(found) != 1:
            parent = None
            break
        parent = found[0]
    if parent is None or signature.getparent() is not parent:
        raise XmlSignatureError("xml.signature_misplaced", _("The signature is not where it belongs in the document."))
    return signature


def _no_duplicate_ids(root: Any) -> None:
    seen: set[str] = set()
    for element in root.iter(etree.Element):
        for name, value in element.attrib.items():
            if name.rpartition("}")[2] in _ID_NAMES:
                if value in seen:
                    raise XmlSignatureError(
                        "xml.duplicate_id", _("Two elements of the XML carry the same Id (possible signature wrapping).")
                    )
                seen.add(value)


@dataclass(frozen=True)
class _Profile:
    c14n: str
    method: str
    transform_c14n: str
    digest: str


def _profile(signature: Any) -> _Profile:
    """The signature's shape, or `XmlSignatureError`: see the module docstring."""
    parts = _elements(signature)
    names = [child.tag for child in parts]
    if names not in ([_DS + "SignedInfo", _DS + "SignatureValue"], [_DS + "SignedInfo", _DS + "SignatureValue", _DS + "KeyInfo"]):
        raise _wrapped("the signature holds other elements than SignedInfo, SignatureValue and KeyInfo (ds:Object…)")
    signed_info = parts[0]
    info = _elements(signed_info)
    references = [child for child in info if child.tag == _DS + "Reference"]
    if len(references) != 1:
        raise _wrapped("one reference expected, %s found" % len(references))  # noqa: UP031
    if [child.tag for child in info] != [_DS + "CanonicalizationMethod", _DS + "SignatureMethod", _DS + "Reference"]:
        raise _wrapped("SignedInfo holds other elements")
    c14n_node, method_node, reference = info
    c14n = c14n_node.get("Algorithm", "")
    if c14n not in _C14N or _elements(c14n_node):
        raise _refused_algorithm(c14n)
    method = method_node.get("Algorithm", "")
    if method not in {m.value for m in _ACCEPTED_METHODS} or _elements(method_node):
        raise _refused_algorithm(method)
    if reference.get("URI") != "" or not set(reference.attrib) <= {"URI", "Id"}:
        raise _wrapped('the reference is not URI="" (the whole document)')
    if [child.tag for child in _elements(reference)] != [_DS + "Transforms", _DS + "DigestMethod", _DS + "DigestValue"]:
        raise _wrapped("the reference is not Transforms, DigestMethod, DigestValue")
    transforms_node, digest_node, _value = _elements(reference)
    transforms = _elements(transforms_node)
    algorithms = [t.get("Algorithm", "") for t in transforms]
    if (
        any(t.tag != _DS + "Transform" or _elements(t) for t in transforms)
        or not algorithms
        or algorithms[0] != ENVELOPED
        or len(algorithms) > 2
        or (len(algorithms) == 2 and algorithms[1] not in _C14N)
    ):
        raise _wrapped("the transforms are not enveloped-signature then canonicalisation")
    digest = digest_node.get("Algorithm", "")
    if digest not in {d.value for d in _ACCEPTED_DIGESTS}:
        raise _refused_algorithm(digest)
    return _Profile(c14n=c14n, method=method, transform_c14n=algorithms[1] if len(algorithms) == 2 else "", digest=digest)


def _certificate(signature: Any) -> x509.Certificate:
    node = signature.find(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate")
    if node is None or not (node.text or "").strip():
        raise XmlSignatureError("xml.certificate_missing", _("The signature carries no certificate."))
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(node.text.split())))
    except Exception:
        raise XmlSignatureError("xml.certificate_damaged", _("The certificate in the signature is damaged or truncated."))


def _all_certificates(signature: Any) -> tuple[bytes, ...]:
    found = []
    for node in signature.iterfind(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate"):
        try:
            found.append(base64.b64decode("".join((node.text or "").split())))
        except (binascii.Error, ValueError):
            continue
    return tuple(found)


def _not_valid(error: str) -> XmlSignatureError:
    return XmlSignatureError("xml.invalid", _("The XML signature is not valid: %(error)s") % {"error": error[:200]})


def _verify_directly(root: Any, signature: Any, cert: x509.Certificate) -> bytes:
    """Our profile (exclusive c14n, RSA-SHA256, SHA-256): the RSA signature over the canonical
    SignedInfo, then the digest of the document without the signature. Returns the signed bytes."""
    signed_info = signature.find(_DS + "SignedInfo")
    value = signature.find(_DS + "SignatureValue")
    digest_value = signed_info.find(f"{_DS}Reference/{_DS}DigestValue")
    try:
        public_key = cert.public_key()
    except Exception:  # an unsupported or damaged key: cryptography's UnsupportedAlgorithm, ValueError
        raise _not_valid("the certificate's key cannot be read") from None
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise _not_valid("an RSA signature with a key that is not RSA")
    try:
        raw = base64.b64decode("".join((value.text or "").split()), validate=True)
        expected = base64.b64decode("".join((digest_value.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise _not_valid("the signature or digest value is not base64") from None
    try:
        public_key.verify(raw, _c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignatureError:
        raise _not_valid("the signature value does not match the signer's certificate") from None
    signed = _without(root, signature)
    if not hmac.compare_digest(hashlib.sha256(signed).digest(), expected):
        raise _not_valid("the content was changed after signing (digest mismatch)")
    return signed


def _verify_with_signxml(root: Any, signature: Any, signature_parent: Sequence[str], cert: x509.Certificate, allow_sha1: bool) -> bytes:
    location = "./" + "".join(f"{name}/" for name in signature_parent)
    config = SignatureConfiguration(
        location=location,
        expect_references=1,
        signature_methods=_ACCEPTED_METHODS if allow_sha1 else _STRONG_METHODS,
        digest_algorithms=_ACCEPTED_DIGESTS if allow_sha1 else _STRONG_DIGESTS,
    )
    try:
        result = XMLVerifier().verify(deepcopy(root), x509_cert=cert, expect_config=config)
    except Exception as exc:
        raise _not_valid(str(exc))
    verified = result if not isinstance(result, list) else result[0]
    # Belt and braces: what signxml says was signed is the document without its signature.
    if verified.signed_xml is None or _c14n(verified.signed_xml) != _without(root, signature):
        raise _wrapped("what was signed is not the document")
    return verified.signed_data  # type: ignore[no-any-return]


def _parse_signed(data: bytes) -> Any:
    """The signed bytes parsed again (canonical XML: no DOCTYPE, no entities). The caller bounded
    the size of the document these bytes come from."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:  # pragma: no cover - canonical XML of a parsed tree parses
        raise _not_valid(str(exc))


def verify_xml(
    root: Any,
    *,
    trust: TrustMaterial | None = None,
    require_trust: bool = True,
    check_trust: bool = True,
    at: dt.datetime | None = None,
    signature_parent: Sequence[str] = (),
    allow_sha1: bool = True,
) -> XmlVerification:
    """Verify the enveloped signature of `root` (an lxml element) and return what was signed.

    Raises `XmlSignatureError` (a `DomainError`, with a code `xml.*` and a Vietnamese message) when
    there is no signature (`xml.no_signature`), more than one (`xml.multiple_signatures`), one not
    at `signature_parent` (`xml.signature_misplaced`), one not of the profile above (`xml.wrapped`,
    `xml.algorithm_refused`), two elements with the same Id (`xml.duplicate_id`), no readable
    certificate (`xml.certificate_missing`, `xml.certificate_damaged`), a digest or signature
    value that does not verify (`xml.invalid`), or — with `require_trust` — a certificate that does
    not chain to the trust anchors (`xml.untrusted`; `trust`, by default the deployment's).
    `WRAPPING_CODES` are the first four kinds.
    """
    signature = _one_signature(root, signature_parent)
    _no_duplicate_ids(root)
    profile = _profile(signature)
    cert = _certificate(signature)
    warnings: list[str] = []
    if profile.method in {m.value for m in _WEAK_METHODS} or profile.digest == DigestAlgorithm.SHA1.value:
        if not allow_sha1:
            raise _refused_algorithm(profile.method if profile.method in {m.value for m in _WEAK_METHODS} else profile.digest)
        warnings.append("weak_algorithm")
    ours = (
        profile.c14n == EXC_C14N
        and profile.transform_c14n == EXC_C14N
        and profile.method == SignatureMethod.RSA_SHA256.value
        and profile.digest == DigestAlgorithm.SHA256.value
    )
    if ours:
        signed_data = _verify_directly(root, signature, cert)
    else:
        signed_data = _verify_with_signxml(root, signature, signature_parent, cert, allow_sha1)
    trusted: bool | None = None
    problem = ""
    if check_trust or require_trust:
        trusted, problem = certificate_trusted(_all_certificates(signature), trust=trust, at=at)
        if require_trust and not trusted:
            raise XmlSignatureError(
                "xml.untrusted", _("The signer's certificate does not lead to a trusted root: %(problem)s") % {"problem": problem}
            )
    try:
        facts = certificate_facts(cert)
    except Exception:  # extensions that cannot be read (cryptography parses them lazily)
        raise XmlSignatureError("xml.certificate_damaged", _("The certificate in the signature is damaged or truncated.")) from None
    return XmlVerification(
        signed_root=_parse_signed(signed_data),
        certificate=facts,
        signature_method=profile.method,
        digest_method=profile.digest,
        trusted=trusted,
        chain_problem=problem,
        warnings=warnings,
        signed_data=signed_data,
        certificates=_all_certificates(signature),
    )


def certificate_trusted(
    certificates: Sequence[bytes], *, trust: TrustMaterial | None = None, at: dt.datetime | None = None
) -> tuple[bool, str]:
    """Whether the signer's certificate (DER, first of `certificates`, the others CAs the signature
    carried) chains to the trust anchors (`trust`, by default the deployment's): (trusted, problem).
    For a signature checked with `check_trust=False` whose chain is looked at later (the exchange
    does it where the database is at hand)."""
    if not certificates:
        return False, "no certificate"
    try:
        leaf = x509.load_der_x509_certificate(certificates[0])
        carried = [asn1_x509.Certificate.load(der) for der in certificates[1:]]
    except Exception:
        return False, "damaged certificate"
    if trust is None:
        from chinhquyen.signing.trust import current_trust

        trust = current_trust(with_crls=False)  # `_chain` does not look at revocation
    return _chain(leaf, TrustMaterial(anchors=trust.anchors, intermediates=[*trust.intermediates, *carried], crls=trust.crls), at)


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
