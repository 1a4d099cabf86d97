"""API of the organisations app: tokens, the agency directory (as of a date), the caller."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox.models import AuthToken
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.core.api.params import IdParam, read_params
from chinhquyen.organizations import authentication
from chinhquyen.organizations.access import access_agency_for_official
from chinhquyen.organizations.api.serializers import (
    AgencyDetailSerializer,
    AgencySerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from chinhquyen.organizations.models import Agency, AgencyLevel
from chinhquyen.organizations.selectors import current_successors, roles_of, today


class TokenView(APIView):
    """A token for an official: password, attempt limits, and the TOTP code where the account needs it."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, summary="Lấy token truy cập API")
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, expiry = authentication.issue_token(
            request=request,  # type: ignore[arg-type]
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
            otp=serializer.validated_data.get("otp", ""),
        )
        return Response(TokenResponseSerializer({"token": token, "expiry": expiry}).data)


class LogoutView(APIView):
    """End the token this call carries."""

    @extend_schema(request=None, responses={204: None}, summary="Thu hồi token đang dùng")
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            authentication.revoke_token(token=request.auth, reason="logout")
        return Response(status=204)


class LogoutAllView(APIView):
    """End every token of the calling account."""

    @extend_schema(request=None, responses={204: None}, summary="Thu hồi mọi token của tài khoản")
    def post(self, request: Request) -> Response:
        authentication.revoke_tokens(account=request.user, reason="logout_all")  # type: ignore[arg-type]
        return Response(status=204)


class AgencyListParams(serializers.Serializer):  # type: ignore[type-arg]
    as_of = serializers.DateField(required=False)
    parent = IdParam()  # type: ignore[assignment]  # a declared field: the metaclass pops it from the class
    level = serializers.ChoiceField(choices=AgencyLevel.values, required=False)


class AgencyListView(generics.ListAPIView):  # type: ignore[type-arg]
    serializer_class = AgencySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Only agencies in force on this day (default today)."),
            OpenApiParameter("parent", OpenApiTypes.INT, description="Only the direct subordinates of this agency."),
            OpenApiParameter("level", OpenApiTypes.STR, enum=["central", "province", "district", "commune"]),
        ],
        summary="Danh bạ cơ quan tại một ngày",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = read_params(AgencyListParams, self.request)
        queryset = Agency.objects.valid_on(params.get("as_of") or today()).select_related("parent")
        if params.get("parent"):
            queryset = queryset.filter(parent_id=params["parent"])
        if params.get("level"):
            queryset = queryset.filter(level=params["level"])
        return queryset


class AgencyDetailView(APIView):
    @extend_schema(responses={200: AgencyDetailSerializer}, summary="Một cơ quan, với cơ quan kế thừa hiện nay")
    def get(self, request: Request, agency_id: int) -> Response:
        agency = access_agency_for_official(official=request.user, agency_id=agency_id)  # type: ignore[arg-type]
        return Response(AgencyDetailSerializer(agency, context={"successors": current_successors(agency)}).data)


class MeView(APIView):
    @extend_schema(responses={200: MeSerializer}, summary="Tài khoản đang gọi API và vai trò của họ")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user, context={"roles": roles_of(request.user)}).data)  # type: ignore[arg-type]
