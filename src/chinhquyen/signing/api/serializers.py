from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from chinhquyen.signing.models import ValidationReport
from chinhquyen.signing.validation import REASONS


class ValidateUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text="The PDF to validate (multipart/form-data).")


class ValidationReportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    reason_text = serializers.SerializerMethodField(help_text="The reason, in the request's language.")
    report = serializers.JSONField(help_text="The full report: every signature with signer, chain, time, revocation, changes.")

    class Meta:
        model = ValidationReport
        fields = [
            "id", "subject_type", "subject_id", "file_name", "file_sha256", "file_size", "indication", "reason", "reason_text",
            "signature_count", "validated_at", "report",
        ]  # fmt: skip
        read_only_fields = fields

    def get_reason_text(self, obj: ValidationReport) -> str:
        return _(REASONS.get(obj.reason, obj.reason))

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return super().to_representation(instance)  # type: ignore[no-any-return]
