"""Our own hub (app `hub`, `/hub/api/v1/`), reached over HTTP with HMAC-signed requests.

Each request carries the connector's name, a timestamp, a random nonce and the SHA-256 of its
body, and an HMAC-SHA256 over them keyed with the connector's shared secret (docs/exchange.md,
"Hub protocol"). The hub refuses an unknown connector, a bad signature, a body that does not
match its hash, a timestamp outside its window and a nonce it has seen: replayed or stale
requests get 401. `send` is idempotent: the hub de-duplicates on the package id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlparse

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

SCHEME = "CHINHQUYEN-HUB-HMAC-SHA256"


def string_to_sign(*, connector: str, timestamp: str, nonce: str, method: str, path: str, body_sha256: str) -> bytes:
    return "\n".join([SCHEME, connector, timestamp, nonce, method.upper(), path, body_sha256]).encode()


def sign_headers(*, connector: str, secret: str, method: str, path: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The authentication headers of one hub request (the hub checks the same string)."""
    timestamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    body_sha256 = hashlib.sha256(body).hexdigest()
    message = string_to_sign(connector=connector, timestamp=timestamp, nonce=nonce, method=method, path=path, body_sha256=body_sha256)
    return {
        "X-Hub-Connector": connector,
        "X-Hub-Timestamp": timestamp,
        "X-Hub-Nonce": nonce,
        "X-Hub-Content-SHA256": body_sha256,
        "X-Hub-Signature": hmac.new(secret.encode(), message, hashlib.sha256).hexdigest(),
    }


_TRANSIENT = {408, 425, 429}


class HubTransport(Transport):
    name = "hub"

    def __init__(self, *, base_url: str, connector: str, secret: str, timeout: float = 30.0) -> None:
        if not base_url or not connector or not secret:
            raise TransportNotConfigured("The hub transport needs EXCHANGE_HUB_URL, EXCHANGE_HUB_CONNECTOR and EXCHANGE_HUB_SECRET.")
        self.base_url = base_url.rstrip("/") + "/"
        self.base_path = urlparse(self.base_url).path
        self.connector = connector
        self.secret = secret
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # loopback and intranet only: never a proxy from the environment

    @classmethod
    def from_settings(cls) -> HubTransport:
        return cls(
            base_url=settings.EXCHANGE_HUB_URL,
            connector=settings.EXCHANGE_HUB_CONNECTOR,
            secret=settings.EXCHANGE_HUB_SECRET,
            timeout=float(settings.EXCHANGE_HTTP_TIMEOUT_SECONDS),
        )

    def _request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> requests.Response:
        query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v not in (None, "")))
        relative = path + (f"?{query}" if query else "")
        signed = sign_headers(connector=self.connector, secret=self.secret, method=method, path=self.base_path + relative, body=body)
        all_headers = {**signed, **(headers or {})}
        try:
            response = self.session.request(method, self.base_url + relative, data=body or None, headers=all_headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TransportError("exchange.hub_unreachable", f"The hub cannot be reached: {exc.__class__.__name__}") from None
        if response.status_code < 300:
            return response
        code, message = "exchange.hub_error", response.text[:300]
        try:
            body_json = response.json()
            code, message = str(body_json.get("code", code)), str(body_json.get("message", message))
        except ValueError:
            pass
        permanent = 400 <= response.status_code < 500 and response.status_code not in _TRANSIENT | {401, 403}
        raise TransportError(code, f"HTTP {response.status_code}: {message}", permanent=permanent, status=response.status_code)

    def send(self, *, package_id: str, message_type: str, data: bytes, sender_code: str, recipient_codes: list[str]) -> SendResult:
        response = self._request(
            "POST",
            "send/",
            body=data,
            headers={
                "Content-Type": "application/xml",
                "X-Hub-Package-Id": package_id,
                "X-Hub-Message-Type": message_type,
                "X-Hub-To": ",".join(recipient_codes),
            },
        )
        body = response.json()
        return SendResult(remote_ids=[d["doc_id"] for d in body.get("deliveries", [])], duplicate=bool(body.get("duplicate")))

    def list_received(self, *, message_type: str | None = None, limit: int = 100) -> list[Received]:
        body = self._request("GET", "received/", params={"message_type": message_type, "limit": limit}).json()
        return [
            Received(
                remote_id=item["doc_id"],
                message_type=item["message_type"],
                sender_code=item["from"],
                recipient_code=item["to"],
                package_id=item.get("package_id", ""),
                created_at=item.get("created_time", ""),
            )
            for item in body.get("results", [])
        ]

    def fetch(self, remote_id: str) -> bytes:
        return self._request("GET", f"received/{remote_id}/").content

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        payload = json.dumps({"status": "done" if ok else "fail", "reason": reason[:500]}).encode()
        self._request("POST", f"received/{remote_id}/ack/", body=payload, headers={"Content-Type": "application/json"})

    def list_sent(self, *, message_type: str | None = None, limit: int = 100) -> list[SentRecord]:
        body = self._request("GET", "sent/", params={"message_type": message_type, "limit": limit}).json()
        return [
            SentRecord(
                remote_id=item["doc_id"],
                package_id=item.get("package_id", ""),
                recipient_code=item["to"],
                delivery_state=item["delivery_status"],
                business_status=item.get("business_status", ""),
            )
            for item in body.get("results", [])
        ]

    def list_agencies(self) -> list[AgencyEntry]:
        body = self._request("GET", "agencies/").json()
        return [
            AgencyEntry(code=a["code"], name=a["name"], parent_code=a.get("parent_code", ""), connector=a.get("connector", ""))
            for a in body.get("results", [])
        ]

    def push_agencies(self, agencies: list[AgencyEntry]) -> dict[str, int]:
        """Upsert the hub's directory (needs a connector allowed to manage it)."""
        payload = json.dumps(
            {"agencies": [{"code": a.code, "name": a.name, "parent_code": a.parent_code, "connector": a.connector} for a in agencies]},
            ensure_ascii=False,
        ).encode()
        result: dict[str, int] = self._request("PUT", "agencies/", body=payload, headers={"Content-Type": "application/json"}).json()
        return result
