"""The hub's tables. Nothing here refers to another app of the platform (the hub runs alone)."""

from __future__ import annotations

import uuid

from django.db import models


class Connector(models.Model):
    """A deployment (or one agency's software) allowed to use the hub, with its shared secret."""

    name = models.CharField(max_length=60, unique=True)
    # The HMAC key itself: verifying a request needs it (as the axis's `secret`, STANDARDS §1.11).
    secret = models.CharField(max_length=128)
    can_manage_directory = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class HubAgency(models.Model):
    """An agency of the directory and the connector that receives its mail."""

    code = models.CharField(max_length=35, unique=True)
    name = models.CharField(max_length=255)
    parent_code = models.CharField(max_length=35, blank=True)
    connector = models.ForeignKey(Connector, null=True, blank=True, on_delete=models.SET_NULL, related_name="agencies")
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Nonce(models.Model):
    """Nonces seen inside the clock window: a request whose nonce is here is a replay."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE)
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connector", "nonce"], name="hub_nonce_unique")]

    def __str__(self) -> str:
        return self.nonce


class Blob(models.Model):
    """An attachment's encoded bytes, stored once whatever the number of packages carrying it."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class MessageType(models.TextChoices):
    EDOC = "edoc", "edoc"
    STATUS = "status", "status"


class Message(models.Model):
    """One accepted package or status message. Its attachments live in `Blob`s; `skeleton` is the
    message with each attachment's base64 text replaced by a reference to its blob."""

    package_id = models.CharField(max_length=64)
    sender = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="sent_messages")
    message_type = models.CharField(max_length=10, choices=MessageType.choices)
    from_code = models.CharField(max_length=35, db_index=True)
    document_id = models.CharField(max_length=255, db_index=True)
    status_code = models.CharField(max_length=2, blank=True)
    skeleton = models.BinaryField(null=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sender", "package_id"], name="hub_message_package_unique")]

    def __str__(self) -> str:
        return f"{self.message_type} {self.document_id}"


class MessageBlob(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="blob_refs")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="refs")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.message_id}#{self.position}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "pending"
    DONE = "done", "done"
    FAIL = "fail", "fail"


class Delivery(models.Model):
    """A message in one recipient's mailbox, until that recipient acknowledges it."""

    doc_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    to_code = models.CharField(max_length=35)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    reason = models.CharField(max_length=500, blank=True)
    business_status = models.CharField(max_length=2, blank=True, help_text="The latest status this recipient sent about the document.")
    created_at = models.DateTimeField(auto_now_add=True)
    acked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["to_code", "state", "id"], name="hub_mailbox_idx")]

    def __str__(self) -> str:
        return f"{self.doc_id} → {self.to_code} ({self.state})"


class EvidenceEntry(models.Model):
    """The evidence log: every accepted message and every acknowledgement, chained by SHA-256."""

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    event = models.CharField(max_length=20)
    connector = models.CharField(max_length=60)
    package_id = models.CharField(max_length=64, blank=True)
    doc_id = models.CharField(max_length=36, blank=True)
    message_type = models.CharField(max_length=10, blank=True)
    from_code = models.CharField(max_length=35, blank=True)
    to_code = models.CharField(max_length=35, blank=True)
    document_id = models.CharField(max_length=255, blank=True)
    status_code = models.CharField(max_length=2, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event}"


class EvidenceHead(models.Model):
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.last_sequence}"
