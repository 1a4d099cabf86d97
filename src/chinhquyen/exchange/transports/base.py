"""The contract every transport keeps (our hub, the national axis, a provincial LGSP).

A transport moves `.edxml` bytes between this deployment and an exchange node. It knows nothing of
documents, the outbox or the inbox; the delivery worker (`exchange.delivery`) drives it:

- `send(package_id, message_type, data, sender_code, recipient_codes)` hands one message to the
  node. It MUST be idempotent on `package_id`: a second call with the same id (after a crash
  between the node's answer and our commit) must not deliver the message twice. It returns the
  node's ids of the message. It raises `TransportError(permanent=True)` only when sending the
  same bytes again can never succeed (unknown recipient, message refused as invalid, too large);
  every other failure (network, timeout, node down, 5xx, throttling) is `permanent=False` and
  the worker tries again later.
- `list_received(message_type, limit, with_content)` lists messages waiting for this deployment's
  agencies, oldest first, at most `limit`; a message stays listed until it is acknowledged. With
  `with_content` the node may give the bytes of the first ones along (`Received.data`).
- `fetch(remote_id)` returns the exact bytes of one message.
- `acknowledge(remote_id, ok, reason)` tells the node the message is safely stored here (`ok`)
  or could not be read (`not ok`, with the reason), so it stops offering it. This is the
  transport-level acknowledgement (`updateStatus done|fail`, §1.11), not a business status:
  business statuses (01…16) are messages of their own, sent with `send(message_type="status")`.
- `send_many(messages)` and `acknowledge_many(acks)`: the same for several messages in one round
  trip where the node can (our hub); the defaults here do them one by one.
- `list_sent(message_type, limit)` reports what became of what we sent, per recipient.
- `list_agencies()` returns the node's directory.

Every method raises `TransportNotConfigured` when the adapter lacks its settings, and
`TransportError` for the rest; never anything else for a network or protocol failure.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import ClassVar

MESSAGE_TYPES = ("edoc", "status")


class TransportError(Exception):
    def __init__(self, code: str, message: str, *, permanent: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent
        self.status = status


class TransportNotConfigured(TransportError):
    def __init__(self, message: str) -> None:
        super().__init__("exchange.transport_not_configured", message, permanent=False)


@dataclass(frozen=True)
class SendResult:
    remote_ids: list[str]
    duplicate: bool = False


@dataclass(frozen=True)
class Received:
    remote_id: str
    message_type: str
    sender_code: str
    recipient_code: str
    package_id: str = ""
    created_at: str = ""
    #: The message's bytes when the node gave them with the list (`list_received(with_content=True)`).
    data: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Outgoing:
    """One message for `send_many` (the arguments of `send`)."""

    package_id: str
    message_type: str
    data: bytes
    sender_code: str
    recipient_codes: list[str]


@dataclass(frozen=True)
class SentRecord:
    remote_id: str
    package_id: str
    recipient_code: str
    delivery_state: str
    business_status: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AgencyEntry:
    code: str
    name: str
    parent_code: str = ""
    connector: str = ""


class Transport(abc.ABC):
    """See the module docstring for the contract."""

    name: ClassVar[str]

    @abc.abstractmethod
    def send(self, *, package_id: str, message_type: str, data: bytes, sender_code: str, recipient_codes: list[str]) -> SendResult: ...

    @abc.abstractmethod
    def list_received(self, *, message_type: str | None = None, limit: int = 100, with_content: bool = False) -> list[Received]:
        """`with_content`: the node may give some messages' bytes with the list (`Received.data`);
        the others are fetched one by one."""

    @abc.abstractmethod
    def fetch(self, remote_id: str) -> bytes: ...

    @abc.abstractmethod
    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None: ...

    # --- Batches: several messages per round trip. A transport whose node has no batch operations
    # keeps these defaults, which do it one by one with the same outcome.

    def send_many(self, messages: list[Outgoing]) -> list[SendResult | TransportError]:
        """`send` for each message, in order: each one's result or its error (as `send` raises it).
        An error that concerns the node rather than one message (unreachable, 5xx) may instead be
        raised for the whole batch; none of it is then known to be taken."""
        results: list[SendResult | TransportError] = []
        for message in messages:
            try:
                results.append(
                    self.send(
                        package_id=message.package_id,
                        message_type=message.message_type,
                        data=message.data,
                        sender_code=message.sender_code,
                        recipient_codes=message.recipient_codes,
                    )
                )
            except TransportError as exc:
                results.append(exc)
        return results

    def acknowledge_many(self, acks: list[tuple[str, bool, str]]) -> None:
        """`acknowledge` each (remote_id, ok, reason)."""
        for remote_id, ok, reason in acks:
            self.acknowledge(remote_id, ok=ok, reason=reason)

    @abc.abstractmethod
    def list_sent(self, *, message_type: str | None = None, limit: int = 100) -> list[SentRecord]: ...

    @abc.abstractmethod
    def list_agencies(self) -> list[AgencyEntry]: ...
