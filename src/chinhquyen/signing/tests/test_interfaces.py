"""Console, API and pages of signing; the re-validation job."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from chinhquyen.signing import services
from chinhquyen.signing.models import SigningKey, TrustAnchor, ValidationReport
from chinhquyen.signing.tests.conftest import AGENCY, LEADER, PASSWORD


def test_pki_demo_writes_the_demo_pki(tmp_path, capsys):
    call_command("pki", "demo", str(tmp_path / "pki"))
    names = {p.name for p in (tmp_path / "pki").iterdir()}
    assert {"DEMO-root-ca.pem", "DEMO-agency-ca.pem", "DEMO-agency-ca.crl", "DEMO-tsa.pem"} <= names
    assert "DEMO-personal-lanhdao.snv.p12" in names
    assert len([n for n in names if n.startswith("DEMO-organization-") and n.endswith(".p12")]) == 3
    assert "DEMO" in (tmp_path / "pki" / "README.txt").read_text()


@pytest.mark.django_db
def test_cli_signs_personal_then_organisation_and_verifies(tmp_path, demo, sample, capsys, monkeypatch):
    (tmp_path / "in.pdf").write_bytes(sample)
    (tmp_path / "p.p12").write_bytes(demo.personal[LEADER[0]].pkcs12(PASSWORD))
    (tmp_path / "o.p12").write_bytes(demo.organization[AGENCY[0]].pkcs12(PASSWORD))
    (tmp_path / "root.pem").write_bytes(demo.root.pem)
    (tmp_path / "ca.pem").write_bytes(demo.agency_ca.pem)
    (tmp_path / "ca.crl").write_bytes(demo.crl)
    monkeypatch.setenv("P12_PASSWORD", PASSWORD)
    call_command(
        "pdf",
        "sign",
        str(tmp_path / "in.pdf"),
        str(tmp_path / "p.pdf"),
        "--pkcs12",
        str(tmp_path / "p.p12"),
        "--password-env",
        "P12_PASSWORD",
        "--role",
        "personal",
        "--signer-name",
        LEADER[1],
    )
    # The organisation may not sign a PDF without a valid personal signature: nothing is written.
    with pytest.raises(Exception, match="personal signature"):
        call_command(
            "pdf",
            "sign",
            str(tmp_path / "in.pdf"),
            str(tmp_path / "bad.pdf"),
            "--pkcs12",
            str(tmp_path / "o.p12"),
            "--password-env",
            "P12_PASSWORD",
            "--role",
            "organization",
            "--trust",
            str(tmp_path / "root.pem"),
        )
    assert not (tmp_path / "bad.pdf").exists()
    services.import_ca_certificates(data=demo.agency_ca.pem)
    services.import_crl(data=demo.crl)
    call_command(
        "pdf", "sign", str(tmp_path / "p.pdf"), str(tmp_path / "o.pdf"), "--pkcs12", str(tmp_path / "o.p12"), "--password-env", "P12_PASSWORD",
        "--role", "organization", "--number", "15/QĐ-UBND", "--date", "2026-03-05", "--place", "Phú Thọ", "--trust", str(tmp_path / "root.pem"),
    )  # fmt: skip
    capsys.readouterr()
    call_command(
        "pdf",
        "verify",
        str(tmp_path / "o.pdf"),
        "--trust",
        str(tmp_path / "root.pem"),
        "--ca",
        str(tmp_path / "ca.pem"),
        "--crl",
        str(tmp_path / "ca.crl"),
        "--json",
    )
    report = json.loads(capsys.readouterr().out)
    assert report["indication"] == "PASSED" and len(report["signatures"]) == 2


@pytest.mark.django_db
def test_cli_verify_exits_non_zero_for_an_untrusted_signer_and_refuses_a_wrong_password(tmp_path, issued, demo, monkeypatch):
    (tmp_path / "i.pdf").write_bytes(issued.issued)
    with pytest.raises(SystemExit) as exited:
        call_command("pdf", "verify", str(tmp_path / "i.pdf"))
    assert exited.value.code == 2  # INDETERMINATE: no trust anchor configured
    (tmp_path / "p.p12").write_bytes(demo.personal[LEADER[0]].pkcs12(PASSWORD))
    monkeypatch.setenv("P12_PASSWORD", "sai")
    with pytest.raises(Exception, match=r"Mật khẩu|password"):
        call_command(
            "pdf",
            "sign",
            str(tmp_path / "i.pdf"),
            str(tmp_path / "o.pdf"),
            "--pkcs12",
            str(tmp_path / "p.p12"),
            "--password-env",
            "P12_PASSWORD",
            "--role",
            "personal",
        )
    assert not (tmp_path / "o.pdf").exists()


@pytest.mark.django_db
def test_cli_refuses_a_file_over_the_limit_before_reading_it(tmp_path):
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:  # a sparse 500 MB file: nothing is read, so nothing is allocated
        fh.seek(500 * 1024 * 1024 - 1)
        fh.write(b"\0")
    with pytest.raises(Exception, match=r"giới hạn|limit"):
        call_command("pdf", "verify", str(big))


@pytest.mark.django_db
def test_api_validates_an_upload_and_fetches_the_report(cast, signing_keys, issued, client):
    api = APIClient()
    api.force_authenticate(cast.specialist_a)
    response = api.post(
        "/api/v1/signatures/validate/", {"file": SimpleUploadedFile("qd.pdf", issued.issued, "application/pdf")}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["indication"] == "PASSED" and body["signature_count"] == 2 and body["file_name"] == "qd.pdf"
    fetched = api.get(f"/api/v1/signatures/reports/{body['id']}/")
    assert fetched.status_code == 200 and fetched.json()["file_sha256"] == body["file_sha256"]
    other = APIClient()
    other.force_authenticate(cast.clerk_b)
    assert other.get(f"/api/v1/signatures/reports/{body['id']}/").status_code == 404
    assert APIClient().post("/api/v1/signatures/validate/", {}, format="multipart").status_code == 401


@pytest.mark.django_db
def test_api_refuses_a_file_over_the_limit(cast):
    api = APIClient()
    api.force_authenticate(cast.specialist_a)
    with override_settings(SIGNING_MAX_PDF_BYTES=100):
        response = api.post(
            "/api/v1/signatures/validate/", {"file": SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * 200)}, format="multipart"
        )
    assert response.status_code == 400 and response.json()["code"] == "upload.too_large"
    assert not ValidationReport.objects.exists()


@pytest.mark.django_db
def test_page_uploads_a_pdf_and_shows_the_report_in_colour(cast, signing_keys, issued, client):
    client.force_login(cast.specialist_a)
    response = client.post(reverse("signing:validate"), {"file": SimpleUploadedFile("qd.pdf", issued.issued, "application/pdf")})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "sig-green" in html and LEADER[1] in html
    report = ValidationReport.objects.get()
    pdf_response = client.get(reverse("signing:report-pdf", args=[report.pk]))
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    assert client.get(reverse("signing:report-json", args=[report.pk])).json()["indication"] == "PASSED"


@pytest.mark.django_db
def test_page_shows_red_for_an_altered_file(cast, signing_keys, issued, client):
    client.force_login(cast.specialist_a)
    altered = bytearray(issued.issued)
    altered[2000] ^= 1
    response = client.post(
        reverse("signing:validate"), {"file": SimpleUploadedFile("x.pdf", bytes(altered), "application/pdf")}, follow=True
    )
    assert "sig-red" in response.content.decode()


@pytest.mark.django_db
def test_reports_are_revalidated_when_the_trust_changes(cast, demo, issued):
    first = services.validate_pdf(pdf_bytes=issued.issued, subject_type="upload", keep_file=True, actor=cast.specialist_a)
    assert first.indication == "INDETERMINATE"  # nothing trusted yet
    services.import_ca_certificates(data=demo.agency_ca.pem)
    services.import_crl(data=demo.crl)
    services.add_trust_anchor(data=demo.root.pem, actor=None)
    assert services.revalidate_outdated() == 1
    newest = ValidationReport.objects.get(supersedes=first)
    assert newest.indication == "PASSED"
    assert TrustAnchor.objects.count() == 1
    assert services.revalidate_outdated() == 0


@pytest.mark.django_db
def test_pki_demo_load_gives_the_demo_accounts_their_keys(tmp_path):
    from chinhquyen.organizations.demo import load_demo

    load_demo()
    call_command("pki", "demo", str(tmp_path / "pki"), "--load")
    assert SigningKey.objects.filter(official__username="lanhdao.snv", role="personal").exists()
    assert SigningKey.objects.filter(role="organization").count() == 3
    assert TrustAnchor.objects.filter(is_active=True).count() == 1
