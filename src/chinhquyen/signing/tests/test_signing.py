"""Signing the Decree 30 way: personal → number and date → organisation; labels; B-T/B-LT; refusals."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from PIL import Image

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import AuditEvent
from chinhquyen.signing import keys, pdf, pki, services, testing
from chinhquyen.signing.models import ValidationReport
from chinhquyen.signing.tests.conftest import AGENCY, LEADER, PASSWORD
from chinhquyen.signing.validation import TrustMaterial, validate_pdf_bytes


def test_personal_then_number_then_organisation_all_pass(issued, trust):
    report = validate_pdf_bytes(issued.issued, trust)
    assert report["indication"] == "PASSED"
    personal, organization = report["signatures"]
    assert (personal["role"], personal["indication"]) == ("personal", "PASSED")
    assert (organization["role"], organization["indication"]) == ("organization", "PASSED")
    # The number and date were filled after the personal signature: permitted form filling.
    assert personal["modifications"]["level"] == "form_filling"
    assert {"SoKyHieu", "NgayBanHanh"} <= set(personal["modifications"]["changed_fields"])
    assert personal["revocation"]["status"] == "good"
    assert organization["coverage"] == "entire_file"


def test_number_and_date_are_in_the_issued_pdf(issued):
    from pyhanko.pdf_utils.reader import PdfFileReader

    fields = {
        str(f.get_object()["/T"]): str(f.get_object().get("/V", ""))
        for f in PdfFileReader(io.BytesIO(issued.issued)).root["/AcroForm"]["/Fields"]
    }
    assert fields["SoKyHieu"] == "15/QĐ-UBND"
    assert fields["NgayBanHanh"] == "Phú Thọ, ngày 05 tháng 3 năm 2026"


def test_date_line_follows_decree_30_leading_zeros():
    assert pdf.vietnamese_date_line("Phú Thọ", dt.date(2026, 2, 5)) == "Phú Thọ, ngày 05 tháng 02 năm 2026"
    assert pdf.vietnamese_date_line("Phú Thọ", dt.date(2026, 11, 25)) == "Phú Thọ, ngày 25 tháng 11 năm 2026"


@pytest.mark.skipif(
    shutil.which("pdfsig") is None or shutil.which("certutil") is None or shutil.which("crlutil") is None,
    reason="poppler-utils / libnss3-tools missing",
)
def test_pdfsig_agrees_when_the_demo_root_is_trusted(issued, demo, tmp_path):
    db = tmp_path / "nss"
    db.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    (tmp_path / "root.pem").write_bytes(demo.root.pem)
    subprocess.run(["certutil", "-A", "-d", f"sql:{db}", "-n", "DEMO root", "-t", "CT,C,C", "-i", str(tmp_path / "root.pem")], check=True)
    (tmp_path / "ca.pem").write_bytes(demo.agency_ca.pem)
    subprocess.run(["certutil", "-A", "-d", f"sql:{db}", "-n", "DEMO CA", "-t", ",,", "-i", str(tmp_path / "ca.pem")], check=True)
    (tmp_path / "issued.pdf").write_bytes(issued.issued)
    # NSS, like our validator, gets the agency CA's CRL (without it poppler says "Unknown issue"); OCSP stays on
    # (the DEMO certificates name no responder, nothing is fetched): poppler 22.12's -no-ocsp policy is
    # unreliable for a second signature (ADR 0017).
    (tmp_path / "ca.crl").write_bytes(demo.crl)
    subprocess.run(["crlutil", "-I", "-i", str(tmp_path / "ca.crl"), "-d", f"sql:{db}", "-t", "1"], check=True, capture_output=True)
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{db}", str(tmp_path / "issued.pdf")], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid.") == 2
    assert out.count("Certificate is Trusted.") == 2
    assert LEADER[1] in out and AGENCY[1] in out


def _pixels(png: Path, box: tuple[int, int, int, int], colour: str) -> set[tuple[int, int]]:
    image = Image.open(png).convert("RGB")
    found = set()
    for x in range(box[0], box[2]):
        for y in range(box[1], box[3]):
            r, g, b = image.getpixel((x, y))  # type: ignore[misc]
            if colour == "blue" and b > 120 and b > r + 60 and b > g + 40:
                found.add((x, y))
            if colour == "red" and r > 150 and r > g + 80 and r > b + 80:
                found.add((x, y))
    return found


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")
def test_rendered_page_shows_the_red_seal_over_the_left_third_of_the_blue_signature(issued, tmp_path):
    reader = pdf.open_pdf(issued.issued)
    personal = pdf.find_signature_box(reader)
    assert personal is not None
    page_number = personal.page + 1
    (tmp_path / "i.pdf").write_bytes(issued.issued)
    dpi = 72
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page_number), "-l", str(page_number), str(tmp_path / "i.pdf"), str(tmp_path / "p")],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    height = Image.open(png).height
    # PDF points → pixels (72 dpi: one to one), y flipped.
    box = (int(personal.x1) - 150, int(height - personal.y2) - 60, int(personal.x2) + 10, int(height - personal.y1) + 60)
    blue = _pixels(png, box, "blue")
    red = _pixels(png, box, "red")
    assert blue and red
    third = personal.x1 + personal.width / 3
    # The seal's right edge reaches about a third into the signature image, not further.
    assert max(x for x, _ in red) == pytest.approx(third, abs=4)
    assert min(x for x, _ in red) < personal.x1  # it sticks out on the left
    # Blue is seen right of the seal (the rest of the signature image).
    assert max(x for x, _ in blue) > third + 20
    # The seal overlaps the signature image's area: red pixels inside the personal box.
    assert any(personal.x1 <= x <= third and height - personal.y2 <= y <= height - personal.y1 for x, y in red)


def test_seal_is_drawn_at_real_size(seal_png):
    width, height = pdf.seal_size_points(pdf.load_png(seal_png, what="seal"))
    assert width == pytest.approx(36 * 72 / 25.4, rel=0.01)
    assert height == pytest.approx(width, rel=0.01)


@pytest.mark.django_db
def test_services_flow_with_stored_keys(cast, signing_keys, sample, signature_png, seal_png):
    personal_key, organization_key = signing_keys
    signed = services.sign_personal(pdf_bytes=sample, signer=personal_key, secret=PASSWORD, actor=cast.leader_a, image=signature_png)
    numbered = services.add_number_and_date(
        pdf_bytes=signed, number_notation="16/QĐ-SNV", issued_date=dt.date(2026, 3, 6), place="Phú Thọ", actor=cast.clerk_a
    )
    issued_pdf = services.sign_organization(
        pdf_bytes=numbered, signer=organization_key, secret=PASSWORD, actor=cast.clerk_a, seal_image=seal_png
    )
    report = services.validate_pdf(pdf_bytes=issued_pdf, subject_type="test.Document", subject_id="1")
    assert report.indication == "PASSED" and report.signature_count == 2
    actions = list(AuditEvent.objects.filter(action__startswith="signing.").values_list("action", flat=True))
    assert {"signing.personal_signed", "signing.numbered", "signing.organization_signed", "signing.pdf_validated"} <= set(actions)


@pytest.mark.django_db
def test_organisation_signature_is_refused_without_a_valid_personal_signature(cast, signing_keys, sample, seal_png):
    _personal, organization_key = signing_keys
    with pytest.raises(DomainError) as refused:
        services.sign_organization(pdf_bytes=sample, signer=organization_key, secret=PASSWORD, actor=cast.clerk_a, seal_image=seal_png)
    assert refused.value.code == "signing.no_valid_personal_signature"


@pytest.mark.django_db
def test_organisation_signature_is_refused_for_a_non_clerk(cast, signing_keys, issued, seal_png):
    _personal, organization_key = signing_keys
    for actor in (cast.leader_a, cast.specialist_a):
        with pytest.raises(DomainError) as refused:
            services.sign_organization(
                pdf_bytes=issued.numbered, signer=organization_key, secret=PASSWORD, actor=actor, seal_image=seal_png
            )
        assert refused.value.code == "signing.not_clerk"
    with pytest.raises(DomainError) as refused:  # the clerk of another agency
        services.sign_organization(
            pdf_bytes=issued.numbered, signer=organization_key, secret=PASSWORD, actor=cast.clerk_b, seal_image=seal_png
        )
    assert refused.value.code == "signing.not_your_agency_key"


@pytest.mark.django_db
def test_only_the_owner_signs_with_a_personal_key(cast, signing_keys, sample):
    personal_key, _organization = signing_keys
    with pytest.raises(DomainError) as refused:
        services.sign_personal(pdf_bytes=sample, signer=personal_key, secret=PASSWORD, actor=cast.clerk_a)
    assert refused.value.code == "signing.not_your_key"


@pytest.mark.django_db
def test_attachment_label_is_extractable_and_signature_invisible(cast, signing_keys, sample, trust):
    _personal, organization_key = signing_keys
    out = services.sign_attachment(
        pdf_bytes=sample, signer=organization_key, secret=PASSWORD, actor=cast.clerk_a, number_notation="15/QĐ-UBND"
    )
    text = _first_page_text(out)
    assert "15/QĐ-UBND" in text
    assert "+07:00" in text
    report = validate_pdf_bytes(out, trust)
    assert report["indication"] == "PASSED"
    iso = dt.datetime.fromisoformat(re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", text).group(0))  # type: ignore[union-attr]
    claimed = dt.datetime.fromisoformat(report["signatures"][0]["time"]["claimed"])
    assert iso == claimed  # the label's time is the signature's time
    reader = pdf.open_pdf(out)
    assert pdf.find_signature_box(reader) is None  # no visible widget


@pytest.mark.django_db
def test_copy_label_names_the_copy_and_the_agency(cast, signing_keys, sample):
    _personal, organization_key = signing_keys
    out = services.sign_copy(
        pdf_bytes=sample, signer=organization_key, secret=PASSWORD, actor=cast.clerk_a, copy_kind="certified", copying_agency=AGENCY[1]
    )
    text = _first_page_text(out)
    assert "SAO Y" in text and AGENCY[1] in text


def _first_page_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data), page_numbers=[0])  # type: ignore[no-any-return]


def test_b_t_and_b_lt_with_our_local_timestamp_authority(demo, sample, personal_signer, trust):
    authority = testing.LocalTimestampAuthority(demo.tsa)
    url = authority.start()
    try:
        with override_settings(SIGNING_TSA_URL=url):
            bt = pdf.sign_pdf(sample, personal_signer, pdf.SignRequest(field_name="T"), timestamper=services._timestamper())
            from asn1crypto import crl as asn1_crl
            from pyhanko_certvalidator import ValidationContext

            context = ValidationContext(
                trust_roots=trust.anchors,
                other_certs=trust.intermediates,
                crls=[asn1_crl.CertificateList.load(demo.crl)],
                allow_fetching=False,
            )
            lt = pdf.sign_pdf(
                sample, personal_signer, pdf.SignRequest(field_name="T"), timestamper=services._timestamper(), revocation_context=context
            )
    finally:
        authority.stop()
    assert authority.requests >= 2
    for data in (bt, lt):
        sig = validate_pdf_bytes(data, trust)["signatures"][0]
        assert sig["time"]["source"] == "timestamp"
        assert sig["indication"] == "PASSED"
    assert b"/DSS" in lt and b"/DSS" not in bt
    # B-LT: validated with only what the file carries (no CRL given), revocation is still known.
    without_crl = TrustMaterial(anchors=trust.anchors, intermediates=trust.intermediates)
    assert validate_pdf_bytes(lt, without_crl)["signatures"][0]["revocation"]["status"] == "good"
    assert validate_pdf_bytes(bt, without_crl)["signatures"][0]["revocation"]["status"] == "unknown"


@pytest.mark.parametrize("kind,padding", [("rsa", "pss"), ("ec", "pkcs1v15")])
def test_rsa_pss_and_ecdsa_p256_sign_and_verify(demo, sample, trust, kind, padding):
    issued_cert = pki.issue(common_name="Người ký thử", organization="DEMO", issuer=demo.agency_ca, key_kind=kind, crl_url=pki.DEMO_CRL_URL)
    with override_settings(SIGNING_RSA_PADDING=padding):
        signer = keys.LoadedSigner(cert=issued_cert.cert, key=issued_cert.key, chain=issued_cert.chain)
        out = pdf.sign_pdf(sample, signer, pdf.SignRequest(field_name="T"))
    sig = validate_pdf_bytes(out, trust)["signatures"][0]
    assert sig["indication"] == "PASSED"
    assert sig["algorithms"]["signature"] == ("rsassa_pss" if kind == "rsa" else "sha256_ecdsa")


# --- Bad input: a clear refusal, never a crash, nothing written ------------------------------


def _encrypted(sample: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sample)))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["encrypted", "malformed", "truncated", "too_large"])
def test_bad_pdfs_are_refused_clearly_and_nothing_is_written(cast, signing_keys, sample, case):
    personal_key, _organization = signing_keys
    data = {
        "encrypted": lambda: _encrypted(sample),
        "malformed": lambda: b"%PDF-1.7\n garbage",
        "truncated": lambda: sample[: len(sample) // 3],
    }.get(case, lambda: sample)()
    before = AuditEvent.objects.count()
    limit = 1000 if case == "too_large" else 100 * 1024 * 1024
    with override_settings(SIGNING_MAX_PDF_BYTES=limit), pytest.raises(DomainError) as refused:
        services.sign_personal(pdf_bytes=data, signer=personal_key, secret=PASSWORD, actor=cast.leader_a)
    assert refused.value.code == {"encrypted": "signing.pdf_encrypted", "too_large": "signing.pdf_too_large"}.get(
        case, "signing.pdf_malformed"
    )
    assert AuditEvent.objects.count() == before
    assert ValidationReport.objects.count() == 0


@pytest.mark.django_db
def test_wrong_password_is_refused(cast, signing_keys, sample):
    personal_key, _organization = signing_keys
    with pytest.raises(DomainError) as refused:
        services.sign_personal(pdf_bytes=sample, signer=personal_key, secret="sai-mat-khau", actor=cast.leader_a)
    assert refused.value.code == "signing.wrong_password"
