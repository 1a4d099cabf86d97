"""Online dossiers before reception (issue 9 item 3): submitted at national status 1, checked by the
counter, then received (2), sent back for a supplement the applicant answers online (5 → 1), or
refused (3) — and nothing counts them as received before the counter does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chinhquyen.core.errors import DomainError, NotFound, PermissionDenied
from chinhquyen.core.testing_uploads import real_pdf
from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.models import Dossier, DossierStatus, Notification
from chinhquyen.dossiers.tests.conftest import CITIZEN, at, complete_components
from chinhquyen.organizations import services as org

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-rat-dai-2026!"
PDF = real_pdf()


def _applicant(username="an@example.test", id_number=CITIZEN.id_number):
    return org.create_applicant(
        username=username, full_name=CITIZEN.name, password=PASSWORD, identity_number=id_number, email=username
    ).account


def _submit(one_stop, account, procedure=None):
    procedure = procedure or one_stop.three_day
    return services.submit_online_dossier(
        procedure_code=procedure.code,
        applicant=CITIZEN,
        components=complete_components(procedure),
        receiving_agency=one_stop.cast.service_center,
        applicant_account=account,
    ).dossier


def _received_count(one_stop):
    rows = selectors.dossier_statistics(agency_ids=[one_stop.cast.agency_a.pk])
    return sum(r["received"] for r in rows)


def test_a_submission_waits_at_status_1_in_the_counters_queue_and_counts_nowhere(one_stop, fake_clock):
    fake_clock.set(at(2026, 3, 2, 20, 0))  # Monday evening, after office hours
    dossier = _submit(one_stop, _applicant())
    assert (dossier.status, dossier.national_status, dossier.is_received) == (DossierStatus.SUBMITTED, 1, False)
    assert dossier.code.startswith("000.00.03.H99-260302-")  # the code is given at once, to track it
    assert dossier.received_by is None
    assert Notification.objects.filter(dossier=dossier, kind="submitted").count() == 2  # e-mail and SMS
    assert not Notification.objects.filter(dossier=dossier, kind="receipt").exists()
    queue = list(selectors.officer_queue(one_stop.cast.counter_officer))
    assert [s.dossier_id for s in queue] == [dossier.pk]
    assert _received_count(one_stop) == 0
    assert selectors.overdue_dossiers(one_stop.cast.leader_a).count() == 0
    # the public tracking call says there is no appointment yet
    body = Client().get(f"/api/v1/public/dossiers/{dossier.code}/", {"id_number": CITIZEN.id_number}).json()
    assert (body["national_status"], body["due_at"], body["received_at"]) == (1, None, None)


def test_the_counter_receives_it_and_the_clock_starts_at_reception(one_stop, fake_clock):
    fake_clock.set(at(2026, 3, 2, 20, 0))
    dossier = _submit(one_stop, _applicant())
    fake_clock.set(at(2026, 3, 3, 9, 0))  # Tuesday 09:00
    with pytest.raises(PermissionDenied):
        services.receive_submitted_dossier(officer=one_stop.processing_a, dossier=dossier)
    with pytest.raises(PermissionDenied):
        services.receive_submitted_dossier(officer=one_stop.commune_counter, dossier=dossier)  # another agency's counter
    dossier = services.receive_submitted_dossier(officer=one_stop.cast.counter_officer, dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_status, dossier.is_received) == (DossierStatus.RECEIVED, 2, True)
    assert dossier.received_at == at(2026, 3, 3, 9, 0) and dossier.received_by == one_stop.cast.counter_officer
    assert dossier.due_at == at(2026, 3, 6, 9, 0)  # three working days from the reception, not from the submission
    assert dossier.original_due_at == dossier.due_at
    assert Notification.objects.filter(dossier=dossier, kind="receipt").count() == 2
    assert [e.action for e in dossier.events.order_by("at", "pk")] == ["submit", "receive"]
    assert [e.national_status for e in dossier.events.order_by("at", "pk")] == [1, 2]
    assert dossier.steps.get().handler == one_stop.cast.counter_officer
    assert _received_count(one_stop) == 1
    with pytest.raises(DomainError) as error:
        services.receive_submitted_dossier(officer=one_stop.cast.counter_officer, dossier=dossier)
    assert error.value.code == "dossier.wrong_state"


def test_a_supplement_before_reception_is_answered_online_and_is_not_a_processing_supplement(one_stop, fake_clock):
    account = _applicant()
    fake_clock.set(at(2026, 3, 2, 9, 0))
    dossier = _submit(one_stop, account)
    fake_clock.set(at(2026, 3, 2, 10, 0))
    services.request_supplement(
        officer=one_stop.cast.counter_officer, dossier=dossier, items=["Giấy chứng nhận sức khỏe (bản rõ nét)"], reason="Ảnh chụp mờ"
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_status, dossier.supplement_count) == (DossierStatus.SUPPLEMENT_REQUESTED, 5, 0)
    # nobody else may answer it; an empty answer is refused
    other = _applicant("binh@example.test", "017090005678")
    upload = services.ComponentData(None, 0, 0, SimpleUploadedFile("suc-khoe.pdf", PDF), "Giấy chứng nhận sức khỏe (bản rõ nét)")
    with pytest.raises(NotFound):
        services.answer_supplement(applicant=other, dossier=dossier, components=[upload])
    with pytest.raises(DomainError) as error:
        services.answer_supplement(applicant=account, dossier=dossier, components=[])
    assert error.value.code == "dossier.supplement_empty"
    fake_clock.set(at(2026, 3, 4, 15, 0))  # two days later
    services.answer_supplement(applicant=account, dossier=dossier, components=[upload])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_status, dossier.is_received) == (DossierStatus.SUBMITTED, 1, False)
    assert dossier.components.filter(supplement=True, name="Giấy chứng nhận sức khỏe (bản rõ nét)").exclude(file="").count() == 1
    assert dossier.pauses.get().ended_at == at(2026, 3, 4, 15, 0)
    # received the next morning: the full time from then, the wait before reception not counted
    fake_clock.set(at(2026, 3, 5, 8, 0))
    services.receive_submitted_dossier(officer=one_stop.cast.counter_officer, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.due_at == at(2026, 3, 10, 8, 0) and dossier.due_at_pause == dossier.due_at_restart == dossier.due_at
    assert dossier.supplement_count == 0  # the national index's "second supplement" counts processing requests only
    assert [e.national_status for e in dossier.events.order_by("at", "pk")] == [1, 5, 1, 2]


def test_a_supplement_after_reception_answered_online_restarts_the_time(one_stop, fake_clock):
    account = _applicant()
    fake_clock.set(at(2026, 3, 2, 9, 0))
    dossier = _submit(one_stop, account)
    services.receive_submitted_dossier(officer=one_stop.cast.counter_officer, dossier=dossier)
    fake_clock.set(at(2026, 3, 3, 9, 0))
    services.request_supplement(officer=one_stop.cast.counter_officer, dossier=dossier, items=["Ảnh màu 4x6"], reason="Thiếu ảnh")
    dossier.refresh_from_db()
    assert dossier.supplement_count == 1
    fake_clock.set(at(2026, 3, 4, 9, 0))
    upload = services.ComponentData(None, 0, 0, SimpleUploadedFile("anh.pdf", PDF), "Ảnh màu 4x6")
    services.answer_supplement(applicant=account, dossier=dossier, components=[upload])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_status) == (DossierStatus.IN_PROCESS, 4)
    assert dossier.due_at == at(2026, 3, 9, 9, 0)  # restart rule: three working days again from the supplement
    assert Notification.objects.filter(dossier=dossier, kind="supplement_received").count() == 2


def test_refused_before_reception_is_status_3_and_never_counted_as_received(one_stop, fake_clock):
    fake_clock.set(at(2026, 3, 2, 9, 0))
    dossier = _submit(one_stop, _applicant())
    with pytest.raises(DomainError) as error:
        services.refuse_dossier(officer=one_stop.cast.counter_officer, dossier=dossier, reason="")
    assert error.value.code == "dossier.reason_missing"
    services.refuse_dossier(officer=one_stop.cast.counter_officer, dossier=dossier, reason="Thủ tục không thuộc thẩm quyền")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_status, dossier.is_received) == (DossierStatus.REFUSED, 3, False)
    assert Notification.objects.filter(dossier=dossier, kind="refusal").count() == 2
    assert _received_count(one_stop) == 0


def test_the_counter_page_offers_receive_and_the_receipt_only_after_reception(client, one_stop, fake_clock):
    fake_clock.set(at(2026, 3, 2, 9, 0))
    dossier = _submit(one_stop, _applicant())
    client.force_login(one_stop.cast.counter_officer)
    page = client.get(f"/dossiers/{dossier.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="action-receive"' in html and 'data-testid="action-refuse"' in html
    assert 'data-testid="action-request-supplement"' in html
    assert 'data-testid="form-receipt"' not in html
    assert client.get(f"/dossiers/{dossier.code}/forms/receipt/").status_code == 400
    response = client.post(f"/dossiers/{dossier.code}/receive/", {"note": ""})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).national_status == 2
    html = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert 'data-testid="form-receipt"' in html and 'data-testid="action-receive"' not in html


def test_before_reception_no_processing_action_and_a_silent_applicant_can_be_refused(one_stop, fake_clock):
    from chinhquyen.dossiers.actions import allowed_actions

    fake_clock.set(at(2026, 3, 2, 9, 0))
    dossier = _submit(one_stop, _applicant())
    services.request_supplement(officer=one_stop.cast.counter_officer, dossier=dossier, items=["Ảnh"], reason="Thiếu ảnh")
    dossier.refresh_from_db()
    actions = allowed_actions(one_stop.cast.counter_officer, dossier)
    assert "stop" not in actions and "apologize" not in actions and "refuse" in actions
    for call in (
        lambda: services.stop_dossier(officer=one_stop.cast.counter_officer, dossier=dossier, reason="Dừng"),
        lambda: services.apologize_and_extend(
            officer=one_stop.cast.counter_officer, dossier=dossier, new_due_at=at(2026, 3, 20, 9), reason="Chậm"
        ),
    ):
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.code == "dossier.wrong_state"
    dossier.refresh_from_db()
    assert dossier.apology_sent_at is None and dossier.national_status == 5
    services.refuse_dossier(officer=one_stop.cast.counter_officer, dossier=dossier, reason="Không bổ sung trong thời hạn")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.national_status) == (DossierStatus.REFUSED, 3)


def test_a_received_dossier_waiting_for_a_supplement_is_not_refused_from_that_state(one_stop, fake_clock):
    fake_clock.set(at(2026, 3, 2, 9, 0))
    dossier = _submit(one_stop, _applicant())
    services.receive_submitted_dossier(officer=one_stop.cast.counter_officer, dossier=dossier)
    services.request_supplement(officer=one_stop.cast.counter_officer, dossier=dossier, items=["Ảnh"], reason="Thiếu ảnh")
    with pytest.raises(DomainError) as error:
        services.refuse_dossier(officer=one_stop.cast.counter_officer, dossier=dossier, reason="x")
    assert error.value.code == "dossier.wrong_state"


def test_the_reception_step_is_timed_from_the_reception(one_stop, fake_clock):
    fake_clock.set(at(2026, 3, 2, 20, 0))
    dossier = _submit(one_stop, _applicant())
    fake_clock.set(at(2026, 3, 3, 9, 0))
    services.receive_submitted_dossier(officer=one_stop.cast.counter_officer, dossier=dossier)
    step = dossier.steps.get()
    assert step.started_at == at(2026, 3, 3, 9, 0) and step.allotted_minutes > 0
