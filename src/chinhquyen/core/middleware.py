"""Request id, client address, the login-by-default rule, the trusted proxy's HTTPS header and private responses."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

from chinhquyen.core.net import client_address, is_trusted_proxy

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_address", default=None)
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str | None:
    return _request_id.get()


def current_client_address() -> str | None:
    return _client_address.get()


class RequestIdMiddleware:
    """Give each request an id (kept from `X-Request-ID` when well formed) for logs and audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token_id = _request_id.set(request_id)
        token_addr = _client_address.set(client_address(request))
        from chinhquyen.core.audit import collect_denials

        try:
            # Refusals are audited after the view, so they survive its rolled-back transaction.
            with collect_denials():
                response = self.get_response(request)
        finally:
            _request_id.reset(token_id)
            _client_address.reset(token_addr)
        response["X-Request-ID"] = request_id
        return response


#: URL prefixes anyone may open without logging in. Everything else needs a login (deny by
#: default); tests/architecture/test_urls_need_login.py walks every URL to hold this.
PUBLIC_PATH_PREFIXES: tuple[str, ...] = (
    "/accounts/login/",
    "/accounts/second-factor/",  # its view sends an anonymous visitor to the login page
    "/i18n/",
    "/static/",
    "/healthz",
    "/.well-known/security.txt",  # RFC 9116: where to report a vulnerability
    "/api/v1/auth/token/",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/api/v1/public/dossiers/",  # dossier tracking API (issue 8): code + the applicant's ID number, rate-limited
    "/tra-cuu-ho-so/",  # the dossier tracking page the receipt's QR code opens (issue 8), rate-limited
    "/dich-vu-cong/",  # the public service portal (issue 9): public pages; its account pages check login themselves
    "/chi-so/",  # the province's published e-government figures, definitions and open data (issue 10)
    "/hub/api/",  # the exchange hub's machine API: connectors authenticate by HMAC (hub.auth), 401 otherwise
)


class LoginRequiredByDefaultMiddleware:
    """Refuse anonymous access to every page that is not on the public allow-list."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: object, view_kwargs: object
    ) -> HttpResponse | None:
        path = request.path_info
        if path.startswith(PUBLIC_PATH_PREFIXES) or path.startswith(settings.STATIC_URL):
            return None
        if path.startswith("/api/"):
            # The API authenticates by token inside DRF; DRF's permission classes deny by default.
            return None
        if request.user.is_authenticated:
            return None
        if request.headers.get("HX-Request"):
            return JsonResponse({"code": "auth.login_required", "message": "Cần đăng nhập"}, status=401)
        return redirect_to_login(request.get_full_path())


class TrustedProxyMiddleware:
    """Believe `X-Forwarded-Proto` only from a trusted proxy (ADR 0037).

    Django's `SECURE_PROXY_SSL_HEADER` trusts the header from whoever sends it; a client talking
    straight to the web process could claim HTTPS and get the secure-only behaviour (no redirect,
    HSTS) on plain HTTP. This middleware, first in the chain, removes the header unless the TCP
    peer is one of `TRUSTED_PROXIES` (core.net), so `request.is_secure()` means what it says.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_PROTO" in request.META and not is_trusted_proxy(str(request.META.get("REMOTE_ADDR") or "")):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


#: What a response a cache must not keep says (ASVS 4.0.3 V8.2.1).
PRIVATE_CACHE_CONTROL = "no-store, private"


class PrivateResponsesMiddleware:
    """`Cache-Control: no-store, private` on every response to a logged-in user (session or token),
    and on every anonymous response whose view did not choose a caching policy itself.

    Pages with personal data open to anonymous visitors (dossier tracking by code and identity
    number, the portal's sign-up and verification pages) are covered by the second rule; a public
    page that may be cached (the open-data figures) says so with its own `Cache-Control`. Static
    files are served by WhiteNoise before this middleware and keep their long cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF puts a token's user here too
        if (user is not None and user.is_authenticated) or not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            response.headers.pop("Expires", None)
        return response
