"""One door (issue 16, findings 2, 3, 7, 8 and the authentication half of 12).

Every way to an official's rights — the login page, the admin site, the API token, the portal and
its OpenID Connect sign-in — goes through `organizations.authentication`: attempts limited per
user name and address, per address and globally, the second factor where the account needs it,
and an audit event for each decision. Each test here was written against the code before the fix
and failed there.
"""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from django.apps import apps
from django.test import RequestFactory, override_settings
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import AuditEvent
from chinhquyen.organizations import authentication, services
from chinhquyen.organizations.models import Account, Role

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def _login(client, username, password, *, address=OWNER, next_url="/"):
    return client.post(f"/accounts/login/?next={next_url}", {"username": username, "password": password}, REMOTE_ADDR=address)


def _enrol(client) -> str:
    """Open the enrolment page of the logged-in session and return the key it shows."""
    page = client.get("/accounts/second-factor/").content.decode()
    return re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)


def _code(secret: str, *, step: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=30 * step))


def _province_admin(cast) -> Account:
    admin = services.create_official(username="quantri.tinh", full_name="Quản trị tỉnh", password=cast.password)
    services.assign_role(official=admin, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=dt.date(2020, 1, 1))
    return admin


def _enrolled(client, cast, username: str) -> str:
    """Log `username` in, enrol the second factor through the page, log out; the key."""
    _login(client, username, cast.password)
    if username != "quantri.tinh":
        client.post("/accounts/second-factor/enrol/")
    secret = _enrol(client)
    assert client.post("/accounts/second-factor/", {"code": _code(secret)}).status_code == 302
    client.post("/accounts/logout/")
    return secret


def _token(username: str, password: str, *, address: str = OWNER, **extra: str):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json", REMOTE_ADDR=address
    )


def _actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).values_list("action", flat=True))


# --- Finding 2: the admin site's own login -----------------------------------------------------


def test_the_admin_login_page_sends_to_the_officials_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_clerk_who_knows_the_administrators_password_gets_no_admin_page(client, cast):
    _province_admin(cast)
    _enrolled(client, cast, "quantri.tinh")
    _login(client, "vanthu.a", cast.password)
    client.post("/admin/login/?next=/admin/", {"username": "quantri.tinh", "password": cast.password, "next": "/admin/"})
    assert client.get("/admin/organizations/agency/").status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == "vanthu.a"


def test_an_administration_login_is_audited(client, cast):
    admin = _province_admin(cast)
    _login(client, "quantri.tinh", cast.password)
    secret = _enrol(client)
    client.post("/accounts/second-factor/", {"code": _code(secret)})
    assert client.get("/admin/").status_code == 200
    client.get("/admin/organizations/agency/")
    assert _actions(actor_id=admin.pk).count("auth.admin_login") == 1


def test_the_admin_site_needs_a_completed_second_factor(client, cast):
    admin = _province_admin(cast)
    client.force_login(admin)  # a session with the password only, whatever made it
    assert client.get("/admin/organizations/agency/").status_code == 302
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/second-factor/?next=/admin/"
    assert client.get("/admin/").status_code == 302


def test_a_logged_in_clerk_is_told_the_admin_site_is_not_theirs(client, cast):
    _login(client, "vanthu.a", cast.password)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403 and "auth.admin_forbidden" in response.content.decode()


# --- Finding 3: API tokens ---------------------------------------------------------------------


def test_a_token_needs_the_code_when_the_account_uses_the_second_factor(client, cast):
    secret = _enrolled(client, cast, "vanthu.a")
    refused = _token("vanthu.a", cast.password)
    assert refused.status_code == 400 and refused.json()["code"] == "auth.second_factor_required"
    given = _token("vanthu.a", cast.password, otp=_code(secret, step=1))
    assert given.status_code == 200 and given.json()["token"]


def test_an_administrator_without_a_second_factor_gets_no_token(cast):
    _province_admin(cast)
    response = _token("quantri.tinh", cast.password)
    assert response.status_code == 400 and "token" not in response.json()


def test_a_token_expires(cast):
    from knox.models import AuthToken

    body = _token("vanthu.a", cast.password).json()
    assert dt.datetime.fromisoformat(body["expiry"]) > dt.datetime.now(tz=dt.UTC)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/v1/me/").status_code == 200
    AuthToken.objects.update(expiry=dt.datetime.now(tz=dt.UTC) - dt.timedelta(seconds=1))
    assert api.get("/api/v1/me/").status_code == 401


def _api(cast, username="vanthu.a"):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(username, cast.password).json()['token']}")
    assert api.get("/api/v1/me/").status_code == 200
    return api


def test_logging_out_of_the_api_revokes_the_token(cast):
    api = _api(cast)
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


