"""Accounts, the online application path, uploads checked by content, and who may see what."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.dossiers.services import rate_dossier  # noqa: F401 (the service the page calls)
from chinhquyen.organizations.models import Account
from chinhquyen.portal.models import Draft
from chinhquyen.portal.tests.conftest import PASSWORD, PDF, PNG, docx_bytes, shown

pytestmark = pytest.mark.django_db


def _login(client, username="an@example.test"):
    response = client.post("/dich-vu-cong/dang-nhap/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def _components(procedure):
    version = procedure.versions.order_by("-number").first()
    return list(version.required_components.order_by("position"))


def test_sign_up_sends_a_verification_link_that_activates_the_account(client):
    from django_tasks_db.models import DBTaskResult

    response = client.post(
        "/dich-vu-cong/dang-ky/",
        {"full_name": "Lê Thị Cúc", "identity_number": "001190012345", "email": "cuc@example.test", "password": PASSWORD},
    )
    assert response.status_code == 200
    account = Account.objects.get(username="cuc@example.test")
    assert not account.is_active
    assert client.post("/dich-vu-cong/dang-nhap/", {"username": "cuc@example.test", "password": PASSWORD}).status_code == 400
    (task,) = DBTaskResult.objects.filter(task_path__endswith="send_email")  # queued with the account, run by the worker
    assert task.args_kwargs["kwargs"]["to"] == ["cuc@example.test"]
    bodies = [task.args_kwargs["kwargs"]["body"]]
    link = re.search(r"(/dich-vu-cong/xac-nhan/[^/\s]+/)", bodies[-1]).group(1)
    assert client.get(link).status_code == 200
    account.refresh_from_db()
    assert account.is_active
    _login(client, "cuc@example.test")
    assert client.get("/dich-vu-cong/xac-nhan/forged-token/").status_code == 400


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "x" * 300, shown("The name is too long (at most 255 characters).")),
        ("full_name", "Иван Петров", shown("Write the name in Vietnamese letters only (no digits or other scripts).")),
        ("identity_number", "12345", shown("A personal identification number has exactly 12 digits.")),
        ("phone", "12ab", shown("Write a Vietnamese phone number, for example 0912345678.")),
    ],
)
def test_sign_up_bad_input_gets_a_message_beside_the_field_and_keeps_the_typing(client, field, value, message):
    data = {"full_name": "Lê Thị Cúc", "identity_number": "001190012345", "email": "cuc@example.test", "password": PASSWORD}
    data[field] = value
    response = client.post("/dich-vu-cong/dang-ky/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert 'id="error-summary"' in html
    if len(value) < 100:
        assert f'value="{value}"' in html


@override_settings(PORTAL_ACCOUNT_RATE="3/min")
def test_login_and_sign_up_are_rate_limited(client):
    cache.clear()
    statuses = [client.post("/dich-vu-cong/dang-nhap/", {"username": "x@example.test", "password": "no"}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert client.post("/dich-vu-cong/dang-ky/", {}).status_code == 429


def test_private_pages_send_an_anonymous_visitor_to_the_portal_login(client, one_stop):
    for path in ("/dich-vu-cong/ho-so-cua-toi/", "/dich-vu-cong/ho-so-nhap/1/", "/dich-vu-cong/thu-tuc/1.000459/nop-truc-tuyen/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/dich-vu-cong/dang-nhap/?next=")


def test_an_official_cannot_log_in_on_the_portal(client, one_stop):
    response = client.post("/dich-vu-cong/dang-nhap/", {"username": "motcua.xa", "password": one_stop.cast.password})
    assert response.status_code == 400


def _apply(client, procedure, files):
    response = client.get(f"/dich-vu-cong/thu-tuc/{procedure.code}/nop-truc-tuyen/")
    assert response.status_code == 302
    draft_url = response["Location"]
    html = client.get(draft_url).content.decode()
    assert 'value="Nguyễn Văn An"' in html and 'value="017090001234"' in html  # prefilled from the account
    data = {"name": "Nguyễn Văn An", "id_number": "017090001234", "phone": "0912345678", "email": "an@example.test", "address": "Tổ 5"}
    return draft_url, data


def test_the_whole_application_path(client, citizen, one_stop, fake_clock):
    _login(client)
    procedure = one_stop.same_day
    draft_url, data = _apply(client, procedure, [])
    first, second = _components(procedure)
    # save a draft with one file
    response = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("to-khai.pdf", PDF)})
    assert response.status_code == 200
    assert "to-khai.pdf" in response.content.decode()
    # "resume from another device": a new session finds the draft in "my dossiers"
    other = client.__class__()
    _login(other)
    assert draft_url in other.get("/dich-vu-cong/ho-so-cua-toi/").content.decode()
    # continuing without the second (required) paper is refused beside its slot
    response = other.post(draft_url, {**data, "action": "continue"})
    assert response.status_code == 400
    assert f'id="id_component_{second.pk}-error"' in response.content.decode()
    response = other.post(draft_url, {**data, "action": "continue", f"component_{second.pk}": SimpleUploadedFile("giay.png", PNG)})
    assert response.status_code == 302 and response["Location"].endswith("/kiem-tra/")
    check = other.get(response["Location"])
    assert "giay.png" in check.content.decode()
    submitted = other.post(response["Location"])
    assert submitted.status_code == 302
    dossier = Dossier.objects.get(applicant_account=citizen)
    assert submitted["Location"] == f"/dich-vu-cong/da-nop/{dossier.code}/"
    assert dossier.channel == "online"
    assert (dossier.status, dossier.national_status, dossier.is_received) == ("submitted", 1, False)  # the counter checks it first
    assert dossier.components.exclude(file="").count() == 2
    page = other.get(submitted["Location"]).content.decode()
    assert dossier.code in page
    assert Draft.objects.get().submitted_code == dossier.code
    assert dossier.code in other.get("/dich-vu-cong/ho-so-cua-toi/").content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anh.pdf", PNG, shown("The content of “%(name)s” is not a %(kind)s file as its name says.", name="anh.pdf", kind="PDF")),
        (
            "script.exe",
            b"MZ" + b"\x00" * 20,
            shown("“%(name)s” is not an accepted type of file here. Accepted: %(kinds)s.", name="script.exe", kinds="PDF, JPEG, PNG, DOCX"),
        ),
        ("fake.docx", b"PK\x03\x04" + b"\x00" * 30, shown("“%(name)s” cannot be read as a %(kind)s file.", name="fake.docx", kind="DOCX")),
        ("empty.pdf", b"", shown("The file “%(name)s” is empty.", name="empty.pdf")),
    ],
)
def test_uploads_whose_content_does_not_match_are_refused(client, citizen, one_stop, name, content, message):
    _login(client)
    draft_url, data = _apply(client, one_stop.same_day, [])
    first = _components(one_stop.same_day)[0]
    response = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_component_{first.pk}-error"' in html
    assert message in html
    assert not Draft.objects.get().files.exists()


def test_a_real_docx_is_accepted(client, citizen, one_stop):
    _login(client)
    draft_url, data = _apply(client, one_stop.same_day, [])
    first = _components(one_stop.same_day)[0]
    response = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("don.docx", docx_bytes())})
    assert response.status_code == 200
    assert Draft.objects.get().files.count() == 1


@override_settings(PORTAL_UPLOAD_MAX_BYTES=1024 * 1024)
def test_too_large_upload_is_refused(client, citizen, one_stop):
    _login(client)
    draft_url, data = _apply(client, one_stop.same_day, [])
    first = _components(one_stop.same_day)[0]
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024))
    response = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": big})
    assert response.status_code == 400
    assert shown("The file is larger than %(mb)s MB.", mb="1") in response.content.decode()


def infected(content, name):
    return "EICAR-Test-File" if b"EICAR" in content else None


@override_settings(UPLOAD_VIRUS_SCANNER="chinhquyen.portal.tests.test_apply.infected")
def test_the_virus_scanner_hook_refuses(client, citizen, one_stop):
    _login(client)
    draft_url, data = _apply(client, one_stop.same_day, [])
    first = _components(one_stop.same_day)[0]
    response = client.post(draft_url, {**data, "action": "save", f"component_{first.pk}": SimpleUploadedFile("x.pdf", PDF + b"EICAR")})
    assert response.status_code == 400
    assert shown("The file “%(name)s” was refused by the virus scanner.", name="x.pdf") in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Nguyen 123", shown("Write the name in Vietnamese letters only (no digits or other scripts).")),
        ("id_number", "0170900012", shown("A personal identification number has exactly 12 digits.")),
        ("birth_date", "01/01/2999", shown("The date of birth cannot be in the future.")),
    ],
)
def test_application_bad_input(client, citizen, one_stop, field, value, message):
    _login(client)
    draft_url, data = _apply(client, one_stop.same_day, [])
    response = client.post(draft_url, {**data, field: value, "action": "continue"})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'value="{value}"' in html


def test_an_applicant_cannot_open_another_applicants_draft_or_dossier(client, citizen, other_citizen, one_stop, fake_clock):
    _login(client)
    draft_url, _data = _apply(client, one_stop.same_day, [])
    from chinhquyen.dossiers.tests.conftest import receive

    dossier = receive(one_stop)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_account=citizen)
    assert client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/").status_code == 200
    intruder = client.__class__()
    _login(intruder, "binh@example.test")
    assert intruder.get(draft_url).status_code == 404
    assert intruder.get(draft_url + "kiem-tra/").status_code == 404
    assert intruder.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/").status_code == 404
    assert intruder.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/ket-qua/").status_code == 404
    assert intruder.post(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/danh-gia/", {"level": "satisfied"}).status_code == 404


def test_result_download_and_rating(client, citizen, one_stop, fake_clock):
    from django.core.files.base import ContentFile

    from chinhquyen.dossiers.tests.conftest import receive

    dossier = receive(one_stop)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_account=citizen, status=DossierStatus.RESULT_READY, national_status=9)
    dossier.refresh_from_db()
    dossier.result_file.save("kq.pdf", ContentFile(PDF))
    _login(client)
    page = client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "/ket-qua/" in page and 'name="level"' in page
    download = client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/ket-qua/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    response = client.post(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/danh-gia/", {"level": "very_satisfied", "comment": "Nhanh"})
    assert response.status_code == 302
    assert dossier.__class__.objects.get(pk=dossier.pk).rating.level == "very_satisfied"
    assert client.post(f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/danh-gia/", {"level": "satisfied"}).status_code == 400


def test_sign_up_with_a_phone_and_the_sms_code(client, settings, tmp_path):
    import json

    settings.SMS_PROVIDER = "console"
    settings.SMS_FILE = str(tmp_path / "sms.jsonl")
    data = {"full_name": "Phạm Văn Dũng", "identity_number": "001190067890", "phone": "0987 654 321", "password": PASSWORD}
    response = client.post("/dich-vu-cong/dang-ky/", data)
    assert response.status_code == 302 and response["Location"] == "/dich-vu-cong/xac-nhan-so-dien-thoai/"
    account = Account.objects.get(username="0987654321")
    assert not account.is_active
    (line,) = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    message = json.loads(line)
    assert message["to"] == "0987654321"
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/dich-vu-cong/xac-nhan-so-dien-thoai/", {"code": wrong}).status_code == 400
    account.refresh_from_db()
    assert not account.is_active
    assert client.post("/dich-vu-cong/xac-nhan-so-dien-thoai/", {"code": code}).status_code == 200
    account.refresh_from_db()
    assert account.is_active
    response = client.post("/dich-vu-cong/dang-nhap/", {"username": "0987.654.321", "password": PASSWORD})
    assert response.status_code == 302


def test_phone_code_gives_up_after_five_wrong_tries(client, settings, tmp_path):
    settings.SMS_FILE = str(tmp_path / "sms.jsonl")
    data = {"full_name": "Phạm Văn Dũng", "identity_number": "001190067890", "phone": "0987654321", "password": PASSWORD}
    client.post("/dich-vu-cong/dang-ky/", data)
    code = re.search(r"(\d{6})", (tmp_path / "sms.jsonl").read_text(encoding="utf-8")).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/dich-vu-cong/xac-nhan-so-dien-thoai/", {"code": wrong})
    assert client.post("/dich-vu-cong/xac-nhan-so-dien-thoai/", {"code": code}).status_code == 400
    assert not Account.objects.get(username="0987654321").is_active


def test_sign_up_needs_an_email_or_a_phone(client):
    response = client.post("/dich-vu-cong/dang-ky/", {"full_name": "Lê Thị Cúc", "identity_number": "001190012345", "password": PASSWORD})
    assert response.status_code == 400
    assert 'id="id_email-error"' in response.content.decode()


def test_the_applicant_answers_a_supplement_request_from_the_portal(client, citizen, other_citizen, one_stop, fake_clock):
    from chinhquyen.dossiers import services
    from chinhquyen.dossiers.tests.conftest import CITIZEN, complete_components

    dossier = services.submit_online_dossier(
        procedure_code=one_stop.same_day.code,
        applicant=CITIZEN,
        components=complete_components(one_stop.same_day),
        receiving_agency=one_stop.commune,
        applicant_account=citizen,
    ).dossier
    services.request_supplement(officer=one_stop.commune_counter, dossier=dossier, items=["Giấy chứng sinh bản rõ nét"], reason="Ảnh mờ")
    _login(client)
    url = f"/dich-vu-cong/ho-so-cua-toi/{dossier.code}/"
    page = client.get(url).content.decode()
    assert "Giấy chứng sinh bản rõ nét" in page and 'name="supplement_0"' in page
    # another applicant cannot see nor answer it
    intruder = client.__class__()
    _login(intruder, "binh@example.test")
    assert intruder.post(url + "bo-sung/", {"supplement_0": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    # a file whose content is not what its name says is refused beside its slot, nothing changes
    response = client.post(url + "bo-sung/", {"supplement_0": SimpleUploadedFile("giay.pdf", PNG), "note": "Gửi lại"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'id="supplement_0-error"' in html
        and shown("The content of “%(name)s” is not a %(kind)s file as its name says.", name="giay.pdf", kind="PDF") in html
    )
    assert "Gửi lại" in html  # what the person typed is kept
    dossier.refresh_from_db()
    assert dossier.national_status == 5
    # a note too long: the message beside the field, the text kept, nothing sent
    long_note = "Đã bổ sung " * 100
    response = client.post(url + "bo-sung/", {"supplement_0": SimpleUploadedFile("giay.pdf", PDF), "note": long_note})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="supplement-note-error"' in html and shown("The note is too long: at most %(max)s characters.", max=1000) in html
    assert long_note.strip() in html
    dossier.refresh_from_db()
    assert dossier.national_status == 5 and not dossier.components.filter(supplement=True).exists()
    # nothing attached: a clear refusal
    response = client.post(url + "bo-sung/", {"note": ""})
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.national_status == 5
    response = client.post(url + "bo-sung/", {"supplement_0": SimpleUploadedFile("giay.pdf", PDF)})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_status) == ("submitted", 1)
    assert dossier.components.filter(supplement=True).exclude(file="").count() == 1
    assert 'role="status"' in client.get(response["Location"]).content.decode()
    # a second click after the answer: back to the dossier, nothing added
    again = client.post(url + "bo-sung/", {"supplement_0": SimpleUploadedFile("giay.pdf", PDF)})
    assert again.status_code == 302 and again["Location"] == url
    assert dossier.components.filter(supplement=True).count() == 1
