"""Domain errors: what every service raises when it refuses.

A service never raises an HTTP error. It raises `DomainError` (or a subclass) with a stable
machine code (`agency.code_invalid`) and a message for people, in Vietnamese by default through
gettext. The API turns it into `{"code", "message", "fields"}`; pages show the message beside
the field it concerns.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A refusal by a service: nothing was changed."""

    status = 400

    def __init__(self, code: str, message: str | Promise, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self._message = message
        self.fields = fields or {}

    @property
    def message(self) -> str:
        return str(self._message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "fields": {k: [str(v) for v in vs] if isinstance(vs, (list, tuple)) else [str(vs)] for k, vs in self.fields.items()},
        }


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403
