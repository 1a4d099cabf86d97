"""Files at the counter (finding 9 of issue 16): the counter's service, page and API refuse every
hostile upload with its code and store nothing, no row and no file; the result goes through the
same policy. The corpus is `core.testing_uploads`."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.errors import DomainError
from chinhquyen.core.testing_uploads import files_under, hostile_corpus, oversized_pdf, real_pdf, real_png
from chinhquyen.dossiers.models import Dossier, DossierComponent
from chinhquyen.dossiers.services import ComponentData
from chinhquyen.dossiers.tests.conftest import complete_components, receive

pytestmark = pytest.mark.django_db

CORPUS = hostile_corpus()
IDS = [label for label, *_rest in CORPUS]


def _with_file(one_stop, name, content):
    components = complete_components(one_stop.three_day)
    components[0] = ComponentData(components[0].component_id, 1, 0, SimpleUploadedFile(name, content))
    return components


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_counter_service_refuses_a_hostile_file_and_stores_nothing(
    one_stop, fake_clock, media, local_scanner, label, name, content, code
):
    with pytest.raises(DomainError) as refused:
        receive(one_stop, components=_with_file(one_stop, name, content))
    assert refused.value.code == code, label
    assert refused.value.message and refused.value.fields
    assert Dossier.objects.count() == 0 and DossierComponent.objects.count() == 0
    assert files_under(media) == []


def test_the_counter_refuses_a_file_over_the_limit_before_reading_it(one_stop, fake_clock, media, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    with pytest.raises(DomainError) as refused:
        receive(one_stop, components=_with_file(one_stop, "lon.pdf", oversized_pdf(65 * 1024)))
    assert refused.value.code == "upload.too_large"
    assert Dossier.objects.count() == 0 and files_under(media) == []


def test_a_real_scan_is_stored_and_counts_as_digitised(one_stop, fake_clock, media, local_scanner):
    dossier = receive(one_stop, components=_with_file(one_stop, "to-khai.pdf", real_pdf()))
    assert dossier.digitized
    row = dossier.components.exclude(file="").get()
    assert row.file.read().startswith(b"%PDF-") and len(files_under(media)) == 1
    image = receive(one_stop, components=_with_file(one_stop, "anh.png", real_png()))
    assert image.digitized


def test_a_file_stored_before_the_transaction_fails_is_removed(one_stop, fake_clock, media, monkeypatch):
    """An error after the scan was written (here: the audit write) rolls back the row and deletes the file."""
    from chinhquyen.dossiers import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_notify_receipt", broken)
    with pytest.raises(RuntimeError):
        receive(one_stop, components=_with_file(one_stop, "to-khai.pdf", real_pdf()))
    assert Dossier.objects.count() == 0 and files_under(media) == []


def _page_data(one_stop):
    version = one_stop.three_day.versions.get()
    mandatory = [c for c in version.required_components.all() if c.mandatory]
    data = {
        "procedure_code": "1.000459",
        "applicant_kind": "citizen",
        "applicant_name": "Lê Văn Cường",
        "applicant_id_number": "001090012345",
        "return_method": "counter",
    }
    for c in mandatory:
        data |= {f"component_{c.pk}": "1", f"originals_{c.pk}": "1", f"copies_{c.pk}": "0"}
    return data, mandatory[0]


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_counter_page_refuses_a_hostile_file_beside_the_form(
    client, one_stop, fake_clock, media, local_scanner, label, name, content, code
):
    client.force_login(one_stop.cast.counter_officer)
    data, first = _page_data(one_stop)
    response = client.post("/dossiers/counter/", {**data, f"file_{first.pk}": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, label
    assert 'data-testid="intake-error"' in response.content.decode()
    assert Dossier.objects.count() == 0 and files_under(media) == []


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_counter_api_refuses_a_hostile_file_with_its_code(
    client, one_stop, fake_clock, media, local_scanner, label, name, content, code
):
    client.force_login(one_stop.cast.counter_officer)
    version = one_stop.three_day.versions.get()
    mandatory = [c for c in version.required_components.all() if c.mandatory]
    body = {
        "procedure_code": "1.000459",
        "applicant": json.dumps({"name": "Trần Thị Bình", "id_number": "001190012345"}),
        "components": json.dumps([{"component": c.pk, "originals": 1, "copies": 0} for c in mandatory]),
        f"file_{mandatory[0].pk}": SimpleUploadedFile(name, content),
    }
    response = client.post("/api/v1/dossiers/", body)
    assert response.status_code == 400, (label, response.content[:300])
    assert response.json()["code"] == code
    assert Dossier.objects.count() == 0 and files_under(media) == []


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_result_refuses_every_hostile_file_before_validating_it(
    client, one_stop, fake_clock, media, local_scanner, label, name, content, code
):
    from chinhquyen.core import uploads
    from chinhquyen.core.testing_uploads import expected_code
    from chinhquyen.dossiers.tests.test_results import _in_process
    from chinhquyen.signing.models import ValidationReport

    dossier = _in_process(one_stop)
    stored = files_under(media)
    client.force_login(one_stop.processing_a)
    response = client.post(f"/api/v1/dossiers/{dossier.code}/upload-result/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and response.json()["code"] == expected_code(code, name, uploads.RESULT), label
    assert not Dossier.objects.get(pk=dossier.pk).result_file and not ValidationReport.objects.exists()
    assert files_under(media) == stored
