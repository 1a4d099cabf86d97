"""The signature check as an intake path (issue 16, finding 14 first half, and the upload policy):
an uploaded PDF is kept with its report for re-validation; hostile files are refused with their
code and nothing is stored; the reports are served as sandboxed downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from chinhquyen.core import uploads
from chinhquyen.core.errors import DomainError
from chinhquyen.core.testing_uploads import expected_code, files_under, hostile_corpus, real_pdf
from chinhquyen.signing import services
from chinhquyen.signing.models import ValidationReport

pytestmark = pytest.mark.django_db

CORPUS = hostile_corpus()
IDS = [label for label, *_rest in CORPUS]


def test_a_pdf_checked_on_the_page_is_kept_for_revalidation(cast, client, media):
    client.force_login(cast.specialist_a)
    response = client.post(reverse("signing:validate"), {"file": SimpleUploadedFile("qd.pdf", real_pdf(), "application/pdf")})
    assert response.status_code == 302
    report = ValidationReport.objects.get()
    assert report.file and report.file.read() == real_pdf()


def test_a_pdf_checked_through_the_api_is_kept_for_revalidation(cast, media):
    api = APIClient()
    api.force_authenticate(cast.specialist_a)
    response = api.post("/api/v1/signatures/validate/", {"file": SimpleUploadedFile("qd.pdf", real_pdf())}, format="multipart")
    assert response.status_code == 201
    assert ValidationReport.objects.get().file


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_signature_check_refuses_every_hostile_file(cast, media, local_scanner, label, name, content, code):
    with pytest.raises(DomainError) as refused:
        services.check_uploaded_pdf(upload=SimpleUploadedFile(name, content), actor=cast.specialist_a)
    assert refused.value.code == expected_code(code, name, uploads.SIGNATURE_CHECK), label
    assert not ValidationReport.objects.exists() and files_under(media) == []


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_signature_check_api_answers_the_code(cast, media, local_scanner, label, name, content, code):
    api = APIClient()
    api.force_authenticate(cast.specialist_a)
    response = api.post("/api/v1/signatures/validate/", {"file": SimpleUploadedFile(name, content)}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == expected_code(code, name, uploads.SIGNATURE_CHECK), label
    assert not ValidationReport.objects.exists() and files_under(media) == []


def test_the_reports_are_served_as_sandboxed_downloads(cast, client, media):
    client.force_login(cast.specialist_a)
    client.post(reverse("signing:validate"), {"file": SimpleUploadedFile("qd.pdf", real_pdf(), "application/pdf")})
    report = ValidationReport.objects.get()
    for name in ("signing:report-pdf", "signing:report-json"):
        response = client.get(reverse(name, args=[report.pk]))
        assert response["Content-Disposition"].startswith("attachment"), name
        assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"].startswith("sandbox")
