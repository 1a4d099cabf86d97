"""The strict Content-Security-Policy (ADR 0037) leaves the pages working in Chromium: the API
documentation, the Django admin's forms and the language switch (a script from a static file).
The `page` fixture fails any test whose page had something blocked by the policy."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from chinhquyen.organizations import services
from chinhquyen.organizations.models import Account, Role
from chinhquyen.organizations.testing import enrol_totp, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base: str, username: str, password: str, totp_secret: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.keyboard.press("Enter")
    if totp_secret:
        page.get_by_label("Mã xác thực").fill(pyotp.TOTP(totp_secret).now())
        page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_the_policy_is_enforced_and_the_language_switch_still_works(live_server, page):
    cast = make_cast()
    _log_in(page, live_server.url, "vanthu.a", cast.password)
    response = page.goto(f"{live_server.url}/agencies/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "no-store" in response.headers["cache-control"]
    with page.expect_navigation():  # site.js submits the form on change; wait for that page, not the one loaded
        page.select_option("#language", "en")
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_api_documentation_renders_under_the_policy(live_server, page):
    cast = make_cast()
    _log_in(page, live_server.url, "vanthu.a", cast.password)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for(timeout=15000)


def test_the_admin_forms_work_under_the_policy(live_server, page):
    cast = make_cast()
    admin = services.create_official(username="quantri.tinh", full_name="Quản trị tỉnh", password=cast.password)
    services.assign_role(official=admin, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=dt.date(2020, 1, 1))
    Account.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    secret = enrol_totp(admin)
    _log_in(page, live_server.url, "quantri.tinh", cast.password, secret)

    page.goto(f"{live_server.url}/admin/organizations/position/add/")
    page.locator("#id_name").fill("Chánh Văn phòng")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/admin/organizations/position/")
    page.goto(f"{live_server.url}/admin/organizations/account/{cast.clerk_a.pk}/change/")
    page.locator("#id_username").wait_for()
