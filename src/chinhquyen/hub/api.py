"""The hub's REST API (`/hub/api/v1/`): the national axis's operations (STANDARDS §1.11) for
connectors authenticated by HMAC (`hub.auth`). Thin views: each parses its input and calls one
function of `hub.services`."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.core.api.params import IdParam, read_params
from chinhquyen.hub import services
from chinhquyen.hub.auth import HubAuthentication
from chinhquyen.hub.models import Connector, Delivery, HubAgency


class HubAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI file describes the connectors' HMAC authentication (`hub.auth`)."""

    target_class = "chinhquyen.hub.auth.HubAuthentication"
    name = "HubHMAC"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Hub-Signature",
            "description": (
                "HMAC-SHA256 (hex), keyed with the connector's secret, of "
                "`CHINHQUYEN-HUB-HMAC-SHA256\\n{X-Hub-Connector}\\n{X-Hub-Timestamp}\\n{X-Hub-Nonce}\\n{METHOD}\\n{path?query}\\n{X-Hub-Content-SHA256}`; "
                "all five X-Hub-* headers are required; a stale timestamp or a nonce already seen is refused with 401."
            ),
        }


_ERROR = inline_serializer(
    "HubError", {"code": serializers.CharField(), "message": serializers.CharField(), "fields": serializers.DictField()}
)
_LIMIT = OpenApiParameter("limit", OpenApiTypes.INT, description="At most this many (1–500, default 100).")
_TYPE = OpenApiParameter("message_type", OpenApiTypes.STR, enum=["edoc", "status"], description="Only documents or only status messages.")
#: Several messages in one body: a line of JSON saying what they are (and each one's `size`), a line
#: feed, then their bytes back to back (no base64: the messages are sent and read as they are).
BATCH_TYPE = "application/vnd.chinhquyen.hub-batch"


class HubDeliverySerializer(serializers.Serializer[Delivery]):
    doc_id = serializers.UUIDField()
    package_id = serializers.CharField(source="message.package_id")
    message_type = serializers.CharField(source="message.message_type")
    document_id = serializers.CharField(source="message.document_id")
    status_code = serializers.CharField(source="message.status_code")
    from_code = serializers.CharField(source="message.from_code")
    to = serializers.CharField(source="to_code")
    size = serializers.IntegerField(source="message.size")
    sha256 = serializers.CharField(source="message.sha256")
    created_time = serializers.DateTimeField(source="created_at")
    status = serializers.CharField(source="state")

    def to_representation(self, instance: Delivery) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["from"] = data.pop("from_code")
        return data


class HubSentSerializer(HubDeliverySerializer):
    delivery_status = serializers.CharField(source="state")
    business_status = serializers.CharField()
    acked_time = serializers.DateTimeField(source="acked_at", allow_null=True)


class HubAgencySerializer(serializers.Serializer[HubAgency]):
    code = serializers.CharField(max_length=35)
    name = serializers.CharField(max_length=255)
    parent_code = serializers.CharField(max_length=35, required=False, allow_blank=True, default="")
    connector = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    def to_representation(self, instance: HubAgency) -> dict[str, Any]:
        return {
            "code": instance.code,
            "name": instance.name,
            "parent_code": instance.parent_code,
            "connector": instance.connector.name if instance.connector else "",
        }


class MailboxParams(serializers.Serializer):  # type: ignore[type-arg]
    message_type = serializers.CharField(required=False, allow_blank=True, max_length=40)
    limit = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)  # the service keeps 1–500
    before = IdParam()


def _params(request: Request) -> dict[str, Any]:
    return read_params(MailboxParams, request)


def _limit(request: Request) -> int:
    return int(_params(request).get("limit") or 100)


class HubView(APIView):
    authentication_classes = [HubAuthentication]
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def connector(self, request: Request) -> Connector:
        connector = request.auth
        assert isinstance(connector, Connector)
        return connector