def test_logging_out_of_the_pages_revokes_the_accounts_tokens(client, cast):
    api = _api(cast)
    _login(client, "vanthu.a", cast.password)
    client.post("/accounts/logout/")
    assert api.get("/api/v1/me/").status_code == 401


def test_a_password_change_revokes_the_tokens(cast):
    api = _api(cast)
    account = Account.objects.get(username="vanthu.a")
    account.set_password("Mot-mat-khau-moi-han-2026")
    account.save()
    assert api.get("/api/v1/me/").status_code == 401


def test_deactivation_revokes_the_tokens(cast):
    api = _api(cast)
    Account.objects.filter(username="vanthu.a").update(is_active=False)
    assert api.get("/api/v1/me/").status_code == 401


def test_a_second_factor_reset_revokes_the_tokens(client, cast):
    secret = _enrolled(client, cast, "vanthu.a")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token('vanthu.a', cast.password, otp=_code(secret, step=1)).json()['token']}")
    assert api.get("/api/v1/me/").status_code == 200
    authentication.reset_second_factor(account=Account.objects.get(username="vanthu.a"), actor=None)
    assert api.get("/api/v1/me/").status_code == 401


def test_token_issue_and_revocation_are_audited(cast):
    api = _api(cast)
    api.post("/api/v1/auth/logout/")
    actions = _actions(actor_id=cast.clerk_a.pk)
    assert "auth.token_issued" in actions and "auth.token_revoked" in actions


@override_settings(LOGIN_MAX_FAILURES=3)
def test_the_token_endpoint_counts_failures_like_the_login_page(cast):
    for _ in range(3):
        _token("vanthu.a", "sai-mat-khau-roi", address=ATTACKER)
    response = _token("vanthu.a", cast.password, address=ATTACKER)
    assert response.status_code == 400 and response.json()["code"] == "auth.invalid_credentials"


# --- Finding 7: lockout, enumeration, the second factor's attempts --------------------------------


@override_settings(LOGIN_MAX_FAILURES=3)
def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(client, cast):
    for _ in range(5):
        _login(client, "vanthu.a", "sai-mat-khau-roi", address=ATTACKER)
    assert _login(client, "vanthu.a", cast.password, address=ATTACKER).status_code == 400
    assert _login(client, "vanthu.a", cast.password, address=OWNER).status_code == 302


@override_settings(LOGIN_MAX_FAILURES=3)
def test_the_refusal_is_the_same_for_a_wrong_password_an_unknown_account_and_a_locked_account(client, cast):
    for _ in range(3):
        _login(client, "vanthu.a", "sai-mat-khau-roi", address=ATTACKER)
    locked = _login(client, "vanthu.a", cast.password, address=ATTACKER)
    wrong = _login(client, "vanthu.b", "sai-mat-khau-roi", address=ATTACKER)
    unknown = _login(client, "khong.co.ai", "sai-mat-khau-roi", address=ATTACKER)
    assert locked.status_code == wrong.status_code == unknown.status_code == 400
    messages = {re.search(r'role="alert">(.*?)</div></div>', r.content.decode(), re.S).group(1) for r in (locked, wrong, unknown)}
    assert len(messages) == 1
    token_codes = {_token(u, p, address=ATTACKER).json()["code"] for u, p in [("vanthu.a", cast.password), ("khong.co.ai", "x")]}
    assert token_codes == {"auth.invalid_credentials"}


@override_settings(LOGIN_MAX_FAILURES_PER_ADDRESS=6)
def test_one_address_trying_many_accounts_is_stopped(client, cast):
    for i in range(6):
        _login(client, f"thu.{i}", "sai-mat-khau-roi", address=ATTACKER)
    assert _login(client, "vanthu.b", cast.password, address=ATTACKER).status_code == 400
    assert _login(client, "vanthu.b", cast.password, address=OWNER).status_code == 302


