"""`console`: writes each message as one JSON line to `SMS_FILE`, or to the log when it is empty (demo, tests)."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from chinhquyen.dossiers.notifications.base import SmsProvider
from chinhquyen.dossiers.notifications.registry import register

logger = logging.getLogger(__name__)


@register
class ConsoleProvider(SmsProvider):
    name = "console"

    def send(self, *, to: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        line = json.dumps({"id": message_id, "to": to, "text": text, "at": timezone.now().isoformat()}, ensure_ascii=False)
        if settings.SMS_FILE:
            path = Path(settings.SMS_FILE)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        else:
            logger.info("SMS %s to %s (%s characters)", message_id, to, len(text))
        return message_id
