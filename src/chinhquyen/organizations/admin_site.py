"""The admin site behind the one door (ADR 0033, issue 16 finding 2).

Django's admin has its own login form that checks the password alone; here that form is
replaced by a redirect to the officials' login page (attempt limits, second factor, audit), and
the site opens only for active staff officials whose session completed the second factor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from chinhquyen.organizations import authentication


class OfficialsAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return authentication.may_use_admin(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from chinhquyen.organizations.views import admin_login_view

        return admin_login_view(request)

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:  # type: ignore[override]
        from chinhquyen.organizations.views import logout_view

        return logout_view(request)
