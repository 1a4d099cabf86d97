from __future__ import annotations

from rest_framework import serializers

from chinhquyen.core.validation import MAX_AMOUNT, MAX_COUNT, MAX_ID
from chinhquyen.dossiers.models import ApplicantKind, Dossier, DossierEvent, DossierStep, PaymentMethod, ReturnMethod


class ApplicantInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(max_length=255)
    id_number = serializers.CharField(max_length=20)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ApplicantKind.values, required=False, default=ApplicantKind.CITIZEN)


class ComponentInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    component = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The id of a required component of the procedure.")
    originals = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    copies = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    file = serializers.FileField(required=False, allow_null=True, help_text="Optional scan; paper shown at the counter needs none.")


class IntakeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    procedure_code = serializers.CharField(max_length=8)
    applicant = ApplicantInSerializer()
    components = ComponentInSerializer(many=True, max_length=200)  # type: ignore[call-arg]  # ListSerializer takes it
    receiving_agency = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="Code of the receiving agency (default: the caller's only counter).",
    )
    competent_agency = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="Code of the competent agency when several carry out the procedure.",
    )
    return_method = serializers.ChoiceField(choices=ReturnMethod.values, required=False, default=ReturnMethod.COUNTER)


class IntakeResponseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    status = serializers.CharField()
    national_status = serializers.IntegerField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    warnings = serializers.ListField(child=serializers.CharField())


class DossierStepSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    agency_code = serializers.CharField(source="agency.code")

    class Meta:
        model = DossierStep
        fields = [
            "position",
            "name",
            "agency_code",
            "role",
            "started_at",
            "due_at",
            "finished_at",
            "allotted_minutes",
            "spent_minutes",
            "timeliness",
        ]


class DossierEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = DossierEvent
        fields = ["at", "action", "actor", "from_status", "to_status", "national_status", "due_before", "due_after", "reason"]


_STATUS_HELP = "Our state (received, in_process, supplement_requested, …); `national_status` is the national portal's code 1–10."
_TIMELINESS_HELP = "early, on_time or late (empty while open)."


class DossierListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    procedure_code = serializers.CharField(source="procedure.code")
    status = serializers.CharField(help_text=_STATUS_HELP)
    timeliness = serializers.CharField(help_text=_TIMELINESS_HELP)

    class Meta:
        model = Dossier
        fields = ["code", "procedure_code", "status", "national_status", "received_at", "due_at", "timeliness"]


class DossierSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    procedure_code = serializers.CharField(source="procedure.code")
    status = serializers.CharField(help_text=_STATUS_HELP)
    channel = serializers.CharField(help_text="counter, online or post.")
    supplement_rule = serializers.CharField(help_text="restart (Decree 61/2018 art. 19.4) or pause (the national index).")
    timeliness = serializers.CharField(help_text=_TIMELINESS_HELP)
    index_timeliness = serializers.CharField(help_text="The national index's view: pause rule, a second supplement request counts late.")
    procedure_name = serializers.CharField(source="procedure.name")
    version = serializers.IntegerField(source="version.number")
    receiving_agency = serializers.CharField(source="receiving_agency.code")
    competent_agency = serializers.CharField(source="competent_agency.code")
    current_agency = serializers.CharField(source="current_agency.code")
    steps = DossierStepSerializer(many=True)
    events = DossierEventSerializer(many=True)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure_code",
            "procedure_name",
            "version",
            "channel",
            "status",
            "national_status",
            "applicant_name",
            "applicant_id_number",
            "receiving_agency",
            "competent_agency",
            "current_agency",
            "received_at",
            "clock_started_at",
            "due_at",
            "original_due_at",
            "due_at_restart",
            "due_at_pause",
            "supplement_rule",
            "supplement_count",
            "apology_sent_at",
            "completed_at",
            "returned_at",
            "timeliness",
            "margin_minutes",
            "index_timeliness",
            "steps",
            "events",
        ]


class ActionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The inputs of the actions; each action reads the ones it needs."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    items = serializers.ListField(
        child=serializers.CharField(max_length=500), max_length=100, required=False, help_text="request-supplement: what is missing."
    )
    confirm_second = serializers.BooleanField(required=False, help_text="request-supplement: confirm a second request.")
    to_agency = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="hand-over: code of the agency (default: the next step)."
    )
    to_role = serializers.CharField(required=False, allow_blank=True, max_length=40)
    amount = serializers.IntegerField(required=False, min_value=1, max_value=MAX_AMOUNT, help_text="request-payment, record-payment: đồng.")
    method = serializers.ChoiceField(
        choices=sorted({*PaymentMethod.values, *ReturnMethod.values}),
        required=False,
        help_text=f"record-payment: {', '.join(PaymentMethod.values)}; return-result: {', '.join(ReturnMethod.values)}.",
    )
    new_due_at = serializers.DateTimeField(required=False, help_text="apologize: the new appointment.")
    file = serializers.FileField(required=False, help_text="upload-result: the result (PDF).")


class PublicStepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    at = serializers.DateTimeField()
    status = serializers.CharField()
    national_status = serializers.IntegerField()


class PublicDossierSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    procedure_name = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    national_status = serializers.IntegerField()
    received_at = serializers.DateTimeField(
        allow_null=True, help_text="Null while an online dossier waits for the counter's check (status 1)."
    )
    due_at = serializers.DateTimeField(allow_null=True, help_text="The appointment; null until the dossier is received.")
    completed_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    held_by = serializers.CharField()
    action_needed = serializers.CharField(allow_blank=True)
    history = PublicStepSerializer(many=True)


class RatingInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id_number = serializers.CharField(max_length=20)
    level = serializers.CharField(
        max_length=20, help_text="very_satisfied, satisfied, acceptable or not_satisfied (checked by the service)."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class StatisticsRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_early = serializers.IntegerField()
    resolved_on_time = serializers.IntegerField()
    resolved_late = serializers.IntegerField()
    in_progress_on_time = serializers.IntegerField()
    in_progress_overdue = serializers.IntegerField()
    paused = serializers.IntegerField()
    online = serializers.IntegerField()
    digitized = serializers.IntegerField()
    electronic_result = serializers.IntegerField()
    paid_online = serializers.IntegerField()
    with_payment = serializers.IntegerField()
    index_late = serializers.IntegerField()
    not_satisfied = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    online_share = serializers.FloatField(allow_null=True)
    digitized_share = serializers.FloatField(allow_null=True)
    average_rating = serializers.FloatField(allow_null=True)
