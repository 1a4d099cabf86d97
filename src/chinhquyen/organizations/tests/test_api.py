"""The API: tokens, JSON errors in Vietnamese, the agency directory as of a date."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from chinhquyen.organizations import services
from chinhquyen.organizations.models import AgencyLevel, SuccessionKind
from chinhquyen.organizations.tests.factories import make_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast):
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "vanthu.a", "password": cast.password}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_given_for_a_right_password_and_opens_the_api(api, cast):
    me = api.get("/api/v1/me/").json()
    assert me["username"] == "vanthu.a"
    assert me["roles"] == [
        {
            "role": "clerk",
            "agency_code": cast.agency_a.code,
            "agency_name": cast.agency_a.name,
            "valid_from": "2020-01-01",
            "valid_to": None,
        }
    ]


def test_a_wrong_password_gets_a_json_error_in_vietnamese(cast):
    response = APIClient().post("/api/v1/auth/token/", {"username": "vanthu.a", "password": "sai"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": "auth.invalid_credentials", "message": "Tên đăng nhập hoặc mật khẩu không đúng.", "fields": {}}


def test_a_missing_field_names_the_field(cast):
    body = APIClient().post("/api/v1/auth/token/", {"username": "vanthu.a"}, format="json").json()
    assert body["code"] == "invalid" and "password" in body["fields"] and body["message"] == "Dữ liệu gửi lên không hợp lệ."


def test_the_api_refuses_anonymous_callers_with_a_json_error():
    response = APIClient().get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.not_authenticated" and response.json()["message"] == "Cần đăng nhập."


def test_the_agency_directory_answers_as_of_a_date(api, cast):
    old = make_agency(code="000.00.40.H99", level=AgencyLevel.PROVINCE, valid_from=dt.date(2010, 1, 1), valid_to=dt.date(2019, 12, 31))
    codes_2019 = {a["code"] for a in api.get("/api/v1/agencies/?as_of=2019-06-01&page_size=200").json()["results"]}
    codes_today = {a["code"] for a in api.get("/api/v1/agencies/").json()["results"]}
    assert old.code in codes_2019 and old.code not in codes_today
    assert cast.agency_a.code in codes_today


def test_a_bad_date_is_refused_with_the_field(api):
    response = api.get("/api/v1/agencies/?as_of=31/12/2019")
    assert response.status_code == 400 and "as_of" in response.json()["fields"]


def test_the_directory_is_paginated_by_key(api, cast):
    for i in range(5):
        make_agency(code=f"000.00.{50 + i}.H99", parent=cast.province, valid_from=dt.date(2020, 1, 1))
    first = api.get("/api/v1/agencies/?page_size=3").json()
    second = api.get(first["next"]).json()
    assert len(first["results"]) == 3 and "cursor=" in first["next"]
    assert not {a["id"] for a in first["results"]} & {a["id"] for a in second["results"]}


def test_the_directory_query_count_does_not_grow_with_the_page(api, cast):
    for i in range(10):
        make_agency(code=f"000.00.{60 + i}.H99", parent=cast.province, valid_from=dt.date(2020, 1, 1))
    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/agencies/?page_size=2")
    with CaptureQueriesContext(connection) as large:
        api.get("/api/v1/agencies/?page_size=14")
    assert len(large) == len(small) <= 4


def test_an_agency_shows_its_current_successor(api, cast):
    old = make_agency(code="000.00.41.H99", parent=cast.province, valid_from=dt.date(2020, 1, 1))
    services.record_succession(
        predecessors=[old], successors=[cast.agency_a], kind=SuccessionKind.MERGER, effective_date=dt.date(2025, 7, 1)
    )
    body = api.get(f"/api/v1/agencies/{old.pk}/").json()
    assert body["valid_to"] == "2025-06-30"
    assert body["current_successors"] == [{"id": cast.agency_a.pk, "code": cast.agency_a.code, "name": cast.agency_a.name}]


def test_an_unknown_agency_is_a_json_404(api):
    response = api.get("/api/v1/agencies/999999/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_applicant_cannot_read_the_directory(cast):
    # Issue 16 finding 8: an applicant gets no token at all (the token endpoint is an officials' door).
    response = APIClient().post("/api/v1/auth/token/", {"username": "congdan", "password": cast.password}, format="json")
    assert response.status_code == 400 and "token" not in response.json()
    client = APIClient()
    client.force_authenticate(cast.citizen.account)
    assert client.get(f"/api/v1/agencies/{cast.agency_a.pk}/").status_code == 403


def test_the_openapi_schema_and_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200
