"""Intake, codes, appointments, supplement rules, hand-overs, timeliness, apology, refusals (issue 8)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import AuditEvent
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierCounter, DossierEvent, DossierStatus, Notification
from chinhquyen.dossiers.selectors import needs_apology_prompt, officer_queue, overdue_dossiers
from chinhquyen.dossiers.services import ApplicantData, ComponentData
from chinhquyen.dossiers.tests.conftest import CITIZEN, at, complete_components, receive
from chinhquyen.dossiers.tests.test_results import blank_pdf

pytestmark = pytest.mark.django_db


def test_a_three_day_dossier_received_on_friday_before_tet_is_due_after_tet(one_stop, fake_clock):
    # Fri 13/02/2026 09:00 + 3 working days; Tết 16–20/02 is not worked (the shipped 2026 calendar).
    dossier = receive(one_stop)
    assert dossier.code == "000.00.03.H99-260213-0001"
    assert dossier.due_at == at(2026, 2, 25, 9, 0)
    assert dossier.status == DossierStatus.RECEIVED and dossier.national_status == 2
    assert dossier.competent_agency == one_stop.cast.agency_a
    assert dossier.form_set == "2025"


def test_codes_are_sequential_per_receiving_agency_and_day(one_stop, fake_clock):
    codes = [receive(one_stop).code for _ in range(3)]
    assert codes == [f"000.00.03.H99-260213-000{n}" for n in (1, 2, 3)]
    other = receive(one_stop, one_stop.same_day, officer=one_stop.commune_counter, agency=one_stop.commune)
    assert other.code == "000.00.51.H99-260213-0001"
    fake_clock.set(at(2026, 2, 23, 8, 0))
    assert receive(one_stop).code == "000.00.03.H99-260223-0001"


def test_a_dossier_received_after_15_is_passed_on_at_the_start_of_the_next_working_day(one_stop, fake_clock):
    fake_clock.set(at(2026, 2, 12, 15, 30))  # Thursday
    dossier = services.receive_dossier(
        officer=one_stop.cast.counter_officer,
        procedure_code="1.000459",
        applicant=CITIZEN,
        components=complete_components(one_stop.three_day),
        receiving_agency=one_stop.cast.service_center,
    )
    assert dossier.dossier.status == DossierStatus.PENDING_TRANSFER and dossier.dossier.national_status == 2
    assert dossier.dossier.transfer_due_at == at(2026, 2, 13, 8, 30)
    assert dossier.warnings


def test_a_same_day_procedure_received_after_its_cutoff_starts_the_next_working_day(one_stop, fake_clock):
    fake_clock.set(at(2026, 2, 12, 15, 10))
    dossier = receive(one_stop, one_stop.same_day, officer=one_stop.commune_counter, agency=one_stop.commune)
    assert dossier.clock_started_at == at(2026, 2, 13, 7, 30)
    assert dossier.due_at == at(2026, 2, 13, 11, 30)
    fake_clock.set(at(2026, 2, 12, 9, 0))
    early = receive(one_stop, one_stop.same_day, officer=one_stop.commune_counter, agency=one_stop.commune)
    assert early.due_at == at(2026, 2, 12, 14, 30)


def _to_processing(one_stop, dossier, when):
    return services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)


def test_restart_rule_counts_the_time_limit_again_from_the_complete_dossier(one_stop, fake_clock):
    dossier = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    fake_clock.set(at(2026, 2, 23, 9))
    services.request_supplement(
        officer=one_stop.processing_a, dossier=dossier, items=["Giấy chứng nhận sức khỏe còn hạn"], reason="Hết hạn"
    )
    fake_clock.set(at(2026, 2, 24, 14))
    dossier = services.receive_supplement(officer=one_stop.cast.counter_officer, dossier=dossier)
    # Decree 61/2018 art. 19.4: 3 full working days from Tue 24/02 14:00 → Fri 27/02 14:00.
    assert dossier.due_at == dossier.due_at_restart == at(2026, 2, 27, 14, 0)
    # The pause rule, stored alongside: the original 25/02 09:00 plus the waiting time (Mon 09:00 → Tue 14:00 = 11.5 working hours).
    assert dossier.due_at_pause == at(2026, 2, 26, 14, 0)
    assert dossier.status == DossierStatus.IN_PROCESS and dossier.national_status == 4


def test_pause_rule_subtracts_the_waiting_time(one_stop, fake_clock):
    dossier = receive(one_stop, one_stop.three_day_pause)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    fake_clock.set(at(2026, 2, 23, 9))
    services.request_supplement(officer=one_stop.processing_a, dossier=dossier, items=["Ảnh"], reason="Thiếu ảnh")
    fake_clock.set(at(2026, 2, 24, 14))
    dossier = services.receive_supplement(officer=one_stop.cast.counter_officer, dossier=dossier)
    assert dossier.due_at == dossier.due_at_pause == at(2026, 2, 26, 14, 0)
    assert dossier.due_at_restart == at(2026, 2, 27, 14, 0)
    assert list(dossier.pauses.values_list("started_at", "ended_at")) == [(at(2026, 2, 23, 9), at(2026, 2, 24, 14))]


def test_the_national_status_code_at_each_transition(one_stop, fake_clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    fake_clock.set(at(2026, 2, 23, 8))
    services.request_supplement(officer=one_stop.processing_a, dossier=dossier, items=["Ảnh"], reason="Thiếu")
    fake_clock.set(at(2026, 2, 23, 9))
    services.receive_supplement(officer=one_stop.cast.counter_officer, dossier=dossier)
    services.request_payment(officer=one_stop.processing_a, dossier=dossier, amount=600000)
    fake_clock.set(at(2026, 2, 23, 10))
    services.record_payment(officer=one_stop.processing_a, dossier=dossier, amount=600000, method="cash")
    services.upload_result(officer=one_stop.processing_a, dossier=dossier, file=ContentFile(blank_pdf(), name="kq.pdf"))
    services.mark_result_ready(officer=one_stop.processing_a, dossier=dossier)
    fake_clock.set(at(2026, 2, 23, 14))
    services.return_result(officer=one_stop.cast.counter_officer, dossier=dossier)
    codes = list(DossierEvent.objects.filter(dossier=dossier).order_by("at", "pk").values_list("action", "national_status"))
    assert codes == [
        ("receive", 2),
        ("hand_over", 4),
        ("request_supplement", 5),
        ("receive_supplement", 4),
        ("request_payment", 6),
        ("record_payment", 4),
        ("upload_result", 4),
        ("mark_result_ready", 9),
        ("return_result", 10),
    ]
    other = receive(one_stop)
    services.refuse_dossier(officer=one_stop.cast.counter_officer, dossier=other, reason="Không thuộc thẩm quyền")
    assert Dossier.objects.get(pk=other.pk).national_status == 3
    stopped = receive(one_stop)
    services.stop_dossier(officer=one_stop.cast.leader_a, dossier=stopped, reason="Người nộp đề nghị dừng")
    assert Dossier.objects.get(pk=stopped.pk).national_status == 8
    withdrawn = receive(one_stop)
    services.withdraw_dossier(officer=one_stop.cast.counter_officer, dossier=withdrawn, reason="Rút hồ sơ")
    assert Dossier.objects.get(pk=withdrawn.pk).national_status == 7


def _finish(one_stop, dossier, fake_clock, *, ready: dt.datetime):
    fake_clock.set(ready)
    services.mark_result_ready(officer=one_stop.processing_a, dossier=dossier)
    return Dossier.objects.get(pk=dossier.pk)


def test_a_dossier_finished_before_its_appointment_day_is_early_and_on_the_day_on_time(one_stop, fake_clock):
    early = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=early)
    assert _finish(one_stop, early, fake_clock, ready=at(2026, 2, 23, 16)).timeliness == "early"
    fake_clock.set(at(2026, 2, 13, 9))
    on_time = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=on_time)
    services.hand_over(officer=one_stop.processing_a, dossier=on_time)  # to the leader's approval step
    done = _finish(one_stop, on_time, fake_clock, ready=at(2026, 2, 25, 8, 30))
    assert done.timeliness == "on_time" and done.margin_minutes == 30
    fake_clock.set(at(2026, 2, 13, 9))
    late = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=late)
    done = _finish(one_stop, late, fake_clock, ready=at(2026, 2, 25, 10))
    assert done.timeliness == "late" and done.margin_minutes == -60


def test_an_inter_agency_dossier_with_a_late_step_is_late_overall(one_stop, fake_clock):
    dossier = receive(one_stop, one_stop.inter)  # 3.5 days; a step at the commune of 0.5 day
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)  # → Sở (1.5 days)
    fake_clock.set(at(2026, 2, 23, 9))
    step = services.hand_over(officer=one_stop.processing_a, dossier=dossier)  # → the commune
    assert step.agency == one_stop.commune and step.due_at == at(2026, 2, 23, 14, 30)
    fake_clock.set(at(2026, 2, 24, 9))  # the commune takes a whole day: late step
    services.hand_over(officer=one_stop.commune_processing, dossier=dossier)  # → back to the Sở's leader
    done = _finish(one_stop, dossier, fake_clock, ready=at(2026, 2, 24, 10))
    assert done.due_at > at(2026, 2, 24, 10)  # the whole dossier was still within its appointment …
    assert done.timeliness == "late"  # … but a late step makes it late (STANDARDS §3.5)
    assert list(done.steps.order_by("position").values_list("timeliness", flat=True))[:3] == ["on_time", "on_time", "late"]


def test_a_second_supplement_request_warns_that_the_index_counts_it_late(one_stop, fake_clock):
    dossier = receive(one_stop)
    services.request_supplement(officer=one_stop.cast.counter_officer, dossier=dossier, items=["Ảnh"], reason="Thiếu")
    fake_clock.set(at(2026, 2, 13, 10))
    services.receive_supplement(officer=one_stop.cast.counter_officer, dossier=dossier)
    with pytest.raises(DomainError) as refusal:
        services.request_supplement(officer=one_stop.cast.counter_officer, dossier=dossier, items=["Ảnh khác"], reason="Mờ")
    assert refusal.value.code == "dossier.second_supplement"
    assert Dossier.objects.get(pk=dossier.pk).supplement_count == 1
    services.request_supplement(
        officer=one_stop.cast.counter_officer, dossier=dossier, items=["Ảnh khác"], reason="Mờ", confirm_second=True
    )
    fake_clock.set(at(2026, 2, 13, 11))
    services.receive_supplement(officer=one_stop.cast.counter_officer, dossier=dossier)
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    done = _finish(one_stop, dossier, fake_clock, ready=at(2026, 2, 13, 16))
    assert done.timeliness == "early" and done.index_timeliness == "late"


def test_the_apology_prompt_appears_before_the_due_time_and_the_apology_is_sent_once(one_stop, fake_clock):
    dossier = receive(one_stop)  # due Wed 25/02 09:00; latest apology Tue 24/02 09:00; prompt from Mon 23/02 09:00
    assert not needs_apology_prompt(dossier, now=at(2026, 2, 23, 8, 59))
    assert needs_apology_prompt(dossier, now=at(2026, 2, 23, 9, 0))
    assert needs_apology_prompt(dossier, now=at(2026, 2, 24, 16))
    assert not needs_apology_prompt(dossier, now=at(2026, 2, 25, 9, 0))
    fake_clock.set(at(2026, 2, 23, 10))
    prompted = services.raise_apology_prompts()
    assert [d.pk for d in prompted] == [dossier.pk]
    assert services.raise_apology_prompts() == []  # once per dossier
    services.apologize_and_extend(officer=one_stop.cast.leader_a, dossier=dossier, new_due_at=at(2026, 2, 27, 9), reason="Chờ xác minh")
    dossier.refresh_from_db()
    assert dossier.due_at == at(2026, 2, 27, 9) and not needs_apology_prompt(dossier, now=at(2026, 2, 26, 9))
    with pytest.raises(DomainError) as twice:
        services.apologize_and_extend(officer=one_stop.cast.leader_a, dossier=dossier, new_due_at=at(2026, 3, 2, 9), reason="Lần nữa")
    assert twice.value.code == "dossier.apology_twice"
    assert Notification.objects.filter(dossier=dossier, kind="apology").count() == 2  # e-mail and SMS


def _snapshot():
    return (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        DossierCounter.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"procedure_code": "9.999999"}, "procedure.unknown"),
        ({"components": []}, "dossier.component_missing"),
        ({"applicant": ApplicantData(name="Nguyễn Văn An", id_number="12345")}, "dossier.applicant_invalid"),
        ({"applicant": ApplicantData(name="Công ty A", id_number="017090001234", kind="business")}, "dossier.applicant_invalid"),
        ({"components": [ComponentData(999999, 1, 0)]}, "dossier.component_unknown"),
        ({"competent_agency_code": "000.00.02.H99"}, "dossier.agency_not_competent"),
    ],
)
def test_bad_intake_is_refused_and_nothing_is_saved(one_stop, fake_clock, kwargs, code):
    before = _snapshot()
    arguments = {
        "officer": one_stop.cast.counter_officer,
        "procedure_code": "1.000459",
        "applicant": CITIZEN,
        "components": complete_components(one_stop.three_day),
        "receiving_agency": one_stop.cast.service_center,
    }
    arguments.update(kwargs)
    with pytest.raises(DomainError) as refusal:
        services.receive_dossier(**arguments)
    assert refusal.value.code == code
    assert _snapshot() == before
    assert receive(one_stop).code.endswith("-0001")  # no number was used up


def test_only_a_counter_officer_of_the_receiving_agency_receives_there(one_stop, fake_clock):
    with pytest.raises(DomainError) as refusal:
        receive(one_stop, officer=one_stop.cast.clerk_a)
    assert refusal.value.code == "permission_denied"


def test_a_supplement_on_a_closed_dossier_and_a_second_result_are_refused(one_stop, fake_clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    closed = receive(one_stop)
    services.refuse_dossier(officer=one_stop.cast.counter_officer, dossier=closed, reason="Sai thẩm quyền")
    before = _snapshot()
    with pytest.raises(DomainError) as refusal:
        services.request_supplement(officer=one_stop.cast.counter_officer, dossier=closed, items=["x"], reason="y")
    assert refusal.value.code == "dossier.closed" and _snapshot() == before
    dossier = receive(one_stop)
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    first = blank_pdf()
    services.upload_result(officer=one_stop.processing_a, dossier=dossier, file=ContentFile(first, name="a.pdf"))
    before = _snapshot()
    with pytest.raises(DomainError) as twice:
        services.upload_result(officer=one_stop.processing_a, dossier=dossier, file=ContentFile(blank_pdf(), name="b.pdf"))
    assert twice.value.code == "dossier.result_exists" and _snapshot() == before
    assert Dossier.objects.get(pk=dossier.pk).result_file.read() == first


def test_the_queue_shows_due_soon_first_and_leaders_see_overdue_dossiers(one_stop, fake_clock):
    first = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 9, 30))
    second = receive(one_stop, one_stop.inter)
    fake_clock.set(at(2026, 2, 13, 10))
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=second)
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=first)
    queue = [s.dossier.code for s in officer_queue(one_stop.processing_a)]
    assert queue == [second.code, first.code] or queue == [first.code, second.code]
    dues = [s.due_at for s in officer_queue(one_stop.processing_a)]
    assert dues == sorted(dues)
    assert list(officer_queue(one_stop.cast.clerk_a)) == []
    fake_clock.set(at(2026, 2, 26, 9))
    assert {d.code for d in overdue_dossiers(one_stop.cast.leader_a)} == {first.code, second.code}
    assert list(overdue_dossiers(one_stop.processing_a)) == []


def test_the_online_hook_receives_on_the_online_channel(one_stop, fake_clock):
    result = services.receive_online_dossier(
        procedure_code="1.000459",
        applicant=CITIZEN,
        components=complete_components(one_stop.three_day),
        receiving_agency=one_stop.cast.service_center,
    )
    assert result.dossier.channel == "online" and result.dossier.code.endswith("-0001")
    assert result.dossier.steps.get().handler is None
    fake_clock.set(at(2026, 2, 23, 10))
    call_command("dossiers_remind", stdout=StringIO())
    assert Dossier.objects.get(pk=result.dossier.pk).apology_prompted_at == at(2026, 2, 23, 10)
