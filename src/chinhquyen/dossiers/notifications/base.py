"""The contract of an SMS provider (STYLE.md: base + registry + one folder per provider).

A provider sends one text message to one Vietnamese mobile number and returns the provider's
message id. It raises `SmsError` when the message was not accepted; the caller records the
error and the task is retried by re-enqueueing. A provider never logs the message body (it
may carry a dossier code and a name). Providers are selected by `settings.SMS_PROVIDER`.
"""

from __future__ import annotations

import re


class SmsError(Exception):
    """The provider did not accept the message."""


_PHONE_RE = re.compile(r"^(?:\+?84|0)(\d{9})$")


def normalise_phone(phone: str) -> str:
    """`0912 345 678`, `+84912345678` → `84912345678`; raises SmsError for anything else."""
    digits = re.sub(r"[\s.\-()]", "", phone)
    match = _PHONE_RE.match(digits)
    if not match:
        raise SmsError(f"not a Vietnamese mobile number: {phone!r}")
    return "84" + match.group(1)


class SmsProvider:
    #: The name `settings.SMS_PROVIDER` selects.
    name = ""

    def send(self, *, to: str, text: str) -> str:
        """Send `text` to `to` (normalised `84…`); return the provider's message id or raise SmsError."""
        raise NotImplementedError
