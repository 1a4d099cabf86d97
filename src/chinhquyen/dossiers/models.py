"""One-stop-shop dossiers (hồ sơ TTHC): their states, steps, pauses, timeline, results and ratings.

The state machine is `TRANSITIONS` below: our states, each mapped to the national portal's
status code 1–10 (STANDARDS §3.4; `NATIONAL_STATUS`), with our own sub-states where the national
list is coarser (a dossier received after 15:00 waiting to be passed on is national 2; handing
over and appraising are both national 4). Every transition writes a `DossierEvent` (actor, time,
step, due time before and after, reason) — the timeline — and an audit event.

Time (ADR 0010): `received_at` is when the complete dossier was received; `clock_started_at`
when the processing time starts (the version's cutoff, e.g. 15:00, may push it to the next
working day); `due_at` is the appointment shown to the applicant. Both supplement rules are
computed and stored (`due_at_restart`, `due_at_pause`); the version's `supplement_rule` says
which one is the appointment. `Pause` rows keep every stop of the clock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chinhquyen.organizations.models import Agency, ApplicantKind
from chinhquyen.procedures.models import Channel, Procedure, ProcedureVersion, RequiredComponent, SupplementRule
from chinhquyen.procedures.models import Step as PlannedStep


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted online, not yet received")
    RECEIVED = "received", _("Received")
    PENDING_TRANSFER = "pending_transfer", _("Received after 15:00, passed on the next working day")
    REFUSED = "refused", _("Refused at reception")
    IN_PROCESS = "in_process", _("In process")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting fees")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Processing stopped")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result returned")


#: The national portal's status code (TrangThai, STANDARDS §3.4) of each of our states.
NATIONAL_STATUS: dict[str, int] = {
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.PENDING_TRANSFER: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.IN_PROCESS: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.AWAITING_PAYMENT: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.RESULT_READY: 9,
    DossierStatus.RETURNED: 10,
}

S = DossierStatus
#: action → (states it may start from, state it leads to). The one table of the state machine.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "receive": (frozenset({S.SUBMITTED}), S.RECEIVED),
    # An online dossier the counter sent back for a supplement before receiving it returns to the
    # counter's check when the applicant answers (national status 5 → 1).
    "resubmit": (frozenset({S.SUPPLEMENT_REQUESTED}), S.SUBMITTED),
    # From "supplement requested" only before reception (an applicant who never answers the check).
    "refuse": (frozenset({S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.RECEIVED, S.PENDING_TRANSFER, S.IN_PROCESS}), S.REFUSED),
    "hand_over": (frozenset({S.RECEIVED, S.PENDING_TRANSFER, S.IN_PROCESS}), S.IN_PROCESS),
    "request_supplement": (frozenset({S.SUBMITTED, S.RECEIVED, S.PENDING_TRANSFER, S.IN_PROCESS}), S.SUPPLEMENT_REQUESTED),
    "receive_supplement": (frozenset({S.SUPPLEMENT_REQUESTED}), S.IN_PROCESS),
    "request_payment": (frozenset({S.RECEIVED, S.IN_PROCESS}), S.AWAITING_PAYMENT),
    "record_payment": (frozenset({S.AWAITING_PAYMENT, S.RECEIVED, S.PENDING_TRANSFER, S.IN_PROCESS, S.RESULT_READY}), S.IN_PROCESS),
    "apologize": (frozenset({S.RECEIVED, S.PENDING_TRANSFER, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}), S.IN_PROCESS),
    "upload_result": (frozenset({S.IN_PROCESS}), S.IN_PROCESS),
    "mark_result_ready": (frozenset({S.IN_PROCESS}), S.RESULT_READY),
    "return_result": (frozenset({S.RESULT_READY}), S.RETURNED),
    "stop": (frozenset({S.RECEIVED, S.PENDING_TRANSFER, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}), S.STOPPED),
    "withdraw": (
        frozenset({S.SUBMITTED, S.RECEIVED, S.PENDING_TRANSFER, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}),
        S.WITHDRAWN,
    ),
}

#: Actions of the processing: never on an online dossier the counter has not received (ADR 0029).
NEEDS_RECEPTION = frozenset({"stop", "apologize", "request_payment", "record_payment", "upload_result", "mark_result_ready"})


def allowed_before_reception(action: str, dossier: Dossier) -> bool:
    """Whether the state machine's `action` fits the dossier's reception: processing actions need a
    received dossier; refusing one waiting for a supplement is for a dossier not yet received."""
    if action in NEEDS_RECEPTION and not dossier.is_received:
        return False
    return not (action == "refuse" and dossier.status == S.SUPPLEMENT_REQUESTED and dossier.is_received)


#: States in which the dossier is finished (no more processing).
CLOSED_STATES = frozenset({S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED})
#: States in which processing is over (the result exists or the dossier ended).
FINISHED_STATES = CLOSED_STATES | {S.RESULT_READY}
#: States in which the clock stands still (reports group 5, 6 and 8 as "paused", §3.4).
PAUSED_STATES = frozenset({S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT})


class Timeliness(models.TextChoices):
    """STANDARDS §3.6: earlier = trước hạn, the due day = đúng hạn, after = quá hạn."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By public postal service")
    ONLINE = "online", _("Online")


