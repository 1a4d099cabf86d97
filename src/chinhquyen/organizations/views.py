"""The officials' pages of the organisations app: login, second factor, the agency tree."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.core.errors import DomainError
from chinhquyen.organizations import authentication
from chinhquyen.organizations.access import access_agency_for_official
from chinhquyen.organizations.forms import AsOfForm, LoginForm, PasswordChangeForm, TotpForm
from chinhquyen.organizations.models import Account
from chinhquyen.organizations.selectors import agency_tree, current_successors, today


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """The officials' login: the only page that opens an official's session (ADR 0033)."""
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            account = authentication.check_credentials(
                request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"], door="officials"
            )
        except DomainError as exc:
            error = exc.message
        else:
            if authentication.log_in_official(request, account):
                return redirect(f"/accounts/second-factor/?next={_next_url(request)}")
            return HttpResponseRedirect(_next_url(request))
    return render(
        request, "organizations/login.html", {"form": form, "error": error, "next": _next_url(request)}, status=400 if error else 200
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    authentication.log_out(request)
    return redirect("organizations:login")


@require_http_methods(["GET", "POST"])
def second_factor_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("organizations:login")
    account: Account = request.user  # type: ignore[assignment]
    enrolling = not account.totp_confirmed
    secret = None
    if enrolling:
        secret = authentication.enrolment_secret(account)
        if secret is None or request.method == "GET":
            secret = authentication.start_totp_enrolment(account=account)
    form = TotpForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            authentication.verify_second_factor(request=request, account=account, code=form.cleaned_data["code"])
        except DomainError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(_next_url(request))
    qr_svg = None
    if enrolling and secret:
        buffer = io.BytesIO()
        segno.make(authentication.totp_uri(account, secret)).save(buffer, kind="svg", scale=4, title=_("QR code for the authenticator app"))
        qr_svg = buffer.getvalue().decode()
    context = {
        "form": form,
        "error": error,
        "enrolling": enrolling,
        "secret": secret,
        "qr_svg": qr_svg,
        "next": _next_url(request),
    }
    return render(request, "organizations/second_factor.html", context, status=400 if error else 200)


@require_POST
def second_factor_enrol_view(request: HttpRequest) -> HttpResponse:
    """An official turns the TOTP second factor on; the next page shows the key to scan."""
    if not request.user.is_authenticated:
        return redirect("organizations:login")
    request.session[authentication.SECOND_FACTOR_PENDING] = True
    return redirect("organizations:second_factor")


def admin_login_view(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The admin site's login: our login page (the admin's own form would skip the second factor)."""
    target = _next_url(request)  # checked against the host; "/" when absent or foreign
    if target == "/" or target.startswith("/admin/login/"):
        target = "/admin/"
    if not request.user.is_authenticated:
        return redirect_to_login(target, login_url="/accounts/login/")
    if authentication.may_use_admin(request):
        return HttpResponseRedirect(target)
    if request.user.is_staff and not request.user.is_verified():  # type: ignore[union-attr, attr-defined]
        request.session[authentication.SECOND_FACTOR_PENDING] = True  # a session without the code: ask for it
    if request.session.get(authentication.SECOND_FACTOR_PENDING):
        return redirect(f"/accounts/second-factor/?next={target}")
    error = DomainError("auth.admin_forbidden", _("This account has no access to the administration pages."))
    return render(request, "core/error.html", {"error": error}, status=403)


def agency_tree_view(request: HttpRequest) -> HttpResponse:
    form = AsOfForm(request.GET or None)
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    day = as_of or today()
    return render(request, "organizations/agency_tree.html", {"form": form, "as_of": day, "roots": agency_tree(as_of=day)})


def agency_detail_view(request: HttpRequest, agency_id: int) -> HttpResponse:
    try:
        agency = access_agency_for_official(official=request.user, agency_id=agency_id)  # type: ignore[arg-type]
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    context = {
        "agency": agency,
        "successors": current_successors(agency),
        "predecessors": [s.predecessor for s in agency.successions_in.select_related("predecessor")],
        "units": agency.units.order_by("name"),
        "children": agency.children.order_by("name"),
    }
    return render(request, "organizations/agency_detail.html", context)


@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    """An official changes their password: the current one, then the new one twice."""
    form = PasswordChangeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            authentication.change_password(
                request=request,
                account=request.user,  # type: ignore[arg-type]
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            error = exc.message
            for field, problems in (exc.fields or {}).items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, _("Your password was changed. Your other sessions and API tokens were ended."))
            return redirect("home")
    refused = error is not None or (request.method == "POST" and bool(form.errors))
    return render(request, "organizations/password_change.html", {"form": form, "error": error}, status=400 if refused else 200)
