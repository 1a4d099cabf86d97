"""The electronic office: registers and number series, incoming and outgoing documents, their
handling and timeline (Decree 30/2020/NĐ-CP; STANDARDS §2; issue 4).

Every large table carries `agency` (the owner) so that lists filter on an index that starts with
it, and so that the data can be sharded by agency later (DESIGN.md, scale).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chinhquyen.documents.reference import DocumentType, Secrecy, Urgency

L = {  # Phụ lục VI Part II lengths (reference.METADATA_LENGTHS)
    "code_number": 11,
    "code_notation": 30,
    "issuer_name": 200,
    "subject": 500,
    "language": 30,
    "description": 500,
    "signer_position": 100,
    "signer_name": 50,
    "to_places": 1000,
}


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class SeriesPurpose(models.TextChoices):
    """What a register's number series is for (Decree 30/2020 art. 15; STANDARDS §2.4)."""

    ADMINISTRATIVE = "administrative", _("Administrative documents")
    SECRET = "secret", _("Secret documents")
    COPY = "copy", _("Copies")
    ADVISORY = "advisory", _("Advisory council")


class Register(models.Model):
    """A register (sổ) of an agency with its own number series, restarting at 01 each 1 January.

    Incoming: one series for paper and electronic documents (art. 22.2). Outgoing: one shared
    series for every administrative type (`document_types` empty), or one register per type; a
    separate register for secret documents, for copies, and for each advisory council issuing
    under the agency's seal (art. 15; Phụ lục I II.3).
    """

    agency = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, related_name="registers")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=SeriesPurpose.choices, default=SeriesPurpose.ADMINISTRATIVE)
    name = models.CharField(_("name"), max_length=200)
    #: Outgoing registers: the types numbered in this series (empty = every type not claimed by
    #: another register of the same purpose).
    document_types = models.JSONField(_("document types"), default=list, blank=True)
    #: Advisory council: the abbreviation used in the notation instead of the agency's (e.g. HĐTĐ).
    notation_abbreviation = models.CharField(_("abbreviation in notations"), max_length=30, blank=True)
    #: The clerks who keep a secret register (only they and the handling chain see its documents).
    keepers = models.ManyToManyField("organizations.Account", blank=True, related_name="kept_registers")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["agency", "direction", "purpose", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "direction", "name"], name="register_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_secret(self) -> bool:
        return self.purpose == SeriesPurpose.SECRET


class NumberCounter(models.Model):
    """The last number given in a register for one year. Locked (`SELECT … FOR UPDATE`) by the
    registering transaction, so numbers have no gap and no duplicate (ADR 0006)."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "year"], name="counter_unique_year")]

    def __str__(self) -> str:
        return f"{self.register_id}/{self.year}: {self.last_number}"


class AgencyRules(models.Model):
    """An agency's working rules for documents (quy chế làm việc), set by its administrator."""

    agency = models.OneToOneField("organizations.Agency", on_delete=models.CASCADE, related_name="document_rules")
    default_handling_days = models.PositiveSmallIntegerField(_("default handling deadline (working days)"), default=10)
    #: Art. 24: the clerk passes a document straight to the responsible unit when the rules say so.
    direct_to_unit = models.BooleanField(_("clerk may pass documents straight to a unit"), default=False)
    #: Issue 4 §8: specialists see what is assigned to them, and also to their unit when this is on.
    specialists_see_unit = models.BooleanField(_("specialists see their unit's documents"), default=True)
    reminder_days_before = models.PositiveSmallIntegerField(_("remind this many working days before a deadline"), default=1)

    class Meta:
        verbose_name = _("document rules")
        verbose_name_plural = _("document rules")

    def __str__(self) -> str:
        return str(self.agency_id)


