"""The deployment's trust: anchors (database + SIGNING_TRUST_ANCHOR_FILES), CA certificates, CRLs.

Production anchors are configuration, never code (STANDARDS §13.6, Circular 15/2025): the VGCA
G2 root for official-use signatures, the NEAC root for public CAs, imported with
`chinhquyen pki trust FILE.pem` or listed in SIGNING_TRUST_ANCHOR_FILES.
"""

from __future__ import annotations

from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chinhquyen.signing.models import Certificate, RevocationList, TrustAnchor
from chinhquyen.signing.validation import TrustMaterial


def _from_pem_file(path: str) -> list[asn1_x509.Certificate]:
    from chinhquyen.signing.pki import load_certificates

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"SIGNING_TRUST_ANCHOR_FILES: cannot read {path}: {exc}")
    from cryptography.hazmat.primitives import serialization

    return [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in load_certificates(data)]


def current_trust(*, extra_anchor_pems: list[bytes] | None = None, only_extra: bool = False, with_crls: bool = True) -> TrustMaterial:
    """Anchors, known CA certificates and stored CRLs as they are now (a few small queries).
    `with_crls=False`: without the CRLs (a chain check that does not look at revocation, such as
    an edXML signature's at each package received)."""
    from chinhquyen.signing.pki import load_certificates

    anchors: list[asn1_x509.Certificate] = []
    from cryptography.hazmat.primitives import serialization

    for pem in extra_anchor_pems or []:
        anchors.extend(asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in load_certificates(pem))
    if not only_extra:
        anchor_ids = set()
        for anchor in TrustAnchor.objects.filter(is_active=True).select_related("certificate"):
            anchors.append(asn1_x509.Certificate.load(bytes(anchor.certificate.der)))
            anchor_ids.add(anchor.certificate_id)
        for path in settings.SIGNING_TRUST_ANCHOR_FILES:
            anchors.extend(_from_pem_file(path))
    intermediates = [asn1_x509.Certificate.load(bytes(c.der)) for c in Certificate.objects.filter(is_ca=True).only("der")]
    crls = [bytes(r.der) for r in RevocationList.objects.only("der")] if with_crls else []
    return TrustMaterial(anchors=anchors, intermediates=intermediates, crls=crls, allow_fetching=settings.SIGNING_FETCH_REVOCATION)
