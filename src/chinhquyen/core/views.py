"""The official's home page, the health check and the last-resort error pages."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chinhquyen.core import work
from chinhquyen.core.middleware import current_request_id


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"work": work.work_for(request.user)})


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: who to tell about a vulnerability (docs/security.md)."""
    expires = (timezone.now() + dt.timedelta(days=365)).strftime("%Y-%m-%dT00:00:00Z")
    body = f"Contact: {settings.SECURITY_CONTACT}\nExpires: {expires}\nPreferred-Languages: vi, en\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- Last-resort error pages (ASVS 4.0.3 V7.4.1, V7.4.3) --------------------------------------
# A generic message in the user's language with the request id an operator finds in the log,
# never a traceback. They render without the context processors (which may be what failed),
# and answer JSON on the API.

_ERRORS = {
    400: ("bad_request", lambda: _("The request could not be read.")),
    403: ("permission_denied", lambda: _("You do not have permission to do this.")),
    404: ("not_found", lambda: _("The page you asked for does not exist.")),
    500: ("server_error", lambda: _("An unexpected error occurred. The error has been recorded; please try again later.")),
}


def _error_response(request: HttpRequest, status: int) -> HttpResponse:
    code, message = _ERRORS[status]
    request_id = current_request_id()
    if request.path_info.startswith(("/api/", "/hub/api/")):
        return JsonResponse({"code": code, "message": message(), "fields": {}, "request_id": request_id}, status=status)
    html = loader.get_template("core/http_error.html").render(
        {"status": status, "code": code, "message": message(), "request_id": request_id, "LANGUAGE_CODE": translation.get_language()}
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_response(request, 500)
