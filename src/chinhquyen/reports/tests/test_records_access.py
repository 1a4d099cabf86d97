"""Issue 16 §4: the records behind a figure list exactly what the viewer may open in the office.

A secret document (any `secrecy`) is seen only by the keepers of its register and its handling
chain (`documents.access`); a leader outside that chain and the province administrator see it in
the drill-down at most as a number of records they cannot open — never its number or subject."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.test import Client

from chinhquyen.documents import services as documents
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Role
from chinhquyen.organizations.testing import PASSWORD, SINCE

from .conftest import _input

pytestmark = pytest.mark.django_db

SECRET_SUBJECT = "Về việc phương án bảo vệ mục tiêu trọng yếu MAT-7731"
SECRET_NUMBER = "7731"


@pytest.fixture
def secret_world(office_world):
    cast = office_world.cast
    secret = documents.register_incoming_document(
        actor=office_world.secret_clerk,
        agency=cast.agency_a,
        data=dataclasses.replace(_input(SECRET_NUMBER), subject=SECRET_SUBJECT, secrecy="secret"),
        source="electronic",
        at=dt.datetime(2026, 3, 9, 9, tzinfo=VIETNAM),
    ).document
    admin = org.create_official(username="quantri.tinh", full_name="Nguyễn Quốc Khánh", password=PASSWORD)
    org.assign_role(official=admin, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=SINCE)
    return office_world, secret, admin


def _page(account, path: str, **params) -> str:
    client = Client()
    client.force_login(account)
    response = client.get(path, {"year": 2026, "month": 3, **params})
    assert response.status_code in {200, 403}, response.status_code
    return response.content.decode()


def test_a_leader_outside_the_chain_does_not_see_a_secret_subject_in_the_records(secret_world):
    office, _secret, _admin = secret_world
    html = _page(office.cast.leader_a, "/reports/records/VB_DEN_DIEN_TU/", agency=office.cast.agency_a.pk, part="all")
    assert SECRET_SUBJECT not in html and f"{SECRET_NUMBER}/CV-BNV" not in html
    assert 'data-testid="records-hidden"' in html  # counted, not listed


def test_the_province_administrator_does_not_see_a_secret_subject_in_the_records(secret_world):
    office, _secret, admin = secret_world
    for params in ({"part": "all"}, {"part": "all", "agency": office.cast.agency_a.pk}, {}):
        html = _page(admin, "/reports/records/VB_DEN_DIEN_TU/", **params)
        assert SECRET_SUBJECT not in html and f"{SECRET_NUMBER}/CV-BNV" not in html
    for code in ("VB_DEN_VAO_SO_KIP_THOI", "VB_DEN_TRINH_KIP_THOI", "VB_DEN_DUNG_HAN"):
        assert SECRET_SUBJECT not in _page(admin, f"/reports/records/{code}/", part="all")


def test_the_keeper_of_the_secret_register_sees_it_in_the_records_as_in_the_office(secret_world):
    office, _secret, _admin = secret_world
    keeper = office.secret_clerk
    # The keeper is a clerk, who sees no figures: the rule is the office's, the door is the report's.
    org.assign_role(official=keeper, agency=office.cast.agency_a, role=Role.LEADER, valid_from=SINCE)
    html = _page(keeper, "/reports/records/VB_DEN_DIEN_TU/", agency=office.cast.agency_a.pk, part="all")
    assert SECRET_SUBJECT in html
