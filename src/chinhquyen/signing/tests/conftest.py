"""Fixtures of the signing tests: one DEMO PKI per session, sample PDFs signed once and reused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings

from chinhquyen.signing import images, keys, pdf, pki, testing
from chinhquyen.signing.validation import TrustMaterial

LEADER = ("lanhdao.a", "Trần Văn Lãnh Đạo", "Sở Nội vụ tỉnh Thử Nghiệm")
AGENCY = ("000.00.01.H99", "Sở Nội vụ tỉnh Thử Nghiệm")
PASSWORD = "mat-khau-tep-khoa"

#: ../shared/conformance beside the clone (CI puts shared/ there); tests never copy these files.
CONFORMANCE = Path(__file__).resolve().parents[4].parent / "shared" / "conformance"
if not CONFORMANCE.exists():
    CONFORMANCE = Path(settings.BASE_DIR).resolve().parent / "shared" / "conformance"


def asn1(cert: object) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def demo() -> pki.DemoPki:
    return pki.build_demo_pki(people=[LEADER], agencies=[AGENCY])


@pytest.fixture(scope="session")
def trust(demo: pki.DemoPki) -> TrustMaterial:
    return TrustMaterial(anchors=[asn1(demo.root.cert)], intermediates=[asn1(demo.agency_ca.cert)], crls=[demo.crl])


@pytest.fixture(scope="session")
def personal_signer(demo: pki.DemoPki) -> keys.LoadedSigner:
    issued = demo.personal[LEADER[0]]
    return keys.LoadedSigner(cert=issued.cert, key=issued.key, chain=issued.chain)


@pytest.fixture(scope="session")
def organization_signer(demo: pki.DemoPki) -> keys.LoadedSigner:
    issued = demo.organization[AGENCY[0]]
    return keys.LoadedSigner(cert=issued.cert, key=issued.key, chain=issued.chain)


@pytest.fixture(scope="session")
def sample() -> bytes:
    return testing.sample_pdf(signer_name=LEADER[1])


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    return images.demo_signature_png(LEADER[1])


@pytest.fixture(scope="session")
def seal_png() -> bytes:
    return images.demo_seal_png(AGENCY[1])


@dataclass
class Issued:
    personal: bytes
    numbered: bytes
    issued: bytes


@pytest.fixture(scope="session")
def issued(
    sample: bytes, personal_signer: keys.LoadedSigner, organization_signer: keys.LoadedSigner, signature_png: bytes, seal_png: bytes
) -> Issued:
    """The Decree 30 sequence, built once: personal signature → number and date → organisation signature."""
    reader = pdf.open_pdf(sample)
    image = pdf.load_png(signature_png, what="signature")
    personal = pdf.sign_pdf(
        sample,
        personal_signer,
        pdf.SignRequest(
            field_name=pdf.PERSONAL_FIELD,
            box=pdf.personal_box(sample, reader, image, signer_name=LEADER[1]),
            image=image,
            text_fields=[
                (pdf.NUMBER_FIELD, pdf.default_number_box(sample, reader)),
                (pdf.DATE_FIELD, pdf.default_date_box(sample, reader)),
            ],
        ),
    )
    numbered = pdf.fill_number_and_date(
        personal, number_notation="15/QĐ-UBND", date_line=pdf.vietnamese_date_line("Phú Thọ", dt.date(2026, 3, 5))
    )
    seal = pdf.load_png(seal_png, what="seal")
    box = pdf.seal_box(pdf.find_signature_box(pdf.open_pdf(numbered)), seal)  # type: ignore[arg-type]
    issued_pdf = pdf.sign_pdf(numbered, organization_signer, pdf.SignRequest(field_name=pdf.ORGANIZATION_FIELD, box=box, image=seal))
    return Issued(personal=personal, numbered=numbered, issued=issued_pdf)


@pytest.fixture
def signing_keys(cast, demo: pki.DemoPki):  # type: ignore[no-untyped-def]
    """The cast's leader of A holds the personal key; agency A the organisation key; the DEMO root is trusted."""
    from chinhquyen.signing import services
    from chinhquyen.signing.models import SignatureRole

    services.add_trust_anchor(data=demo.root.pem, actor=None)
    services.import_ca_certificates(data=demo.agency_ca.pem)
    services.import_crl(data=demo.crl)
    personal = services.import_pkcs12(
        data=demo.personal[LEADER[0]].pkcs12(PASSWORD), password=PASSWORD, role=SignatureRole.PERSONAL, actor=None, official=cast.leader_a
    )
    organization = services.import_pkcs12(
        data=demo.organization[AGENCY[0]].pkcs12(PASSWORD),
        password=PASSWORD,
        role=SignatureRole.ORGANIZATION,
        actor=None,
        agency=cast.agency_a,
    )
    return personal, organization
