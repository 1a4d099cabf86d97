"""Every API error is JSON `{"code", "message", "fields"}` with a Vietnamese message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from chinhquyen.core.errors import DomainError

_CODES = {
    exceptions.NotAuthenticated: ("auth.not_authenticated", lambda: _("Authentication is required.")),
    exceptions.AuthenticationFailed: ("auth.failed", lambda: _("The credentials are not valid.")),
    exceptions.PermissionDenied: ("permission_denied", lambda: _("You do not have permission to do this.")),
    exceptions.NotFound: ("not_found", lambda: _("Not found.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    exceptions.ParseError: ("parse_error", lambda: _("The request body could not be read.")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", lambda: _("This content type is not supported.")),
    exceptions.Throttled: ("throttled", lambda: _("Too many requests; try again later.")),
}


def _flatten(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"applicant.name": [...], "components[0].originals": [...]}`:
    readable paths and plain strings, never `ErrorDetail(...)` or list reprs."""
    out: dict[str, list[str]] = {}

    def add(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, int):  # a ListField's or a ListSerializer's item, by its index
                    add(f"{key}[{k}]", v)
                else:
                    add(f"{key}.{k}" if key else str(k), v)
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if isinstance(item, dict | list | tuple):
                    if item:  # DRF answers `{}` for the items of a list that are fine
                        add(f"{key}[{i}]", item)
                else:
                    out.setdefault(key or "non_field_errors", []).append(str(item))
        else:
            out.setdefault(key or "non_field_errors", []).append(str(value))

    add(path, detail)
    return out


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": _("The data sent is not valid."), "fields": _flatten(exc.detail)}
    else:
        code, message = next(
            ((c, m) for cls, (c, m) in _CODES.items() if isinstance(exc, cls)), ("error", lambda: _("The request could not be completed."))
        )
        body = {"code": code, "message": message(), "fields": {}}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    response.data = body
    return response
