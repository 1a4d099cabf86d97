"""Every write to the procedure catalogue.

The catalogue comes from the national database and is not edited by hand (STANDARDS §5): a
procedure is written from a `ProcedureSpec` (what an import or the demo reads), and a spec that
differs from the version in force becomes a **new version** from its effective date, closing the
previous one the day before. A dossier keeps the version it was received under, so an old
dossier's deadline never moves. Each service runs in one transaction with an audit event and
refuses with a `DomainError`, leaving nothing changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core import uploads
from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError
from chinhquyen.core.folding import fold, nfc
from chinhquyen.core.locks import lock_for_transaction
from chinhquyen.organizations.models import Account, Agency
from chinhquyen.procedures.models import (
    PROCEDURE_CODE_RE,
    Channel,
    Fee,
    Field,
    OnlineMode,
    Procedure,
    ProcedureInstance,
    ProcedureLevel,
    ProcedureType,
    ProcedureVersion,
    ProcessingTime,
    RequiredComponent,
    Step,
    StepHandler,
    SupplementRule,
    TimeUnit,
)


@dataclass
class TimeSpec:
    channel: str
    amount: Decimal
    unit: str = TimeUnit.WORKING_DAY
    cutoff_time: dt.time | None = None
    description: str = ""


@dataclass
class FeeSpec:
    description: str
    amount: int = 0
    channel: str = ""


@dataclass
class ComponentSpec:
    name: str
    originals: int = 1
    copies: int = 0
    form_name: str = ""
    form_url: str = ""
    mandatory: bool = True
    case: str = ""


@dataclass
class StepSpec:
    name: str
    allotment: Decimal
    unit: str = TimeUnit.WORKING_DAY
    handler: str = StepHandler.COMPETENT
    role: str = "processing_officer"
    agency_code: str = ""


@dataclass
class ProcedureSpec:
    """A procedure as a file or the demo describes it, before it is checked and written."""

    code: str
    name: str
    field_code: str
    field_name: str
    levels: list[str] = field(default_factory=list)
    procedure_type: str = ProcedureType.NOT_DELEGATED
    online_mode: str = OnlineMode.NONE
    supplement_rule: str = SupplementRule.RESTART
    times: list[TimeSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    components: list[ComponentSpec] = field(default_factory=list)
    steps: list[StepSpec] = field(default_factory=list)
    instances: list[str] = field(default_factory=list)  # agency codes
    applicants: str = ""
    competent_authority: str = ""
    implementing_agency: str = ""
    delegated_agency: str = ""
    coordinating_agencies: str = ""
    reception_address: str = ""
    result: str = ""
    result_is_paper: bool = True
    legal_basis: list[dict[str, str]] = field(default_factory=list)
    conditions: str = ""
    sequence: str = ""
    keywords: str = ""
    description: str = ""
    decision_number: str = ""
    decision_date: dt.date | None = None
    valid_from: dt.date | None = None
    is_sample: bool = False

    def content_hash(self) -> str:
        """Fingerprint of what a version holds (not the instances, the dates or the sample flag)."""
        data = asdict(self)
        for key in ("instances", "valid_from", "is_sample", "decision_date", "decision_number"):
            data.pop(key)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def _refuse(code: str, message: str, field_name: str) -> DomainError:
    return DomainError(code, message, fields={field_name: [message]})


def check_spec(spec: ProcedureSpec) -> None:
    """Refuse a spec that cannot be written (raises DomainError with the offending field)."""
    if not PROCEDURE_CODE_RE.match(spec.code or ""):
        raise _refuse("procedure.code_invalid", _("“%(code)s” is not a procedure code of the form 1.001193.") % {"code": spec.code}, "code")
    if not spec.name.strip():
        raise _refuse("procedure.name_missing", _("The procedure has no name."), "name")
    if not spec.field_name.strip():
        raise _refuse("procedure.field_missing", _("The procedure has no field."), "field")
    for level in spec.levels:
        if level not in ProcedureLevel.values:
            raise _refuse("procedure.level_invalid", _("Unknown level “%(level)s”.") % {"level": level}, "levels")
    if spec.procedure_type not in ProcedureType.values:
        raise _refuse("procedure.type_invalid", _("Unknown procedure type “%(v)s”.") % {"v": spec.procedure_type}, "procedure_type")
    if spec.online_mode not in OnlineMode.values:
        raise _refuse("procedure.online_mode_invalid", _("Unknown online mode “%(v)s”.") % {"v": spec.online_mode}, "online_mode")
    if spec.supplement_rule not in SupplementRule.values:
        raise _refuse(
            "procedure.supplement_rule_invalid", _("Unknown supplement rule “%(v)s”.") % {"v": spec.supplement_rule}, "supplement_rule"
        )
    if not spec.times:
        raise _refuse("procedure.time_missing", _("The procedure has no processing time."), "times")
    seen: set[str] = set()
    for time in spec.times:
        if time.channel not in Channel.values:
            raise _refuse("procedure.channel_invalid", _("Unknown channel “%(v)s”.") % {"v": time.channel}, "times")
        if time.channel in seen:
            raise _refuse("procedure.channel_twice", _("The channel “%(v)s” has two processing times.") % {"v": time.channel}, "times")
        seen.add(time.channel)
        if time.unit not in TimeUnit.values:
            raise _refuse("procedure.unit_invalid", _("Unknown time unit “%(v)s”.") % {"v": time.unit}, "times")
        try:
            amount = Decimal(time.amount)
        except (InvalidOperation, TypeError):
            raise _refuse("procedure.time_invalid", _("The processing time “%(v)s” is not a number.") % {"v": time.amount}, "times")
        if amount < 0 or amount > 1000:
            raise _refuse("procedure.time_invalid", _("The processing time must be between 0 and 1000."), "times")
    for fee in spec.fees:
        if fee.amount < 0:
            raise _refuse("procedure.fee_invalid", _("A fee cannot be negative."), "fees")
    for component in spec.components:
        if not component.name.strip():
            raise _refuse("procedure.component_invalid", _("A required component has no name."), "components")
        if component.originals < 0 or component.copies < 0:
            raise _refuse("procedure.component_invalid", _("The number of originals and copies cannot be negative."), "components")
    for step in spec.steps:
        if step.handler not in StepHandler.values:
            raise _refuse("procedure.step_invalid", _("Unknown step handler “%(v)s”.") % {"v": step.handler}, "steps")
        if Decimal(step.allotment) < 0:
            raise _refuse("procedure.step_invalid", _("A step's allotment cannot be negative."), "steps")


def _search_text(spec: ProcedureSpec) -> str:
    return fold(f"{spec.code} {spec.name} {spec.keywords}")


def _write_version(procedure: Procedure, number: int, valid_from: dt.date, spec: ProcedureSpec, digest: str) -> ProcedureVersion:
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        valid_from=valid_from,
        name=nfc(spec.name),
        decision_number=spec.decision_number,
        decision_date=spec.decision_date,
        levels=list(spec.levels),
        procedure_type=spec.procedure_type,
        online_mode=spec.online_mode,
        supplement_rule=spec.supplement_rule,
        applicants=spec.applicants,
        competent_authority=spec.competent_authority,
        implementing_agency=spec.implementing_agency,
        delegated_agency=spec.delegated_agency,
        coordinating_agencies=spec.coordinating_agencies,
        reception_address=spec.reception_address,
        result=spec.result,
        result_is_paper=spec.result_is_paper,
        legal_basis=spec.legal_basis,
        conditions=spec.conditions,
        sequence=spec.sequence,
        keywords=spec.keywords,
        description=spec.description,
        content_hash=digest,
    )
    ProcessingTime.objects.bulk_create(
        ProcessingTime(
            version=version, channel=t.channel, amount=Decimal(t.amount), unit=t.unit, cutoff_time=t.cutoff_time, description=t.description
        )
        for t in spec.times
    )
    Fee.objects.bulk_create(Fee(version=version, channel=f.channel, description=f.description, amount=f.amount) for f in spec.fees)
    RequiredComponent.objects.bulk_create(
        RequiredComponent(
            version=version,
            position=i,
            name=nfc(c.name),
            form_name=c.form_name,
            form_url=c.form_url,
            originals=c.originals,
            copies=c.copies,
            mandatory=c.mandatory,
            case=c.case,
        )
        for i, c in enumerate(spec.components, start=1)
    )
    Step.objects.bulk_create(
        Step(
            version=version,
            position=i,
            name=s.name,
            handler=s.handler,
            role=s.role,
            agency_code=s.agency_code,
            allotment=Decimal(s.allotment),
            unit=s.unit,
        )
        for i, s in enumerate(spec.steps, start=1)
    )
    return version


def _agencies_by_code(codes: list[str], on: dt.date) -> dict[str, Agency]:
    found = {a.code: a for a in Agency.objects.valid_on(on).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise _refuse(
            "procedure.agency_unknown",
            _("No agency in force has the code %(codes)s.") % {"codes": ", ".join(missing)},
            "instances",
        )
    return found


def save_procedure(*, spec: ProcedureSpec, actor: Account | None = None, today: dt.date | None = None) -> str:
    """Write one procedure from its spec: "created", "updated" (a new version) or "unchanged".

    A changed spec becomes version n+1 from `spec.valid_from` (or the decision date, or today);
    the previous version ends the day before. Refuses (DomainError) a bad spec, an unknown agency
    of an instance, or a new version that would start on or before the current one's start.
    """
    check_spec(spec)
    day = today or timezone.localdate()
    with transaction.atomic():
        lock_for_transaction(f"procedure:{spec.code}")
        agencies = _agencies_by_code(spec.instances, day) if spec.instances else {}
        field_row, _created = Field.objects.get_or_create(
            code=spec.field_code or fold(spec.field_name)[:30], defaults={"name": spec.field_name}
        )
        digest = spec.content_hash()
        procedure = Procedure.objects.filter(code=spec.code).first()
        outcome = "unchanged"
        if procedure is None:
            procedure = Procedure.objects.create(
                code=spec.code, name=nfc(spec.name), field=field_row, is_sample=spec.is_sample, search_text=_search_text(spec)
            )
            _write_version(procedure, 1, spec.valid_from or spec.decision_date or dt.date(2016, 1, 1), spec, digest)
            outcome = "created"
        else:
            latest = procedure.versions.order_by("-number").first()
            if latest is None or latest.content_hash != digest:
                valid_from = spec.valid_from or spec.decision_date or day
                if latest is not None:
                    if valid_from <= latest.valid_from:
                        raise _refuse(
                            "procedure.version_order",
                            _("The new version of %(code)s must start after %(day)s, when the current one started.")
                            % {"code": spec.code, "day": latest.valid_from.strftime("%d/%m/%Y")},
                            "valid_from",
                        )
                    latest.valid_to = valid_from - dt.timedelta(days=1)
                    latest.save(update_fields=["valid_to"])
                _write_version(procedure, (latest.number if latest else 0) + 1, valid_from, spec, digest)
                procedure.name = nfc(spec.name)
                procedure.field = field_row
                procedure.search_text = _search_text(spec)
                procedure.save(update_fields=["name", "field", "search_text"])
                outcome = "updated"
        for code, agency in agencies.items():
            _instance, created = ProcedureInstance.objects.get_or_create(
                procedure=procedure, agency=agency, defaults={"code": f"{procedure.code}.{code}"}
            )
            if created and outcome == "unchanged":
                outcome = "updated"
        if outcome != "unchanged":
            record_event(
                action=f"procedure.{outcome}",
                actor=actor,
                object_type="procedure",
                object_id=procedure.pk,
                summary={"code": procedure.code, "name": procedure.name, "instances": sorted(agencies)},
            )
        return outcome


def add_instance(*, procedure: Procedure, agency: Agency, actor: Account | None = None) -> ProcedureInstance:
    """Let `agency` carry out `procedure` (idempotent)."""
    with transaction.atomic():
        instance, created = ProcedureInstance.objects.get_or_create(
            procedure=procedure, agency=agency, defaults={"code": f"{procedure.code}.{agency.code}"}
        )
        if created:
            record_event(
                action="procedure.instance_added",
                actor=actor,
                agency_id=agency.pk,
                object_type="procedure",
                object_id=procedure.pk,
                summary={"instance": instance.code},
            )
        return instance


def spec_summary(spec: ProcedureSpec) -> dict[str, Any]:
    return {"code": spec.code, "name": spec.name}


def start_procedure_import(*, actor: Account, upload: Any, language: str = "vi") -> Any:
    """Keep an uploaded catalogue file (national JSON package or Excel) and queue its import; return the job.

    The file passes the upload policy first (`core.uploads.IMPORT_PROCEDURES`: JSON that decodes
    or an Excel workbook that is a sound Office zip, within UPLOAD_IMPORT_MAX_BYTES). Raises `upload.*`.
    """
    from chinhquyen.core.models import JobProgress
    from chinhquyen.procedures.tasks import IMPORT_KIND, import_procedures_task

    checked = uploads.check_upload(upload, intake=uploads.IMPORT_PROCEDURES, field="file")
    with uploads.removed_on_failure(), transaction.atomic():
        storage_name = uploads.save_to_storage("imports", checked)
        job = JobProgress.objects.create(kind=IMPORT_KIND, created_by=actor, report={"filename": checked.name})
        # In the job's transaction: no task without its job, no job without its task.
        import_procedures_task.enqueue(job.pk, storage_name, checked.name, language)
        record_event(
            action="procedures.import_started", actor=actor, object_type="core.JobProgress", object_id=job.pk,
            summary={"file": checked.name, "sha256": checked.sha256},
        )  # fmt: skip
    return job
