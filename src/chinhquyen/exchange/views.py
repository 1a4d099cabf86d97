"""The operators' page of the exchange (province administrators): the outbox, the inbox, the
dead letters and the messages whose handler failed, each with a retry button."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.core.errors import DomainError
from chinhquyen.exchange import services
from chinhquyen.exchange.models import Inbox, InboxState, Outbox, OutboxState
from chinhquyen.organizations.access import require_province_admin

_ROWS = 50


def _refuse(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


@require_GET
def operator_view(request: HttpRequest) -> HttpResponse:
    try:
        require_province_admin(request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _refuse(request, exc)
    outbox_counts = dict(Outbox.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    inbox_counts = dict(Inbox.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    fields = (
        "id",
        "kind",
        "document_id",
        "recipient_codes",
        "status_code",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error_code",
        "last_error",
        "created_at",
        "sent_at",
    )
    inbox_fields = (
        "id",
        "kind",
        "document_id",
        "sender_code",
        "recipient_code",
        "status_code",
        "business_type",
        "state",
        "error_code",
        "error",
        "received_at",
    )
    context = {
        "outbox_counts": [(label, outbox_counts.get(value, 0)) for value, label in OutboxState.choices],
        "inbox_counts": [(label, inbox_counts.get(value, 0)) for value, label in InboxState.choices],
        "dead": Outbox.objects.filter(state=OutboxState.DEAD).only(*fields).order_by("-id")[:_ROWS],
        "pending": Outbox.objects.filter(state=OutboxState.PENDING).only(*fields).order_by("next_attempt_at", "id")[:_ROWS],
        "sent": Outbox.objects.filter(state=OutboxState.SENT).only(*fields).order_by("-id")[:_ROWS],
        "failed": Inbox.objects.filter(state__in=[InboxState.FAILED, InboxState.INVALID, InboxState.WAITING])
        .only(*inbox_fields)
        .order_by("-id")[:_ROWS],
        "received": Inbox.objects.filter(state=InboxState.RECEIVED).only(*inbox_fields).order_by("-id")[:_ROWS],
    }
    return render(request, "exchange/operator.html", context)


@require_POST
def retry_outbox_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        require_province_admin(request.user)  # type: ignore[arg-type]
        services.retry_dead_letter(outbox=pk, actor=request.user)
    except DomainError as exc:
        return _refuse(request, exc)
    messages.success(request, _("The message is queued to be sent again."))
    return redirect("exchange:operator")


@require_POST
def retry_inbox_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        require_province_admin(request.user)  # type: ignore[arg-type]
        row = services.retry_inbound(inbox=pk, actor=request.user)
    except DomainError as exc:
        return _refuse(request, exc)
    if row.state == InboxState.RECEIVED:
        messages.success(request, _("The message was handed over."))
    else:
        messages.error(request, _("The handler failed again: %(error)s") % {"error": row.error})
    return redirect("exchange:operator")
