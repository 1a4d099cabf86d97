"""Hold a logged-in session at the second-factor page until the TOTP code is given."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SESSION_KEY = "second_factor_pending"
_ALLOWED = ("/accounts/second-factor/", "/accounts/logout/", "/static/", "/i18n/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.get(SESSION_KEY) and not request.path_info.startswith(_ALLOWED):
            return redirect("organizations:second_factor")
        return self.get_response(request)
