"""The agency import as an intake path (issue 16, ADR 0036): hostile files refused with their code,
no job queued, nothing stored; through the service and the page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import JobProgress
from chinhquyen.core.testing_uploads import files_under, import_corpus
from chinhquyen.organizations.services import start_agency_import
from chinhquyen.organizations.tests.test_import import province_admin  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CORPUS = import_corpus()
IDS = [c[0] for c in CORPUS]


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_agency_import_refuses_every_hostile_file(province_admin, media, local_scanner, label, name, content, code):  # noqa: F811
    with pytest.raises(DomainError) as refused:
        start_agency_import(actor=province_admin, upload=SimpleUploadedFile(name, content))
    assert refused.value.code == code, label
    assert not JobProgress.objects.exists() and files_under(media) == []


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_import_page_shows_the_refusal_beside_the_file(client, province_admin, media, local_scanner, label, name, content, code):  # noqa: F811
    client.force_login(province_admin)
    response = client.post("/agencies/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, label
    assert not JobProgress.objects.exists() and files_under(media) == []
