"""A demo clerk logs in with the keyboard and sees their agency's name (issue 2)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo_clerk():
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    accounts = json.loads(out.getvalue())
    return next(a for a in accounts if a["roles"] == ["clerk"] or "clerk" in a["roles"])


def test_a_demo_clerk_logs_in_and_sees_their_agency(live_server, page):
    from chinhquyen.organizations.models import Agency

    clerk = _demo_clerk()
    agency_name = Agency.objects.filter(code=clerk["agency_code"]).order_by("-valid_from").first().name
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    page.get_by_label("Tên đăng nhập").fill(clerk["username"])
    page.get_by_label("Mật khẩu", exact=True).fill(clerk["password"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Việc của tôi").is_visible()
    assert agency_name in page.get_by_test_id("agency-name").first.inner_text()


def test_a_wrong_password_shows_an_error_in_vietnamese(live_server, page):
    clerk = _demo_clerk()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(clerk["username"])
    page.get_by_label("Mật khẩu", exact=True).fill("khong-phai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text().strip() == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_the_password_can_be_shown_while_typing(live_server, page):
    """ASVS 4.0.3 V2.1.12: a box shows the typed password (a script of ours; the CSP allows no inline one)."""
    page.goto(f"{live_server.url}/accounts/login/")
    field = page.get_by_label("Mật khẩu", exact=True)
    field.fill("mot-mat-khau")
    assert field.get_attribute("type") == "password"
    page.get_by_text("Hiện mật khẩu").click()  # USWDS draws the box on the label
    assert field.get_attribute("type") == "text"
    page.get_by_text("Hiện mật khẩu").click()
    assert field.get_attribute("type") == "password"
