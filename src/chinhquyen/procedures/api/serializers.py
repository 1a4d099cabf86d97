from __future__ import annotations

from rest_framework import serializers

from chinhquyen.procedures.models import Fee, Procedure, ProcedureVersion, ProcessingTime, RequiredComponent, Step


class ProcedureListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    field = serializers.CharField(source="field.name")

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "is_sample"]


class RequiredComponentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RequiredComponent
        fields = ["id", "position", "name", "originals", "copies", "form_name", "form_url", "mandatory", "case"]


class ProcessingTimeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ProcessingTime
        fields = ["channel", "amount", "unit", "cutoff_time", "description"]


class FeeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Fee
        fields = ["channel", "description", "amount"]


class StepSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Step
        fields = ["position", "name", "handler", "role", "allotment", "unit"]


class ProcedureVersionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    processing_times = ProcessingTimeSerializer(many=True)
    fees = FeeSerializer(many=True)
    required_components = RequiredComponentSerializer(many=True)
    steps = StepSerializer(many=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "number",
            "valid_from",
            "valid_to",
            "decision_number",
            "levels",
            "procedure_type",
            "online_mode",
            "supplement_rule",
            "applicants",
            "competent_authority",
            "implementing_agency",
            "result",
            "legal_basis",
            "conditions",
            "processing_times",
            "fees",
            "required_components",
            "steps",
        ]


class InstanceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    agency_code = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")


class ProcedureDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()
    field = serializers.CharField()
    is_sample = serializers.BooleanField()
    version = ProcedureVersionSerializer(allow_null=True)
    required_components = RequiredComponentSerializer(many=True)
    instances = InstanceSerializer(many=True)
