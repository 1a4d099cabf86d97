"""API of the electronic office: every operation of the pages, through the same services and
the same access rules (`documents.access`). Errors are `{code, message, fields}`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from chinhquyen.core.api.pagination import KeysetPagination
from chinhquyen.core.api.params import read_params
from chinhquyen.core.errors import DomainError
from chinhquyen.documents import access, selectors, services
from chinhquyen.documents.access import Scope
from chinhquyen.documents.api import serializers as s
from chinhquyen.documents.models import IncomingDocument, IncomingStatus, OutgoingDocument, OutgoingStatus, Register, Source
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.organizations.models import Account, Agency, Role, Unit

ERRORS = {
    400: OpenApiResponse(description="Refused: `{code, message, fields}`"),
    404: OpenApiResponse(description="Not found (or not visible)"),
}


class IdPagination(KeysetPagination):
    ordering = "-id"


def _scope(request: Request) -> Scope:
    return access.scope_of(request.user)  # type: ignore[arg-type]


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _agency(scope: Scope, requested: int | None, *roles: str) -> Agency:
    allowed = scope.agencies_with(*roles) if roles else scope.agency_ids
    if not allowed:
        raise DomainError("permission_denied", _("You hold no role for this in any agency."))
    agency_id = requested or allowed[0]
    if agency_id not in allowed:
        raise DomainError("not_found", _("The agency does not exist or you cannot act for it."))
    return Agency.objects.get(pk=agency_id)


class ScopeOncePerRequest:
    """The official's scope is read once per API request (the view and the services share it)."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with access.scopes_cached():
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class IncomingListParams(serializers.Serializer):  # type: ignore[type-arg]
    list = serializers.ChoiceField(choices=list(selectors.INCOMING_LISTS), required=False)
    status = serializers.ChoiceField(choices=IncomingStatus.values, required=False)
    cursor = serializers.CharField(required=False, max_length=200)


class OutgoingListParams(serializers.Serializer):  # type: ignore[type-arg]
    list = serializers.ChoiceField(choices=list(selectors.OUTGOING_LISTS), required=False)
    status = serializers.ChoiceField(choices=OutgoingStatus.values, required=False)
    cursor = serializers.CharField(required=False, max_length=200)