class FormSet(models.TextChoices):
    """Which set of forms a dossier prints: received before 01/07/2025 → Circular 01/2018 (forms 01–06)."""

    CIRCULAR_03_2025 = "2025", _("Circular 03/2025/TT-VPCP")
    CIRCULAR_01_2018 = "2018", _("Circular 01/2018/TT-VPCP")


class DossierCounter(models.Model):
    """The last sequence number of dossier codes per receiving agency and day (§3.2; ADR 0011)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers")
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers")
    receiving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossiers_received")
    competent_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossiers_competent")
    #: The agency holding the dossier now (the current step's), for the queues and the overdue list.
    current_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    status = models.CharField(_("status"), max_length=24, choices=DossierStatus.choices, default=DossierStatus.RECEIVED)
    national_status = models.PositiveSmallIntegerField(_("national status code"), default=2)

    applicant_kind = models.CharField(_("applicant kind"), max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN)
    applicant_name = models.CharField(_("applicant"), max_length=255)
    applicant_id_number = models.CharField(_("ID or tax number"), max_length=14, db_index=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="dossiers_applied"
    )
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    #: False while an online dossier waits for the counter's check (national status 1, or 5 before
    #: reception): it is not yet received, its clock has not started, and no statistic counts it.
    is_received = models.BooleanField(_("received"), default=True)
    #: `received_at` truncated to the month, for the statistics (one index, both engines).
    received_month = models.DateField(editable=False)
    transfer_due_at = models.DateTimeField(_("to be passed on by"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("clock started at"))
    due_at = models.DateTimeField(_("appointment"), db_index=True)
    original_due_at = models.DateTimeField(_("first appointment"))
    due_at_restart = models.DateTimeField(_("appointment, restart rule"))
    due_at_pause = models.DateTimeField(_("appointment, pause rule"))
    supplement_rule = models.CharField(_("supplement rule"), max_length=10, choices=SupplementRule.choices)
    processing_minutes = models.PositiveIntegerField(_("processing time (working minutes)"))
    supplement_count = models.PositiveSmallIntegerField(default=0)
    apology_prompted_at = models.DateTimeField(null=True, blank=True)
    apology_sent_at = models.DateTimeField(null=True, blank=True)
    apology_reason = models.TextField(blank=True)

    completed_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_reason = models.TextField(blank=True)
    return_method = models.CharField(_("result collected"), max_length=10, choices=ReturnMethod.choices, default=ReturnMethod.COUNTER)
    result_file = models.FileField(upload_to="dossiers/results/%Y/%m/", blank=True)
    result_uploaded_at = models.DateTimeField(null=True, blank=True)
    #: The signing app's validation of the result file when it was uploaded (evidence; ADR 0030).
    result_report = models.ForeignKey(
        "signing.ValidationReport", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("result signatures")
    )

    timeliness = models.CharField(_("timeliness"), max_length=8, choices=Timeliness.choices, blank=True)
    #: Working minutes between completion and appointment (positive: early).
    margin_minutes = models.IntegerField(null=True, blank=True)
    #: The national index's view (pause rule; more than one supplement request ⇒ late), §13.1.2 2.1.
    index_timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)
    digitized = models.BooleanField(_("components digitised"), default=False)
    form_set = models.CharField(max_length=4, choices=FormSet.choices, default=FormSet.CIRCULAR_03_2025)
    lookup_secret = models.CharField(
        max_length=16, blank=True, help_text="Printed on the receipt (OpenCPS practice); 10 characters without look-alikes (ADR 0035)."
    )
    is_sample = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["competent_agency", "received_month"], name="dossier_competent_month_idx"),
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_receiving_idx"),
            models.Index(fields=["current_agency", "status", "due_at"], name="dossier_current_idx"),
            models.Index(fields=["received_month"], name="dossier_month_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(national_status__gte=1) & Q(national_status__lte=10), name="dossier_national_status_range"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATES


class DossierComponent(models.Model):
    """A paper or file of the dossier, ticked against the version's required components."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    required_component = models.ForeignKey(RequiredComponent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=1000)
    originals = models.PositiveSmallIntegerField(default=0)
    copies = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="dossiers/components/%Y/%m/", blank=True)
    supplement = models.BooleanField(default=False, help_text="Brought with a supplement.")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """One step actually taken: the agency (and officer) holding the dossier, its deadline, its outcome.

    The control slip (form 06) is the list of these rows: one per hand-over.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    planned = models.ForeignKey(PlannedStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=500)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="dossier_steps")
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    allotted_minutes = models.PositiveIntegerField()
    finished_at = models.DateTimeField(null=True, blank=True)
    spent_minutes = models.PositiveIntegerField(null=True, blank=True)
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "position"]
        indexes = [models.Index(fields=["agency", "role", "finished_at", "due_at"], name="dossier_step_queue_idx")]
        constraints = [models.UniqueConstraint(fields=["dossier", "position"], name="dossier_step_position_unique")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.position} {self.name}"


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Waiting for a supplement")
    PAYMENT = "payment", _("Waiting for fees")


class Pause(models.Model):
    """A stop of the clock (tạm dừng): start, end, reason (STANDARDS §3.5)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=10, choices=PauseKind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    items = models.JSONField(default=list, blank=True, help_text="What the applicant must bring (form 02).")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["dossier", "started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class DossierEvent(models.Model):
    """One line of the timeline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    national_status = models.PositiveSmallIntegerField()
    step = models.ForeignKey(DossierStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} → {self.to_status}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash at the counter")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE_NATIONAL = "online_national", _("Online, national portal")
    ONLINE_PROVINCE = "online_province", _("Online, provincial portal")


class FeePayment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="payments")
    amount = models.PositiveBigIntegerField()
    paid_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.amount} ({self.method})"


class RatingLevel(models.TextChoices):
    """The levels the national portal shows (STANDARDS §3.7)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    ACCEPTABLE = "acceptable", _("Acceptable")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


#: Points for the average shown in the statistics.
RATING_POINTS = {RatingLevel.VERY_SATISFIED: 4, RatingLevel.SATISFIED: 3, RatingLevel.ACCEPTABLE: 2, RatingLevel.NOT_SATISFIED: 1}


class Rating(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    level = models.CharField(max_length=16, choices=RatingLevel.choices)
    points = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.level


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    """A message to the applicant, queued in the transaction of the change that causes it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=5, choices=NotificationChannel.choices)
    kind = models.CharField(max_length=30)
    to = models.CharField(max_length=255)
    body = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=30, blank=True)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.channel} {self.kind}"
