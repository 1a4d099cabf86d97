"""Where incoming messages go. `exchange` never imports the office (DESIGN.md): the office
registers its handlers here, in its `AppConfig.ready()`:

    from chinhquyen.exchange.registry import register_inbound_handler, register_status_handler
    register_inbound_handler(documents.services.receive_exchanged_package)
    register_status_handler(documents.services.record_recipient_status)

Handlers run INSIDE the transaction that records the message in the inbox: what they write
commits with it or not at all, so a package is registered exactly once even if the worker dies
anywhere. A handler that raises leaves the message in the inbox as "handler failed" (its own
writes rolled back) for an operator to retry; it is never handed over twice after succeeding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class InboundAttachment:
    content_id: str
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class InboundDocument:
    """An incoming package, as the office receives it.

    `business_type` is "new", "recall", "update" or "replace" (STANDARDS §1.9); for the last three
    `target_document_id` names the document acted on. `metadata` is the JSON of
    `chinhquyen edxml parse --json` (sender, number and notation, dates, subject, type, priority,
    signer, business block…); `signature` is its XML-signature report. Call
    `exchange.services.report_status(inbound=inbound_id, …)` to answer the sender.
    """

    inbound_id: int
    recipient_code: str
    sender_code: str
    document_id: str
    business_type: str
    target_document_id: str
    metadata: dict[str, Any]
    signature: dict[str, Any]
    attachments: tuple[InboundAttachment, ...]
    received_at: dt.datetime


@dataclass(frozen=True)
class InboundStatus:
    """A status message received. At the sender: a recipient's 01…06 or 15/16 about a document we
    sent (`applied` is False when it arrived after a later one and changed nothing). At the
    receiver: a recall request 13 about a document we received (`inbound_id` is its inbox row)."""

    inbound_id: int | None
    document_id: str
    from_code: str
    to_code: str
    status_code: str
    description: str
    timestamp: dt.datetime
    staff: dict[str, str]
    applied: bool


InboundHandler = Callable[[InboundDocument], None]
StatusHandler = Callable[[InboundStatus], None]

_inbound: list[InboundHandler] = []
_status: list[StatusHandler] = []


def register_inbound_handler(handler: InboundHandler) -> None:
    """Hand every incoming package to `handler` (once, inside the inbox transaction)."""
    if handler not in _inbound:
        _inbound.append(handler)


def register_status_handler(handler: StatusHandler) -> None:
    """Hand every status message received to `handler` (inside the inbox transaction)."""
    if handler not in _status:
        _status.append(handler)


def unregister_handlers() -> None:
    """Forget every handler (tests)."""
    _inbound.clear()
    _status.clear()


def inbound_handlers() -> list[InboundHandler]:
    return list(_inbound)


def status_handlers() -> list[StatusHandler]:
    return list(_status)
