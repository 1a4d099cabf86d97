"""The outbox, the inbox and what the recipients said about our documents (GLOSSARY: Outbox, Inbox).

- `Outbox`: one row per message to send (a package or a status message), written in the
  transaction of the change that causes it, with the exact bytes to send (`OutboxPayload`, beside
  the row, which the worker updates). The delivery worker
  sends it, with exponential backoff and jitter and no limit on attempts; only a permanent refusal
  (the hub says the message can never be accepted) makes it a dead letter, which an operator can
  send again.
- `Inbox`: one row per message fetched, unique by transport message id, by (recipient, SHA-256 of
  the bytes) and, for new documents, by (recipient, DocumentId): fetching a package twice, or the
  sender sending it twice, gives one row and one incoming document.
- `RecipientStatus`: for each document we sent and each recipient, the latest status (01…06,
  and the recall track 13/15/16), which only moves forward.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    PACKAGE = "package", _("Document package")
    STATUS = "status", _("Status message")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Refused (dead letter)")


class Outbox(models.Model):
    package_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Our id of the message; the hub de-duplicates on it."
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    transport = models.CharField(max_length=30)
    sender_code = models.CharField(max_length=35, db_index=True)
    recipient_codes = models.JSONField(default=list)
    document_id = models.CharField(max_length=255, db_index=True)
    business_type = models.CharField(max_length=10, blank=True)
    status_code = models.CharField(max_length=2, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error_code = models.CharField(max_length=60, blank=True)
    last_error = models.TextField(blank=True)
    remote_ids = models.JSONField(default=list, blank=True, help_text="The transport's ids of the message, one per recipient.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    inbox = models.ForeignKey(
        "Inbox", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies", help_text="For a status: the package it answers."
    )

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} → {','.join(self.recipient_codes)} ({self.state})"

    @property
    def payload(self) -> bytes:
        """The exact bytes to send (`OutboxPayload`), read once."""
        if self._payload is None:
            self._payload = bytes(OutboxPayload.objects.filter(outbox_id=self.pk).values_list("data", flat=True).get())
        return self._payload

    _payload: bytes | None = None


class OutboxPayload(models.Model):
    """The bytes of an outbox message, written once with it. Apart from the row because the worker
    updates the row (lease, sent) and SQLite rewrites a whole row, payload included, on each update."""

    outbox = models.OneToOneField(Outbox, on_delete=models.CASCADE, primary_key=True, related_name="+")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"payload of outbox {self.pk}"


class InboxState(models.TextChoices):
    RECEIVED = "received", _("Received")
    WAITING = "waiting", _("Waiting for its document")
    FAILED = "failed", _("Handler failed")
    INVALID = "invalid", _("Refused (not readable)")


class Inbox(models.Model):
    transport = models.CharField(max_length=30)
    remote_id = models.CharField(max_length=100, help_text="The transport's id of this delivery.")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    recipient_code = models.CharField(max_length=35, db_index=True)
    sender_code = models.CharField(max_length=35, blank=True, db_index=True)
    document_id = models.CharField(max_length=255, blank=True, db_index=True)
    business_type = models.CharField(max_length=10, blank=True)
    status_code = models.CharField(max_length=2, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True, help_text="The parsed message (`edxml parse --json`).")
    state = models.CharField(max_length=10, choices=InboxState.choices)
    error_code = models.CharField(max_length=60, blank=True)
    error = models.TextField(blank=True)
    reported_status = models.CharField(max_length=2, blank=True, help_text="The latest status we sent back for this package.")
    recall_status = models.CharField(max_length=2, blank=True, help_text="13 when a recall was asked, then 15 or 16.")
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox")
        indexes = [models.Index(fields=["state", "received_at"], name="inbox_state_idx")]
        constraints = [
            models.UniqueConstraint(fields=["transport", "remote_id"], name="inbox_unique_remote"),
            models.UniqueConstraint(fields=["recipient_code", "sha256"], name="inbox_unique_bytes"),
            models.UniqueConstraint(
                fields=["recipient_code", "document_id"],
                condition=Q(kind="package", business_type="new") & ~Q(state="invalid"),
                name="inbox_unique_new_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} ← {self.sender_code} ({self.state})"

    @property
    def payload(self) -> bytes:
        """The bytes as fetched (`InboxPayload`), read once."""
        if self._payload is None:
            self._payload = bytes(InboxPayload.objects.filter(inbox_id=self.pk).values_list("data", flat=True).get())
        return self._payload

    _payload: bytes | None = None


class InboxPayload(models.Model):
    """The bytes of an inbox message, written once with it. Apart from the row because the row is
    updated as the message is handled (statuses sent back, the handler's outcome) and SQLite
    rewrites a whole row, payload included, on each update."""

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, primary_key=True, related_name="+")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"payload of inbox {self.pk}"


class RecipientStatus(models.Model):
    """Where one recipient stands with one document we sent (the sender's status timeline ends here)."""

    document_id = models.CharField(max_length=255)
    recipient_code = models.CharField(max_length=35)
    status_code = models.CharField(max_length=2, blank=True)
    description = models.CharField(max_length=500, blank=True)
    recall_status = models.CharField(max_length=2, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recipient status")
        verbose_name_plural = _("recipient statuses")
        constraints = [models.UniqueConstraint(fields=["document_id", "recipient_code"], name="recipient_status_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} @ {self.recipient_code}: {self.status_code}"
