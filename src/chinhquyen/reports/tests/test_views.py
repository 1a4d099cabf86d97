"""Access to the dashboards, the drill-down from a figure to its records, the public page."""

from __future__ import annotations

import pytest
from django.test import Client

from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Role
from chinhquyen.organizations.testing import PASSWORD, SINCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_leader(cast):
    account = org.create_official(username="lanhdao.tinh", full_name="Ngô Văn Tỉnh", password=PASSWORD)
    org.assign_role(official=account, agency=cast.province, role=Role.LEADER, valid_from=SINCE)
    return account


def _client(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_a_province_leader_sees_every_agency_and_drills_down_to_the_records(office_world, province_leader):
    cast = office_world.cast
    client = _client(province_leader)
    page = client.get("/reports/", {"year": 2026, "month": 3})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="figure-VB_DEN_DIEN_TU"' in html and "80,0 %" in html
    assert cast.agency_a.name in html and cast.agency_b.name in html and "<svg" in html
    assert "/chi-so/?chi-tieu=VB_DEN_DIEN_TU" in html  # every figure links to its definition
    # The records are listed as the office lists them (issue 16 §4, ADR 0038): the province's leader
    # holds no role in agencies A and B, so their documents are counted, not named.
    records = client.get("/reports/records/VB_DEN_DIEN_TU/", {"year": 2026, "month": 3})
    assert records.status_code == 200 and records.content.decode().count("<tr><td>") == 0
    assert records.context["hidden"] == 4
    agency = client.get(f"/reports/agency/{cast.agency_a.pk}/", {"year": 2026, "month": 3})
    assert agency.status_code == 200 and "66,7 %" in agency.content.decode()
    only_a = client.get("/reports/records/VB_DEN_DIEN_TU/", {"year": 2026, "month": 3, "agency": cast.agency_a.pk})
    assert only_a.context["hidden"] == 2
    everything = client.get("/reports/records/VB_DEN_DIEN_TU/", {"year": 2026, "month": 3, "part": "all"})
    assert everything.context["hidden"] == 5


def test_an_agency_leader_drills_down_to_the_records_they_open_in_the_office(office_world):
    cast = office_world.cast
    client = _client(cast.leader_a)
    only_a = client.get("/reports/records/VB_DEN_DIEN_TU/", {"year": 2026, "month": 3, "agency": cast.agency_a.pk, "part": "all"})
    assert only_a.content.decode().count("<tr><td>") == 3 and only_a.context["hidden"] == 0
    assert "Về việc báo cáo số 101" in only_a.content.decode()


def test_an_agency_leader_sees_only_their_agency(office_world):
    cast = office_world.cast
    client = _client(cast.leader_a)
    assert client.get("/reports/").status_code == 302  # sent to their own agency's page
    assert client.get(f"/reports/agency/{cast.agency_a.pk}/", {"year": 2026}).status_code == 200
    assert client.get(f"/reports/agency/{cast.agency_b.pk}/").status_code == 403
    assert client.get("/reports/records/VB_DEN_DIEN_TU/", {"agency": cast.agency_b.pk}).status_code == 403
    assert client.get("/reports/records/VB_DEN_DIEN_TU/").status_code == 403  # the whole province
    assert client.get("/reports/export/yearly.xlsx").status_code == 403


def test_a_clerk_sees_no_figures(office_world):
    client = _client(office_world.cast.clerk_a)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/agency/{office_world.cast.agency_a.pk}/").status_code == 403


def test_the_public_page_shows_the_published_figures_without_a_login(office_world):
    page = Client().get("/chi-so/", {"year": 2026, "month": 3})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="figure-VB_DEN_DIEN_TU"' in html and "80,0 %" in html
    assert "766_TDGQ" not in html  # the estimates are not published: the portal's score is the official one
    assert "/reports/records/" not in html  # no drill-down to records in public
    definition = Client().get("/chi-so/", {"chi-tieu": "VB_DEN_DIEN_TU"})
    assert definition.status_code == 200 and "Nghị định 30/2020/NĐ-CP" in definition.content.decode()
    assert Client().get("/reports/").status_code in {302, 401, 403}
