"""GET /api/v1/workdays/due/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

URL = "/api/v1/workdays/due/"


@pytest.fixture
def api(cast) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(cast.clerk_a)
    return client


def test_it_returns_the_due_time(api: APIClient) -> None:
    response = api.get(URL, {"from": "2026-02-13T10:00", "days": "1"})
    assert response.status_code == 200
    assert response.json() == {"due_at": "2026-02-23T10:00:00+07:00"}


def test_it_takes_hours_and_a_cutoff(api: APIClient) -> None:
    assert api.get(URL, {"from": "2026-03-02T16:00", "hours": "2"}).json()["due_at"] == "2026-03-03T08:30:00+07:00"
    due = api.get(URL, {"from": "2026-03-02T15:30:00+07:00", "days": "1", "cutoff": "15:00"}).json()["due_at"]
    assert due == "2026-03-03T17:00:00+07:00"


def test_it_uses_the_agency_hours(api: APIClient, cast) -> None:  # type: ignore[no-untyped-def]
    from chinhquyen.workdays.services import set_working_hours

    set_working_hours(agency=cast.agency_b, weekdays=range(5), periods=[("08:00", "12:00"), ("13:30", "17:30")])
    due = api.get(URL, {"from": "2026-03-02T12:00", "hours": "1", "agency": cast.agency_b.code}).json()["due_at"]
    assert due == "2026-03-02T14:30:00+07:00"


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"from": "yesterday", "days": "1"}, 400, "workdays.instant_invalid", "from"),
        ({"from": "2026-02-13T10:00"}, 400, "workdays.amount_missing", "days"),
        ({"from": "2026-02-13T10:00", "days": "-2"}, 400, "workdays.amount_negative", "days"),
        ({"from": "2026-02-13T10:00", "days": "x"}, 400, "workdays.amount_invalid", "days"),
        ({"from": "2026-02-13T10:00", "days": "1", "cutoff": "25:00"}, 400, "workdays.cutoff_invalid", "cutoff"),
        ({"from": "2026-02-13T10:00", "days": "1", "agency": "nope"}, 404, "workdays.agency_unknown", "agency"),
    ],
)
def test_bad_input_is_refused_with_code_message_and_field(
    api: APIClient, params: dict[str, str], status: int, code: str, field: str
) -> None:
    response = api.get(URL, params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and body["message"] and field in body["fields"]


def test_it_needs_authentication() -> None:
    response = APIClient().get(URL, {"from": "2026-02-13T10:00", "days": "1"})
    assert response.status_code == 401
