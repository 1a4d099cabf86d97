"""Every write to dossiers: intake, hand-over, supplement, payment, apology, stop, refusal, result, return, rating.

Each service checks everything before it writes, runs in one transaction, moves the state
machine (`models.TRANSITIONS`), writes a timeline event and an audit event, and queues the
applicant's notifications in the same transaction (they exist only if the change commits).
Refusals are `DomainError`s with a stable code; nothing is half-saved.

Services take the acting official and do not check roles: the interfaces call `access.py`
first (Zulip's habit: the access functions are the choke point). `receive_dossier` is the one
exception, since it creates the object access would be checked on: it checks that the officer
is a counter officer of the receiving agency.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import connection, transaction
from django.utils.translation import gettext as _

from chinhquyen.core import uploads
from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError, NotFound
from chinhquyen.core.folding import nfc
from chinhquyen.core.validation import MAX_AMOUNT, MAX_COUNT, bounded_int, clean_text
from chinhquyen.dossiers import clock, timing
from chinhquyen.dossiers.access import current_step, require_counter_officer_of
from chinhquyen.dossiers.models import (
    FINISHED_STATES,
    NATIONAL_STATUS,
    RATING_POINTS,
    TRANSITIONS,
    ApplicantKind,
    Dossier,
    DossierComponent,
    DossierCounter,
    DossierEvent,
    DossierStatus,
    DossierStep,
    FeePayment,
    FormSet,
    Notification,
    NotificationChannel,
    Pause,
    PauseKind,
    PaymentMethod,
    Rating,
    RatingLevel,
    ReturnMethod,
    Timeliness,
    allowed_before_reception,
)
from chinhquyen.organizations.models import Account, Agency
from chinhquyen.procedures.models import Channel, OnlineMode, Procedure, ProcedureVersion, StepHandler, SupplementRule
from chinhquyen.procedures.models import Step as PlannedStep
from chinhquyen.procedures.selectors import procedure_by_code, version_in_force
from chinhquyen.workdays import engine

#: The day the Circular 03/2025 forms replace the Circular 01/2018 ones (Decree 118/2025 in force).
FORMS_2025_FROM = dt.date(2025, 7, 1)
#: Citizen: 12-digit personal identification number (căn cước) or the old 9-digit identity card;
#: business: 10-digit tax code, or 13 digits written 10-3 for a branch.
_CITIZEN_ID_RE = re.compile(r"^(\d{12}|\d{9})$")
_TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: The longest reason or note an official types (a Vietnamese page of text).
MAX_NOTE = 4000


# --- input ----------------------------------------------------------------------------------------
@dataclass
class ApplicantData:
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    kind: str = ApplicantKind.CITIZEN


#: The receipt's lookup secret: no look-alikes (0/O, 1/I/L), upper case, read aloud or typed from paper.
LOOKUP_SECRET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # noqa: S105 - an alphabet, not a password
#: 10 characters of 31: about 49.5 bits, with the per-dossier cap of wrong attempts (ADR 0035).
LOOKUP_SECRET_LENGTH = 10


def new_lookup_secret() -> str:
    return "".join(secrets.choice(LOOKUP_SECRET_ALPHABET) for _ in range(LOOKUP_SECRET_LENGTH))


@dataclass
class ComponentData:
    component_id: int | None
    originals: int = 0
    copies: int = 0
    file: File | None = None  # type: ignore[type-arg]
    name: str = ""
    field: str = ""  # the form field the file came in, named by an upload refusal


@dataclass
class IntakeResult:
    dossier: Dossier
    warnings: list[str] = field(default_factory=list)


def _note(value: str, field: str = "reason") -> str:
    """A reason or a note typed by a person: no control characters, at most `MAX_NOTE` characters."""
    return clean_text(value, field=field, max_length=MAX_NOTE, code="dossier.text_invalid")


def _check_applicant(applicant: ApplicantData) -> ApplicantData:
    # The columns' bounds (models.Dossier) checked here, not by PostgreSQL (issue 16: a NUL byte or
    # a 20,000-character name came back as a 500).
    bounded = {"name": 255, "id_number": 20, "phone": 20, "email": 254, "address": 500}
    for attribute, limit in bounded.items():
        clean_text(getattr(applicant, attribute), field=f"applicant.{attribute}", max_length=limit, code="dossier.applicant_invalid")
    name = nfc(applicant.name).strip()
    id_number = re.sub(r"\s", "", applicant.id_number or "")
    errors: dict[str, list[str]] = {}
    if not name:
        errors["applicant.name"] = [_("Required.")]
    if applicant.kind not in ApplicantKind.values:
        errors["applicant.kind"] = [_("Unknown applicant kind.")]
    elif applicant.kind == ApplicantKind.CITIZEN and not _CITIZEN_ID_RE.match(id_number):
        errors["applicant.id_number"] = [_("A personal identification number has 12 digits (or 9 for an old identity card).")]
    elif applicant.kind != ApplicantKind.CITIZEN and not _TAX_CODE_RE.match(id_number):
        errors["applicant.id_number"] = [_("A tax code has 10 digits, or 10-3 for a branch.")]
    if applicant.email and not _EMAIL_RE.match(applicant.email.strip()):
        errors["applicant.email"] = [_("Not an e-mail address.")]
    phone = re.sub(r"[\s.\-()]", "", applicant.phone or "")
    if phone and not re.fullmatch(r"(\+?84|0)\d{9,10}", phone):
        errors["applicant.phone"] = [_("Not a Vietnamese phone number.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(
            "dossier.applicant_invalid", _("The applicant's details are not valid: %(error)s") % {"error": first}, fields=errors
        )
    return ApplicantData(name, id_number, phone, applicant.email.strip(), nfc(applicant.address).strip(), applicant.kind)


# --- codes ----------------------------------------------------------------------------------------
def next_dossier_code(*, agency: Agency, day: dt.date) -> str:
    """`<agency code>-<yyMMdd>-<NNNN>`, sequential per receiving agency and day (STANDARDS §3.2; ADR 0011).

    One statement increments the counter row and returns the new value (`INSERT … ON CONFLICT
    DO UPDATE … RETURNING`): on PostgreSQL the row lock orders concurrent intakes, the first of
    the day included (the unique constraint makes the loser update instead); on SQLite the
    IMMEDIATE transaction already admits one writer at a time. Must run inside the intake's
    transaction, so a rolled-back intake gives its number back and no number is skipped.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("next_dossier_code must run inside the intake transaction")
    table = connection.ops.quote_name(DossierCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - table name from the model
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        (number,) = cursor.fetchone()
    if number > 9999:
        raise DomainError(
            "dossier.sequence_exhausted",
            _("%(agency)s has received 9,999 dossiers today: the 4-digit sequence of the dossier code is exhausted.")
            % {"agency": agency.name},
        )
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


# --- helpers --------------------------------------------------------------------------------------
def _event(
    dossier: Dossier,
    *,
    action: str,
    actor: Account | None,
    at: dt.datetime,
    from_status: str,
    step: DossierStep | None = None,
    due_before: dt.datetime | None = None,
    reason: str = "",
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        at=at,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        national_status=dossier.national_status,
        step=step,
        due_before=due_before,
        due_after=dossier.due_at,
        reason=reason,
    )


def _audit(dossier: Dossier, action: str, actor: Account | None, **summary: Any) -> None:
    record_event(
        action=f"dossier.{action}",
        actor=actor,
        agency_id=dossier.current_agency_id,
        object_type="dossier",
        object_id=dossier.pk,
        summary={"code": dossier.code, "status": dossier.status, "national_status": dossier.national_status, **summary},
    )


def _lock(dossier: Dossier) -> Dossier:
    """Re-read the dossier locked for this transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    return (
        Dossier.objects.select_for_update()
        .select_related("version", "procedure", "receiving_agency", "competent_agency")
        .get(pk=dossier.pk)
    )


def _check_move(dossier: Dossier, action: str) -> None:
    """Refuse `action` unless the state machine allows it from the dossier's state (and reception)."""
    allowed_from, _to = TRANSITIONS[action]
    if dossier.status not in allowed_from or not allowed_before_reception(action, dossier):
        if dossier.status in FINISHED_STATES:
            raise DomainError(
                "dossier.closed",
                _("Dossier %(code)s is %(status)s: this can no longer be done.")
                % {"code": dossier.code, "status": dossier.get_status_display()},
            )
        raise DomainError(
            "dossier.wrong_state",
            _("Dossier %(code)s is %(status)s: this cannot be done now.") % {"code": dossier.code, "status": dossier.get_status_display()},
        )


def _move(dossier: Dossier, action: str) -> str:
    """Check that `action` is allowed from the dossier's state; set the new state. Returns the old one."""
    _check_move(dossier, action)
    to_status = TRANSITIONS[action][1]
    old = dossier.status
    dossier.status = to_status
    dossier.national_status = NATIONAL_STATUS[to_status]
    return old


def _pause_intervals(dossier: Dossier, *, kind: str | None = None, at: dt.datetime | None = None) -> list[tuple[dt.datetime, dt.datetime]]:
    pauses = dossier.pauses.all()  # type: ignore[attr-defined]
    out = []
    for pause in pauses:
        if kind is not None and pause.kind != kind:
            continue
        end = pause.ended_at or at
        if end is not None:
            out.append((pause.started_at, end))
    return out


def _recompute_due(dossier: Dossier) -> None:
    """Both appointments from the stored pauses; the procedure's rule picks the one shown (ADR 0010).

    An apology already sent fixed a new appointment (Decree 61/2018 art. 19.9): it stays.
    """
    time = timing.processing_time_of(dossier.version, dossier.channel)
    agency = dossier.competent_agency_id
    # A supplement an online dossier waited for before its reception ended before the clock started.
    started = dossier.clock_started_at
    all_pauses = [(a, b) for a, b in _pause_intervals(dossier) if b > started]
    supplement_ends = [end for _start, end in _pause_intervals(dossier, kind=PauseKind.SUPPLEMENT) if end > started]
    payment_pauses = [(a, b) for a, b in _pause_intervals(dossier, kind=PauseKind.PAYMENT) if b > started]
    dossier.due_at_pause = timing.due_with_pauses(dossier.clock_started_at, time, all_pauses, agency)
    dossier.due_at_restart = timing.due_restarted(dossier.clock_started_at, time, supplement_ends, payment_pauses, agency)
    if dossier.apology_sent_at is None:
        dossier.due_at = dossier.due_at_restart if dossier.supplement_rule == SupplementRule.RESTART else dossier.due_at_pause


def _planned_steps(version: ProcedureVersion) -> list[PlannedStep]:
    # Through the prefetch cache when the version was read by `version_in_force` (one query less).
    return sorted(version.steps.all(), key=lambda s: s.position)  # type: ignore[attr-defined]


def _agency_for(planned: PlannedStep, dossier: Dossier) -> Agency:
    if planned.handler == StepHandler.RECEIVING:
        return dossier.receiving_agency
    if planned.handler == StepHandler.COORDINATING and planned.agency_code:
        agency = Agency.objects.filter(code=planned.agency_code, valid_to__isnull=True).first()
        if agency is not None:
            return agency
    return dossier.competent_agency


def _open_step(
    dossier: Dossier,
    *,
    at: dt.datetime,
    planned: PlannedStep | None,
    agency: Agency,
    role: str,
    name: str,
    handler: Account | None = None,
    handed_over_by: Account | None = None,
    due: dt.datetime | None = None,
    note: str = "",
    position: int | None = None,
) -> DossierStep:
    if position is None:
        position = (dossier.steps.order_by("-position").values_list("position", flat=True).first() or 0) + 1  # type: ignore[attr-defined]
    if due is None:
        due = engine.add_working_time(at, agency=agency.pk, **planned.as_amount()) if planned is not None else dossier.due_at
    step = DossierStep.objects.create(
        dossier=dossier,
        position=position,
        planned=planned,
        name=name,
        agency=agency,
        role=role,
        handler=handler,
        handed_over_by=handed_over_by,
        started_at=at,
        due_at=due,
        allotted_minutes=max(0, timing.working_minutes(at, due, agency=agency.pk)),
        note=note,
    )
    dossier.current_agency = agency
    return step


def _close_step(dossier: Dossier, step: DossierStep, *, at: dt.datetime, handler: Account | None) -> None:
    pauses = [(a, b) for a, b in _pause_intervals(dossier, at=at) if b > step.started_at]
    step.finished_at = at
    step.spent_minutes = max(0, timing.working_minutes(step.started_at, at, pauses=pauses, agency=step.agency_id))
    step.timeliness = timing.timeliness(at, step.due_at, step.agency_id)
    if step.handler_id is None and handler is not None:
        step.handler = handler
    step.save(update_fields=["finished_at", "spent_minutes", "timeliness", "handler"])


def _notify(dossier: Dossier, kind: str, text: str) -> None:
    """Queue an e-mail and an SMS to the applicant, in this transaction (delivered by the worker)."""
    from chinhquyen.dossiers.tasks import send_notification

    now = clock.now()
    targets = []
    if dossier.applicant_email:
        targets.append((NotificationChannel.EMAIL, dossier.applicant_email))
    if dossier.applicant_phone:
        targets.append((NotificationChannel.SMS, dossier.applicant_phone))
    for channel, to in targets:
        notification = Notification.objects.create(dossier=dossier, channel=channel, kind=kind, to=to, body=text, created_at=now)
        send_notification.enqueue(notification.pk)


def _notify_receipt(dossier: Dossier) -> None:
    """Form 01's news to the applicant: received, with the appointment."""
    _notify(
        dossier,
        "receipt",
        _("Dossier %(code)s (%(procedure)s) was received. Appointment: %(due)s.")
        % {"code": dossier.code, "procedure": dossier.procedure.name, "due": _fmt(dossier.due_at)},
    )


def _fmt(value: dt.datetime) -> str:
    return engine.working_calendar().localize(value).strftime("%H:%M %d/%m/%Y")


# --- intake ---------------------------------------------------------------------------------------
def resolve_competent_agency(*, procedure: Procedure, receiving_agency: Agency, competent_agency_code: str = "") -> Agency:
    """Routing by competence (STANDARDS §3.1, §13.2.5; Decree 118/2025): reception anywhere in the
    province, processing by the agency that carries out the procedure.

    The agency named by the officer, if it carries out the procedure; else the receiving agency
    if it does; else the only agency that does. Several candidates and none named: refused, with
    the list, so the officer picks (e.g. which commune, for a commune-level procedure).
    """
    instances = list(procedure.instances.filter(active=True).select_related("agency"))  # type: ignore[attr-defined]
    candidates = {i.agency.code: i.agency for i in instances if i.agency.valid_to is None}
    if competent_agency_code:
        if competent_agency_code not in candidates:
            raise DomainError(
                "dossier.agency_not_competent",
                _("%(agency)s does not carry out procedure %(code)s.") % {"agency": competent_agency_code, "code": procedure.code},
                fields={"competent_agency": [_("Not competent for this procedure.")]},
            )
        return candidates[competent_agency_code]
    if receiving_agency.code in candidates:
        return receiving_agency
    if len(candidates) == 1:
        return next(iter(candidates.values()))
    if not candidates:
        raise DomainError(
            "dossier.no_competent_agency",
            _("No agency of the province carries out procedure %(code)s yet.") % {"code": procedure.code},
            fields={"procedure_code": [_("No competent agency.")]},
        )
    raise DomainError(
        "dossier.choose_competent_agency",
        _("Several agencies carry out procedure %(code)s: choose the competent one.") % {"code": procedure.code},
        fields={"competent_agency": sorted(candidates)},
    )


def _check_components(version: ProcedureVersion, components: list[ComponentData]) -> list[tuple[Any, ComponentData]]:
    required = {c.pk: c for c in version.required_components.all()}  # type: ignore[attr-defined]
    given: dict[int, ComponentData] = {}
    for item in components:
        if item.component_id is None or item.component_id not in required:
            raise DomainError(
                "dossier.component_unknown",
                _("Component %(id)s is not one of this procedure's required components.") % {"id": item.component_id},
                fields={"components": [_("Unknown component.")]},
            )
        if not all(isinstance(n, int) and 0 <= n <= MAX_COUNT for n in (item.originals, item.copies)):
            raise DomainError(
                "dossier.component_invalid",
                _("Numbers of originals and copies are whole numbers from 0 to 10,000."),
                fields={"components": [_("Out of range.")]},
            )
        given[item.component_id] = item
    missing = [
        c
        for pk, c in required.items()
        if c.mandatory and (pk not in given or (given[pk].originals + given[pk].copies == 0 and not given[pk].file))
    ]
    if missing:
        names = "; ".join(c.name for c in missing)
        raise DomainError(
            "dossier.component_missing",
            _("The dossier is not complete; missing: %(names)s.") % {"names": names},
            fields={"components": [c.name for c in missing]},
        )
    return [(required[pk], item) for pk, item in given.items()]


def _check_files(checked: Iterable[tuple[Any, ComponentData]], intake: uploads.Intake) -> dict[int, uploads.CheckedUpload]:
    """Each component's file through the upload policy (issue 16): `id(item)` → the checked file.

    Raises `upload.*` (type, content, size, scanner) naming the component's file field.
    """
    out: dict[int, uploads.CheckedUpload] = {}
    for _component, item in checked:
        if item.file:
            field = item.field or f"file_{item.component_id or 'supplement'}"
            out[id(item)] = uploads.check_upload(item.file, intake=intake, field=field)
    return out


def receive_dossier(
    *,
    officer: Account | None,
    procedure_code: str,
    applicant: ApplicantData,
    components: list[ComponentData],
    receiving_agency: Agency,
    competent_agency_code: str = "",
    channel: str = Channel.COUNTER,
    return_method: str = ReturnMethod.COUNTER,
    submitted_at: dt.datetime | None = None,
    applicant_account: Account | None = None,
) -> IntakeResult:
    """Receive a complete dossier: code, appointment, first step, receipt notification (form 01).

    Guarantees: the code is the next of the receiving agency's day and never shared; the
    dossier keeps the version in force today; the appointment comes from the working calendar of
    the competent agency (processing time of the channel, the cutoff, pauses none yet).
    Raises DomainError: `procedure.unknown`, `dossier.no_version`, `dossier.applicant_invalid`,
    `dossier.component_unknown`, `dossier.component_missing`, `dossier.agency_not_competent`,
    `dossier.choose_competent_agency`, `dossier.no_competent_agency`, `permission_denied`.
    """
    if channel == Channel.COUNTER:
        if officer is None:
            raise DomainError("permission_denied", _("A dossier received at a counter needs the counter officer."))
        require_counter_officer_of(officer, receiving_agency)
    return _intake(
        officer=officer,
        procedure_code=procedure_code,
        applicant=applicant,
        components=components,
        receiving_agency=receiving_agency,
        competent_agency_code=competent_agency_code,
        channel=channel,
        return_method=return_method,
        submitted_at=submitted_at,
        applicant_account=applicant_account,
        received=True,
    )


def _intake(
    *,
    officer: Account | None,
    procedure_code: str,
    applicant: ApplicantData,
    components: list[ComponentData],
    receiving_agency: Agency,
    competent_agency_code: str,
    channel: str,
    return_method: str,
    submitted_at: dt.datetime | None,
    applicant_account: Account | None,
    received: bool,
) -> IntakeResult:
    """The dossier, its components and its first step, in one transaction.

    `received=False` is an online submission waiting for the counter's check: national status 1,
    no receipt yet; its appointment fields hold what the appointment would be if it were received
    now, and are set for good by `receive_submitted_dossier`.
    """
    procedure = procedure_by_code((procedure_code or "").strip())
    if procedure is None:
        raise DomainError(
            "procedure.unknown",
            _("There is no procedure with the code %(code)s.") % {"code": procedure_code},
            fields={"procedure_code": [_("Unknown procedure.")]},
        )
    at = clock.now()
    local_day = engine.working_calendar().localize(at).date()
    version = version_in_force(procedure, on=local_day)
    if version is None:
        raise DomainError(
            "dossier.no_version",
            _("Procedure %(code)s is not in force today.") % {"code": procedure.code},
            fields={"procedure_code": [_("Not in force.")]},
        )
    if channel not in Channel.values:
        raise DomainError("dossier.channel_invalid", _("Unknown channel."), fields={"channel": [_("Unknown.")]})
    if return_method not in ReturnMethod.values:
        raise DomainError(
            "dossier.return_method_invalid", _("Unknown way of returning the result."), fields={"return_method": [_("Unknown.")]}
        )
    if channel == Channel.ONLINE and version.online_mode == OnlineMode.NONE:
        raise DomainError("dossier.not_online", _("Procedure %(code)s is not offered online.") % {"code": procedure.code})
    applicant = _check_applicant(applicant)
    checked = _check_components(version, components)
    scans = _check_files(checked, uploads.PORTAL if channel == Channel.ONLINE else uploads.COUNTER)
    competent = resolve_competent_agency(
        procedure=procedure, receiving_agency=receiving_agency, competent_agency_code=competent_agency_code
    )
    time = timing.processing_time_of(version, channel)
    with uploads.removed_on_failure(), transaction.atomic():
        code = next_dossier_code(agency=receiving_agency, day=local_day)
        start = timing.clock_start(at, time, competent.pk)
        due = timing.due_with_pauses(start, time, [], competent.pk)
        late_transfer = channel == Channel.COUNTER and engine.working_calendar().localize(at).time() >= timing.transfer_cutoff()
        if not received:
            status = DossierStatus.SUBMITTED
        else:
            status = DossierStatus.PENDING_TRANSFER if late_transfer else DossierStatus.RECEIVED
        dossier = Dossier.objects.create(
            code=code,
            procedure=procedure,
            version=version,
            receiving_agency=receiving_agency,
            competent_agency=competent,
            current_agency=receiving_agency,
            channel=channel,
            status=status,
            national_status=NATIONAL_STATUS[status],
            applicant_kind=applicant.kind,
            applicant_name=applicant.name,
            applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone,
            applicant_email=applicant.email,
            applicant_address=applicant.address,
            applicant_account=applicant_account,
            received_by=officer if received else None,
            submitted_at=submitted_at,
            received_at=at,
            is_received=received,
            received_month=local_day.replace(day=1),
            transfer_due_at=timing.transfer_due(at, receiving_agency.pk),
            clock_started_at=start,
            due_at=due,
            original_due_at=due,
            due_at_restart=due,
            due_at_pause=due,
            supplement_rule=version.supplement_rule,
            processing_minutes=max(0, timing.working_minutes(start, due, agency=competent.pk)),
            return_method=return_method,
            digitized=bool(scans),
            form_set=FormSet.CIRCULAR_03_2025 if local_day >= FORMS_2025_FROM else FormSet.CIRCULAR_01_2018,
            lookup_secret=new_lookup_secret(),
            is_sample=procedure.is_sample,
        )
        for component, item in checked:
            row = DossierComponent(
                dossier=dossier,
                required_component=component,
                name=component.name,
                originals=item.originals,
                copies=item.copies,
                added_at=at,
            )
            scan = scans.get(id(item))
            if scan is not None:
                uploads.save_file(row.file, scan)
            row.save()
        plan = _planned_steps(version)
        first = plan[0] if plan and plan[0].handler == StepHandler.RECEIVING else None
        step = _open_step(
            dossier,
            at=at,
            planned=first,
            agency=receiving_agency,
            role="counter_officer",
            name=(first.name if first else _("Reception")) if received else _("Checking the online dossier"),
            handler=officer if channel == Channel.COUNTER else None,
            due=dossier.transfer_due_at,
            position=1,
        )
        if received:
            _event(dossier, action="receive", actor=officer, at=at, from_status="", step=step)
            _audit(dossier, "received", officer, procedure=procedure.code, competent=competent.code, due_at=dossier.due_at.isoformat())
            _notify_receipt(dossier)
        else:
            _event(dossier, action="submit", actor=applicant_account, at=at, from_status="", step=step)
            _audit(dossier, "submitted", applicant_account, procedure=procedure.code, competent=competent.code)
            _notify(
                dossier,
                "submitted",
                _("Dossier %(code)s (%(procedure)s) was submitted online. The one-stop unit will check it and send you a receipt.")
                % {"code": dossier.code, "procedure": procedure.name},
            )
    warnings = []
    if late_transfer:
        warnings.append(
            _("Received after %(cutoff)s: the dossier is passed on at the start of the next working day.")
            % {"cutoff": timing.transfer_cutoff().strftime("%H:%M")}
        )
    return IntakeResult(dossier, warnings)


def submit_online_dossier(
    *,
    procedure_code: str,
    applicant: ApplicantData,
    components: list[ComponentData],
    receiving_agency: Agency,
    applicant_account: Account | None = None,
    competent_agency_code: str = "",
    submitted_at: dt.datetime | None = None,
) -> IntakeResult:
    """The hook the portal calls: an online dossier enters at national status 1 ("mới đăng ký").

    It gets its code at once (the receiving agency's series of the day) so that the applicant can
    track it, and waits in the counter's queue ("Checking the online dossier"). The counter
    officer then receives it (`receive_submitted_dossier`: status 2, the receipt, the clock
    starts), asks for a supplement the applicant answers online (`answer_supplement`), or refuses
    it with a reason (form 03). Same checks as a counter intake (catalogue, components,
    competence), and `dossier.not_online` when the procedure has no online service.
    """
    return _intake(
        officer=None,
        procedure_code=procedure_code,
        applicant=applicant,
        components=components,
        receiving_agency=receiving_agency,
        competent_agency_code=competent_agency_code,
        channel=Channel.ONLINE,
        return_method=ReturnMethod.ONLINE,
        submitted_at=submitted_at or clock.now(),
        applicant_account=applicant_account,
        received=False,
    )


def receive_online_dossier(
    *,
    procedure_code: str,
    applicant: ApplicantData,
    components: list[ComponentData],
    receiving_agency: Agency,
    applicant_account: Account | None = None,
    competent_agency_code: str = "",
    submitted_at: dt.datetime | None = None,
    officer: Account | None = None,
) -> IntakeResult:
    """An online dossier received at once (national status 2), for a connector whose dossiers were
    already checked elsewhere (e.g. the national portal passing on one it accepted).

    Exactly as `receive_dossier` at a counter (same code series, same appointment rule with the
    online processing time), without the 15:00 transfer rule, which is for dossiers received in
    person. Raises what `receive_dossier` raises, and `dossier.not_online`.
    """
    return receive_dossier(
        officer=officer,
        procedure_code=procedure_code,
        applicant=applicant,
        components=components,
        receiving_agency=receiving_agency,
        competent_agency_code=competent_agency_code,
        channel=Channel.ONLINE,
        return_method=ReturnMethod.ONLINE,
        submitted_at=submitted_at or clock.now(),
        applicant_account=applicant_account,
    )


def receive_submitted_dossier(*, officer: Account, dossier: Dossier, note: str = "") -> Dossier:
    """The counter officer checked an online dossier and receives it (national status 1 → 2).

    The reception time is now: the clock starts now (with the procedure's cutoff) and the
    appointment is computed from it on the competent agency's calendar; a supplement asked before
    reception does not count as a supplement request of the processing (Decree 61/2018 art. 19.4
    counts from the complete dossier's reception). The receipt goes to the applicant by e-mail
    and SMS. Raises `permission_denied` (not a counter officer of the receiving agency),
    `dossier.wrong_state`, `dossier.closed`.
    """
    note = _note(note, "note")
    with transaction.atomic():
        dossier = _lock(dossier)
        require_counter_officer_of(officer, dossier.receiving_agency)
        old_status = _move(dossier, "receive")
        at = clock.now()
        local_day = engine.working_calendar().localize(at).date()
        time = timing.processing_time_of(dossier.version, dossier.channel)
        competent = dossier.competent_agency_id
        dossier.is_received = True
        dossier.received_at = at
        dossier.received_month = local_day.replace(day=1)
        dossier.received_by = officer
        dossier.transfer_due_at = timing.transfer_due(at, dossier.receiving_agency_id)
        dossier.clock_started_at = timing.clock_start(at, time, competent)
        _recompute_due(dossier)
        dossier.original_due_at = dossier.due_at
        dossier.processing_minutes = max(0, timing.working_minutes(dossier.clock_started_at, dossier.due_at, agency=competent))
        dossier.save(
            update_fields=[
                "status",
                "national_status",
                "is_received",
                "received_at",
                "received_month",
                "received_by",
                "transfer_due_at",
                "clock_started_at",
                "due_at",
                "original_due_at",
                "due_at_restart",
                "due_at_pause",
                "processing_minutes",
            ]
        )
        step = current_step(dossier)
        if step is not None:
            planned = step.planned
            step.name = planned.name if planned is not None and planned.handler == StepHandler.RECEIVING else _("Reception")
            step.handler = officer
            step.started_at = at
            step.due_at = dossier.transfer_due_at
            step.allotted_minutes = max(0, timing.working_minutes(at, step.due_at, agency=step.agency_id))
            step.save(update_fields=["name", "handler", "started_at", "due_at", "allotted_minutes"])
        _event(dossier, action="receive", actor=officer, at=at, from_status=old_status, step=step, reason=note)
        _audit(dossier, "received", officer, procedure=dossier.procedure.code, due_at=dossier.due_at.isoformat())
        _notify_receipt(dossier)
        return dossier


# --- processing -----------------------------------------------------------------------------------
def hand_over(
    *,
    officer: Account,
    dossier: Dossier,
    to_agency: Agency | None = None,
    to_handler: Account | None = None,
    to_role: str = "",
    note: str = "",
) -> DossierStep:
    """Close the current step and open the next (the plan's next step, or the agency named).

    Province ↔ commune hand-overs are steps like any other, each with its own deadline from the
    plan's allotment on the receiving agency's calendar. Raises `dossier.closed`,
    `dossier.wrong_state`, `dossier.no_next_step`.
    """
    note = _note(note, "note")
    to_role = clean_text(to_role, field="to_role", max_length=40, code="dossier.text_invalid")
    with transaction.atomic():
        dossier = _lock(dossier)
        old_status = _move(dossier, "hand_over")
        at = clock.now()
        step = current_step(dossier)
        plan = _planned_steps(dossier.version)
        next_planned: PlannedStep | None = None
        if step is not None:
            _close_step(dossier, step, at=at, handler=officer)
            after = step.planned.position if step.planned else 0
            upcoming = [p for p in plan if p.position > after]
            # The return step belongs to `mark_result_ready`, not to a hand-over.
            next_planned = upcoming[0] if upcoming and not (len(upcoming) == 1 and upcoming[0].handler == StepHandler.RECEIVING) else None
        agency = to_agency or (_agency_for(next_planned, dossier) if next_planned else dossier.competent_agency)
        role = to_role or (next_planned.role if next_planned else "processing_officer")
        name = next_planned.name if next_planned else _("Processing at %(agency)s") % {"agency": agency.name}
        new_step = _open_step(
            dossier, at=at, planned=next_planned, agency=agency, role=role, name=name, handler=to_handler, handed_over_by=officer, note=note
        )
        dossier.save(update_fields=["status", "national_status", "current_agency"])
        _event(
            dossier, action="hand_over", actor=officer, at=at, from_status=old_status, step=new_step, due_before=dossier.due_at, reason=note
        )
        _audit(dossier, "handed_over", officer, to_agency=agency.code, step=new_step.name)
        return new_step


def request_supplement(*, officer: Account, dossier: Dossier, items: list[str], reason: str, confirm_second: bool = False) -> Pause:
    """Form 02: the clock stops until the applicant brings what is missing.

    A second request on one dossier is refused unless `confirm_second` (code
    `dossier.second_supplement`): the national index counts a dossier with more than one
    supplement request as late (STANDARDS §13.1.2 indicator 2.1, §13.7.4) — the officer is warned.
    Raises `dossier.closed`, `dossier.wrong_state`, `dossier.reason_missing`.
    """
    reason = _note(reason)
    if len(items) > 100:
        raise DomainError("dossier.text_invalid", _("At most 100 missing papers in one request."), fields={"items": [_("Too many.")]})
    items = [clean_text(i, field="items", max_length=500, code="dossier.text_invalid") for i in items]
    items = [i for i in items if i]
    if not reason and not items:
        raise DomainError("dossier.reason_missing", _("Say what is missing and why."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        dossier = _lock(dossier)
        old_status = _move(dossier, "request_supplement")
        if dossier.is_received and dossier.supplement_count >= 1 and not confirm_second:
            raise DomainError(
                "dossier.second_supplement",
                _(
                    "This is the second supplement request for dossier %(code)s: the national index will count the dossier as late. Confirm to send it."
                )
                % {"code": dossier.code},
                fields={"confirm_second": [_("Confirm the second request.")]},
            )
        at = clock.now()
        pause = Pause.objects.create(
            dossier=dossier, kind=PauseKind.SUPPLEMENT, started_at=at, reason=reason, items=items, requested_by=officer
        )
        if dossier.is_received:  # asked before reception, it is part of the counter's check, not of the processing
            dossier.supplement_count += 1
        dossier.save(update_fields=["status", "national_status", "supplement_count"])
        _event(
            dossier,
            action="request_supplement",
            actor=officer,
            at=at,
            from_status=old_status,
            step=current_step(dossier),
            due_before=dossier.due_at,
            reason=reason,
        )
        _audit(dossier, "supplement_requested", officer, items=items, count=dossier.supplement_count)
        _notify(
            dossier,
            "supplement_request",
            _("Dossier %(code)s needs a supplement: %(items)s. %(reason)s")
            % {"code": dossier.code, "items": "; ".join(items), "reason": reason},
        )
        return pause


def receive_supplement(*, officer: Account, dossier: Dossier, components: Iterable[ComponentData] = (), note: str = "") -> Dossier:
    """The applicant brought the supplement: the pause ends and both appointments are recomputed.

    Restart rule: the full time limit again from now (Decree 61/2018 art. 19.4); pause rule: the
    waiting time subtracted. The open step's deadline moves the same way. An online dossier not
    yet received goes back to the counter's check (national status 1) instead.
    """
    components = list(components)
    scans = _check_files([(None, c) for c in components], uploads.COUNTER)
    with uploads.removed_on_failure(), transaction.atomic():
        dossier = _lock(dossier)
        return _supplement_arrived(dossier, actor=officer, components=components, note=note, scans=scans)


def answer_supplement(*, applicant: Account, dossier: Dossier, components: Iterable[ComponentData], note: str = "") -> Dossier:
    """The applicant answers a supplement request from the portal with the papers asked for.

    Only the dossier's own applicant may (anyone else gets "not found", like a missing code);
    at least one file. Before reception the dossier goes back to the counter's check (status 1);
    after reception this is the supplement's arrival, as at the counter (`receive_supplement`).
    Raises `dossier.not_found`, `dossier.supplement_empty`, `dossier.wrong_state`, `dossier.closed`.
    """
    items = [c for c in components if c.file]
    if not items:
        raise DomainError(
            "dossier.supplement_empty",
            _("Attach at least one of the papers asked for."),
            fields={"files": [_("Attach a file.")]},
        )
    if dossier.applicant_account_id is None or dossier.applicant_account_id != applicant.pk:
        raise NotFound("dossier.not_found", _("There is no dossier %(code)s among yours.") % {"code": dossier.code})
    scans = _check_files([(None, c) for c in items], uploads.PORTAL_SUPPLEMENT)
    uploads.check_quota(used=0, adding=sum(s.size for s in scans.values()), limit=settings.PORTAL_UPLOAD_QUOTA_BYTES, field="files")
    with uploads.removed_on_failure(), transaction.atomic():
        dossier = _lock(dossier)
        if dossier.applicant_account_id is None or dossier.applicant_account_id != applicant.pk:
            raise NotFound("dossier.not_found", _("There is no dossier %(code)s among yours.") % {"code": dossier.code})
        return _supplement_arrived(dossier, actor=applicant, components=items, note=note, scans=scans)


def _supplement_arrived(
    dossier: Dossier,
    *,
    actor: Account | None,
    components: Iterable[ComponentData],
    note: str,
    scans: dict[int, uploads.CheckedUpload],
) -> Dossier:
    """In the caller's transaction, on the locked dossier: end the pause, keep the papers, move on."""
    note = _note(note, "note")
    received = dossier.is_received
    old_status = _move(dossier, "receive_supplement" if received else "resubmit")
    at = clock.now()
    pause = dossier.pauses.filter(kind=PauseKind.SUPPLEMENT, ended_at__isnull=True).order_by("-started_at").first()  # type: ignore[attr-defined]
    if pause is not None:
        pause.ended_at = at
        pause.save(update_fields=["ended_at"])
    required = {c.pk: c for c in dossier.version.required_components.all()}  # type: ignore[attr-defined]
    for item in components:
        component = required.get(item.component_id) if item.component_id else None
        row = DossierComponent(
            dossier=dossier,
            required_component=component,
            name=component.name if component else (nfc(item.name).strip()[:1000] or _("Supplement")),
            originals=item.originals,
            copies=item.copies,
            supplement=True,
            added_at=at,
        )
        scan = scans.get(id(item))
        if scan is not None:
            uploads.save_file(row.file, scan)
            dossier.digitized = True
        row.save()
    if not received:
        dossier.save(update_fields=["status", "national_status", "digitized"])
        _event(dossier, action="resubmit", actor=actor, at=at, from_status=old_status, step=current_step(dossier), reason=note)
        _audit(dossier, "supplement_submitted", actor)
        return dossier
    due_before = dossier.due_at
    _recompute_due(dossier)
    step = current_step(dossier)
    if step is not None and pause is not None:
        if dossier.supplement_rule == SupplementRule.RESTART and step.planned is not None:
            step.due_at = engine.add_working_time(at, agency=step.agency_id, **step.planned.as_amount())
        else:
            step.due_at = engine.add_working_time(
                step.due_at, minutes=timing.working_minutes(pause.started_at, at, agency=step.agency_id), agency=step.agency_id
            )
        step.save(update_fields=["due_at"])
    dossier.save(update_fields=["status", "national_status", "due_at", "due_at_restart", "due_at_pause", "digitized"])
    _event(
        dossier,
        action="receive_supplement",
        actor=actor,
        at=at,
        from_status=old_status,
        step=step,
        due_before=due_before,
        reason=note,
    )
    _audit(dossier, "supplement_received", actor, due_at=dossier.due_at.isoformat())
    _notify(
        dossier,
        "supplement_received",
        _("The supplement to dossier %(code)s was received. New appointment: %(due)s.")
        % {"code": dossier.code, "due": _fmt(dossier.due_at)},
    )
    return dossier


def request_payment(*, officer: Account, dossier: Dossier, amount: int, reason: str = "") -> Pause:
    """National status 6: the clock stops until the fees are paid (reported as a suspension, §3.4)."""
    bounded_int(amount, field="amount", min_value=1, max_value=MAX_AMOUNT, code="dossier.amount_invalid")
    reason = _note(reason)
    with transaction.atomic():
        dossier = _lock(dossier)
        old_status = _move(dossier, "request_payment")
        at = clock.now()
        pause = Pause.objects.create(
            dossier=dossier, kind=PauseKind.PAYMENT, started_at=at, reason=reason, items=[{"amount": amount}], requested_by=officer
        )
        dossier.save(update_fields=["status", "national_status"])
        _event(dossier, action="request_payment", actor=officer, at=at, from_status=old_status, due_before=dossier.due_at, reason=reason)
        _audit(dossier, "payment_requested", officer, amount=amount)
        return pause


def record_payment(*, officer: Account, dossier: Dossier, amount: int, method: str, paid_at: dt.datetime | None = None) -> FeePayment:
    """Record fees paid (amount, when, how); ends a payment pause if there is one."""
    bounded_int(amount, field="amount", min_value=1, max_value=MAX_AMOUNT, code="dossier.amount_invalid")
    if method not in PaymentMethod.values:
        raise DomainError("dossier.payment_method_invalid", _("Unknown payment method."), fields={"method": [_("Unknown.")]})
    with transaction.atomic():
        dossier = _lock(dossier)
        at = clock.now()
        old_status = dossier.status
        if dossier.status == DossierStatus.AWAITING_PAYMENT:
            _move(dossier, "record_payment")
            pause = dossier.pauses.filter(kind=PauseKind.PAYMENT, ended_at__isnull=True).first()  # type: ignore[attr-defined]
            if pause is not None:
                pause.ended_at = at
                pause.save(update_fields=["ended_at"])
            _recompute_due(dossier)
        elif dossier.status not in TRANSITIONS["record_payment"][0]:
            _move(dossier, "record_payment")  # raises
        payment = FeePayment.objects.create(dossier=dossier, amount=amount, paid_at=paid_at or at, method=method, recorded_by=officer)
        dossier.save(update_fields=["status", "national_status", "due_at", "due_at_restart", "due_at_pause"])
        _event(dossier, action="record_payment", actor=officer, at=at, from_status=old_status, reason=f"{amount} ({method})")
        _audit(dossier, "payment_recorded", officer, amount=amount, method=method)
        return payment


def apologize_and_extend(*, officer: Account, dossier: Dossier, new_due_at: dt.datetime, reason: str) -> Dossier:
    """Form 04: an apology with a new appointment, at most once per dossier (Decree 61/2018 art. 19.9).

    Raises `dossier.apology_twice`, `dossier.reason_missing`, `dossier.due_not_later`, `dossier.closed`.
    """
    reason = _note(reason)
    if not reason:
        raise DomainError("dossier.reason_missing", _("Give the reason for the delay."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        dossier = _lock(dossier)
        if dossier.apology_sent_at is not None:
            raise DomainError(
                "dossier.apology_twice",
                _("An apology with a new appointment was already sent for dossier %(code)s: the appointment may be moved only once.")
                % {"code": dossier.code},
            )
        old_status = dossier.status
        _check_move(dossier, "apologize")
        if new_due_at <= dossier.due_at:
            raise DomainError(
                "dossier.due_not_later",
                _("The new appointment must be after the current one (%(due)s).") % {"due": _fmt(dossier.due_at)},
                fields={"new_due_at": [_("Too early.")]},
            )
        at = clock.now()
        due_before = dossier.due_at
        dossier.due_at = new_due_at
        dossier.apology_sent_at = at
        dossier.apology_reason = reason
        dossier.save(update_fields=["due_at", "apology_sent_at", "apology_reason"])
        _event(
            dossier,
            action="apologize",
            actor=officer,
            at=at,
            from_status=old_status,
            step=current_step(dossier),
            due_before=due_before,
            reason=reason,
        )
        _audit(
            dossier,
            "apologized",
            officer,
            new_due_at=new_due_at.isoformat(),
            late_notice=at > timing.latest_apology_time(due_before, dossier.competent_agency_id),
        )
        _notify(
            dossier,
            "apology",
            _("We apologise: dossier %(code)s will be late (%(reason)s). New appointment: %(due)s.")
            % {"code": dossier.code, "reason": reason, "due": _fmt(new_due_at)},
        )
        return dossier


def raise_apology_prompts(*, agency_ids: Iterable[int] | None = None) -> list[Dossier]:
    """Mark, once per dossier, the open dossiers whose apology is due soon (for the queues and a reminder).

    Run by `chinhquyen dossiers_remind` (cron or the worker). Returns the dossiers newly prompted.
    """
    from chinhquyen.dossiers.selectors import needs_apology_prompt

    now = clock.now()
    queryset = Dossier.objects.filter(apology_prompted_at__isnull=True, apology_sent_at__isnull=True).exclude(status__in=FINISHED_STATES)
    if agency_ids is not None:
        queryset = queryset.filter(current_agency_id__in=list(agency_ids))
    prompted = []
    for dossier in queryset.filter(due_at__gt=now).order_by("due_at")[:1000]:
        if needs_apology_prompt(dossier, now=now):
            with transaction.atomic():
                Dossier.objects.filter(pk=dossier.pk, apology_prompted_at__isnull=True).update(apology_prompted_at=now)
                _audit(dossier, "apology_prompted", None, due_at=dossier.due_at.isoformat())
            prompted.append(dossier)
    return prompted


def _close(
    dossier: Dossier, action: str, officer: Account | None, reason: str, audit_action: str, notify_kind: str = "", text: str = ""
) -> Dossier:
    reason = _note(reason)
    if not reason:
        raise DomainError("dossier.reason_missing", _("Give the reason."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        dossier = _lock(dossier)
        old_status = _move(dossier, action)
        at = clock.now()
        step = current_step(dossier)
        if step is not None:
            _close_step(dossier, step, at=at, handler=officer)
        for pause in dossier.pauses.filter(ended_at__isnull=True):  # type: ignore[attr-defined]
            pause.ended_at = at
            pause.save(update_fields=["ended_at"])
        dossier.closed_at = at
        dossier.closing_reason = reason
        dossier.save(update_fields=["status", "national_status", "closed_at", "closing_reason"])
        _event(dossier, action=action, actor=officer, at=at, from_status=old_status, step=step, due_before=dossier.due_at, reason=reason)
        _audit(dossier, audit_action, officer, reason=reason)
        if notify_kind:
            _notify(dossier, notify_kind, text % {"code": dossier.code, "reason": reason})
        return dossier


def refuse_dossier(*, officer: Account, dossier: Dossier, reason: str) -> Dossier:
    """Form 03: refused (at reception, or after appraisal within the time limit — Decree 61/2018 art. 19.8)."""
    return _close(dossier, "refuse", officer, reason, "refused", "refusal", _("Dossier %(code)s was refused: %(reason)s"))


def stop_dossier(*, officer: Account, dossier: Dossier, reason: str) -> Dossier:
    """Form 05 (Circular 03/2025): notice of stopping the processing."""
    return _close(
        dossier, "stop", officer, reason, "stopped", "stop_notice", _("The processing of dossier %(code)s was stopped: %(reason)s")
    )


def withdraw_dossier(*, officer: Account | None, dossier: Dossier, reason: str) -> Dossier:
    """National status 7: the applicant withdrew the dossier."""
    return _close(dossier, "withdraw", officer, reason, "withdrawn")


# --- result ---------------------------------------------------------------------------------------
def upload_result(*, officer: Account, dossier: Dossier, file: File) -> Dossier:  # type: ignore[type-arg]
    """Attach the result, a PDF whose digital signatures are validated by the signing app first.

    Decree 45/2020 art. 25: an electronic result has the value of the paper one when it carries the
    competent agency's digital signature. So: a file whose signature is broken, or changed after
    signing, is refused (`dossier.result_signature_invalid`); a result returned online must carry
    at least one valid signature (`dossier.result_unsigned`); a result returned on paper may be an
    unsigned scan. The report is kept as evidence and shown on the dossier and the portal.
    The file passes the upload policy first (`core.uploads.RESULT`: a PDF that opens, within
    SIGNING_MAX_PDF_BYTES, scanned). Raises also `dossier.result_exists` (uploaded twice),
    `dossier.result_not_pdf`, `upload.*`, `dossier.wrong_state`, `dossier.closed`.
    """
    from chinhquyen.signing import services as signing_services
    from chinhquyen.signing.models import Indication

    current = Dossier.objects.get(pk=dossier.pk)
    _check_move(current, "upload_result")  # before any work; again under the lock
    if current.result_file:  # again under the lock; this spares the validation
        _raise_result_exists(current)
    checked = uploads.check_upload(file, intake=uploads.RESULT, field="file")
    # Validated before the transaction: the check takes a while and holds no lock.
    report = signing_services.validate_pdf(
        pdf_bytes=checked.content, subject_type="dossiers.Dossier", subject_id=str(dossier.pk), file_name=checked.name, actor=officer
    )
    if report.reason in ("malformed", "encrypted"):
        raise DomainError(
            "dossier.result_not_pdf",
            _("The result cannot be read: %(reason)s") % {"reason": _reason_text(report)},
            fields={"file": [_("Not a readable PDF file.")]},
        )
    if report.indication == Indication.FAILED:
        raise DomainError(
            "dossier.result_signature_invalid",
            _("The result's digital signature is not valid (%(reason)s): it was not attached.") % {"reason": _reason_text(report)},
            fields={"file": [_("Invalid signature.")]},
        )
    _require_signed_if_online(current, report)
    with uploads.removed_on_failure(), transaction.atomic():
        dossier = _lock(dossier)
        if dossier.result_file:
            _raise_result_exists(dossier)
        _require_signed_if_online(dossier, report)  # the return method as it is under the lock
        old_status = dossier.status
        _move(dossier, "upload_result")
        at = clock.now()
        uploads.save_file(dossier.result_file, checked)
        dossier.result_uploaded_at = at
        dossier.result_report = report
        dossier.save(update_fields=["result_file", "result_uploaded_at", "result_report"])
        _event(dossier, action="upload_result", actor=officer, at=at, from_status=old_status, step=current_step(dossier))
        _audit(dossier, "result_uploaded", officer, file=dossier.result_file.name, sha256=report.file_sha256, signatures=report.indication)
        return dossier


def _raise_result_exists(dossier: Dossier) -> None:
    raise DomainError(
        "dossier.result_exists",
        _("Dossier %(code)s already has a result file; it cannot be uploaded twice.") % {"code": dossier.code},
        fields={"file": [_("Already uploaded.")]},
    )


def _require_signed_if_online(dossier: Dossier, report: Any) -> None:
    """Decree 45/2020 art. 25: a result returned online is the electronic result, so it must be signed."""
    if dossier.return_method == ReturnMethod.ONLINE and not _has_usable_signature(report.report):
        raise DomainError(
            "dossier.result_unsigned",
            _("A result returned online must carry the competent agency's valid digital signature (%(reason)s).")
            % {"reason": _reason_text(report)},
            fields={"file": [_("Sign the result first.")]},
        )


def _has_usable_signature(report: dict[str, Any]) -> bool:
    """A signature that validates, or cannot be confirmed only because revocation is unknown offline."""
    return any(
        s.get("indication") == "PASSED" or (s.get("indication") == "INDETERMINATE" and s.get("reason") == "revocation_unknown")
        for s in report.get("signatures", [])
    )


def _reason_text(report: Any) -> str:
    text = (report.report or {}).get("reason_text") or report.reason
    return _(text) if text else ""


def _compute_timeliness(dossier: Dossier, at: dt.datetime) -> None:
    """Per dossier: late if completed after the appointment, or if a step of another agency than
    the receiving and the competent ones (a co-ordinating agency of an inter-agency procedure)
    finished after its own deadline — a late step makes the whole dossier late (§3.5; ADR 0010).
    The competent agency's internal steps only count through the appointment. The index view uses the pause rule and counts a second
    supplement request as late (§13.1.2 indicator 2.1)."""
    agency = dossier.competent_agency_id
    verdict = timing.timeliness(at, dossier.due_at, agency)
    other_agencies_late = (
        dossier.steps.filter(timeliness=Timeliness.LATE)  # type: ignore[attr-defined]
        .exclude(agency_id__in=[dossier.receiving_agency_id, dossier.competent_agency_id])
        .exists()
    )
    if verdict != Timeliness.LATE and other_agencies_late:
        verdict = Timeliness.LATE
    dossier.timeliness = verdict
    dossier.margin_minutes = (
        timing.working_minutes(at, dossier.due_at, agency=agency)
        if at <= dossier.due_at
        else -timing.working_minutes(dossier.due_at, at, agency=agency)
    )
    index_verdict = timing.timeliness(at, dossier.due_at_pause, agency)
    dossier.index_timeliness = Timeliness.LATE if dossier.supplement_count > 1 else index_verdict


def mark_result_ready(*, officer: Account, dossier: Dossier, note: str = "") -> Dossier:
    """National status 9: the result is ready. Completion time, timeliness (per dossier and step), notification."""
    note = _note(note, "note")
    with transaction.atomic():
        dossier = _lock(dossier)
        old_status = _move(dossier, "mark_result_ready")
        at = clock.now()
        step = current_step(dossier)
        if step is not None:
            _close_step(dossier, step, at=at, handler=officer)
        dossier.completed_at = at
        _compute_timeliness(dossier, at)
        plan = _planned_steps(dossier.version)
        last = plan[-1] if plan and plan[-1].handler == StepHandler.RECEIVING else None
        return_step = _open_step(
            dossier,
            at=at,
            planned=last,
            agency=dossier.receiving_agency,
            role="counter_officer",
            name=last.name if last else _("Return of the result"),
            handed_over_by=officer,
        )
        dossier.save(
            update_fields=[
                "status",
                "national_status",
                "completed_at",
                "timeliness",
                "margin_minutes",
                "index_timeliness",
                "current_agency",
            ]
        )
        _event(
            dossier,
            action="mark_result_ready",
            actor=officer,
            at=at,
            from_status=old_status,
            step=return_step,
            due_before=dossier.due_at,
            reason=note,
        )
        _audit(dossier, "result_ready", officer, timeliness=dossier.timeliness, margin_minutes=dossier.margin_minutes)
        _notify(dossier, "result_ready", _("The result of dossier %(code)s is ready.") % {"code": dossier.code})
        return dossier


def return_result(*, officer: Account, dossier: Dossier, method: str = ReturnMethod.COUNTER, note: str = "") -> Dossier:
    """National status 10: the result was handed to the applicant (counter, post, or online for full-online procedures)."""
    if method not in ReturnMethod.values:
        raise DomainError("dossier.return_method_invalid", _("Unknown way of returning the result."), fields={"method": [_("Unknown.")]})
    note = _note(note, "note")
    with transaction.atomic():
        dossier = _lock(dossier)
        if method == ReturnMethod.ONLINE and dossier.version.online_mode != OnlineMode.FULL:
            raise DomainError(
                "dossier.not_full_online",
                _("Only the results of full-online procedures are returned online."),
                fields={"method": [_("Not allowed.")]},
            )
        old_status = _move(dossier, "return_result")
        at = clock.now()
        step = current_step(dossier)
        if step is not None:
            _close_step(dossier, step, at=at, handler=officer)
        dossier.returned_at = at
        dossier.closed_at = at
        dossier.return_method = method
        dossier.save(update_fields=["status", "national_status", "returned_at", "closed_at", "return_method"])
        _event(
            dossier, action="return_result", actor=officer, at=at, from_status=old_status, step=step, due_before=dossier.due_at, reason=note
        )
        _audit(dossier, "returned", officer, method=method)
        return dossier


def rate_dossier(*, dossier: Dossier, level: str, comment: str = "") -> Rating:
    """The applicant's rating after the result (very satisfied … not satisfied), once."""
    if level not in RatingLevel.values:
        raise DomainError("dossier.rating_invalid", _("Unknown rating."), fields={"level": [_("Unknown.")]})
    comment = clean_text(comment, field="comment", max_length=2000, code="dossier.text_invalid")
    with transaction.atomic():
        dossier = _lock(dossier)
        if dossier.status not in (DossierStatus.RESULT_READY, DossierStatus.RETURNED):
            raise DomainError("dossier.not_rateable", _("A dossier can be rated once its result is ready."))
        if Rating.objects.filter(dossier=dossier).exists():
            raise DomainError("dossier.rated_twice", _("This dossier was already rated."))
        rating = Rating.objects.create(
            dossier=dossier, level=level, points=RATING_POINTS[RatingLevel(level)], comment=nfc(comment or "")[:2000], rated_at=clock.now()
        )
        _audit(dossier, "rated", None, level=level)
        return rating