class DocumentMetadata(models.Model):
    """The metadata fields shared by incoming and outgoing documents (Phụ lục VI Part II.I–II, 3–16)."""

    agency = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, related_name="+")
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)  # TypeName
    code_number = models.CharField(_("number"), max_length=L["code_number"], blank=True)  # CodeNumber
    code_notation = models.CharField(_("notation"), max_length=L["code_notation"], blank=True)  # CodeNotation
    issued_date = models.DateField(_("issue date"), null=True, blank=True)  # IssuedDate
    subject = models.CharField(_("subject"), max_length=L["subject"])  # Subject
    language = models.CharField(_("language"), max_length=L["language"], default="vi")  # Language
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)  # PageAmount (3 digits)
    description = models.CharField(_("note"), max_length=L["description"], blank=True)  # Description
    signer_position = models.CharField(_("signer's position"), max_length=L["signer_position"], blank=True)  # SignerInfo/Position
    signer_name = models.CharField(_("signer"), max_length=L["signer_name"], blank=True)  # SignerInfo/FullName
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True, default="")
    secrecy = models.CharField(_("secrecy"), max_length=12, choices=Secrecy.choices, blank=True, default="")
    #: 0 ordinary … 3 hỏa tốc: a column to sort on (the most urgent first).
    urgency_rank = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        # What any screen may show without asking `access` (the admin's lists of related objects,
        # logs, error pages): never the subject, and nothing of a secret document but that it is one
        # (issue 16, ADR 0038). Pages that may show more use `label`.
        if self.secrecy:
            return f"{_('secret document')} #{self.pk}"
        return f"{self._meta.verbose_name} #{self.pk} {self.written_number}".strip()

    @property
    def written_number(self) -> str:
        from chinhquyen.documents.reference import written

        return written(self.code_number, self.code_notation)

    @property
    def label(self) -> str:
        """Number and subject, for the pages of those who may open the document (they went through
        `access`)."""
        return f"{self.written_number or _('(draft)')} — {self.subject[:60]}"


class IncomingStatus(models.TextChoices):
    RECEIVED = "received", _("To register")  # arrived (internal or electronic), not yet in the register
    REGISTERED = "registered", _("Registered")  # edXML 03
    PRESENTED = "presented", _("Presented")
    ASSIGNED = "assigned", _("Assigned")  # edXML 04: the leader instructed
    IN_PROGRESS = "in_progress", _("In progress")  # edXML 05
    COMPLETED = "completed", _("Completed")  # edXML 06
    CANCELLED = "cancelled", _("Cancelled")  # recalled by the sender (art. 18.4.b)


