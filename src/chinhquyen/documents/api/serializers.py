"""API shapes of the electronic office (field names from the glossary and Phụ lục VI / edXML)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.core.api.params import IdParam
from chinhquyen.documents.models import (
    Attachment,
    DocumentEvent,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingStatus,
    Register,
)
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.reference import Secrecy, Urgency


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(IncomingStatus.values) + ")$",
        "description": "received, registered (03), presented, assigned (04), in_progress (05), completed (06), cancelled",
    }
)
class IncomingStatusField(serializers.CharField):
    pass


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(OutgoingStatus.values) + ")$",
        "description": "draft, in_review, to_approve, approved, issued, recalled",
    }
)
class OutgoingStatusField(serializers.CharField):
    pass


class IncomingCreateSerializer(serializers.Serializer):
    issuer_name = serializers.CharField(max_length=200)
    issuer_code = serializers.CharField(max_length=35, required=False, allow_blank=True, default="")
    code_number = serializers.CharField(max_length=11)
    code_notation = serializers.CharField(max_length=30)
    issued_date = serializers.DateField()
    document_type = serializers.CharField(max_length=100, help_text="Name (Quyết định) or abbreviation (QĐ) of one of the 29 types.")
    subject = serializers.CharField(max_length=500)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True, default="")
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False, allow_blank=True, default="")
    page_count = serializers.IntegerField(required=False, min_value=0, max_value=100_000, allow_null=True, default=None)
    signer_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    signer_position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    to_places = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    document_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", help_text="edXML DocumentId.")
    agency = IdParam(required=False, help_text="The registering agency (default: the caller's first agency as clerk).")
    scan = serializers.FileField(required=False, help_text="Scan of a paper document (PDF or image); makes the source `paper`.")


class RegistrationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    arrival_number = serializers.IntegerField()
    arrival_date = serializers.DateField()
    written_arrival_number = serializers.CharField()
    duplicate_of = serializers.ListField(child=serializers.IntegerField())


class IncomingListSerializer(serializers.ModelSerializer):
    written_number = serializers.CharField(read_only=True)
    status = IncomingStatusField(read_only=True)
    arrival_date = serializers.SerializerMethodField()

    class Meta:
        model = IncomingDocument
        fields = [
            "id",
            "agency",
            "status",
            "source",
            "arrival_number",
            "arrival_date",
            "issuer_name",
            "issuer_code",
            "code_number",
            "code_notation",
            "written_number",
            "issued_date",
            "document_type",
            "subject",
            "urgency",
            "secrecy",
            "page_count",
            "due_at",
            "lead_unit",
            "lead_handler",
        ]

    def get_arrival_date(self, obj: IncomingDocument) -> str | None:
        return obj.arrival_at.astimezone(VIETNAM).date().isoformat() if obj.arrival_at else None


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "kind", "version", "name", "content_type", "size", "sha256", "uploaded_at"]


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = DocumentEvent
        fields = ["kind", "at", "actor", "actor_name", "text", "old_due_at", "new_due_at"]

    def get_actor_name(self, obj: DocumentEvent) -> str:
        return str(obj.actor) if obj.actor else ""


class IncomingDetailSerializer(IncomingListSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)
    timeline = EventSerializer(many=True, read_only=True, source="events")

    class Meta(IncomingListSerializer.Meta):
        fields = [
            *IncomingListSerializer.Meta.fields,
            "signer_name",
            "signer_position",
            "to_places",
            "progress",
            "reply",
            "presented_to",
            "duplicate_of",
            "cancel_reason",
            "attachments",
            "timeline",
        ]


class PresentSerializer(serializers.Serializer):
    leader = IdParam(required=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class InstructSerializer(serializers.Serializer):
    instruction = serializers.CharField(max_length=2000)
    lead_unit = IdParam(required=False, allow_null=True, default=None)
    lead_handler = IdParam(required=False, allow_null=True, default=None)
    coordinator_units = serializers.ListField(child=IdParam(required=True), max_length=200, required=False, default=list)
    coordinators = serializers.ListField(child=IdParam(required=True), max_length=200, required=False, default=list)
    due_days = serializers.IntegerField(
        required=False, min_value=1, max_value=365, allow_null=True, default=None, help_text="Working days (workdays engine)."
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class PassSerializer(serializers.Serializer):
    unit = IdParam(required=True)
    due_days = serializers.IntegerField(required=False, min_value=1, max_value=365, allow_null=True, default=None)


class ReassignSerializer(serializers.Serializer):
    official = IdParam(required=True)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class ExtensionSerializer(serializers.Serializer):
    until = serializers.DateField()
    reason = serializers.CharField(max_length=500)


class DecisionSerializer(serializers.Serializer):
    grant = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class CompleteSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    reply_subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    reply_draft = serializers.FileField(required=False)


class RecipientSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutgoingRecipient
        fields = ["id", "agency", "code", "name", "delivered_at", "transport", "transport_reference"]


class ExternalRecipientSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=35, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=200)


class DraftCreateSerializer(serializers.Serializer):
    document_type = serializers.CharField(max_length=100)
    subject = serializers.CharField(max_length=500)
    draft = serializers.FileField(help_text="PDF (DOCX when LibreOffice is installed).")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True, default="")
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False, allow_blank=True, default="")
    internal_recipients = serializers.ListField(child=IdParam(required=True), max_length=200, required=False, default=list)
    external_recipients = serializers.JSONField(
        required=False,
        default=list,  # type: ignore[arg-type]
        help_text='[{"code": "000.00.00.G01", "name": "…"}]',
    )
    agency = IdParam(required=False)
    reply_to = IdParam(required=False, allow_null=True, default=None)
    replaces = IdParam(required=False, allow_null=True, default=None)
    submit = serializers.BooleanField(required=False, default=False)

    def validate_external_recipients(self, value: Any) -> list[dict[str, str]]:
        serializer = ExternalRecipientSerializer(data=value, many=True)
        serializer.is_valid(raise_exception=True)
        return list(serializer.validated_data)


class OutgoingSerializer(serializers.ModelSerializer):
    written_number = serializers.CharField(read_only=True)
    status = OutgoingStatusField(read_only=True)

    class Meta:
        model = OutgoingDocument
        fields = [
            "id",
            "agency",
            "status",
            "document_type",
            "subject",
            "urgency",
            "secrecy",
            "code_number",
            "code_notation",
            "written_number",
            "issued_date",
            "issued_at",
            "approved_at",
            "signer_name",
            "signer_position",
            "drafter",
            "drafting_unit",
            "reply_to",
            "replaces",
            "frozen",
            "recall_reason",
        ]


class OutgoingDetailSerializer(OutgoingSerializer):
    recipients = RecipientSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    timeline = EventSerializer(many=True, read_only=True, source="events")

    class Meta(OutgoingSerializer.Meta):
        fields = [*OutgoingSerializer.Meta.fields, "recipients", "attachments", "timeline"]


class VersionSerializer(serializers.Serializer):
    draft = serializers.FileField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField(default=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RecallSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class RegisterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Register
        fields = ["id", "agency", "direction", "purpose", "name", "document_types", "notation_abbreviation", "active"]


STATUS_CHOICES = IncomingStatus.values
