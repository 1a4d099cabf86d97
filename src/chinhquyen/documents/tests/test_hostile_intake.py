"""Paper intake and the XLSX importers against hostile files (issue 16, finding 10; ADR 0039)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.core import uploads
from chinhquyen.core.errors import DomainError
from chinhquyen.core.limits import time_limit
from chinhquyen.core.models import JobProgress
from chinhquyen.core.tests import hostile
from chinhquyen.documents import files, intake
from chinhquyen.organizations.importers import import_agencies
from chinhquyen.organizations.testing import PASSWORD
from chinhquyen.procedures.importers import import_procedures

pytestmark = pytest.mark.django_db


def _bomb(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, hostile.stored("bomb-png-900mp.png"), "image/png")


@pytest.mark.parametrize("count", [1, 2])
def test_a_decompression_bomb_in_paper_intake_is_refused_with_a_message_not_a_500(office, client, count):
    assert client.login(username=office.cast.clerk_a.username, password=PASSWORD)
    with time_limit(5):
        response = client.post(reverse("documents:intake"), {"scan": [_bomb(f"trang-{i}.png") for i in range(count)]})
    assert response.status_code == 400
    assert 'data-testid="intake-error"' in response.content.decode()
    assert not JobProgress.objects.filter(kind=intake.INTAKE_KIND).exists()


def test_an_image_whose_header_claims_ten_gigapixels_is_refused_at_upload(office, client):
    assert client.login(username=office.cast.clerk_a.username, password=PASSWORD)
    response = client.post(reverse("documents:intake"), {"scan": SimpleUploadedFile("a.png", hostile.png_header_only(), "image/png")})
    assert response.status_code == 400


PDFS = {
    "a page tree whose /Parent points back into itself": hostile.pdf_parent_cycle,
    "a page that is its own parent": hostile.pdf_self_parent,
    "a /Pages node among its own kids": hostile.pdf_kids_cycle,
    "a page tree 5000 levels deep": hostile.pdf_deep_tree,
    "a truncated PDF": hostile.pdf_truncated,
}


@pytest.mark.parametrize("name", sorted(PDFS))
def test_the_upload_check_refuses_each_hostile_pdf_within_five_seconds(name):
    with pytest.raises(DomainError) as refused, time_limit(5):
        files.check_upload(("cong-van.pdf", PDFS[name]()), allowed=uploads.DOCUMENT_PDF)
    assert refused.value.code == "upload.unreadable"


def test_a_pdf_whose_page_tree_loops_is_refused_at_upload(office, client):
    assert client.login(username=office.cast.clerk_a.username, password=PASSWORD)
    with time_limit(5):
        response = client.post(
            reverse("documents:intake"), {"scan": SimpleUploadedFile("a.pdf", hostile.pdf_parent_cycle(), "application/pdf")}
        )
    assert response.status_code == 400


@pytest.mark.parametrize("workbook", ["a sheet that unpacks to a gigabyte", "a bzip2 sheet that declares 1 KB"])
def test_the_procedure_importer_refuses_an_xlsx_bomb_within_five_seconds(workbook):
    data = hostile.stored("bomb-sheet-1g.xlsx") if workbook.startswith("a sheet") else hostile.xlsx_bzip2_lying()
    with time_limit(5):
        report = import_procedures(data, filename="danh-muc.xlsx")
    assert report.errors and not report.created


@pytest.mark.parametrize("workbook", ["a sheet that unpacks to a gigabyte", "a bzip2 sheet that declares 1 KB"])
def test_the_agency_importer_refuses_an_xlsx_bomb_within_five_seconds(workbook):
    data = hostile.stored("bomb-sheet-1g.xlsx") if workbook.startswith("a sheet") else hostile.xlsx_bzip2_lying()
    with time_limit(5):
        report = import_agencies(data, filename="co-quan.xlsx")
    assert report.errors and not report.created


def test_the_procedure_importer_refuses_json_nested_past_the_stack():
    report = import_procedures(b"[" * 100_000 + b"]" * 100_000, filename="danh-muc.json")
    assert report.errors
