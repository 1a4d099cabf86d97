"""Login, lockout, the TOTP second factor, and the official's agency on the page."""

import datetime as dt
import re

import pyotp
import pytest
from django.test import override_settings
from django.utils import timezone

from chinhquyen.organizations import authentication, services
from chinhquyen.organizations.models import Account, LoginFailure, Role, TotpDevice
from chinhquyen.organizations.testing import enrol_totp

pytestmark = pytest.mark.django_db


def _login(client, username, password, next_url="/"):
    return client.post(f"/accounts/login/?next={next_url}", {"username": username, "password": password})


def _shown_key(page) -> str:
    return re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)


def test_the_login_page_is_in_vietnamese_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html and "Đăng nhập" in html


def test_a_clerk_logs_in_and_sees_their_agency_name(client, cast):
    response = _login(client, "vanthu.a", cast.password)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert cast.agency_a.name in home.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, cast):
    response = _login(client, "vanthu.a", "sai-mat-khau-roi")
    assert response.status_code == 400
    assert "không đúng" in response.content.decode()
    assert client.get("/").status_code == 302


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_repeated_failures_lock_the_user_name_from_that_address_even_with_the_right_password(client, cast):
    for _ in range(3):
        _login(client, "vanthu.a", "sai-mat-khau-roi")
    assert authentication.lock_ends(username="vanthu.a", address="127.0.0.1") > timezone.now()
    response = _login(client, "vanthu.a", cast.password)
    # The same answer as a wrong password: a lock does not tell that the account exists.
    assert response.status_code == 400 and "không đúng" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_the_lock_ends_after_its_time(client, cast):
    for _ in range(3):
        _login(client, "vanthu.a", "sai-mat-khau-roi")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert _login(client, "vanthu.a", cast.password).status_code == 302


def test_an_administrator_must_enrol_and_use_a_second_factor(client, cast):
    admin = services.create_official(username="quantri", full_name="Quản trị", password=cast.password)
    services.assign_role(official=admin, agency=cast.agency_a, role=Role.AGENCY_ADMIN, valid_from=dt.date(2020, 1, 1))
    response = _login(client, "quantri", cast.password)
    assert response["Location"].startswith("/accounts/second-factor/")
    # Held at the second-factor page until a code is given.
    assert client.get("/agencies/")["Location"] == "/accounts/second-factor/"
    page = client.get("/accounts/second-factor/")
    assert "<svg" in page.content.decode()
    secret = _shown_key(page)
    assert (
        client.post("/accounts/second-factor/", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"}).status_code == 400
    )
    # django-otp makes the next try wait 2^(n-1) s after n wrong codes: this user waits the second out.
    TotpDevice.objects.update(throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=2))
    response = client.post("/accounts/second-factor/", {"code": pyotp.TOTP(secret).now(), "next": "/agencies/"})
    assert response.status_code == 302 and response["Location"] == "/agencies/"
    assert client.get("/agencies/").status_code == 200
    assert Account.objects.get(username="quantri").totp_confirmed


def test_an_enrolled_official_is_asked_for_the_code_at_every_login(client, cast):
    secret = enrol_totp(Account.objects.get(username="vanthu.a"))
    _login(client, "vanthu.a", cast.password)
    assert client.get("/")["Location"] == "/accounts/second-factor/"
    client.post("/accounts/second-factor/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/").status_code == 200


def test_logout_needs_post_and_ends_the_session(client, cast):
    _login(client, "vanthu.a", cast.password)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_the_next_parameter_cannot_send_the_user_elsewhere(client, cast):
    response = _login(client, "vanthu.a", cast.password, next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_english_is_available(client, cast):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_a_province_admin_may_use_the_django_admin_and_a_clerk_may_not(client, cast):
    import pyotp

    admin = services.create_official(username="quantri.tinh", full_name="Quản trị tỉnh", password=cast.password)
    services.assign_role(official=admin, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=dt.date(2020, 1, 1))
    _login(client, "quantri.tinh", cast.password)
    secret = _shown_key(client.get("/accounts/second-factor/"))  # starts the enrolment
    client.post("/accounts/second-factor/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/admin/organizations/agency/").status_code == 200
    client.post("/accounts/logout/")
    _login(client, "vanthu.a", cast.password)
    response = client.get("/admin/organizations/agency/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_official_may_turn_on_the_second_factor(client, cast):
    _login(client, "vanthu.a", cast.password)
    response = client.post("/accounts/second-factor/enrol/")
    assert response["Location"] == "/accounts/second-factor/"
    secret = _shown_key(client.get("/accounts/second-factor/"))
    client.post("/accounts/second-factor/", {"code": pyotp.TOTP(secret).now()})
    assert Account.objects.get(username="vanthu.a").totp_confirmed
    client.post("/accounts/logout/")
    _login(client, "vanthu.a", cast.password)
    assert client.get("/")["Location"] == "/accounts/second-factor/"