class SendView(HubView):
    @extend_schema(
        operation_id="hub_send",
        summary="Send a package or a status message (sendEdoc)",
        description="The body is the `.edxml` file. Idempotent on `X-Hub-Package-Id`: the same id and bytes again answer with the first deliveries and `duplicate: true`.",
        parameters=[
            OpenApiParameter("X-Hub-Package-Id", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Hub-Message-Type", OpenApiTypes.STR, OpenApiParameter.HEADER, enum=["edoc", "status"]),
            OpenApiParameter(
                "X-Hub-To",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Comma-separated recipients: some of a package's To, or the recipients of a status message (a recall request goes to the document's recipients).",
            ),
        ],
        request={"application/xml": OpenApiTypes.BINARY},
        responses={
            201: inline_serializer(
                "HubSendResult",
                {
                    "package_id": serializers.CharField(),
                    "duplicate": serializers.BooleanField(),
                    "deliveries": inline_serializer(
                        "HubSendDelivery", {"doc_id": serializers.UUIDField(), "to": serializers.CharField()}, many=True
                    ),
                },
            ),
            401: _ERROR,
            403: _ERROR,
            413: _ERROR,
            422: _ERROR,
        },
    )
    def post(self, request: Request) -> Response:
        result = services.accept(
            connector=self.connector(request),
            package_id=request.headers.get("X-Hub-Package-Id", ""),
            message_type=request.headers.get("X-Hub-Message-Type", ""),
            data=request.body,
            to_codes=[c.strip() for c in request.headers.get("X-Hub-To", "").split(",") if c.strip()] or None,
        )
        return Response(
            {
                "package_id": result.message.package_id,
                "duplicate": result.duplicate,
                "deliveries": [{"doc_id": str(d.doc_id), "to": d.to_code} for d in result.deliveries],
            },
            status=status.HTTP_200_OK if result.duplicate else status.HTTP_201_CREATED,
        )


class ReceivedListView(HubView):
    @extend_schema(
        operation_id="hub_received_list",
        summary="Messages waiting for my agencies (getReceivedEdocList)",
        parameters=[_TYPE, _LIMIT],
        responses={200: inline_serializer("HubReceivedList", {"results": HubDeliverySerializer(many=True)}), 401: _ERROR},
    )
    def get(self, request: Request) -> Response:
        items = services.mailbox(
            connector=self.connector(request), message_type=_params(request).get("message_type") or None, limit=_limit(request)
        )
        return Response({"results": HubDeliverySerializer(items, many=True).data})  # type: ignore[arg-type] # many=True takes a list


class ReceivedBatchView(HubView):
    @extend_schema(
        operation_id="hub_received_batch",
        summary="Messages waiting for my agencies, with their bytes, in one answer",
        description=(
            "The oldest waiting messages (as `GET received/` lists them, at most `limit`) with their bytes, up to 8 MB of "
            "them (always at least one message if any waits): `" + BATCH_TYPE + "`, a first line of JSON "
            '`{"results": [...]}` (each entry as in `GET received/`, with `size`, the bytes that follow for it), a line '
            "feed, then each message's bytes in the order listed. The rest wait for the next call."
        ),
        parameters=[_TYPE, _LIMIT],
        responses={(200, BATCH_TYPE): OpenApiTypes.BINARY, 401: _ERROR},
    )
    def get(self, request: Request) -> HttpResponse:
        items = services.mailbox(
            connector=self.connector(request), message_type=_params(request).get("message_type") or None, limit=_limit(request)
        )
        contents = services.mailbox_contents(items)
        listed = [item for item in items if item.pk in contents]
        entries = HubDeliverySerializer(listed, many=True).data  # type: ignore[arg-type] # many=True takes a list
        bodies = [contents[item.pk] for item in listed]
        for entry, body in zip(entries, bodies, strict=True):
            entry["size"] = len(body)
        header = json.dumps({"results": entries}, ensure_ascii=False, separators=(",", ":")).encode()
        return HttpResponse(b"".join([header, b"\n", *bodies]), content_type=BATCH_TYPE)


class ReceivedItemView(HubView):
    @extend_schema(
        operation_id="hub_received_fetch",
        summary="The bytes of one waiting message (getEdoc)",
        responses={(200, "application/xml"): OpenApiTypes.BINARY, 401: _ERROR, 404: _ERROR},
    )
    def get(self, request: Request, doc_id: str) -> HttpResponse:
        return HttpResponse(services.content(connector=self.connector(request), doc_id=doc_id), content_type="application/xml")


class AckView(HubView):
    @extend_schema(
        operation_id="hub_received_ack",
        summary="Acknowledge a fetched message: done or fail (updateStatus)",
        request=inline_serializer(
            "HubAck", {"status": serializers.ChoiceField(choices=["done", "fail"]), "reason": serializers.CharField(required=False)}
        ),
        responses={
            200: inline_serializer("HubAckResult", {"doc_id": serializers.UUIDField(), "status": serializers.CharField()}),
            401: _ERROR,
            404: _ERROR,
        },
    )
    def post(self, request: Request, doc_id: str) -> Response:
        state = str(request.data.get("status", ""))
        if state not in {"done", "fail"}:
            return Response(
                {"code": "invalid", "message": "status must be done or fail", "fields": {"status": ["done or fail"]}}, status=400
            )
        delivery = services.acknowledge(
            connector=self.connector(request), doc_id=doc_id, ok=state == "done", reason=str(request.data.get("reason", ""))
        )
        return Response({"doc_id": str(delivery.doc_id), "status": delivery.state})


