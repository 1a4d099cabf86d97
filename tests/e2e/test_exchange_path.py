"""Issue 7 "Done when": agency A's clerk issues a document to agency B in another deployment; B's
clerk registers it; A's page shows 01 then 03 — in Chromium.

What runs: one live server holding both agencies and the embedded hub. A and B are two
*deployments* in the exchange's sense: each has its own hub connector (HMAC secret) and the hub's
directory routes A's code to connector dep-a and B's to dep-b; A's document names B only by its
code (an outside recipient, no local agency), so nothing goes through documents' internal
delivery. The two exchange workers are the real delivery functions (`deliver`/`fetch_inbound`)
each talking to the hub over real HTTP with its own connector, run by the test between the
browser steps (instead of two `chinhquyen exchange worker` processes, to keep the browser lane
fast). Two separate databases and processes are covered by `tests/reliability/`.
"""

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


def test_a_issues_to_b_in_another_deployment_b_registers_and_a_sees_01_then_03(live_server, browser, tmp_path, settings):
    from chinhquyen.documents import hooks, services
    from chinhquyen.documents.integrations import exchange as wiring
    from chinhquyen.documents.integrations import install
    from chinhquyen.documents.models import IncomingDocument, OutgoingStatus
    from chinhquyen.documents.testing import make_office, pdf_bytes
    from chinhquyen.exchange import delivery, registry
    from chinhquyen.exchange.models import Outbox
    from chinhquyen.exchange.transports.hub import HubTransport
    from chinhquyen.hub import services as hub_services
    from chinhquyen.organizations.testing import make_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    registry.unregister_handlers()
    hooks.unregister_outgoing_transport(wiring.NAME)
    install()
    cast = make_cast()
    office = make_office(cast)
    for name, secret, agency in (("dep-a", "secret-a-0123456789", cast.agency_a), ("dep-b", "secret-b-0123456789", cast.agency_b)):
        connector = hub_services.create_connector(name=name, secret=secret)
        hub_services.upsert_agencies(agencies=[hub_services.AgencyInput(agency.code, agency.name, connector=connector.name)])
    worker_a = HubTransport(base_url=f"{live_server.url}/hub/api/v1/", connector="dep-a", secret="secret-a-0123456789")
    worker_b = HubTransport(base_url=f"{live_server.url}/hub/api/v1/", connector="dep-b", secret="secret-b-0123456789")

    def run_workers() -> None:
        for _round in range(3):
            for row in Outbox.objects.filter(state="pending").order_by("pk"):
                delivery.send_one(row, worker_a if row.sender_code == cast.agency_a.code else worker_b)
            delivery.fetch_inbound(worker_b)
            delivery.fetch_inbound(worker_a)

    # An approved document of A addressed to B by its code only (outside A's deployment).
    document = services.create_draft(
        actor=cast.specialist_a,
        agency=cast.agency_a,
        document_type="Công văn",
        subject="Về việc cử cán bộ tham dự hội nghị liên thông văn bản",
        draft=("cong-van.pdf", pdf_bytes(1, text="Cong van lien thong")),
        external_recipients=[(cast.agency_b.code, cast.agency_b.name)],
    )
    services.submit_draft(actor=cast.specialist_a, document=document)
    document.refresh_from_db()
    if document.status == OutgoingStatus.IN_REVIEW:
        services.review_draft(actor=office.unit_leader_x, document=document, accept=True)
    services.approve_document(actor=cast.leader_a, document=document)
    base = live_server.url
    outgoing_url = f"{base}/documents/outgoing/{document.pk}/"

    # 1. A's clerk issues it in the browser: the package waits in A's outbox.
    clerk_a = _login(browser, live_server, cast.clerk_a, cast.password)
    clerk_a.goto(outgoing_url)
    clerk_a.locator("form[action$='/issue/'] button").click()
    clerk_a.wait_for_url(outgoing_url)
    number = clerk_a.get_by_test_id("number").inner_text()
    assert "Số:" in number
    assert Outbox.objects.filter(kind="package", state="pending").count() == 1
    assert clerk_a.get_by_test_id("recipient-status").inner_text().count(cast.agency_b.code) == 1

    # 2. The workers carry it through the hub; 01 comes back on fetch.
    run_workers()
    clerk_a.reload()
    statuses = clerk_a.get_by_test_id("recipient-status").locator("li[data-status]")
    assert [statuses.nth(i).get_attribute("data-status") for i in range(statuses.count())] == ["01"]

    # 3. B's clerk finds it in "to register", with its metadata, and registers it.
    clerk_b = _login(browser, live_server, cast.clerk_b, cast.password)
    clerk_b.goto(f"{base}/documents/incoming/?list=to_register")
    received = IncomingDocument.objects.get(agency=cast.agency_b)
    written = number.replace("Số:", "").strip()
    clerk_b.get_by_test_id("incoming-list").get_by_role("link", name=written).click()
    clerk_b.wait_for_url(f"{base}/documents/incoming/{received.pk}/")
    assert "Về việc cử cán bộ tham dự hội nghị liên thông văn bản" in clerk_b.content()
    assert clerk_b.get_by_test_id("signature-report").count() == 1  # the PDF was validated on arrival
    clerk_b.locator("form[action$='/register/'] button").click()
    clerk_b.wait_for_url(f"{base}/documents/incoming/{received.pk}/")
    received.refresh_from_db()
    assert received.status == "registered"

    # 4. 03 goes back; A's page shows 01 then 03.
    run_workers()
    clerk_a.reload()
    statuses = clerk_a.get_by_test_id("recipient-status").locator("li[data-status]")
    assert [statuses.nth(i).get_attribute("data-status") for i in range(statuses.count())] == ["01", "03"]
