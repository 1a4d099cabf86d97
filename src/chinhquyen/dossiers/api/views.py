"""API of the one-stop shop: intake, a dossier, its actions, the list, statistics, and the public tracking call."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.core.api.params import read_params
from chinhquyen.core.errors import DomainError, NotFound
from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.access import access_dossier_for_officer, dossiers_visible_to, require_one_stop_official
from chinhquyen.dossiers.actions import ACTIONS, perform_action
from chinhquyen.dossiers.api.serializers import (
    ActionSerializer,
    DossierListSerializer,
    DossierSerializer,
    IntakeResponseSerializer,
    IntakeSerializer,
    PublicDossierSerializer,
    RatingInSerializer,
    StatisticsRowSerializer,
)
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.throttling import PublicTrackingThrottle
from chinhquyen.organizations.models import Agency


def _multipart_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise DomainError("invalid", _("The field is not valid JSON."), fields={"components": [_("JSON expected.")]}) from None
    return value


class DossierListParams(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.ChoiceField(choices=DossierStatus.values, required=False)
    cursor = serializers.CharField(required=False, max_length=200)


class StatisticsParams(serializers.Serializer):  # type: ignore[type-arg]
    by = serializers.ChoiceField(choices=list(selectors.GROUPS), required=False)
    to = serializers.DateField(required=False)


StatisticsParams._declared_fields["from"] = serializers.DateField(required=False)  # `from` is a keyword


class DossierListCreateView(generics.ListAPIView):  # type: ignore[type-arg]
    serializer_class = DossierListSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = dossiers_visible_to(self.request.user).select_related("procedure")  # type: ignore[arg-type]
        wanted = read_params(DossierListParams, self.request).get("status")
        if wanted:
            queryset = queryset.filter(status=wanted)
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=DossierStatus.values)],
        summary="Hồ sơ tôi được xem (phân trang theo khóa)",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_one_stop_official(request.user)  # type: ignore[arg-type]
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": IntakeSerializer, "multipart/form-data": IntakeSerializer},
        responses={201: IntakeResponseSerializer},
        summary="Tiếp nhận hồ sơ tại Bộ phận Một cửa",
        operation_id="dossiers_receive",
        description="Multipart: `applicant` and `components` as JSON strings, scans as files named `file_<component id>`.",
    )
    def post(self, request: Request) -> Response:
        scope = require_one_stop_official(request.user)  # type: ignore[arg-type]
        data: Any = request.data
        if request.content_type.startswith("multipart/"):
            data = {
                key: data.get(key)
                for key in ("procedure_code", "receiving_agency", "competent_agency", "return_method")
                if data.get(key) is not None
            }
            data["applicant"] = _multipart_json(request.data.get("applicant", "{}"))
            data["components"] = _multipart_json(request.data.get("components", "[]"))
        serializer = IntakeSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        agency_code = values["receiving_agency"]
        agencies = Agency.objects.filter(pk__in=scope.counter)
        if agency_code:
            agencies = agencies.filter(code=agency_code)
        agency_list = list(agencies[:2])
        if len(agency_list) != 1:
            raise DomainError(
                "dossier.receiving_agency",
                _("Name the receiving agency: a counter where you receive dossiers."),
                fields={"receiving_agency": [_("Choose one of your counters.")]},
            )
        components = [
            services.ComponentData(
                c["component"], c["originals"], c["copies"], c.get("file") or request.FILES.get(f"file_{c['component']}")
            )
            for c in values["components"]
        ]
        result = services.receive_dossier(
            officer=request.user,  # type: ignore[arg-type]
            procedure_code=values["procedure_code"],
            applicant=services.ApplicantData(**values["applicant"]),
            components=components,
            receiving_agency=agency_list[0],
            competent_agency_code=values["competent_agency"],
            return_method=values["return_method"],
        )
        dossier = result.dossier
        body = {
            "code": dossier.code,
            "status": dossier.status,
            "national_status": dossier.national_status,
            "received_at": dossier.received_at,
            "due_at": dossier.due_at,
            "warnings": result.warnings,
        }
        return Response(IntakeResponseSerializer(body).data, status=status.HTTP_201_CREATED)


def _full(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_related("procedure", "version", "receiving_agency", "competent_agency", "current_agency")
        .prefetch_related("steps__agency", "events__actor")
        .get(pk=dossier.pk)
    )


class DossierDetailView(APIView):
    @extend_schema(responses={200: DossierSerializer}, summary="Một hồ sơ: trạng thái, các bước, dòng thời gian")
    def get(self, request: Request, code: str) -> Response:
        dossier = access_dossier_for_officer(officer=request.user, code=code)  # type: ignore[arg-type]
        return Response(DossierSerializer(_full(dossier)).data)


class DossierActionView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(ACTIONS))],
        request={"application/json": ActionSerializer, "multipart/form-data": ActionSerializer},
        responses={200: DossierSerializer},
        summary="Một thao tác trên hồ sơ (chuyển, yêu cầu bổ sung, trả kết quả…)",
        operation_id="dossiers_action",
    )
    def post(self, request: Request, code: str, action: str) -> Response:
        dossier = access_dossier_for_officer(officer=request.user, code=code)  # type: ignore[arg-type]
        if action not in ACTIONS:
            raise NotFound("dossier.unknown_action", _("Unknown action “%(action)s”.") % {"action": action})
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "new_due_at" in data:
            data["new_due_at"] = data["new_due_at"].isoformat()
        dossier = perform_action(official=request.user, dossier=dossier, action=action, data=data, files=request.FILES)  # type: ignore[arg-type]
        return Response(DossierSerializer(_full(dossier)).data)


class DossierStatisticsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, enum=list(selectors.GROUPS)),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses={200: StatisticsRowSerializer(many=True)},
        summary="Thống kê hồ sơ theo cơ quan, lĩnh vực, thủ tục, tháng (kèm các chỉ số thô của Bộ chỉ số 766)",
    )
    def get(self, request: Request) -> Response:
        require_one_stop_official(request.user)  # type: ignore[arg-type]
        params = read_params(StatisticsParams, request)
        rows = selectors.dossier_statistics(
            official=request.user,  # type: ignore[arg-type]
            group_by=params.get("by") or "agency",
            date_from=params.get("from"),
            date_to=params.get("to"),
        )
        for row in rows:
            row["key"] = str(row["key"])
            row["name"] = str(row["name"])
        return Response(StatisticsRowSerializer(rows, many=True).data)


_ACTION_NEEDED = {
    DossierStatus.SUPPLEMENT_REQUESTED: "Bổ sung, hoàn thiện hồ sơ theo phiếu yêu cầu (mẫu 02).",
    DossierStatus.AWAITING_PAYMENT: "Nộp phí, lệ phí.",
    DossierStatus.RESULT_READY: "Nhận kết quả.",
}


class PublicDossierView(APIView):
    """No login; rate-limited; an unknown code and a wrong ID number answer the same 404."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [PublicTrackingThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("id_number", OpenApiTypes.STR, required=True, description="The applicant's ID number or tax code.")],
        responses={200: PublicDossierSerializer},
        summary="Tra cứu hồ sơ (công khai): mã hồ sơ + số định danh của người nộp",
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = selectors.track_dossier(code=code, key=str(request.query_params.get("id_number", ""))[:20])
        if dossier is None:
            raise NotFound("not_found", _("No dossier matches this code and ID number."))
        # values(): one query, no model instances (a deferred `.only()` would load each event's dossier_id again).
        history = [
            {"at": e["at"], "status": e["to_status"], "national_status": e["national_status"]}
            for e in DossierEvent.objects.filter(dossier_id=dossier.pk).order_by("at", "pk").values("at", "to_status", "national_status")
        ]
        body = {
            "code": dossier.code,
            "procedure_name": dossier.procedure.name,
            "status": dossier.status,
            "status_label": selectors.status_label(dossier),
            "national_status": dossier.national_status,
            "received_at": dossier.received_at if dossier.is_received else None,
            "due_at": dossier.due_at if dossier.is_received else None,
            "completed_at": dossier.completed_at,
            "returned_at": dossier.returned_at,
            "held_by": dossier.current_agency.name,
            "action_needed": _ACTION_NEEDED.get(DossierStatus(dossier.status), ""),
            "history": history,
        }
        return Response(PublicDossierSerializer(body).data)

    @extend_schema(request=RatingInSerializer, responses={201: None}, summary="Đánh giá mức độ hài lòng (người nộp hồ sơ)")
    def post(self, request: Request, code: str) -> Response:
        serializer = RatingInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = selectors.track_dossier(code=code, key=serializer.validated_data["id_number"])
        if dossier is None:
            raise NotFound("not_found", _("No dossier matches this code and ID number."))
        services.rate_dossier(dossier=dossier, level=serializer.validated_data["level"], comment=serializer.validated_data["comment"])
        return Response(status=status.HTTP_201_CREATED)
