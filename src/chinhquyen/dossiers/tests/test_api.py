"""The API: counter intake, a dossier, its actions, the list, statistics; the public tracking call; access."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from chinhquyen.dossiers import services
from chinhquyen.dossiers.access import dossiers_visible_to
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.tests.conftest import at, receive

pytestmark = pytest.mark.django_db


def _intake_body(one_stop, **overrides):
    version = one_stop.three_day.versions.get()
    body = {
        "procedure_code": "1.000459",
        "applicant": {"name": "Trần Thị Bình", "id_number": "001190012345", "phone": "0987654321", "email": "binh@example.test"},
        "components": [
            {"component": c.pk, "originals": c.originals, "copies": c.copies} for c in version.required_components.all() if c.mandatory
        ],
    }
    body.update(overrides)
    return body


def test_counter_intake_through_the_api_answers_code_status_and_appointment(client, one_stop, fake_clock):
    client.force_login(one_stop.cast.counter_officer)
    response = client.post("/api/v1/dossiers/", _intake_body(one_stop), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "000.00.03.H99-260213-0001" and body["status"] == "received" and body["national_status"] == 2
    assert body["due_at"].startswith("2026-02-25T09:00:00")
    detail = client.get(f"/api/v1/dossiers/{body['code']}/").json()
    assert detail["competent_agency"] == "000.00.01.H99" and [s["position"] for s in detail["steps"]] == [1]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"procedure_code": "9.999999"}, "procedure.unknown"),
        ({"components": []}, "dossier.component_missing"),
        ({"applicant": {"name": "A", "id_number": "12-34"}}, "dossier.applicant_invalid"),
    ],
)
def test_bad_intake_answers_a_clear_refusal_and_saves_nothing(client, one_stop, fake_clock, overrides, code):
    client.force_login(one_stop.cast.counter_officer)
    response = client.post("/api/v1/dossiers/", _intake_body(one_stop, **overrides), content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == code and response.json()["message"]
    assert Dossier.objects.count() == 0


def test_actions_move_the_dossier_and_refusals_are_clear(client, one_stop, fake_clock):
    dossier = receive(one_stop)
    client.force_login(one_stop.cast.counter_officer)
    url = f"/api/v1/dossiers/{dossier.code}"
    assert client.post(f"{url}/hand-over/", {}, content_type="application/json").json()["status"] == "in_process"
    assert client.post(f"{url}/result-ready/", {}, content_type="application/json").status_code == 403  # not the counter's step
    client.force_login(one_stop.processing_a)
    body = client.post(f"{url}/request-supplement/", {"items": ["Ảnh 4x6"], "reason": "Thiếu ảnh"}, content_type="application/json").json()
    assert body["national_status"] == 5
    second = client.post(f"{url}/request-supplement/", {"items": ["x"], "reason": "y"}, content_type="application/json")
    assert second.status_code == 400 and second.json()["code"] == "dossier.wrong_state"
    assert client.post(f"{url}/teleport/", {}, content_type="application/json").status_code == 404


def test_lists_filter_silently_and_other_agencies_get_not_found(client, one_stop, fake_clock):
    dossier = receive(one_stop)
    cast = one_stop.cast
    for official, sees in [
        (cast.counter_officer, True),  # counter of the receiving agency
        (one_stop.processing_a, True),  # processing officer of the competent agency
        (cast.leader_a, True),  # leader of the competent agency
        (cast.clerk_a, False),  # a clerk is not a one-stop official
        (cast.specialist_a, False),
        (cast.clerk_b, False),
        (one_stop.commune_processing, False),  # another agency
        (cast.citizen.account, False),
    ]:
        assert dossiers_visible_to(official).filter(pk=dossier.pk).exists() is sees, official
        client.force_login(official)
        response = client.get(f"/api/v1/dossiers/{dossier.code}/")
        # A one-stop official of another agency gets "not found" (codes cannot be probed); anyone else "forbidden".
        assert response.status_code == (200 if sees else 404 if official == one_stop.commune_processing else 403)
        listed = client.get("/api/v1/dossiers/")
        codes = [d["code"] for d in listed.json().get("results", [])] if listed.status_code == 200 else []
        assert (dossier.code in codes) is sees
    client.logout()
    assert client.get(f"/api/v1/dossiers/{dossier.code}/").status_code == 401


def test_a_step_at_another_agency_lets_its_officers_see_the_dossier(one_stop, fake_clock):
    dossier = receive(one_stop, one_stop.inter)
    assert not dossiers_visible_to(one_stop.commune_processing).filter(pk=dossier.pk).exists()
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    services.hand_over(officer=one_stop.processing_a, dossier=dossier)  # → the commune
    assert dossiers_visible_to(one_stop.commune_processing).filter(pk=dossier.pk).exists()
    assert dossiers_visible_to(one_stop.commune_leader).filter(pk=dossier.pk).exists()


def test_public_tracking_needs_no_login_and_answers_404_alike(client, one_stop, fake_clock):
    cache.clear()
    dossier = receive(one_stop)
    ok = client.get(f"/api/v1/public/dossiers/{dossier.code}/", {"id_number": "017090001234"})
    assert ok.status_code == 200
    body = ok.json()
    assert body["code"] == dossier.code and body["national_status"] == 2 and body["history"][0]["national_status"] == 2
    assert "applicant_id_number" not in body
    wrong_id = client.get(f"/api/v1/public/dossiers/{dossier.code}/", {"id_number": "017090009999"})
    unknown = client.get("/api/v1/public/dossiers/000.00.03.H99-260213-9999/", {"id_number": "017090001234"})
    assert wrong_id.status_code == unknown.status_code == 404
    assert wrong_id.json() == unknown.json()


def test_public_tracking_reads_two_rows_sets(client, one_stop, fake_clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    dossier = receive(one_stop)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/public/dossiers/{dossier.code}/", {"id_number": "017090001234"}).status_code == 200
    # the dossier (with its procedure and agencies), its events; the rest are the rate limits' counters (ADR 0035)
    tables = [q["sql"] for q in queries.captured_queries if "chinhquyen_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    assert len(tables) == 2, tables
    cache.clear()


def test_public_tracking_is_rate_limited(client, one_stop, fake_clock, settings):
    cache.clear()
    settings.DOSSIER_TRACKING_RATE = "3/min"
    dossier = receive(one_stop)
    answers = [client.get(f"/api/v1/public/dossiers/{dossier.code}/", {"id_number": "1"}).status_code for _ in range(5)]
    assert answers == [404, 404, 404, 429, 429]
    cache.clear()


def test_the_applicant_rates_after_the_result(client, one_stop, fake_clock):
    cache.clear()
    dossier = receive(one_stop)
    url = f"/api/v1/public/dossiers/{dossier.code}/"
    early = client.post(url, {"id_number": "017090001234", "level": "satisfied"}, content_type="application/json")
    assert early.status_code == 400 and early.json()["code"] == "dossier.not_rateable"
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    services.mark_result_ready(officer=one_stop.processing_a, dossier=dossier)
    assert (
        client.post(
            url, {"id_number": "017090001234", "level": "very_satisfied", "comment": "Nhanh"}, content_type="application/json"
        ).status_code
        == 201
    )
    assert Dossier.objects.get(pk=dossier.pk).rating.points == 4
    assert (
        client.post(url, {"id_number": "017090001234", "level": "satisfied"}, content_type="application/json").json()["code"]
        == "dossier.rated_twice"
    )
    cache.clear()


def test_statistics_count_per_agency_with_the_766_counters(client, one_stop, fake_clock):
    done = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=done)
    services.mark_result_ready(officer=one_stop.processing_a, dossier=done)
    services.request_supplement(officer=one_stop.cast.counter_officer, dossier=receive(one_stop), items=["x"], reason="y")
    receive(one_stop)
    fake_clock.set(at(2026, 3, 2, 9))
    client.force_login(one_stop.cast.leader_a)
    rows = client.get("/api/v1/dossiers/statistics/", {"by": "agency"}).json()
    assert len(rows) == 1
    row = rows[0]
    assert (row["key"], row["received"], row["resolved"], row["resolved_early"], row["paused"], row["in_progress_overdue"]) == (
        "000.00.01.H99",
        3,
        1,
        1,
        1,
        1,
    )
    assert row["on_time_rate"] == 100.0 and row["online_share"] == 0.0
    by_month = client.get("/api/v1/dossiers/statistics/", {"by": "month"}).json()
    assert [r["key"] for r in by_month] == ["2026-02-01"]
    export = client.get("/dossiers/statistics/export/", {"by": "procedure"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(one_stop.commune_processing)
    assert client.get("/api/v1/dossiers/statistics/").json() == []
