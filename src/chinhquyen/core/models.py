"""The hash-chained audit trail.

Every state change of the platform writes one `AuditEvent` in the same transaction as the
change (DESIGN.md: "every state change goes through one service function that … writes an audit
event"). Each event carries the SHA-256 of the previous one, so a modified, deleted, inserted or
reordered row breaks the chain, and `chinhquyen audit verify` names the first broken link. The
single `AuditChainHead` row holds the hash of the last event: it serialises writers (one chain,
one order) and catches a deleted tail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    sequence = models.BigIntegerField(unique=True, help_text="Position in the chain, from 1, without gaps.")
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="Before/after summary of the change.")
    request_id = models.CharField(max_length=64, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash of the chain."""

    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.last_sequence}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class JobProgress(models.Model):
    """How far a background job has got, for the page that polls it (htmx) and for its final report.

    Generic: `kind` names the job (`organizations.import_agencies`), `report` holds what the job
    wants to show at the end (counts, refused rows). Written by the job outside its own business
    transaction, so the polling page sees it move.
    """

    kind = models.CharField(max_length=100, db_index=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField(max_length=30, blank=True, help_text="What the job is doing now (reading, checking, saving).")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status} {self.done}/{self.total}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
