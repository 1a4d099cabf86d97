"""axe-core (from npm) scans the officials' pages in Chromium: no serious or critical violation."""

from pathlib import Path

import pytest

from chinhquyen.organizations.testing import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def _serious_violations(page):
    # Through the DevTools protocol, not a <script> tag: the page's CSP refuses inline scripts (ADR 0037).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_the_login_page_has_no_serious_accessibility_violation(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    assert _serious_violations(page) == []


def test_the_officials_pages_have_no_serious_accessibility_violation(live_server, page):
    cast = make_cast()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("vanthu.a")
    page.get_by_label("Mật khẩu", exact=True).fill(cast.password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    for path in ("/", "/agencies/", f"/agencies/{cast.agency_a.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert _serious_violations(page) == [], path


def test_the_pages_work_on_a_phone_width(live_server, browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    phone = context.new_page()
    phone.goto(f"{live_server.url}/accounts/login/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 360


def test_the_administrators_pages_have_no_serious_accessibility_violation(live_server, page):
    import datetime as dt

    import pyotp

    from chinhquyen.organizations import services
    from chinhquyen.organizations.models import Role
    from chinhquyen.organizations.testing import enrol_totp

    cast = make_cast()
    admin = services.create_official(username="quantri.tinh", full_name="Quản trị tỉnh", password=cast.password)
    services.assign_role(official=admin, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=dt.date(2020, 1, 1))
    secret = enrol_totp(admin)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("quantri.tinh")
    page.get_by_label("Mật khẩu", exact=True).fill(cast.password)
    page.keyboard.press("Enter")
    page.get_by_label("Mã xác thực").fill(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    for path in ("/workdays/2026/", "/agencies/import/", "/accounts/second-factor/"):
        page.goto(f"{live_server.url}{path}")
        assert _serious_violations(page) == [], path