@override_settings(LOGIN_MAX_FAILURES_GLOBAL=8)
def test_a_storm_of_failures_from_many_addresses_meets_the_global_limit(client, cast):
    for i in range(8):
        _login(client, f"thu.{i}", "sai-mat-khau-roi", address=f"192.0.2.{i + 1}")
    assert _login(client, "vanthu.b", cast.password, address=OWNER).status_code == 400
    assert "auth.login_failed" in _actions()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_the_owner_is_told_when_their_account_is_locked_from_an_address(client, cast):
    Account.objects.filter(username="vanthu.a").update(email="vanthu.a@example.gov.vn")
    for _ in range(3):
        _login(client, "vanthu.a", "sai-mat-khau-roi", address=ATTACKER)
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="send_email")  # sent by the worker once committed
    assert queued.args_kwargs["kwargs"]["to"] == ["vanthu.a@example.gov.vn"]
    assert ATTACKER in queued.args_kwargs["kwargs"]["body"]
    event = AuditEvent.objects.get(action="auth.locked")
    assert event.actor_id == cast.clerk_a.pk and event.summary["address"] == ATTACKER


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_each_failure_after_a_lock_doubles_the_wait(client, cast):
    for _ in range(3):
        _login(client, "vanthu.a", "sai-mat-khau-roi", address=ATTACKER)
    first = authentication.lock_ends(username="vanthu.a", address=ATTACKER)
    authentication.LoginFailure.objects.update(at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(minutes=16))
    assert authentication.lock_ends(username="vanthu.a", address=ATTACKER) is None
    assert _login(client, "vanthu.a", "sai-mat-khau-roi", address=ATTACKER).status_code == 400
    second = authentication.lock_ends(username="vanthu.a", address=ATTACKER)
    now = dt.datetime.now(tz=dt.UTC)
    assert first is not None and dt.timedelta(minutes=14) < first - now < dt.timedelta(minutes=16)
    assert second is not None and dt.timedelta(minutes=29) < second - now < dt.timedelta(minutes=31)


def test_a_totp_code_cannot_be_used_twice(client, cast):
    secret = _enrolled(client, cast, "vanthu.a")
    code = _code(secret, step=1)
    _login(client, "vanthu.a", cast.password)
    assert client.post("/accounts/second-factor/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    _login(client, "vanthu.a", cast.password)
    Account.objects.filter(username="vanthu.a").update(email="vanthu.a@example.gov.vn")
    assert client.post("/accounts/second-factor/", {"code": code}).status_code == 400
    assert client.get("/")["Location"] == "/accounts/second-factor/"
    # logged as a replay and the owner told (ASVS 2.8.5); the API door refuses it too
    assert AuditEvent.objects.filter(action="auth.second_factor_failed", summary__reason="replayed").exists()
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__to=["vanthu.a@example.gov.vn"]).exists()
    assert _token("vanthu.a", cast.password, otp=code).status_code == 400


def test_totp_attempts_are_limited(client, cast):
    secret = _enrolled(client, cast, "vanthu.a")
    _login(client, "vanthu.a", cast.password)
    right = _code(secret, step=1)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        client.post("/accounts/second-factor/", {"code": wrong})
    assert client.post("/accounts/second-factor/", {"code": right}).status_code == 400
    assert _actions(actor_id=cast.clerk_a.pk).count("auth.second_factor_failed") >= 5


def test_the_totp_secret_is_not_stored_in_clear(client, cast):
    secret = _enrolled(client, cast, "vanthu.a")
    hex_secret = __import__("base64").b32decode(secret).hex()
    for model in apps.get_app_config("organizations").get_models():
        for row in model.objects.values():
            text = repr(row)
            assert secret not in text and hex_secret not in text.lower(), model.__name__


# --- Finding 8: applicants at the officials' doors ------------------------------------------------


def test_an_applicant_is_refused_at_the_officials_login_in_vietnamese(client, cast):
    response = _login(client, "congdan", cast.password)
    assert response.status_code == 400
    assert "Cổng dịch vụ công" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_applicant_gets_no_api_token(cast):
    response = _token("congdan", cast.password)
    assert response.status_code == 400
    assert response.json()["code"] == "auth.not_official" and "token" not in response.json()


def test_the_officials_home_page_sends_an_applicant_to_the_portal(client, cast):
    client.force_login(cast.citizen.account)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/dich-vu-cong/")


def test_an_official_cannot_be_signed_in_through_the_portals_door(cast):
    request = RequestFactory().get("/dich-vu-cong/")
    with pytest.raises(DomainError) as refused:
        authentication.log_in_applicant(request, cast.clerk_a, via="oidc")
    assert refused.value.code == "auth.not_applicant"


# --- Finding 12 (authentication half): audit ------------------------------------------------------


def test_a_login_success_and_a_failure_are_audited(client, cast):
    _login(client, "vanthu.a", "sai-mat-khau-roi", address=ATTACKER)
    _login(client, "vanthu.a", cast.password)
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.client_address == ATTACKER and failed.summary["username"] == "vanthu.a"
    assert "password" not in str(failed.summary).lower() or "sai-mat-khau-roi" not in str(failed.summary)
    assert AuditEvent.objects.filter(action="auth.login_succeeded", actor_id=cast.clerk_a.pk).exists()


def test_the_session_gets_a_new_key_at_login_and_again_after_the_code(client, cast):
    secret = _enrolled(client, cast, "vanthu.a")
    client.get("/accounts/login/")
    before = client.session.session_key
    _login(client, "vanthu.a", cast.password)
    after_password = client.session.session_key
    client.post("/accounts/second-factor/", {"code": _code(secret, step=1)})
    assert len({before, after_password, client.session.session_key}) == 3
