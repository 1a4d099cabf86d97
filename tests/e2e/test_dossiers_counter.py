"""At the counter, in Chromium (issue 8): a 3-working-day procedure received on Friday 13/02/2026,
before Tết; the receipt shows the code and the appointment the calendar gives; hand-over to the
commune; supplement request and receipt; resolve; return; on time; the control slip lists every step."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from pdfminer.high_level import extract_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROCEDURE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: 3 working days, commune level (sample data)
WARD = "000.00.51.H44"  # Ủy ban nhân dân phường Hòa Bình (demo)


class Clock:
    def __init__(self, monkeypatch):
        from chinhquyen.dossiers import clock

        self.value = dt.datetime(2026, 2, 13, 9, 0, tzinfo=TZ)
        monkeypatch.setattr(clock, "now", lambda: self.value)

    def set(self, *args):
        self.value = dt.datetime(*args, tzinfo=TZ)


def _login(browser, live_server, username):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(settings.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


def _pdf_text(page, url):
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return " ".join(extract_text(io.BytesIO(response.body())).split())


def _act(page, live_server, code, action, fill=None):
    page.goto(f"{live_server.url}/dossiers/{code}/")
    form = page.get_by_test_id(f"action-{action}")
    for label, value in (fill or {}).items():
        form.locator(f"[name={label}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/dossiers/{code}/")
    assert page.get_by_test_id("action-error").count() == 0


def test_a_dossier_at_the_counter_from_intake_to_return_on_time(live_server, browser, monkeypatch):
    from chinhquyen.dossiers.models import Dossier
    from chinhquyen.procedures.models import Procedure

    call_command("load_demo", stdout=StringIO())
    clock = Clock(monkeypatch)
    counter = _login(browser, live_server, "motcua.ttpvhcc")

    # Intake in few keystrokes: type-ahead without accents, pick, tick the checklist.
    counter.goto(f"{live_server.url}/dossiers/counter/")
    counter.locator("#procedure-search").fill("tinh trang hon nhan")
    counter.locator(f'button[data-code="{PROCEDURE}"]').click()
    counter.get_by_test_id("components").wait_for()
    version = Procedure.objects.get(code=PROCEDURE).versions.get()
    for component in version.required_components.filter(mandatory=True):
        counter.locator(f"label[for=component_{component.pk}]").click()
        assert counter.locator(f"#component_{component.pk}").is_checked()
    counter.locator("#competent_agency").select_option(WARD)
    counter.locator("#applicant_name").fill("Phạm Thị Hoa")
    counter.locator("#applicant_id_number").fill("017190001234")
    counter.locator("#applicant_phone").fill("0912345678")
    counter.get_by_test_id("receive").click()
    counter.wait_for_url(f"{live_server.url}/dossiers/000.00.20.H44-260213-0001/")
    code = counter.get_by_test_id("dossier-code").inner_text()
    assert code == "000.00.20.H44-260213-0001"
    # Fri 13/02 09:00 + 3 working days, Tết 16–20/02 not worked: Wed 25/02 09:00.
    assert counter.get_by_test_id("due-at").inner_text() == "09:00 25/02/2026"
    receipt = _pdf_text(counter, f"{live_server.url}/dossiers/{code}/forms/receipt/")
    assert f"Mã hồ sơ: {code}" in receipt and "09 giờ 00 phút, ngày 25/02/2026" in receipt and "GIẤY TIẾP NHẬN HỒ SƠ" in receipt

    # Hand-over to the competent ward (province centre → commune).
    clock.set(2026, 2, 13, 10, 0)
    _act(counter, live_server, code, "hand-over")
    assert counter.get_by_test_id("national-status").inner_text() == "4"

    # The ward's officer asks for a supplement; the applicant brings it to the centre's counter.
    ward = _login(browser, live_server, "xuly.phuonghb")
    clock.set(2026, 2, 23, 9, 0)
    _act(ward, live_server, code, "request-supplement", {"items": "Bản sao căn cước còn hiệu lực", "reason": "Căn cước đã hết hạn"})
    assert ward.get_by_test_id("national-status").inner_text() == "5"
    clock.set(2026, 2, 23, 14, 0)
    _act(counter, live_server, code, "receive-supplement")
    # Restart rule (the default): 3 full working days from the complete dossier, Mon 14:00 → Thu 26/02 14:00.
    assert counter.get_by_test_id("due-at").inner_text() == "14:00 26/02/2026"

    # Appraisal, the chairman's approval, result ready, return at the counter.
    clock.set(2026, 2, 25, 10, 0)
    _act(ward, live_server, code, "hand-over")
    leader = _login(browser, live_server, "lanhdao.phuonghb")
    clock.set(2026, 2, 26, 10, 0)
    _act(leader, live_server, code, "result-ready")
    clock.set(2026, 2, 26, 15, 0)
    _act(counter, live_server, code, "return-result")
    assert counter.get_by_test_id("national-status").inner_text() == "10"
    assert counter.get_by_test_id("timeliness").get_attribute("data-value") == "on_time"
    assert Dossier.objects.get(code=code).timeliness == "on_time"

    slip = _pdf_text(counter, f"{live_server.url}/dossiers/{code}/forms/control_slip/")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip
    for step in ("Tiếp nhận và chuyển hồ sơ", "Thẩm định, giải quyết hồ sơ", "Ký duyệt kết quả", "Trả kết quả"):
        assert step in slip, step
    assert "Trung tâm Phục vụ hành chính công tỉnh Phú Thọ" in slip and "Ủy ban nhân dân phường Hòa Bình" in slip
    assert "Kết quả giải quyết hồ sơ: Đúng hạn" in slip