_BATCH_MAX = 100


def _batch_error(exc: services.DomainError) -> dict[str, Any]:
    return {**exc.as_dict(), "http_status": exc.status}


def _split_batch(body: bytes) -> tuple[list[Any], list[bytes]] | str:
    """(entries, bodies) of a `BATCH_TYPE` body, or why it is not one."""
    newline = body.find(b"\n")
    if newline < 0:
        return "no header line"
    try:
        header = json.loads(body[:newline])
    except ValueError:
        return "the header line is not JSON"
    entries = header.get("messages") if isinstance(header, dict) else None
    if not isinstance(entries, list) or not 1 <= len(entries) <= _BATCH_MAX:
        return f"messages: a list of 1 to {_BATCH_MAX}"
    if not all(isinstance(e, dict) and isinstance(e.get("size"), int) and e["size"] >= 0 for e in entries):
        return "each message needs its size"
    if sum(e["size"] for e in entries) != len(body) - newline - 1:
        return "the sizes do not add up to the bytes sent"
    bodies, position = [], newline + 1
    for entry in entries:
        bodies.append(body[position : position + entry["size"]])
        position += entry["size"]
    return entries, bodies


class SendBatchView(HubView):
    @extend_schema(
        operation_id="hub_send_batch",
        summary="Send several packages or status messages in one request",
        description=(
            "The body is `" + BATCH_TYPE + "`: a first line of JSON "
            '`{"messages": [{"package_id", "message_type", "to", "size"}, ...]}` (what `POST send/` takes in its '
            "`X-Hub-Package-Id`, `X-Hub-Message-Type` and `X-Hub-To` headers, and the message's size in bytes), a line "
            "feed, then each `.edxml` message's bytes in that order; at most 100 messages and the request body's size "
            "limit. All are handled in one transaction, each accepted or refused on its own: `results` answers each in "
            "order, with the HTTP status `send/` would give it."
        ),
        request={BATCH_TYPE: OpenApiTypes.BINARY},
        responses={
            200: inline_serializer(
                "HubSendBatchResult",
                {
                    "results": inline_serializer(
                        "HubSendBatchItem",
                        {
                            "package_id": serializers.CharField(),
                            "http_status": serializers.IntegerField(),
                            "duplicate": serializers.BooleanField(required=False),
                            "deliveries": inline_serializer(
                                "HubSendBatchDelivery", {"doc_id": serializers.UUIDField(), "to": serializers.CharField()}, many=True
                            ),
                            "code": serializers.CharField(required=False),
                            "message": serializers.CharField(required=False),
                        },
                        many=True,
                    )
                },
            ),
            400: _ERROR,
            401: _ERROR,
        },
    )
    def post(self, request: Request) -> Response:
        split = _split_batch(request.body)
        if isinstance(split, str):
            return Response({"code": "hub.bad_batch", "message": split, "fields": {"messages": [split]}}, status=400)
        entries, bodies = split
        items = []
        for entry, data in zip(entries, bodies, strict=True):
            to = entry.get("to")
            items.append(
                services.BatchItem(
                    package_id=str(entry.get("package_id", "")),
                    message_type=str(entry.get("message_type", "")),
                    data=data,
                    to_codes=[str(c).strip() for c in to if str(c).strip()] or None if isinstance(to, list) else None,
                )
            )
        results: list[dict[str, Any]] = []
        for item, outcome in zip(items, services.accept_batch(connector=self.connector(request), items=items), strict=True):
            if isinstance(outcome, services.DomainError):
                results.append({"package_id": item.package_id, **_batch_error(outcome)})
            else:
                results.append(
                    {
                        "package_id": outcome.message.package_id,
                        "http_status": 200 if outcome.duplicate else 201,
                        "duplicate": outcome.duplicate,
                        "deliveries": [{"doc_id": str(d.doc_id), "to": d.to_code} for d in outcome.deliveries],
                    }
                )
        return Response({"results": results})


