"""The administrative-procedure catalogue (thủ tục hành chính, STANDARDS §5).

A `Procedure` is the stable identity (its national code `d.dddddd`); what the law says about it
lives in `ProcedureVersion`, effective-dated, because the catalogue changes by publishing
decision (quyết định công bố) and a dossier keeps the version it was received under (§5: "a
catalogue change does not alter old deadlines"). A version carries its processing times per
channel (`ProcessingTime`), fees (`Fee`), required components (`RequiredComponent`) and the
plan of its processing steps (`Step`). `ProcedureInstance` says which agency carries out the
procedure (`<code>.<agency code>`, the key provincial portals use).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chinhquyen.organizations.models import Agency

#: The national procedure code: one digit, a dot, six digits (STANDARDS §5, e.g. 1.001193).
PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}$", re.ASCII)


class ProcedureLevel(models.TextChoices):
    """Cấp thực hiện. Since 01/07/2025 there is no district level (two-level local government)."""

    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class ProcedureType(models.TextChoices):
    """LOAITTHC of the national package (STANDARDS §5)."""

    NOT_DELEGATED = "1", _("Procedure not delegated to local rules")
    DELEGATED = "2", _("Procedure whose details are delegated by law")
    OTHER = "3", _("Other procedure")


class OnlineMode(models.TextChoices):
    """Decree 42/2022 art. 11: full online (toàn trình) or partial online (một phần)."""

    FULL = "full", _("Full online service")
    PARTIAL = "partial", _("Partial online service")
    NONE = "none", _("No online service")


class Channel(models.TextChoices):
    """How a dossier is submitted (KENH of the national package: 1 direct, 2 online, 3 postal)."""

    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online")
    POST = "post", _("By public postal service")


#: National channel number (KENH) ↔ our channel.
CHANNEL_BY_KENH = {1: Channel.COUNTER, 2: Channel.ONLINE, 3: Channel.POST}


class TimeUnit(models.TextChoices):
    WORKING_DAY = "day", _("working days")
    WORKING_HOUR = "hour", _("working hours")


class SupplementRule(models.TextChoices):
    """What a supplement request does to the appointment (ADR 0010, STANDARDS §13.2.4).

    RESTART: Decree 61/2018 art. 19.4 — the time limit is counted again from zero once the
    complete dossier arrives (the last verified legal text; the default).
    PAUSE: the national index (Decision 766, indicator 2.1) — the waiting time is subtracted.
    Both are computed and stored on every dossier; this switch says which sets its appointment.
    """

    RESTART = "restart", _("Restart the time limit from zero")
    PAUSE = "pause", _("Pause the clock while waiting")


class StepHandler(models.TextChoices):
    """Which agency handles a step of the plan."""

    RECEIVING = "receiving", _("The receiving one-stop unit")
    COMPETENT = "competent", _("The competent agency")
    COORDINATING = "coordinating", _("A coordinating agency")


class Field(models.Model):
    """A field (lĩnh vực), e.g. civil status (Hộ tịch). Code `<level-1>-<field>` when known (TT 01/2018 art. 20)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """The stable identity of a procedure; its content is in the versions."""

    code = models.CharField(_("procedure code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=1000)
    #: `fold(code + name + keywords)`: accent-insensitive search on both engines (core.folding).
    search_text = models.TextField(editable=False, default="")
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="procedures")
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=_("Demo data, not taken from the national catalogue."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def version_on(self, day: dt.date) -> ProcedureVersion | None:
        return self.versions.valid_on(day).order_by("-valid_from").first()  # type: ignore[attr-defined, no-any-return]


class VersionQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def valid_on(self, day: dt.date) -> VersionQuerySet:
        return self.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


class ProcedureVersion(models.Model):
    """What the procedure is between two dates (a publishing decision). Never edited once a dossier uses it."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective to"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=1000)
    decision_number = models.CharField(_("publishing decision"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    levels = models.JSONField(_("levels"), default=list, help_text=_("Cấp thực hiện: province, commune…"))
    procedure_type = models.CharField(_("procedure type"), max_length=1, choices=ProcedureType.choices, default=ProcedureType.NOT_DELEGATED)
    online_mode = models.CharField(_("online service"), max_length=10, choices=OnlineMode.choices, default=OnlineMode.NONE)
    supplement_rule = models.CharField(_("supplement rule"), max_length=10, choices=SupplementRule.choices, default=SupplementRule.RESTART)
    applicants = models.TextField(_("applicants"), blank=True)
    competent_authority = models.TextField(_("competent authority"), blank=True)
    implementing_agency = models.TextField(_("implementing agency"), blank=True)
    delegated_agency = models.TextField(_("delegated agency"), blank=True)
    coordinating_agencies = models.TextField(_("coordinating agencies"), blank=True)
    reception_address = models.TextField(_("reception address"), blank=True)
    result = models.TextField(_("result"), blank=True)
    result_is_paper = models.BooleanField(_("result is a paper document"), default=True)
    legal_basis = models.JSONField(_("legal basis"), default=list, help_text=_("[{number, title}]"))
    conditions = models.TextField(_("conditions"), blank=True)
    sequence = models.TextField(_("sequence of steps"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    #: Fingerprint of the content, so re-importing the same package creates no new version.
    content_hash = models.CharField(max_length=64, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="procedure_version_validity_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    def processing_time(self, channel: str) -> ProcessingTime | None:
        """The processing time for `channel`, falling back to the counter's (the usual single row)."""
        times = {t.channel: t for t in self.processing_times.all()}  # type: ignore[attr-defined]
        return times.get(channel) or times.get(Channel.COUNTER) or next(iter(times.values()), None)


class ProcessingTime(models.Model):
    """Thời hạn giải quyết for one channel: an amount of working days or hours, and an optional cutoff."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="processing_times")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    amount = models.DecimalField(_("amount"), max_digits=7, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=4, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY)
    #: E.g. 15:00 for civil status and certification: "received after 15:00 → the next working day" (STANDARDS §3.5).
    cutoff_time = models.TimeField(_("cutoff time"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("processing time")
        verbose_name_plural = _("processing times")
        constraints = [
            models.UniqueConstraint(fields=["version", "channel"], name="processing_time_one_per_channel"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="processing_time_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_unit_display()}"

    def as_amount(self) -> dict[str, Any]:
        """Keyword arguments for `workdays.engine.add_working_time`."""
        return {"days": self.amount} if self.unit == TimeUnit.WORKING_DAY else {"hours": self.amount}

    @property
    def minutes(self) -> int:
        """The amount in working minutes (8-hour working day)."""
        per = 8 * 60 if self.unit == TimeUnit.WORKING_DAY else 60
        return int(self.amount * per)


class Fee(models.Model):
    """Phí, lệ phí: an amount in đồng (0 = free), for one channel or all."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    description = models.CharField(_("description"), max_length=1000)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"), default=0)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class RequiredComponent(models.Model):
    """Thành phần hồ sơ: a paper the applicant brings (TENGIAYTO, TENMAUDON, SOBANCHINH, SOBANSAO)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="required_components")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=1000)
    form_name = models.CharField(_("form template"), max_length=500, blank=True)
    form_url = models.URLField(_("form template file"), max_length=1000, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    mandatory = models.BooleanField(_("required"), default=True)
    case = models.CharField(_("case"), max_length=500, blank=True, help_text=_("TRUONGHOP: the case this component applies to."))

    class Meta:
        verbose_name = _("required component")
        verbose_name_plural = _("required components")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """One step of the processing plan with its allotment of working time (the control slip's rows)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=500)
    handler = models.CharField(_("handled by"), max_length=12, choices=StepHandler.choices, default=StepHandler.COMPETENT)
    #: The role that handles it in that agency (organizations.Role values).
    role = models.CharField(_("role"), max_length=20, default="processing_officer")
    #: For a coordinating step: the agency, by code.
    agency_code = models.CharField(_("agency code"), max_length=35, blank=True)
    allotment = models.DecimalField(_("allotment"), max_digits=7, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=4, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="procedure_step_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def as_amount(self) -> dict[str, Any]:
        return {"days": self.allotment} if self.unit == TimeUnit.WORKING_DAY else {"hours": self.allotment}


class ProcedureInstance(models.Model):
    """The procedure as carried out by one agency: `<procedure code>.<agency code>` (STANDARDS §5)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="instances")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="procedure_instances")
    code = models.CharField(_("instance code"), max_length=50, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("procedure instance")
        verbose_name_plural = _("procedure instances")
        constraints = [models.UniqueConstraint(fields=["procedure", "agency"], name="procedure_instance_unique")]

    def __str__(self) -> str:
        return self.code
