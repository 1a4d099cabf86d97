"""API of the working calendar: the due time after an amount of working time."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.core.api.params import read_params
from chinhquyen.workdays import engine
from chinhquyen.workdays.api.serializers import DueSerializer
from chinhquyen.workdays.inputs import agency_by_code, parse_amount, parse_cutoff, parse_instant


class DueParams(serializers.Serializer):  # type: ignore[type-arg]
    """Text, bounded here; parsed (and refused with the calendar's codes) by `workdays.inputs`."""

    days = serializers.CharField(required=False, max_length=6)  # at most 999,999 working days
    hours = serializers.CharField(required=False, max_length=12)
    cutoff = serializers.CharField(required=False, max_length=8)
    agency = serializers.CharField(required=False, max_length=40)


DueParams._declared_fields["from"] = serializers.CharField(required=False, max_length=40)  # `from` is a keyword


class DueView(APIView):
    @extend_schema(
        operation_id="workdays_due",
        summary="Tính hạn theo ngày, giờ làm việc",
        description=(
            "The due time `days` working days and `hours` working hours after `from`, on the working calendar "
            "(holidays, compensation and swapped days, working hours). The clock starts at `from` if it is inside working "
            "hours and before `cutoff`, else at the next opening. Errors: `{code, message, fields}`."
        ),
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.STR, required=True, description="Start: 2026-02-13T10:00 (local time) or with an offset."
            ),
            OpenApiParameter("days", OpenApiTypes.INT, description="Working days (one day = one day's working hours)."),
            OpenApiParameter("hours", OpenApiTypes.NUMBER, description="Working hours."),
            OpenApiParameter("cutoff", OpenApiTypes.STR, description="HH:MM: a start at or after it counts from the next working day."),
            OpenApiParameter("agency", OpenApiTypes.STR, description="Electronic identifier code of the agency whose working hours apply."),
        ],
        responses={
            200: DueSerializer,
            400: OpenApiResponse(description="Invalid input"),
            404: OpenApiResponse(description="Unknown agency"),
        },
    )
    def get(self, request: Request) -> Response:
        params = read_params(DueParams, request)
        days, hours, cutoff, agency = params.get("days"), params.get("hours"), params.get("cutoff"), params.get("agency")
        due = engine.add_working_time(
            parse_instant(params.get("from") or ""),
            days=parse_amount(days, field="days", whole=True) if days else None,
            hours=parse_amount(hours, field="hours") if hours else None,
            cutoff=parse_cutoff(cutoff) if cutoff else None,
            agency=agency_by_code(agency) if agency else None,
        )
        return Response(DueSerializer({"due_at": due}).data)
