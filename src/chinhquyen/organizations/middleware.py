"""Hold a logged-in session at the second-factor page until the TOTP code is given, and send an
applicant's session that wanders onto the officials' pages to the portal (ADR 0033)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SESSION_KEY = "second_factor_pending"  # = authentication.SECOND_FACTOR_PENDING
_ALLOWED = ("/accounts/second-factor/", "/accounts/logout/", "/static/", "/i18n/")
#: Where an applicant's session may go: the portal and the public pages.
_APPLICANT_ALLOWED = ("/dich-vu-cong/", "/tra-cuu-ho-so/", "/chi-so/", "/accounts/logout/", "/static/", "/i18n/", "/healthz", "/api/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if request.session.get(SESSION_KEY) and not request.path_info.startswith(_ALLOWED):
                return redirect("organizations:second_factor")
            if getattr(user, "kind", None) == "applicant" and not request.path_info.startswith(_APPLICANT_ALLOWED):
                return redirect("portal:home")
        return self.get_response(request)
