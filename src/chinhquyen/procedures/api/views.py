"""API of the catalogue: accent-insensitive search and one procedure with its components."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.core.api.params import IdParam, read_params
from chinhquyen.procedures.access import access_procedure_for_official, require_official
from chinhquyen.procedures.api.serializers import ProcedureDetailSerializer, ProcedureListSerializer
from chinhquyen.procedures.selectors import instances_of, search_procedures, version_in_force


class ProcedureListParams(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    agency = IdParam()


class ProcedureListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words of the code or name, accents ignored (“dang ky khai sinh”)."),
            OpenApiParameter("agency", OpenApiTypes.INT, description="Only procedures this agency carries out."),
        ],
        responses={200: ProcedureListSerializer(many=True)},
        summary="Tìm thủ tục hành chính (không phân biệt dấu)",
    )
    def get(self, request: Request) -> Response:
        require_official(request.user)  # type: ignore[arg-type]
        params = read_params(ProcedureListParams, request)
        procedures = search_procedures(q=params.get("q") or "", agency_id=params.get("agency"))
        return Response(ProcedureListSerializer(procedures, many=True).data)


class ProcedureDetailView(APIView):
    @extend_schema(responses={200: ProcedureDetailSerializer}, summary="Một thủ tục: phiên bản hiện hành, thành phần hồ sơ")
    def get(self, request: Request, code: str) -> Response:
        procedure = access_procedure_for_official(official=request.user, code=code)  # type: ignore[arg-type]
        version = version_in_force(procedure)
        data = {
            "code": procedure.code,
            "name": procedure.name,
            "field": procedure.field.name,
            "is_sample": procedure.is_sample,
            "version": version,
            "required_components": list(version.required_components.all()) if version else [],
            "instances": list(instances_of(procedure)),
        }
        return Response(ProcedureDetailSerializer(data).data)
