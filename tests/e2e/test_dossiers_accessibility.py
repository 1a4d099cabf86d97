"""axe-core scans the one-stop pages in Chromium: no serious or critical violation (UI.md)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.e2e.test_accessibility import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_one_stop_pages_have_no_serious_accessibility_violation(live_server, page):
    from chinhquyen.dossiers.services import ApplicantData, ComponentData, receive_dossier
    from chinhquyen.organizations.models import Account, Agency
    from chinhquyen.procedures.models import Procedure

    call_command("load_demo", stdout=StringIO())
    officer = Account.objects.get(username="motcua.ttpvhcc")
    version = Procedure.objects.get(code="1.000459").versions.get()
    dossier = receive_dossier(
        officer=officer,
        procedure_code="1.000459",
        applicant=ApplicantData(name="Phạm Thị Hoa", id_number="017190001234"),
        components=[ComponentData(c.pk, c.originals, c.copies) for c in version.required_components.all()],
        receiving_agency=Agency.objects.get(code="000.00.20.H44", valid_to__isnull=True),
    ).dossier
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("motcua.ttpvhcc")
    page.get_by_label("Mật khẩu", exact=True).fill(settings.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    for path in (
        "/dossiers/counter/",
        "/dossiers/queue/",
        f"/dossiers/{dossier.code}/",
        "/dossiers/statistics/",
        "/procedures/",
        "/procedures/1.000459/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert _serious_violations(page) == [], path
    page.goto(f"{live_server.url}/dossiers/counter/")
    page.locator("#procedure-search").fill("giay phep lao dong")
    page.locator('button[data-code="1.000459"]').click()
    page.get_by_test_id("components").wait_for()
    assert _serious_violations(page) == [], "counter with the checklist"
    page.goto(f"{live_server.url}/tra-cuu-ho-so/?code={dossier.code}")
    assert _serious_violations(page) == [], "public tracking"
