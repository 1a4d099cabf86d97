"""The catalogue import as an intake path (issue 16, ADR 0036): hostile files refused with their
code, no job queued, nothing stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import JobProgress
from chinhquyen.core.testing_uploads import files_under, import_corpus
from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Role
from chinhquyen.organizations.testing import SINCE
from chinhquyen.procedures.services import start_procedure_import

pytestmark = pytest.mark.django_db

CORPUS = [c for c in import_corpus() if not c[1].endswith(".csv")]
IDS = [c[0] for c in CORPUS]


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_catalogue_import_refuses_every_hostile_file(cast, media, local_scanner, label, name, content, code):
    admin = org.create_official(username="quantri", full_name="Quản Trị", password=cast.password)
    org.assign_role(official=admin, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=SINCE)
    with pytest.raises(DomainError) as refused:
        start_procedure_import(actor=admin, upload=SimpleUploadedFile(name, content))
    assert refused.value.code == code, label
    assert not JobProgress.objects.exists() and files_under(media) == []
