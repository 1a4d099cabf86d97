"""A provincial integration platform (LGSP): room for it, not built.

Each province's LGSP wraps the axis with its own URLs and authentication (Lạng Sơn: a token from
`/api/lgspedoc/login`, `/send-edoc`; older ones SOAP, STANDARDS §1.11). None is specified well
enough to write against, so every operation refuses clearly instead of pretending to succeed.
"""

from __future__ import annotations

from typing import NoReturn

from chinhquyen.exchange.transports.base import AgencyEntry, Received, SendResult, SentRecord, Transport, TransportNotConfigured


class LgspTransport(Transport):
    name = "lgsp"

    def _refuse(self) -> NoReturn:
        raise TransportNotConfigured(
            "The provincial LGSP transport is not configured: no LGSP adapter is built yet (use 'hub' or 'national_axis')."
        )

    def send(self, *, package_id: str, message_type: str, data: bytes, sender_code: str, recipient_codes: list[str]) -> SendResult:
        self._refuse()

    def list_received(self, *, message_type: str | None = None, limit: int = 100, with_content: bool = False) -> list[Received]:
        self._refuse()

    def fetch(self, remote_id: str) -> bytes:
        self._refuse()

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        self._refuse()

    def list_sent(self, *, message_type: str | None = None, limit: int = 100) -> list[SentRecord]:
        self._refuse()

    def list_agencies(self) -> list[AgencyEntry]:
        self._refuse()
