"""Malformed input at the counter, the dossier actions and the statistics (issue 16, finding 11).

Every value comes from the wire: a form or a serializer bounds it, and the service refuses it
again with a DomainError, so neither a page nor the API answers 500 or stores it.
"""

from __future__ import annotations

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, FeePayment
from chinhquyen.dossiers.services import ApplicantData
from chinhquyen.dossiers.tests.conftest import CITIZEN, receive

pytestmark = pytest.mark.django_db

HUGE = 10**40


def _counter_post(one_stop, **overrides):
    version = one_stop.three_day.versions.get()
    data = {
        "procedure_code": "1.000459",
        "applicant_kind": "citizen",
        "applicant_name": "Lê Văn Cường",
        "applicant_id_number": "001090012345",
        "return_method": "counter",
    }
    for c in version.required_components.all():
        if c.mandatory:
            data[f"component_{c.pk}"] = "1"
        data[f"originals_{c.pk}"] = str(c.originals)
        data[f"copies_{c.pk}"] = str(c.copies)
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides",
    [
        {"return_method": "teleport"},
        {"applicant_name": "A" * 20_000},
        {"applicant_name": "Lê\x00Văn"},
        {"applicant_address": "x" * 20_000},
        {"applicant_kind": "martian"},
        {"receiving_agency": "abc"},
        {"receiving_agency": "1" * 30},
        {"procedure_code": "\x00" * 3},
    ],
)
def test_the_counter_page_refuses_malformed_values_and_stores_nothing(client, one_stop, fake_clock, overrides):
    client.force_login(one_stop.cast.counter_officer)
    response = client.post("/dossiers/counter/", _counter_post(one_stop, **overrides))
    assert response.status_code == 400
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("bad", ["abc", "1" * 30, "-1", str(HUGE)])
def test_the_counter_page_refuses_malformed_counts(client, one_stop, fake_clock, bad):
    client.force_login(one_stop.cast.counter_officer)
    version = one_stop.three_day.versions.get()
    first = version.required_components.first()
    response = client.post("/dossiers/counter/", _counter_post(one_stop, **{f"originals_{first.pk}": bad}))
    assert response.status_code == 400
    assert Dossier.objects.count() == 0


def _api_body(one_stop, **overrides):
    version = one_stop.three_day.versions.get()
    body = {
        "procedure_code": "1.000459",
        "applicant": {"name": "Trần Thị Bình", "id_number": "001190012345"},
        "components": [
            {"component": c.pk, "originals": c.originals, "copies": c.copies} for c in version.required_components.all() if c.mandatory
        ],
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    "overrides",
    [
        {"return_method": "teleport"},
        {"applicant": {"name": "A" * 20_000, "id_number": "001190012345"}},
        {"applicant": {"name": "Bình\x00", "id_number": "001190012345"}},
        {"components": [{"component": HUGE, "originals": 1, "copies": 0}]},
        {"components": [{"component": 1, "originals": HUGE, "copies": 0}]},
        {"receiving_agency": "x" * 20_000},
    ],
)
def test_the_intake_api_refuses_malformed_values_with_a_vietnamese_field_error(client, one_stop, fake_clock, overrides):
    client.force_login(one_stop.cast.counter_officer)
    response = client.post("/api/v1/dossiers/", _api_body(one_stop, **overrides), content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["fields"], body
    messages = [m for ms in body["fields"].values() for m in ms]
    assert all(isinstance(m, str) and "ErrorDetail" not in m and not m.startswith(("[", "{")) for m in messages), body
    assert Dossier.objects.count() == 0


def test_nested_api_errors_are_flattened_to_readable_paths_in_vietnamese(client, one_stop, fake_clock):
    client.force_login(one_stop.cast.counter_officer)
    body = _api_body(one_stop, applicant={"id_number": "001190012345"}, components=[{"component": "abc"}])
    response = client.post("/api/v1/dossiers/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) >= {"applicant.name", "components[0].component"}, fields
    assert fields["applicant.name"] == ["Trường này là bắt buộc."]
    assert all(isinstance(m, str) and "ErrorDetail" not in m and not m.startswith(("[", "{")) for ms in fields.values() for m in ms)


@pytest.mark.parametrize("amount", [str(HUGE), "1" * 30, "-5", "abc"])
@pytest.mark.parametrize("action", ["request-payment", "record-payment"])
def test_payment_actions_refuse_an_amount_out_of_range(client, one_stop, fake_clock, amount, action):
    dossier = receive(one_stop)
    client.force_login(one_stop.cast.counter_officer)
    client.post(f"/dossiers/{dossier.code}/hand-over/", {})
    client.force_login(one_stop.processing_a)
    page = client.post(f"/dossiers/{dossier.code}/{action}/", {"amount": amount, "method": "cash"})
    assert 400 <= page.status_code < 500
    api = client.post(f"/api/v1/dossiers/{dossier.code}/{action}/", {"amount": HUGE, "method": "cash"}, content_type="application/json")
    assert 400 <= api.status_code < 500
    assert not FeePayment.objects.exists()


def test_the_services_refuse_what_no_form_should_let_through(one_stop, fake_clock):
    for applicant in (
        ApplicantData(name="A" * 20_000, id_number="001190012345"),
        ApplicantData(name="Bình\x00", id_number="001190012345"),
        ApplicantData(name="Bình", id_number="001190012345", address="x\x00"),
    ):
        with pytest.raises(DomainError):
            receive(one_stop, applicant=applicant)
    with pytest.raises(DomainError) as refused:
        receive(one_stop, return_method="teleport")
    assert refused.value.code == "dossier.return_method_invalid"
    dossier = receive(one_stop, applicant=CITIZEN)
    with pytest.raises(DomainError) as refused:
        services.record_payment(officer=one_stop.cast.counter_officer, dossier=dossier, amount=HUGE, method="cash")
    assert refused.value.code == "dossier.amount_invalid"
    with pytest.raises(DomainError):
        services.request_payment(officer=one_stop.cast.counter_officer, dossier=dossier, amount=HUGE, reason="Phí")
    with pytest.raises(DomainError):
        services.request_supplement(officer=one_stop.cast.counter_officer, dossier=dossier, items=["a\x00"], reason="x" * 20_000)


@pytest.mark.parametrize(
    "query",
    [
        {"agency": "abc"},
        {"agency": "1" * 30},
        {"from": "2026-02-30"},
        {"to": "1" * 30},
        {"by": "\x00"},
    ],
)
@pytest.mark.parametrize("path", ["/dossiers/statistics/", "/dossiers/statistics/export/", "/dossiers/tracking-book/"])
def test_statistics_and_the_tracking_book_never_answer_500(client, one_stop, fake_clock, path, query):
    client.force_login(one_stop.cast.leader_a)
    assert client.get(path, query).status_code < 500
    client.force_login(one_stop.cast.counter_officer)
    assert client.get(path, query).status_code < 500
