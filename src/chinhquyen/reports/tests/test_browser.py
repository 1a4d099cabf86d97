"""In Chromium: a province leader opens the dashboard and drills down from a figure to the records
behind it; the public page shows the published figures without a login."""

from __future__ import annotations

import os
import shutil

import pytest

from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Role
from chinhquyen.organizations.testing import PASSWORD, SINCE

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server with Playwright's sync API (DESIGN.md)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def test_a_province_leader_drills_down_and_the_public_sees_the_published_figures(office_world, live_server, chromium):
    leader = org.create_official(username="lanhdao.tinh", full_name="Ngô Văn Tỉnh", password=PASSWORD)
    org.assign_role(official=leader, agency=office_world.cast.province, role=Role.LEADER, valid_from=SINCE)
    context = chromium.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao.tinh")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/?year=2026&month=3")
    figure = page.get_by_test_id("figure-VB_DEN_DIEN_TU")
    assert "80,0 %" in figure.inner_text()
    figure.get_by_test_id("records-VB_DEN_DIEN_TU").click()
    page.wait_for_url("**/reports/records/VB_DEN_DIEN_TU/**")
    # The province's leader opens none of the agencies' documents in the office: counted, not listed (ADR 0038).
    assert "4" in page.get_by_test_id("records-hidden").inner_text()
    context.close()
    public = chromium.new_context(locale="vi-VN").new_page()
    public.goto(f"{live_server.url}/chi-so/?year=2026&month=3")
    assert "80,0 %" in public.get_by_test_id("figure-VB_DEN_DIEN_TU").inner_text()
    assert public.get_by_test_id("figure-766_TDGQ").count() == 0
    public.get_by_test_id("figure-VB_DEN_DIEN_TU").get_by_role("link").first.click()
    assert "Nghị định 30/2020/NĐ-CP" in public.get_by_test_id("definition").inner_text()