class IncomingDocumentViewSet(ScopeOncePerRequest, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = IdPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self) -> type:
        return s.IncomingDetailSerializer if self.action == "retrieve" else s.IncomingListSerializer

    def get_queryset(self) -> QuerySet[IncomingDocument]:
        scope = _scope(self.request)
        params = read_params(IncomingListParams, self.request)
        name = params.get("list") or "all"
        filters = selectors.IncomingFilters(status=params.get("status") or "")
        if name == "all":
            qs = access.visible_incoming(scope)
            if filters.status:
                qs = qs.filter(status=filters.status)
            return qs
        qs, _ordering = selectors.incoming_list(scope, name, filters)
        return qs

    def get_object(self) -> IncomingDocument:
        document = access.access_incoming(_scope(self.request), self.kwargs["pk"])
        return document

    @extend_schema(
        operation_id="incoming_documents_list",
        summary="Văn bản đến",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=IncomingStatus.values, description="Filter by status."),
            OpenApiParameter("list", OpenApiTypes.STR, enum=list(selectors.INCOMING_LISTS), description="A role's list (default all)."),
        ],
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        read_params(IncomingListParams, request)  # 400 with the field's message before any query
        return super().list(request, *args, **kwargs)

    @extend_schema(
        operation_id="incoming_documents_retrieve",
        summary="Một văn bản đến, với tệp và quá trình xử lý",
        responses={200: s.IncomingDetailSerializer, 404: ERRORS[404]},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        return Response(s.IncomingDetailSerializer(document).data)

    @extend_schema(
        operation_id="incoming_documents_create",
        summary="Vào sổ văn bản đến",
        request={"application/json": s.IncomingCreateSerializer, "multipart/form-data": s.IncomingCreateSerializer},
        responses={201: s.RegistrationResultSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        scope = _scope(request)
        data = _valid(s.IncomingCreateSerializer, request)
        agency = _agency(scope, data.pop("agency", None), Role.CLERK)
        scan = data.pop("scan", None)
        result = services.register_incoming_document(
            actor=request.user,  # type: ignore[arg-type]
            agency=agency,
            data=services.IncomingInput(**data),
            source=Source.PAPER if scan is not None else Source.ELECTRONIC,
            scan=scan,
        )
        document = result.document
        assert document.arrival_at is not None and document.arrival_number is not None
        body = {
            "id": document.pk,
            "arrival_number": document.arrival_number,
            "arrival_date": document.arrival_at.astimezone(VIETNAM).date(),
            "written_arrival_number": f"{document.arrival_number:02d}",
            "duplicate_of": [d.pk for d in result.duplicates],
        }
        return Response(s.RegistrationResultSerializer(body).data, status=status.HTTP_201_CREATED)

    def _done(self, document: IncomingDocument) -> Response:
        fresh = access.access_incoming(_scope(self.request), document.pk)
        return Response(s.IncomingDetailSerializer(fresh).data)

    @extend_schema(
        operation_id="incoming_documents_register",
        summary="Vào sổ một văn bản đã nhận (điện tử, nội bộ)",
        request=None,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        return self._done(services.register_received_document(actor=request.user, document=document).document)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="incoming_documents_present",
        summary="Trình lãnh đạo",
        request=s.PresentSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def present(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.PresentSerializer, request)
        leader = Account.objects.filter(pk=data["leader"]).first()
        if leader is None:
            raise DomainError("documents.not_a_leader", _("Choose a leader of this agency."), fields={"leader": [_("Unknown.")]})
        return self._done(services.present_document(actor=request.user, document=document, leader=leader, note=data["note"]))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="incoming_documents_instruct",
        summary="Bút phê, giao xử lý, hạn xử lý",
        request=s.InstructSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def instruct(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.InstructSerializer, request)
        units = {u.pk: u for u in Unit.objects.filter(pk__in=[x for x in [data["lead_unit"], *data["coordinator_units"]] if x])}
        people = {p.pk: p for p in Account.objects.filter(pk__in=[x for x in [data["lead_handler"], *data["coordinators"]] if x])}
        missing = [x for x in [data["lead_unit"], *data["coordinator_units"]] if x and x not in units]
        missing += [x for x in [data["lead_handler"], *data["coordinators"]] if x and x not in people]
        if missing:
            raise DomainError("documents.unknown_target", _("Unknown unit or person: %(id)s.") % {"id": missing[0]})
        result = services.instruct_document(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            instruction=data["instruction"],
            lead_unit=units.get(data["lead_unit"]) if data["lead_unit"] else None,
            lead_handler=people.get(data["lead_handler"]) if data["lead_handler"] else None,
            coordinator_units=[units[u] for u in data["coordinator_units"]],
            coordinators=[people[p] for p in data["coordinators"]],
            due_days=data["due_days"],
            due_date=data["due_date"],
        )
        return self._done(result)

    @extend_schema(
        operation_id="incoming_documents_pass_to_unit",
        summary="Chuyển thẳng cho đơn vị",
        request=s.PassSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="pass-to-unit")
    def pass_to_unit(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.PassSerializer, request)
        unit = Unit.objects.filter(pk=data["unit"], agency_id=document.agency_id).first()
        if unit is None:
            raise DomainError("documents.unit_other_agency", _("The unit does not belong to this agency."))
        return self._done(services.pass_to_unit(actor=request.user, document=document, unit=unit, due_days=data["due_days"]))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="incoming_documents_reassign",
        summary="Trưởng phòng giao lại trong phòng",
        request=s.ReassignSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.ReassignSerializer, request)
        official = Account.objects.filter(pk=data["official"]).first()
        if official is None:
            raise DomainError("documents.person_other_unit", _("Choose a person of the unit."))
        return self._done(
            services.reassign_in_unit(
                actor=request.user,  # type: ignore[arg-type]
                document=document,
                official=official,
                due_date=data["due_date"],
                note=data["note"],
            )
        )

    @extend_schema(
        operation_id="incoming_documents_progress",
        summary="Cập nhật tiến độ",
        request=s.TextSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.TextSerializer, request)
        return self._done(services.record_progress(actor=request.user, document=document, text=data["text"]))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="incoming_documents_comment",
        summary="Ý kiến",
        request=s.TextSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.TextSerializer, request)
        services.add_comment(actor=request.user, document=document, text=data["text"])  # type: ignore[arg-type]
        return self._done(document)

    @extend_schema(
        operation_id="incoming_documents_extension",
        summary="Xin gia hạn",
        request=s.ExtensionSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def extension(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.ExtensionSerializer, request)
        services.request_extension(actor=request.user, document=document, until=data["until"], reason=data["reason"])  # type: ignore[arg-type]
        return self._done(document)

    @extend_schema(
        operation_id="incoming_documents_extension_decision",
        summary="Đồng ý / không đồng ý gia hạn",
        request=s.DecisionSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="extension-decision")
    def extension_decision(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.DecisionSerializer, request)
        return self._done(services.decide_extension(actor=request.user, document=document, grant=data["grant"], note=data["note"]))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="incoming_documents_complete",
        summary="Hoàn thành xử lý (có hoặc không có văn bản trả lời)",
        request={"multipart/form-data": s.CompleteSerializer, "application/json": s.CompleteSerializer},
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.CompleteSerializer, request)
        result = services.complete_document(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            summary=data["summary"],
            reply_subject=data["reply_subject"],
            reply_draft=data.get("reply_draft"),
        )
        return self._done(result)


class OutgoingDocumentViewSet(ScopeOncePerRequest, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = IdPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self) -> type:
        return s.OutgoingDetailSerializer if self.action == "retrieve" else s.OutgoingSerializer

    def get_queryset(self) -> QuerySet[OutgoingDocument]:
        scope = _scope(self.request)
        params = read_params(OutgoingListParams, self.request)
        qs, _ordering = selectors.outgoing_list(scope, params.get("list") or "all", params.get("status") or "")
        return qs

    def get_object(self) -> OutgoingDocument:
        return access.access_outgoing(_scope(self.request), self.kwargs["pk"])

    @extend_schema(
        operation_id="outgoing_documents_list",
        summary="Văn bản đi",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=OutgoingStatus.values),
            OpenApiParameter("list", OpenApiTypes.STR, enum=list(selectors.OUTGOING_LISTS)),
        ],
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        operation_id="outgoing_documents_retrieve", summary="Một văn bản đi", responses={200: s.OutgoingDetailSerializer, 404: ERRORS[404]}
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(s.OutgoingDetailSerializer(self.get_object()).data)

    def _done(self, document: OutgoingDocument) -> Response:
        return Response(s.OutgoingDetailSerializer(access.access_outgoing(_scope(self.request), document.pk)).data)

    @extend_schema(
        operation_id="outgoing_documents_create",
        summary="Tạo dự thảo văn bản đi",
        request={"multipart/form-data": s.DraftCreateSerializer},
        responses={201: s.OutgoingDetailSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        scope = _scope(request)
        data = _valid(s.DraftCreateSerializer, request)
        agency = _agency(scope, data.get("agency"))
        reply_to = access.access_incoming(scope, data["reply_to"]) if data["reply_to"] else None
        replaces = access.access_outgoing(scope, data["replaces"]) if data["replaces"] else None
        document = services.create_draft(
            actor=request.user,  # type: ignore[arg-type]
            agency=agency,
            document_type=data["document_type"],
            subject=data["subject"],
            draft=data["draft"],
            internal_recipients=list(Agency.objects.filter(pk__in=data["internal_recipients"])),
            external_recipients=[(r["code"], r["name"]) for r in data["external_recipients"]],
            urgency=data["urgency"],
            secrecy=data["secrecy"],
            reply_to=reply_to,
            replaces=replaces,
        )
        if data["submit"]:
            services.submit_draft(actor=request.user, document=document)  # type: ignore[arg-type]
        response = self._done(document)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        operation_id="outgoing_documents_version",
        summary="Thêm phiên bản dự thảo",
        request={"multipart/form-data": s.VersionSerializer},
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def versions(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.VersionSerializer, request)
        services.add_version(actor=request.user, document=document, draft=data["draft"], comment=data["comment"])  # type: ignore[arg-type]
        return self._done(document)

    @extend_schema(
        operation_id="outgoing_documents_submit",
        summary="Trình duyệt dự thảo",
        request=None,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._done(services.submit_draft(actor=request.user, document=self.get_object()))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="outgoing_documents_review",
        summary="Trưởng phòng duyệt nội dung",
        request=s.ReviewSerializer,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.ReviewSerializer, request)
        return self._done(services.review_draft(actor=request.user, document=document, accept=data["accept"], comment=data["comment"]))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="outgoing_documents_approve",
        summary="Lãnh đạo duyệt, ký",
        request=s.ReviewSerializer,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.ReviewSerializer, request)
        return self._done(services.approve_document(actor=request.user, document=document, accept=data["accept"], comment=data["comment"]))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="outgoing_documents_issue",
        summary="Cấp số, ngày và phát hành",
        request=None,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        return self._done(services.issue_document(actor=request.user, document=self.get_object()))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="outgoing_documents_recall",
        summary="Thu hồi văn bản đã phát hành",
        request=s.RecallSerializer,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def recall(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        data = _valid(s.RecallSerializer, request)
        return self._done(services.recall_document(actor=request.user, document=document, reason=data["reason"]))  # type: ignore[arg-type]


class RegisterViewSet(ScopeOncePerRequest, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.RegisterSerializer
    pagination_class = IdPagination

    def get_queryset(self) -> QuerySet[Register]:
        return access.visible_registers(_scope(self.request)).order_by("-id")

    @extend_schema(operation_id="document_registers_list", summary="Sổ văn bản")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
