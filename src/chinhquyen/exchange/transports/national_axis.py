"""The national document axis (VDXP, STANDARDS §1.11): the same operations, its authentication.

The official SDK (JAVA_SDK_VXP 2.0.4) posts to `/sendEdoc`, `/getReceivedEdocList`, `/getEdoc`,
`/updateStatus`, `/getSentEdocList`, `/getAgenciesList`, sending its parameters as headers
prefixed `XroadVnpt-` with an HMAC-SHA256 (keyed with the agency's secret) over a JSON object of
those headers. STANDARDS marks the exact canonicalisation of that JSON as UNVERIFIED and says to
test against the VPCP sandbox before use: this adapter implements our reading of the bytecode
(sorted keys, compact JSON, hex digest) and is NOT known to be accepted by the real axis. It is
selected only by `EXCHANGE_TRANSPORT=national_axis` and refuses to run without its settings.

The axis has no idempotency key: a resend after a crash may reach the receiver twice; our inbox
de-duplicates by bytes and DocumentId, so it still makes one incoming document there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import requests
from django.conf import settings

from chinhquyen.exchange.transports.base import (
    AgencyEntry,
    Received,
    SendResult,
    SentRecord,
    Transport,
    TransportError,
    TransportNotConfigured,
)

PREFIX = "XroadVnpt-"
SDK_VERSION = "2.0.4"
_ICT = dt.timezone(dt.timedelta(hours=7))


def axis_headers(*, system_id: str, secret: str, values: dict[str, str], now: dt.datetime | None = None) -> dict[str, str]:
    """The `XroadVnpt-*` headers of one call, signed (our reading of the SDK, unverified)."""
    moment = (now or dt.datetime.now(_ICT)).astimezone(_ICT)
    # ddMMyyyy'T'HHmmss+SSSS as the SDK formats it (SSSS = milliseconds, four digits).
    timestamp = moment.strftime("%d%m%YT%H%M%S") + f"+{moment.microsecond // 1000:04d}"
    signed = {"systemid": system_id, "timestamp": timestamp, **values}
    names = sorted(signed)
    canonical = json.dumps({name: signed[name] for name in names}, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {PREFIX + name: value for name, value in signed.items()}
    headers[PREFIX + "sign-header"] = ";".join(names)
    headers[PREFIX + "sign-header-key"] = system_id
    headers[PREFIX + "hash-header"] = hmac.new(secret.encode(), canonical, hashlib.sha256).hexdigest()
    headers[PREFIX + "version"] = SDK_VERSION
    return headers


class NationalAxisTransport(Transport):
    name = "national_axis"

    def __init__(self, *, base_url: str, system_id: str, secret: str, timeout: float = 60.0) -> None:
        if not base_url or not system_id or not secret:
            raise TransportNotConfigured(
                "The national axis transport needs EXCHANGE_AXIS_URL, EXCHANGE_AXIS_SYSTEM_ID and EXCHANGE_AXIS_SECRET "
                "(and a check against the VPCP sandbox: its signing is unverified)."
            )
        self.base_url = base_url.rstrip("/")
        self.system_id = system_id
        self.secret = secret
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False

    @classmethod
    def from_settings(cls) -> NationalAxisTransport:
        return cls(
            base_url=settings.EXCHANGE_AXIS_URL,
            system_id=settings.EXCHANGE_AXIS_SYSTEM_ID,
            secret=settings.EXCHANGE_AXIS_SECRET,
            timeout=float(settings.EXCHANGE_HTTP_TIMEOUT_SECONDS),
        )

    def _call(self, operation: str, values: dict[str, str], body: bytes = b"") -> requests.Response:
        headers = axis_headers(system_id=self.system_id, secret=self.secret, values=values)
        headers["User-Agent"] = "JAVASDKAgent/1.0.0 XRoad/VPCP"
        try:
            response = self.session.post(f"{self.base_url}/{operation}", data=body or None, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TransportError("exchange.axis_unreachable", f"The national axis cannot be reached: {exc.__class__.__name__}") from None
        if response.status_code >= 500 or response.status_code in {408, 429}:
            raise TransportError("exchange.axis_error", f"HTTP {response.status_code}", status=response.status_code)
        if response.status_code >= 400:
            raise TransportError(
                "exchange.axis_refused", f"HTTP {response.status_code}: {response.text[:300]}", permanent=True, status=response.status_code
            )
        return response

    def _json(self, operation: str, values: dict[str, str]) -> dict[str, Any]:
        body = self._call(operation, values).json()
        if str(body.get("status", "")).upper() != "OK":
            raise TransportError("exchange.axis_refused", f"{body.get('ErrorCode', '')}: {body.get('ErrorDesc', '')}", permanent=False)
        return dict(body)

    def send(self, *, package_id: str, message_type: str, data: bytes, sender_code: str, recipient_codes: list[str]) -> SendResult:
        response = self._call("sendEdoc", {"from": self.system_id, "servicetype": "eDoc", "messagetype": message_type}, data)
        body = response.json()
        if str(body.get("status", "")).upper() != "OK":
            raise TransportError("exchange.axis_refused", f"{body.get('ErrorCode', '')}: {body.get('ErrorDesc', '')}", permanent=True)
        return SendResult(remote_ids=[str(body.get("DocId", ""))])

    def list_received(self, *, message_type: str | None = None, limit: int = 100, with_content: bool = False) -> list[Received]:
        items = []
        for kind in [message_type] if message_type else ["edoc", "status"]:
            body = self._json("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": kind})
            for item in body.get("data", [])[:limit]:
                items.append(
                    Received(
                        remote_id=str(item["docId"]),
                        message_type=str(item.get("messageType", kind)),
                        sender_code=str(item.get("from", "")),
                        recipient_code=str(item.get("to", self.system_id)),
                        created_at=str(item.get("created_time", "")),
                    )
                )
        return items[:limit]

    def fetch(self, remote_id: str) -> bytes:
        return self._call("getEdoc", {"docId": remote_id}).content

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        self._json("updateStatus", {"docid": remote_id, "status": "done" if ok else "fail"})

    def list_sent(self, *, message_type: str | None = None, limit: int = 100) -> list[SentRecord]:
        body = self._json("getSentEdocList", {"servicetype": "eDoc", "messagetype": message_type or "edoc"})
        return [
            SentRecord(
                remote_id=str(item.get("senderDocId", "")),
                package_id="",
                recipient_code=str(item.get("toCode", "")),
                delivery_state=str(item.get("sendStatus", "")),
                business_status=str(item.get("receiveStatus", "")),
            )
            for item in body.get("data", [])[:limit]
        ]

    def list_agencies(self) -> list[AgencyEntry]:
        body = self._json("getAgenciesList", {})
        return [
            AgencyEntry(code=str(a.get("code", "")), name=str(a.get("name", "")), parent_code=str(a.get("pid", "")))
            for a in body.get("data", [])
        ]
