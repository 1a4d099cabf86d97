"""`http`: POST the message as JSON to an SMS gateway (SMS_HTTP_URL), for brand-name SMS services.

Body `{"to": "849…", "text": "…", "sender": SMS_HTTP_SENDER}`, header `Authorization: Bearer
SMS_HTTP_TOKEN` when a token is set. A 2xx answer accepts the message; its JSON `id` (or
`message_id`) is the message id. Anything else raises SmsError.
"""

from __future__ import annotations

import requests
from django.conf import settings

from chinhquyen.dossiers.notifications.base import SmsError, SmsProvider
from chinhquyen.dossiers.notifications.registry import register


@register
class HttpProvider(SmsProvider):
    name = "http"

    def send(self, *, to: str, text: str) -> str:
        if not settings.SMS_HTTP_URL:
            raise SmsError("SMS_HTTP_URL is not set")
        headers = {"Content-Type": "application/json"}
        if settings.SMS_HTTP_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_HTTP_TOKEN}"
        try:
            response = requests.post(
                settings.SMS_HTTP_URL,
                json={"to": to, "text": text, "sender": settings.SMS_HTTP_SENDER},
                headers=headers,
                timeout=settings.SMS_HTTP_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise SmsError(f"gateway unreachable: {type(exc).__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise SmsError(f"gateway answered {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            data = {}
        return str(data.get("id") or data.get("message_id") or "")
