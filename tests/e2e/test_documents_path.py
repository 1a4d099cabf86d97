"""The whole path of the electronic office in Chromium (issue 4 "Done when"): a clerk registers a
paper document and presents it; the leader instructs with a deadline; a specialist completes it
with a reply draft; the leader approves; the clerk issues it with a number; the recipient
agency's clerk sees it in "to register"."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, account, password):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_register_present_instruct_reply_approve_issue_and_the_recipient_sees_it(live_server, browser, tmp_path, settings):
    from chinhquyen.documents.models import IncomingDocument
    from chinhquyen.documents.testing import pdf_bytes
    from chinhquyen.organizations import services as org
    from chinhquyen.organizations.models import UnitMembership
    from chinhquyen.organizations.testing import SINCE, make_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    cast = make_cast()
    unit = org.create_unit(agency=cast.agency_a, name="Văn phòng Sở", short_name="VP", valid_from=SINCE)
    UnitMembership.objects.create(official=cast.specialist_a, unit=unit, valid_from=SINCE)
    scan = tmp_path / "cong-van-den.pdf"
    scan.write_bytes(pdf_bytes(2))
    reply = tmp_path / "du-thao-tra-loi.pdf"
    reply.write_bytes(pdf_bytes(1))
    base = live_server.url

    # 1. The clerk registers the paper document with the keyboard, then presents it.
    clerk = _login(browser, live_server, cast.clerk_a, cast.password)
    clerk.goto(f"{base}/documents/incoming/new/")
    assert clerk.evaluate("document.activeElement.id") == "id_issuer_name"  # autofocus
    clerk.keyboard.type(cast.agency_b.name)
    clerk.keyboard.press("Tab")
    clerk.keyboard.type(cast.agency_b.code)
    clerk.keyboard.press("Tab")
    clerk.keyboard.type("45")
    clerk.keyboard.press("Tab")
    clerk.keyboard.type("STC-NS")
    clerk.locator("#id_issued_date").fill("02/03/2026")
    clerk.locator("#id_document_type").fill("Công văn")
    clerk.locator("#id_subject").fill("Về việc đề nghị báo cáo biên chế công chức năm 2026")
    clerk.locator("#id_scan").set_input_files(str(scan))
    clerk.locator("#id_code_number").press("Enter")
    clerk.wait_for_url(f"{base}/documents/incoming/*/")
    assert "Số: 01" in clerk.get_by_test_id("stamp").inner_text()
    assert "45/STC-NS" in clerk.locator("h1").inner_text()
    document_url = clerk.url
    clerk.locator("form[action$='/present/'] button").click()
    clerk.wait_for_url(document_url)
    assert IncomingDocument.objects.get().status == "presented"

    # 2. The leader finds it in "to instruct" and instructs with a deadline in working days.
    leader = _login(browser, live_server, cast.leader_a, cast.password)
    leader.goto(f"{base}/documents/incoming/?list=to_instruct")
    leader.get_by_test_id("incoming-list").get_by_role("link", name="45/STC-NS").click()
    leader.locator("#instruction").fill("Giao chuyên viên tham mưu trả lời")
    leader.locator("#lead_handler").select_option(str(cast.specialist_a.pk))
    leader.locator("#due_days").fill("3")
    leader.locator("form[action$='/instruct/'] button").click()
    leader.wait_for_url(document_url)
    assert leader.get_by_test_id("due").inner_text().strip()
    assert "Giao chuyên viên tham mưu trả lời" in leader.get_by_test_id("timeline").inner_text()

    # 3. The specialist completes it with a reply draft.
    specialist = _login(browser, live_server, cast.specialist_a, cast.password)
    specialist.goto(f"{base}/documents/incoming/?list=mine")
    specialist.get_by_test_id("incoming-list").get_by_role("link", name="45/STC-NS").click()
    specialist.locator("#complete-summary").fill("Đã dự thảo công văn trả lời")
    specialist.locator("#reply-subject").fill("Về việc báo cáo biên chế công chức năm 2026")
    specialist.locator("#reply-draft").set_input_files(str(reply))
    specialist.locator("form[action$='/complete/'] button").click()
    specialist.wait_for_url(document_url)
    assert IncomingDocument.objects.get().status == "completed"

    # 4. The leader approves the reply.
    leader.goto(f"{base}/documents/outgoing/?list=to_approve")
    leader.get_by_test_id("outgoing-list").get_by_role("link", name="Về việc báo cáo biên chế công chức năm 2026").click()
    outgoing_url = leader.url
    leader.locator("form[action$='/approve/'] button[value='1']").click()
    leader.wait_for_url(outgoing_url)

    # 5. The clerk sees it in "to issue" with its deadline, and issues it: the number is given.
    clerk.goto(f"{base}/documents/outgoing/?list=to_issue")
    row = clerk.get_by_test_id("outgoing-list").locator("tr", has_text="báo cáo biên chế")
    assert "/20" in row.inner_text()  # the "issue by" date
    row.get_by_role("link").first.click()
    clerk.locator("form[action$='/issue/'] button").click()
    clerk.wait_for_url(outgoing_url)
    assert clerk.get_by_test_id("number").inner_text().strip() == "Số: 01/SNV-VP"

    # 6. The recipient agency's clerk has it to register.
    recipient = _login(browser, live_server, cast.clerk_b, cast.password)
    recipient.goto(f"{base}/documents/incoming/?list=to_register")
    listed = recipient.get_by_test_id("incoming-list").inner_text()
    assert "01/SNV-VP" in listed and "báo cáo biên chế" in listed
    for page in (clerk, leader, specialist, recipient):
        page.context.close()
