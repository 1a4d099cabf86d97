"""Portal accounts: one-use verification links, no account enumeration at sign-up, limits keyed on
the real client address (ISSUE 16, findings 6 and 13; ADR 0035)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from chinhquyen.organizations.models import Account
from chinhquyen.portal.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_UP = "/dich-vu-cong/dang-ky/"


def _mails():
    from django_tasks_db.models import DBTaskResult

    return [t.args_kwargs["kwargs"] for t in DBTaskResult.objects.filter(task_path__endswith="send_email").order_by("enqueued_at")]


def _link(body: str) -> str:
    return re.search(r"(/dich-vu-cong/xac-nhan/[^/\s]+/)", body).group(1)


def _sign_up(client, email="cuc@example.test", identity_number="001190012345"):
    return client.post(SIGN_UP, {"full_name": "Lê Thị Cúc", "identity_number": identity_number, "email": email, "password": PASSWORD})


def test_the_verification_link_works_once(client):
    assert _sign_up(client).status_code == 200
    link = _link(_mails()[-1]["body"])
    assert client.get(link).status_code == 200
    assert Account.objects.get(username="cuc@example.test").is_active
    assert client.get(link).status_code == 400


def test_the_verification_link_does_not_reactivate_a_deactivated_account(client):
    assert _sign_up(client).status_code == 200
    link = _link(_mails()[-1]["body"])
    assert client.get(link).status_code == 200
    Account.objects.filter(username="cuc@example.test").update(is_active=False)  # an administrator deactivates it
    assert client.get(link).status_code == 400
    assert not Account.objects.get(username="cuc@example.test").is_active


def test_an_expired_verification_link_does_not_activate(client, settings):
    settings.PORTAL_VERIFY_HOURS = 0
    assert _sign_up(client).status_code == 200
    assert client.get(_link(_mails()[-1]["body"])).status_code == 400
    assert not Account.objects.get(username="cuc@example.test").is_active


def test_sign_up_with_a_registered_email_answers_like_a_new_one(client):
    first = _sign_up(client, email="cuc@example.test")
    assert client.get(_link(_mails()[-1]["body"])).status_code == 200  # the owner confirmed the address
    second = Client().post(
        SIGN_UP, {"full_name": "Lê Thị Cúc", "identity_number": "001190099999", "email": "cuc@example.test", "password": PASSWORD}
    )
    fresh = Client().post(
        SIGN_UP, {"full_name": "Lê Thị Cúc", "identity_number": "001190099999", "email": "dao@example.test", "password": PASSWORD}
    )
    assert first.status_code == second.status_code == fresh.status_code == 200

    def page(response, email):
        html = response.content.decode().replace(email, "EMAIL")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert page(second, "cuc@example.test") == page(fresh, "dao@example.test")
    assert Account.objects.filter(username="cuc@example.test").count() == 1
    mails = _mails()
    assert [m["to"] for m in mails] == [["cuc@example.test"], ["cuc@example.test"], ["dao@example.test"]]
    assert "/dich-vu-cong/xac-nhan/" not in mails[1]["body"]  # the owner is told, with no link that activates anything


def test_sign_up_with_a_registered_phone_answers_like_a_new_one(client, settings, tmp_path):
    settings.SMS_FILE = str(tmp_path / "sms.jsonl")
    data = {"full_name": "Phạm Văn Dũng", "identity_number": "001190067890", "phone": "0987654321", "password": PASSWORD}
    first = client.post(SIGN_UP, data)
    again = Client().post(SIGN_UP, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == "/dich-vu-cong/xac-nhan-so-dien-thoai/"
    assert Account.objects.filter(username="0987654321").count() == 1


def test_a_rotating_forwarded_for_header_does_not_reset_the_sign_in_limit(client, settings):
    settings.PORTAL_ACCOUNT_RATE = "3/min"
    statuses = [
        client.post(
            "/dich-vu-cong/dang-nhap/", {"username": "x@example.test", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        ).status_code
        for i in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]


def test_the_verification_link_is_rate_limited_per_address(client, settings):
    settings.PORTAL_ACCOUNT_RATE = "3/min"
    statuses = [client.get(f"/dich-vu-cong/xac-nhan/forged-{i}/", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(5)]
    assert statuses == [400, 400, 400, 429, 429]


def test_signing_up_again_before_confirming_sends_a_fresh_link_to_the_owner(client):
    assert _sign_up(client).status_code == 200
    again = Client().post(
        SIGN_UP, {"full_name": "Kẻ Gian", "identity_number": "001190099999", "email": "cuc@example.test", "password": PASSWORD + "x"}
    )
    assert again.status_code == 200
    first_link, second_link = (_link(m["body"]) for m in _mails())
    assert client.get(first_link).status_code == 400  # replaced
    assert client.get(second_link).status_code == 200
    account = Account.objects.get(username="cuc@example.test")
    assert account.is_active and account.full_name == "Lê Thị Cúc" and account.check_password(PASSWORD)


def test_a_weak_password_is_refused_alike_for_a_registered_and_a_new_email(client):
    assert _sign_up(client).status_code == 200
    weak = {"full_name": "Lê Thị Cúc", "identity_number": "001190012345", "password": "123"}
    taken = Client().post(SIGN_UP, {**weak, "email": "cuc@example.test"})
    fresh = Client().post(SIGN_UP, {**weak, "email": "dao@example.test"})
    assert taken.status_code == fresh.status_code == 400

    def page(response, local):
        html = response.content.decode().replace(local + "@", "X@")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert page(taken, "cuc") == page(fresh, "dao")
