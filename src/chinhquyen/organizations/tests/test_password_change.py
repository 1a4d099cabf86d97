"""An official changes their own password (ASVS 4.0.3 V2.1.2, V2.1.5, V2.1.6, V2.5.5, V3.3.3)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult
from knox.models import AuthToken

from chinhquyen.core.models import AuditEvent
from chinhquyen.organizations.models import Account

pytestmark = pytest.mark.django_db

NEW = "một mật khẩu mới thật dài 🌿 2027"  # spaces, Vietnamese letters and an emoji are all allowed


def _logged_in(cast) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.post("/accounts/login/", {"username": "vanthu.a", "password": cast.password})
    assert response.status_code == 302
    return client


def _change(client: Client, current: str, new: str, again: str | None = None):  # type: ignore[no-untyped-def]
    return client.post("/accounts/password/", {"current_password": current, "new_password": new, "new_password_again": again or new})


def test_an_official_changes_the_password_with_the_current_one(cast):
    Account.objects.filter(pk=cast.clerk_a.pk).update(email="vanthu.a@example.gov.vn")
    client = _logged_in(cast)
    assert client.get("/accounts/password/").status_code == 200
    response = _change(client, cast.password, NEW)
    assert response.status_code == 302
    account = Account.objects.get(pk=cast.clerk_a.pk)
    assert account.check_password(NEW) and not account.check_password(cast.password)
    assert client.get("/").status_code == 200  # this session stays open
    assert AuditEvent.objects.filter(action="auth.password_changed", actor_id=account.pk).exists()
    (mail,) = DBTaskResult.objects.filter(task_path__endswith="send_email", args_kwargs__kwargs__to=["vanthu.a@example.gov.vn"])
    assert "vanthu.a" in mail.args_kwargs["kwargs"]["body"]


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failure(cast):
    client = _logged_in(cast)
    response = _change(client, "not-the-password-at-all", NEW)
    assert response.status_code == 400
    assert Account.objects.get(pk=cast.clerk_a.pk).check_password(cast.password)
    assert AuditEvent.objects.filter(action="auth.login_failed", summary__door="password_change").exists()


def test_a_weak_or_mismatched_new_password_is_refused_in_vietnamese(cast):
    client = _logged_in(cast)
    weak = _change(client, cast.password, "12345678")
    assert weak.status_code == 400
    assert "Mật khẩu" in weak.content.decode() or "mật khẩu" in weak.content.decode()
    mismatched = _change(client, cast.password, NEW, NEW + "x")
    assert mismatched.status_code == 400 and "không giống nhau" in mismatched.content.decode()
    assert Account.objects.get(pk=cast.clerk_a.pk).check_password(cast.password)


def test_passwords_of_64_characters_are_allowed_and_over_128_refused(cast):
    client = _logged_in(cast)
    too_long = "x" * 20 + "y" * 109
    assert _change(client, cast.password, too_long).status_code == 400  # the form refuses it
    assert Account.objects.get(pk=cast.clerk_a.pk).check_password(cast.password)
    long_enough = "Một câu dài làm mật khẩu " + "z" * 39  # 64 characters
    assert len(long_enough) == 64
    assert _change(client, cast.password, long_enough).status_code == 302
    assert Account.objects.get(pk=cast.clerk_a.pk).check_password(long_enough)


def test_the_other_sessions_and_the_api_tokens_end_with_the_change(cast):
    other = _logged_in(cast)
    AuthToken.objects.create(user=cast.clerk_a)
    client = _logged_in(cast)
    assert _change(client, cast.password, NEW).status_code == 302
    assert other.get("/").status_code == 302  # sent to the login page
    assert not AuthToken.objects.filter(user=cast.clerk_a).exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    assert client.get("/accounts/password/").status_code == 302
