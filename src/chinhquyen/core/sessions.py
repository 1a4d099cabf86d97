"""Session limits enforced on the server: an idle timeout and an absolute one (ADR 0037).

ASVS 4.0.3 V3.3.1/V3.3.2: a session ends after `SESSION_IDLE_TIMEOUT_MINUTES` without a request
(30 by default) and, however active, `SESSION_COOKIE_AGE` seconds after the login (8 hours).
Both are checked here against times kept inside the session, not against the cookie's expiry
(which the browser keeps and which Django moves forward each time the session is saved). The
logout is recorded (`auth.session_expired`, with the reason) and the user finds a message on
the login page; an htmx request gets a 401 the page's script can act on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chinhquyen.core.audit import record_event

SESSION_STARTED_KEY = "cq_session_started"
SESSION_LAST_SEEN_KEY = "cq_session_last_seen"
#: The last-seen time is written at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 60


@receiver(user_logged_in, dispatch_uid="chinhquyen.core.sessions.stamp")
def _stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_LAST_SEEN_KEY] = now


def _expired_reason(session: Any, now: float) -> str | None:
    started = session.get(SESSION_STARTED_KEY)
    last_seen = session.get(SESSION_LAST_SEEN_KEY)
    if isinstance(started, (int, float)) and now - started > settings.SESSION_COOKIE_AGE:
        return "absolute"
    idle_limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
    if idle_limit > 0 and isinstance(last_seen, (int, float)) and now - last_seen > idle_limit:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """Log out a session past its idle or absolute limit, with an audit event and a message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = time.time()
        if SESSION_STARTED_KEY not in session:
            # A session from before this rule (or one made without the login signal): start now.
            session[SESSION_STARTED_KEY] = now
            session[SESSION_LAST_SEEN_KEY] = now
        reason = _expired_reason(session, now)
        if reason is not None:
            return self._expire(request, user, reason)
        if now - session.get(SESSION_LAST_SEEN_KEY, 0) >= LAST_SEEN_RESOLUTION:
            session[SESSION_LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, user: Any, reason: str) -> HttpResponse:
        minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
        with transaction.atomic():
            record_event(
                action="auth.session_expired",
                actor=user,
                object_type="account",
                object_id=user.pk,
                summary={"reason": reason, "idle_minutes": minutes, "absolute_seconds": settings.SESSION_COOKIE_AGE},
            )
        logout(request)  # flushes the session: a new key, nothing carried over
        if reason == "idle":
            text = ngettext(
                "Your session ended after %(minutes)d minute without activity. Please log in again.",
                "Your session ended after %(minutes)d minutes without activity. Please log in again.",
                minutes,
            ) % {"minutes": minutes}
        else:
            text = _("Your session reached its time limit. Please log in again.")
        messages.warning(request, text)
        if request.headers.get("HX-Request") or request.path_info.startswith("/api/"):
            return JsonResponse({"code": "auth.session_expired", "message": text}, status=401)
        # Citizens sign in again on the portal, officials on their own login page.
        login_url = "portal:login" if getattr(user, "kind", "") == "applicant" else None
        return redirect_to_login(request.get_full_path(), login_url)
