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
import urllib3
from django.conf import settings

from chinhquyen.exchange.transports.base import (
    AgencyEntry,
    Outgoing,
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

#: A batch request carries at most about this many bytes of messages (well under the hub's request
#: limit); a larger message goes alone.
BATCH_BYTES = 8 * 1024 * 1024
#: Several messages in one body (the hub's `send/batch/` and `received/batch/`): a line of JSON
#: saying what they are, each with its `size`, a line feed, then their bytes back to back.
BATCH_TYPE = "application/vnd.chinhquyen.hub-batch"


def _permanent(status: int) -> bool:
    """Whether the node refusing with `status` means the same bytes can never be accepted."""
    return 400 <= status < 500 and status not in _TRANSIENT | {401, 403}


def _chunks(indexes: list[int], sizes: list[int]) -> list[list[int]]:
    chunks: list[list[int]] = []
    current: list[int] = []
    total = 0
    for index, size in zip(indexes, sizes, strict=True):
        if current and (total + size > BATCH_BYTES or len(current) >= 100):
            chunks.append(current)
            current, total = [], 0
        current.append(index)
        total += size
    if current:
        chunks.append(current)
    return chunks


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
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v not in (None, "")))
        relative = path + (f"?{query}" if query else "")
        signed = sign_headers(connector=self.connector, secret=self.secret, method=method, path=self.base_path + relative, body=body)
        all_headers = {**signed, **(headers or {})}
        try:
            response = self.session.request(
                method, self.base_url + relative, data=body or None, headers=all_headers, timeout=self.timeout, stream=stream
            )
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
        raise TransportError(
            code, f"HTTP {response.status_code}: {message}", permanent=_permanent(response.status_code), status=response.status_code
        )

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

    def send_many(self, messages: list[Outgoing]) -> list[SendResult | TransportError]:
        """One `POST send/batch/` for the lot (each message accepted or refused on its own); a
        message too large for a batch goes alone through `send/`."""
        results: dict[int, SendResult | TransportError] = {}
        batch: list[int] = []
        for index, message in enumerate(messages):
            if len(message.data) > BATCH_BYTES // 2:
                try:
                    results[index] = self.send(
                        package_id=message.package_id,
                        message_type=message.message_type,
                        data=message.data,
                        sender_code=message.sender_code,
                        recipient_codes=message.recipient_codes,
                    )
                except TransportError as exc:
                    results[index] = exc
            else:
                batch.append(index)
        for chunk in _chunks(batch, [len(messages[i].data) for i in batch]):
            header = json.dumps(
                {
                    "messages": [
                        {
                            "package_id": messages[i].package_id,
                            "message_type": messages[i].message_type,
                            "to": messages[i].recipient_codes,
                            "size": len(messages[i].data),
                        }
                        for i in chunk
                    ]
                },
                separators=(",", ":"),
            ).encode()
            body = b"".join([header, b"\n", *(messages[i].data for i in chunk)])
            answers = self._request("POST", "send/batch/", body=body, headers={"Content-Type": BATCH_TYPE}).json()["results"]
            if len(answers) != len(chunk):
                raise TransportError("exchange.hub_error", "The hub answered a batch with the wrong number of results.")
            for i, answer in zip(chunk, answers, strict=True):
                status = int(answer.get("http_status", 500))
                if status < 300:
                    results[i] = SendResult(
                        remote_ids=[d["doc_id"] for d in answer.get("deliveries", [])], duplicate=bool(answer.get("duplicate"))
                    )
                else:
                    results[i] = TransportError(
                        str(answer.get("code", "exchange.hub_error")),
                        f"HTTP {status}: {answer.get('message', '')}",
                        permanent=_permanent(status),
                        status=status,
                    )
        return [results[i] for i in range(len(messages))]

    @staticmethod
    def _received(item: dict[str, Any], data: bytes | None = None) -> Received:
        return Received(
            remote_id=item["doc_id"],
            message_type=item["message_type"],
            sender_code=item["from"],
            recipient_code=item["to"],
            package_id=item.get("package_id", ""),
            created_at=item.get("created_time", ""),
            data=data,
        )

    def list_received(self, *, message_type: str | None = None, limit: int = 100, with_content: bool = False) -> list[Received]:
        """With `with_content`: `GET received/batch/`, the oldest messages with their bytes (up to
        8 MB of them; the others come at the next call)."""
        params = {"message_type": message_type, "limit": limit}
        if not with_content:
            body = self._request("GET", "received/", params=params).json()
            return [self._received(item) for item in body.get("results", [])]
        raw = self._read_whole(self._request("GET", "received/batch/", params=params, stream=True))
        newline = raw.find(b"\n")
        try:
            entries = json.loads(raw[:newline])["results"] if newline >= 0 else None
            readable = isinstance(entries, list) and sum(int(e["size"]) for e in entries) == len(raw) - newline - 1
        except (ValueError, KeyError, TypeError):
            readable = False
        if not readable or not isinstance(entries, list):
            raise TransportError("exchange.hub_error", "The hub's batch answer is not readable.")
        items, position = [], newline + 1
        for entry in entries:
            size = int(entry["size"])
            items.append(self._received(entry, raw[position : position + size]))
            position += size
        return items

    @staticmethod
    def _read_whole(response: requests.Response) -> bytes:
        """The body in one read (megabytes of messages: `.content` reads them 10 KB at a time, a
        Python loop that cost the receiving worker more than parsing them), the connection then
        given back to the pool."""
        try:
            data = bytes(response.raw.read(decode_content=True))
        except (requests.RequestException, OSError, urllib3.exceptions.HTTPError) as exc:
            response.close()
            raise TransportError("exchange.hub_unreachable", f"The hub's answer was cut off: {exc.__class__.__name__}") from None
        response.raw.release_conn()  # read to the end: the connection can carry the next request
        return data

    def fetch(self, remote_id: str) -> bytes:
        return self._request("GET", f"received/{remote_id}/").content

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        payload = json.dumps({"status": "done" if ok else "fail", "reason": reason[:500]}).encode()
        self._request("POST", f"received/{remote_id}/ack/", body=payload, headers={"Content-Type": "application/json"})

    def acknowledge_many(self, acks: list[tuple[str, bool, str]]) -> None:
        """One `POST received/ack/` for up to 500 acknowledgements."""
        for start in range(0, len(acks), 500):
            chunk = acks[start : start + 500]
            payload = json.dumps(
                {
                    "acks": [
                        {"doc_id": remote_id, "status": "done" if ok else "fail", "reason": reason[:500]} for remote_id, ok, reason in chunk
                    ]
                }
            ).encode()
            answers = self._request("POST", "received/ack/", body=payload, headers={"Content-Type": "application/json"}).json()
            refused = [a for a in answers.get("results", []) if int(a.get("http_status", 500)) >= 300]
            if refused:
                first = refused[0]
                raise TransportError(
                    str(first.get("code", "exchange.hub_error")),
                    f"HTTP {first.get('http_status')}: {len(refused)} acknowledgement(s) refused: {first.get('message', '')}",
                    status=int(first.get("http_status", 500)),
                )

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
