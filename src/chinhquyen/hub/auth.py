"""HMAC authentication of connectors (docs/exchange.md, "Hub protocol").

A request carries `X-Hub-Connector`, `X-Hub-Timestamp` (Unix seconds), `X-Hub-Nonce`,
`X-Hub-Content-SHA256` and `X-Hub-Signature` = hex HMAC-SHA256, keyed with the connector's
secret, of

    CHINHQUYEN-HUB-HMAC-SHA256 \\n connector \\n timestamp \\n nonce \\n METHOD \\n path?query \\n body-sha256

Refused with 401: a missing header, an unknown or inactive connector, a timestamp more than
HUB_CLOCK_SKEW_SECONDS away, a body that does not match its hash, a wrong signature, a nonce
already seen (a replay). Nonces are kept for twice the window, then forgotten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from chinhquyen.core.rows import insert_ignoring, table
from chinhquyen.hub.models import Connector, Nonce

SCHEME = "CHINHQUYEN-HUB-HMAC-SHA256"
_HEADERS = ("X-Hub-Connector", "X-Hub-Timestamp", "X-Hub-Nonce", "X-Hub-Content-SHA256", "X-Hub-Signature")


def string_to_sign(*, connector: str, timestamp: str, nonce: str, method: str, path: str, body_sha256: str) -> bytes:
    return "\n".join([SCHEME, connector, timestamp, nonce, method.upper(), path, body_sha256]).encode()


@dataclass(frozen=True)
class ConnectorPrincipal:
    """What `request.user` is on the hub's API: the connector, not a person."""

    connector: Connector
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None

    @property
    def username(self) -> str:
        return f"connector:{self.connector.name}"


def _refuse(detail: str) -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed(detail)


def check_request(*, headers: Any, method: str, path: str, body: bytes, now: float | None = None) -> Connector:
    values = {name: headers.get(name, "") for name in _HEADERS}
    if not all(values.values()):
        raise exceptions.NotAuthenticated()
    connector = _active_connector(values["X-Hub-Connector"])
    if connector is None:
        raise _refuse("unknown connector")
    try:
        stamp = int(values["X-Hub-Timestamp"])
    except ValueError:
        raise _refuse("bad timestamp") from None
    now = time.time() if now is None else now
    if abs(now - stamp) > settings.HUB_CLOCK_SKEW_SECONDS:
        raise _refuse("stale or future timestamp")
    body_sha256 = hashlib.sha256(body).hexdigest()
    if not hmac.compare_digest(body_sha256, values["X-Hub-Content-SHA256"].lower()):
        raise _refuse("the body does not match its hash")
    expected = hmac.new(
        connector.secret.encode(),
        string_to_sign(
            connector=connector.name,
            timestamp=values["X-Hub-Timestamp"],
            nonce=values["X-Hub-Nonce"],
            method=method,
            path=path,
            body_sha256=body_sha256,
        ),
        hashlib.sha256,
    ).hexdigest()
    if not hmac.compare_digest(expected, values["X-Hub-Signature"].lower()):
        raise _refuse("bad signature")
    nonce = values["X-Hub-Nonce"][:64]
    # One statement, no savepoint: a nonce already seen inserts nothing (the unique constraint).
    if not insert_ignoring(Nonce(connector=connector, nonce=nonce, seen_at=timezone.now()), ["connector", "nonce"]):
        raise _refuse("replayed request")
    if random.random() < 0.01:
        Nonce.objects.filter(seen_at__lt=timezone.now() - dt.timedelta(seconds=2 * settings.HUB_CLOCK_SKEW_SECONDS)).delete()
    return connector


def _active_connector(name: str) -> Connector | None:
    """The active connector called `name`, in one plain statement (every request asks, W5); its
    other fields load if something reads them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, name, secret, can_manage_directory FROM {table(Connector)} WHERE name = %s AND active", [name])  # noqa: S608 - names from the model
        found = cursor.fetchone()
    if found is None:
        return None
    pk, name, secret, can_manage_directory = found
    return Connector.from_db(
        connection.alias, ["id", "name", "secret", "can_manage_directory"], [pk, name, secret, bool(can_manage_directory)]
    )


class HubAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ConnectorPrincipal, Connector] | None:
        if not request.headers.get("X-Hub-Connector"):
            return None
        connector = check_request(headers=request.headers, method=request.method or "GET", path=request.get_full_path(), body=request.body)
        return ConnectorPrincipal(connector), connector

    def authenticate_header(self, request: Request) -> str:
        return SCHEME