class AckBatchView(HubView):
    @extend_schema(
        operation_id="hub_received_ack_batch",
        summary="Acknowledge several fetched messages in one request",
        description="Each as `POST received/{doc_id}/ack/` takes it, at most 500, in one transaction; `results` answers each in order.",
        request=inline_serializer(
            "HubAckBatch",
            {
                "acks": inline_serializer(
                    "HubAckBatchItem",
                    {
                        "doc_id": serializers.UUIDField(),
                        "status": serializers.ChoiceField(choices=["done", "fail"]),
                        "reason": serializers.CharField(required=False),
                    },
                    many=True,
                )
            },
        ),
        responses={
            200: inline_serializer(
                "HubAckBatchResult",
                {
                    "results": inline_serializer(
                        "HubAckBatchOutcome",
                        {
                            "doc_id": serializers.CharField(),
                            "status": serializers.CharField(required=False),
                            "http_status": serializers.IntegerField(),
                            "code": serializers.CharField(required=False),
                        },
                        many=True,
                    )
                },
            ),
            400: _ERROR,
            401: _ERROR,
        },
    )
    def post(self, request: Request) -> Response:
        acks = request.data.get("acks") if isinstance(request.data, dict) else None
        if (
            not isinstance(acks, list)
            or not 1 <= len(acks) <= 500
            or not all(isinstance(a, dict) and a.get("status") in {"done", "fail"} for a in acks)
        ):
            return Response(
                {"code": "invalid", "message": "acks: 1 to 500 of {doc_id, status: done|fail}", "fields": {"acks": ["invalid"]}}, status=400
            )
        outcomes = services.acknowledge_batch(
            connector=self.connector(request),
            acks=[(str(a.get("doc_id", "")), a["status"] == "done", str(a.get("reason", ""))) for a in acks],
        )
        results: list[dict[str, Any]] = []
        for ack, outcome in zip(acks, outcomes, strict=True):
            if isinstance(outcome, services.DomainError):
                results.append({"doc_id": str(ack.get("doc_id", "")), **_batch_error(outcome)})
            else:
                results.append({"doc_id": str(outcome.doc_id), "status": outcome.state, "http_status": 200})
        return Response({"results": results})


class SentView(HubView):
    @extend_schema(
        operation_id="hub_sent_list",
        summary="What I sent and each recipient's status (getSentEdocList)",
        parameters=[
            _TYPE,
            _LIMIT,
            OpenApiParameter("before", OpenApiTypes.INT, description="Keyset: only entries older than this cursor."),
        ],
        responses={
            200: inline_serializer(
                "HubSentList", {"results": HubSentSerializer(many=True), "next_before": serializers.IntegerField(allow_null=True)}
            ),
            401: _ERROR,
        },
    )
    def get(self, request: Request) -> Response:
        params = _params(request)
        items = services.sent(
            connector=self.connector(request),
            message_type=params.get("message_type") or None,
            limit=_limit(request),
            before=params.get("before"),
        )
        return Response({"results": HubSentSerializer(items, many=True).data, "next_before": items[-1].pk if items else None})  # type: ignore[arg-type] # many=True takes a list


class AgenciesView(HubView):
    @extend_schema(
        operation_id="hub_agencies_list",
        summary="The directory (getAgenciesList)",
        responses={200: inline_serializer("HubAgencyList", {"results": HubAgencySerializer(many=True)}), 401: _ERROR},
    )
    def get(self, request: Request) -> Response:
        agencies = HubAgency.objects.filter(active=True).select_related("connector").order_by("code")
        return Response({"results": HubAgencySerializer(agencies, many=True).data})  # type: ignore[arg-type] # many=True takes a list

    @extend_schema(
        operation_id="hub_agencies_upsert",
        summary="Add or update agencies of the directory (connectors allowed to manage it)",
        request=inline_serializer("HubAgencyUpsert", {"agencies": HubAgencySerializer(many=True)}),
        responses={
            200: inline_serializer("HubAgencyUpsertResult", {"created": serializers.IntegerField(), "updated": serializers.IntegerField()}),
            401: _ERROR,
            403: _ERROR,
        },
    )
    def put(self, request: Request) -> Response:
        serializer = HubAgencySerializer(data=request.data.get("agencies", []) if isinstance(request.data, dict) else [], many=True)
        serializer.is_valid(raise_exception=True)
        result = services.upsert_agencies(
            agencies=[services.AgencyInput(**item) for item in serializer.validated_data], by=self.connector(request)
        )
        return Response(result)