class Source(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    INTERNAL = "internal", _("From an agency of this deployment")


class IncomingDocument(DocumentMetadata):
    """A văn bản đến (Phụ lục VI Part II.II). Numbered when registered (art. 22)."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming")
    status = models.CharField(_("status"), max_length=12, choices=IncomingStatus.choices, default=IncomingStatus.RECEIVED)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PAPER)
    issuer = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    issuer_name = models.CharField(_("issuing agency"), max_length=L["issuer_name"])  # OrganName
    issuer_code = models.CharField(_("issuer's identifier code"), max_length=35, blank=True)  # OrganId (13 on the axis)
    #: edXML DocumentId `OrganId,yyyy/MM/dd,Số/Ký hiệu` (STANDARDS §1.7), for the duplicate check.
    edxml_document_id = models.CharField(_("document identifier"), max_length=100, blank=True)
    arrival_number = models.PositiveIntegerField(_("arrival number"), null=True, blank=True)  # ArrivalNumber
    arrival_year = models.PositiveSmallIntegerField(null=True, blank=True)
    arrival_at = models.DateTimeField(_("arrival date"), null=True, blank=True)  # ArrivalDate
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_places = models.CharField(_("recipients"), max_length=L["to_places"], blank=True)  # ToPlaces
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    #: The outgoing document this came from when sent inside the deployment.
    source_outgoing = models.ForeignKey("OutgoingDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries")
    # The current state of the handling (its history is in DocumentEvent and Assignment).
    presented_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    presented_at = models.DateTimeField(null=True, blank=True)
    lead_unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lead_handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_at = models.DateTimeField(_("handling deadline"), null=True, blank=True)  # DueDate
    completed_at = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(_("progress"), max_length=500, blank=True)
    reply = models.ForeignKey("OutgoingDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="replied_documents")
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        indexes = [
            # The lists: an agency's documents by status, most urgent and newest first (W1).
            models.Index(fields=["agency", "status", "-urgency_rank", "-id"], name="in_agency_status_idx"),
            models.Index(fields=["agency", "status", "-arrival_at", "-id"], name="in_agency_status_arrival_idx"),
            models.Index(fields=["agency", "document_type", "-arrival_at", "-id"], name="in_agency_type_idx"),
            models.Index(fields=["agency", "urgency", "-arrival_at", "-id"], name="in_agency_urgency_idx"),
            models.Index(fields=["agency", "-arrival_at", "-id"], name="in_agency_arrival_idx"),
            models.Index(fields=["agency", "status", "due_at"], name="in_agency_due_idx"),
            models.Index(fields=["lead_handler", "status", "due_at"], name="in_handler_due_idx"),
            models.Index(fields=["presented_to", "status"], name="in_presented_idx"),
            models.Index(fields=["agency", "code_number", "code_notation"], name="in_dup_number_idx"),
            models.Index(fields=["edxml_document_id"], name="in_dup_docid_idx"),
            models.Index(fields=["register", "arrival_at"], name="in_register_period_idx"),
            # The indicators count the documents received, or due, in a period across agencies (issue 10).
            models.Index(fields=["received_at"], name="in_received_idx"),
            models.Index(fields=["due_at"], name="in_due_idx"),
            # Secret documents (about 1 %) are found first, then listed by id (access.secret_incoming_ids).
            models.Index(fields=["agency"], condition=~Q(secrecy=""), name="in_secret_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "arrival_year", "arrival_number"],
                condition=Q(arrival_number__isnull=False),
                name="incoming_number_unique",
            ),
        ]

    @property
    def kind(self) -> str:
        return "incoming"


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for the unit leader's review")
    TO_APPROVE = "to_approve", _("Waiting for the leader's approval")
    APPROVED = "approved", _("Approved, to issue")
    ISSUED = "issued", _("Issued")
    RECALLED = "recalled", _("Recalled")


class OutgoingDocument(DocumentMetadata):
    """A văn bản đi (Phụ lục VI Part II.I): drafted, reviewed, approved, then numbered and issued."""

    status = models.CharField(_("status"), max_length=12, choices=OutgoingStatus.choices, default=OutgoingStatus.DRAFT)
    drafting_unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    register = models.ForeignKey(Register, on_delete=models.PROTECT, null=True, blank=True, related_name="outgoing")
    number = models.PositiveIntegerField(null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    issued_amount = models.PositiveSmallIntegerField(_("copies issued"), null=True, blank=True)  # IssuedAmount
    reply_due_date = models.DateField(_("reply due"), null=True, blank=True)  # DueDate
    reply_to = models.ForeignKey(IncomingDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies")
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    #: Phụ lục VI III.8: a recalled document and its metadata are frozen at the sender.
    frozen = models.BooleanField(default=False)
    recall_reason = models.CharField(max_length=500, blank=True)
    archive_holder = models.CharField(_("unit or person keeping the file copy"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        indexes = [
            models.Index(fields=["agency", "status", "-urgency_rank", "-id"], name="out_agency_status_idx"),
            models.Index(fields=["agency", "-issued_at", "-id"], name="out_agency_issued_idx"),
            models.Index(fields=["drafter", "status"], name="out_drafter_idx"),
            models.Index(fields=["drafting_unit", "status"], name="out_unit_idx"),
            models.Index(fields=["register", "issued_at"], name="out_register_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "number_year", "number"], condition=Q(number__isnull=False), name="outgoing_number_unique"
            ),
            # Art. 15.1: number and notation are unique within a year (per issuing agency).
            models.UniqueConstraint(
                fields=["agency", "number_year", "code_number", "code_notation"],
                condition=Q(number__isnull=False),
                name="outgoing_notation_unique",
            ),
        ]

    @property
    def kind(self) -> str:
        return "outgoing"

    @property
    def locked(self) -> bool:
        """Number and date lock the document (issue 4 §5)."""
        return self.status in (OutgoingStatus.ISSUED, OutgoingStatus.RECALLED) or self.frozen


class OutgoingRecipient(models.Model):
    """A nơi nhận (To): an agency of this deployment, or an outside agency by code and name."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    code = models.CharField(max_length=35, blank=True)  # To/OrganId
    name = models.CharField(max_length=200)  # To/OrganName
    delivered_at = models.DateTimeField(null=True, blank=True)
    #: For external recipients: the transport's reference (set by the exchange issue's transport).
    transport = models.CharField(max_length=40, blank=True)
    transport_reference = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "code", "name"], name="recipient_unique")]
        # Each status message from an outside recipient finds its row by the exchange's reference.
        indexes = [models.Index(fields=["transport_reference", "code"], name="out_recipient_reference_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def internal(self) -> bool:
        return self.agency_id is not None


class AttachmentKind(models.TextChoices):
    SCAN = "scan", _("Scan of the paper document")
    MAIN = "main", _("Main file")
    ATTACHMENT = "attachment", _("Attachment")
    DRAFT = "draft", _("Draft version")
    WORK = "work", _("Working file")


def _upload_to(instance: Attachment, filename: str) -> str:
    return f"documents/{instance.agency_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file of a document. Its type is checked on its content, not its name (services.check_file)."""

    agency = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    kind = models.CharField(max_length=12, choices=AttachmentKind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "version", "id"]
        indexes = [models.Index(fields=["incoming"], name="att_incoming_idx"), models.Index(fields=["outgoing"], name="att_outgoing_idx")]

    def __str__(self) -> str:
        return self.name


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    COORDINATOR = "coordinator", _("Co-ordinating")


class Assignment(models.Model):
    """Who handles an incoming document: a unit or a person, as lead or co-ordinator, with a deadline."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=12, choices=AssignmentRole.choices)
    due_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    active = models.BooleanField(default=True)
    done_at = models.DateTimeField(null=True, blank=True)
    extension_requested_until = models.DateTimeField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["official", "active", "due_at"], name="asg_official_idx"),
            models.Index(fields=["unit", "active", "due_at"], name="asg_unit_idx"),
            models.Index(fields=["document", "active"], name="asg_document_idx"),
            models.Index(fields=["active", "due_at"], name="asg_due_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(unit__isnull=False) | Q(official__isnull=False), name="assignment_has_target")]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.role}"


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered")
    VIEWED = "viewed", _("Opened")
    PRESENTED = "presented", _("Presented to a leader")
    PASSED_TO_UNIT = "passed_to_unit", _("Passed to a unit")
    INSTRUCTED = "instructed", _("Instruction")
    REASSIGNED = "reassigned", _("Re-assigned in the unit")
    PROGRESS = "progress", _("Progress")
    COMMENT = "comment", _("Comment")
    FILE_ADDED = "file_added", _("File attached")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    COMPLETED = "completed", _("Completed")
    DRAFTED = "drafted", _("Draft created")
    VERSION = "version", _("New version")
    SUBMITTED = "submitted", _("Submitted for review")
    REVIEWED = "reviewed", _("Reviewed by the unit leader")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    DELIVERED = "delivered", _("Delivered")
    RECALLED = "recalled", _("Recalled")
    CANCELLED = "cancelled", _("Cancelled by the sender")
    REPLACED = "replaced", _("Replaced")
    REMINDED = "reminded", _("Reminder sent")


class DocumentEvent(models.Model):
    """One line of a document's timeline (Phụ lục VI I: the full trail, access history included)."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    text = models.TextField(blank=True)
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["incoming", "at"], name="evt_incoming_idx"),
            models.Index(fields=["outgoing", "at"], name="evt_outgoing_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app notice (urgent document, assignment, reminder, cancellation)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="document_notifications")
    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_recipient_idx")]

    def __str__(self) -> str:
        return self.text[:60]
