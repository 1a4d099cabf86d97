"""The calendar page /workdays/<year>/ (province administrators)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from chinhquyen.organizations import services as org_services
from chinhquyen.organizations.models import Role
from chinhquyen.workdays.engine import is_working_day, year_status


@pytest.fixture
def admin_client(cast) -> Client:  # type: ignore[no-untyped-def]
    org_services.assign_role(official=cast.leader_a, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=dt.date(2020, 1, 1))
    client = Client()
    client.force_login(cast.leader_a)
    return client


def test_a_clerk_cannot_open_the_calendar_page(client: Client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.clerk_a)
    assert client.get("/workdays/2026/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get("/workdays/2026/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_the_year_as_a_month_grid_with_each_days_kind(admin_client: Client) -> None:
    response = admin_client.get("/workdays/2026/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<caption>") >= 12
    assert 'id="day-2026-04-27" class="bg-accent-warm-lighter" data-kind="compensation" data-working="0"' in html
    assert 'id="day-2026-01-10" class="bg-primary-lighter" data-kind="swap_workday" data-working="1"' in html
    assert 'data-testid="year-warning"' not in html


def test_a_day_link_prefills_the_form(admin_client: Client) -> None:
    html = admin_client.get("/workdays/2026/?day=2026-04-27").content.decode()
    assert 'value="2026-04-27"' in html and '<option value="compensation" selected>' in html


def test_changing_a_days_kind_on_the_page_changes_deadlines(admin_client: Client) -> None:
    response = admin_client.post(
        "/workdays/2026/", {"action": "set_day", "date": "2026-03-09", "kind": "holiday", "name": "Ngày thử", "legal_reference": "QĐ thử"}
    )
    assert response.status_code == 302
    assert not is_working_day(dt.date(2026, 3, 9))


def test_an_invalid_change_is_shown_beside_the_field(admin_client: Client) -> None:
    response = admin_client.post("/workdays/2026/", {"action": "set_day", "date": "2026-03-09", "kind": "swap_workday", "name": ""})
    assert response.status_code == 400
    assert "workdays.swap_not_weekend" in response.content.decode()
    assert is_working_day(dt.date(2026, 3, 9))


def test_a_year_not_stored_shows_a_warning_and_can_be_stored_then_confirmed(admin_client: Client) -> None:
    html = admin_client.get("/workdays/2027/").content.decode()
    assert 'data-testid="year-warning"' in html and 'value="propose"' in html
    admin_client.post("/workdays/2027/", {"action": "propose"})
    assert year_status(2027).source == "proposal"
    html = admin_client.get("/workdays/2027/").content.decode()
    assert 'data-testid="year-warning"' in html and 'value="confirm"' in html
    admin_client.post("/workdays/2027/", {"action": "confirm"})
    assert year_status(2027).confirmed
    assert 'data-testid="year-warning"' not in admin_client.get("/workdays/2027/").content.decode()


def test_the_index_lists_years_and_the_export_downloads_json(admin_client: Client) -> None:
    assert "2026" in admin_client.get("/workdays/").content.decode()
    response = admin_client.get("/workdays/2026/export.json")
    assert response.status_code == 200 and response.json()["year"] == 2026
