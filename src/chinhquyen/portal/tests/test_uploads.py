"""Portal uploads (finding 9 of issue 16): content parsed, not sniffed; every hostile file refused
beside its slot with nothing stored; a replaced file removed from disk; a per-applicant quota;
the draft's files removed once the dossier holds its own copies; results served as downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.testing_uploads import files_under, hostile_corpus, pdf_then_html, real_pdf, real_png
from chinhquyen.dossiers.models import Dossier, DossierComponent
from chinhquyen.portal.models import Draft, DraftFile
from chinhquyen.portal.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CORPUS = hostile_corpus()
IDS = [label for label, *_rest in CORPUS]


def _login(client, username="an@example.test"):
    assert client.post("/dich-vu-cong/dang-nhap/", {"username": username, "password": PASSWORD}).status_code == 302


def _draft(client, procedure):
    draft_url = client.get(f"/dich-vu-cong/thu-tuc/{procedure.code}/nop-truc-tuyen/")["Location"]
    data = {"name": "Nguyễn Văn An", "id_number": "017090001234", "phone": "0912345678", "email": "an@example.test", "address": "Tổ 5"}
    components = list(procedure.versions.order_by("-number").first().required_components.order_by("position"))
    return draft_url, data, components


def test_a_pdf_header_followed_by_html_is_refused(client, citizen, one_stop, media):
    """Today's check reads the first bytes only: `%PDF-` then a page of HTML passed as a PDF."""
    _login(client)
    draft_url, data, (first, _second) = _draft(client, one_stop.same_day)
    response = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("don.pdf", pdf_then_html())})
    assert response.status_code == 400
    assert f'id="id_component_{first.pk}-error"' in response.content.decode()
    assert not DraftFile.objects.exists() and files_under(media) == []


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_draft_page_refuses_every_hostile_file_and_stores_nothing(
    client, citizen, one_stop, media, local_scanner, label, name, content, code
):
    _login(client)
    draft_url, data, (first, _second) = _draft(client, one_stop.same_day)
    response = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, label
    assert f'id="id_component_{first.pk}-error"' in response.content.decode()
    assert not DraftFile.objects.exists() and files_under(media) == []


def test_the_draft_service_answers_each_code(citizen, one_stop, media, local_scanner):
    from chinhquyen.core.errors import DomainError
    from chinhquyen.portal import services

    draft = Draft.objects.create(account=citizen, procedure=one_stop.same_day, data={})
    component = one_stop.same_day.versions.get().required_components.first()
    for label, name, content, code in CORPUS:
        with pytest.raises(DomainError) as refused:
            services.attach_draft_file(applicant=citizen, draft=draft, component_id=component.pk, upload=SimpleUploadedFile(name, content))
        assert refused.value.code == code, label
    assert not DraftFile.objects.exists() and files_under(media) == []


def test_a_replaced_file_is_removed_from_disk(client, citizen, one_stop, media, django_capture_on_commit_callbacks):
    _login(client)
    draft_url, data, (first, _second) = _draft(client, one_stop.same_day)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("mot.pdf", real_pdf())})
    old = DraftFile.objects.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("hai.pdf", real_pdf(2))})
    assert DraftFile.objects.get().name == "hai.pdf"
    assert [p.name for p in files_under(media)] == [DraftFile.objects.get().file.path.rsplit("/", 1)[-1]]
    assert old not in [str(p) for p in files_under(media)]


def test_an_applicant_over_the_quota_is_refused(client, citizen, one_stop, media, settings):
    pdf = real_pdf()
    settings.PORTAL_UPLOAD_QUOTA_BYTES = len(pdf) + len(pdf) // 2
    _login(client)
    draft_url, data, (first, second) = _draft(client, one_stop.same_day)
    assert client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("a.pdf", pdf)}).status_code == 200
    response = client.post(draft_url, {**data, "action": "save", f"component_{second.pk}": SimpleUploadedFile("b.pdf", pdf)})
    assert response.status_code == 400 and f'id="id_component_{second.pk}-error"' in response.content.decode()
    assert DraftFile.objects.count() == 1 and len(files_under(media)) == 1
    # replacing the one file stored does not count it twice
    again = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("c.pdf", pdf)})
    assert again.status_code == 200


def test_submitting_leaves_only_the_dossier_copies_on_disk(
    client, citizen, one_stop, fake_clock, media, django_capture_on_commit_callbacks
):
    _login(client)
    draft_url, data, (first, second) = _draft(client, one_stop.same_day)
    files = {
        f"component_{first.pk}": SimpleUploadedFile("a.pdf", real_pdf()),
        f"component_{second.pk}": SimpleUploadedFile("b.png", real_png()),
    }
    response = client.post(draft_url, {**data, "action": "continue", **files})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(response["Location"]).status_code == 302
    dossier = Dossier.objects.get()
    stored = sorted(str(p) for p in files_under(media))
    assert stored == sorted(c.file.path for c in dossier.components.exclude(file=""))
    assert not DraftFile.objects.exists()


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_a_supplement_answer_refuses_every_hostile_file(
    client, citizen, one_stop, fake_clock, media, local_scanner, label, name, content, code
):
    from chinhquyen.dossiers import services
    from chinhquyen.dossiers.tests.conftest import CITIZEN, complete_components

    dossier = services.submit_online_dossier(
        procedure_code=one_stop.same_day.code,
        applicant=CITIZEN,
        components=complete_components(one_stop.same_day),
        receiving_agency=one_stop.commune,
        applicant_account=citizen,
    ).dossier
    services.request_supplement(officer=one_stop.commune_counter, dossier=dossier, items=["Giấy chứng sinh"], reason="Ảnh mờ")
    _login(client)
    response = client.post(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/bo-sung/", {"supplement_0": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, label
    assert 'id="supplement_0-error"' in response.content.decode()
    assert not DossierComponent.objects.filter(supplement=True).exists() and files_under(media) == []


def test_the_result_is_served_as_a_sandboxed_download(client, citizen, one_stop, fake_clock, media):
    from django.core.files.base import ContentFile

    from chinhquyen.dossiers import services
    from chinhquyen.dossiers.tests.conftest import CITIZEN, complete_components

    dossier = services.submit_online_dossier(
        procedure_code=one_stop.same_day.code,
        applicant=CITIZEN,
        components=complete_components(one_stop.same_day),
        receiving_agency=one_stop.commune,
        applicant_account=citizen,
    ).dossier
    dossier.result_file.save("kq.pdf", ContentFile(real_pdf()))
    Dossier.objects.filter(pk=dossier.pk).update(status="result_ready")
    _login(client)
    response = client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/ket-qua/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_zip_bomb_named_docx_is_refused_unopened(client, citizen, one_stop, media):
    from chinhquyen.core.testing_uploads import zip_bomb_docx

    _login(client)
    draft_url, data, (first, _second) = _draft(client, one_stop.same_day)
    response = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("don.docx", zip_bomb_docx())})
    assert response.status_code == 400 and f'id="id_component_{first.pk}-error"' in response.content.decode()
    assert not DraftFile.objects.exists() and files_under(media) == []
