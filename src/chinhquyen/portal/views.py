"""The citizens' pages (`/dich-vu-cong/`): find, read, apply, track, rate. Lighter layout than the officials'."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

import requests
from django.conf import settings
from django.contrib.auth import logout
from django.db.models import Exists, OuterRef, Q
from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.core import ratelimit, uploads
from chinhquyen.core.errors import DomainError, NotFound
from chinhquyen.core.folding import fold
from chinhquyen.core.forms import read_query, require_valid
from chinhquyen.dossiers import access as dossier_access
from chinhquyen.dossiers import selectors as dossier_selectors
from chinhquyen.dossiers import services as dossier_services
from chinhquyen.dossiers import throttling as dossier_throttling
from chinhquyen.dossiers.models import DossierStatus, PauseKind, RatingLevel
from chinhquyen.dossiers.notifications.registry import get_provider
from chinhquyen.organizations import authentication
from chinhquyen.organizations.models import Account, Agency, Applicant
from chinhquyen.portal import charts, forms, oidc, services
from chinhquyen.portal.models import Draft, PhoneCode
from chinhquyen.procedures import selectors as catalogue
from chinhquyen.procedures.models import Fee, Field, OnlineMode, Procedure, ProcedureLevel, ProcedureVersion

if TYPE_CHECKING:
    from chinhquyen.dossiers.models import Dossier  # types only: dossiers are read through dossiers.access / selectors

LOGIN_URL = "/dich-vu-cong/dang-nhap/"


def _account_attempt_allowed(request: HttpRequest) -> bool:
    """Sign-up, login and verification attempts per client address (settings.PORTAL_ACCOUNT_RATE), in the shared cache."""
    return ratelimit.allow(request, "portal_account", settings.PORTAL_ACCOUNT_RATE)


def _too_many(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "portal/too_many.html", {"message": message}, status=429)


def _me(request: HttpRequest) -> Account:
    return cast(Account, request.user)


def applicant_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(f"{LOGIN_URL}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapper


# --- public pages ---------------------------------------------------------------------------------
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"form": forms.SearchForm()})


def _in_force() -> Q:
    today = timezone.localdate()
    return Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))


def procedure_list(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    cast(ChoiceField, form.fields["field"]).choices = [("", _("All")), *[(f.code, f.name) for f in Field.objects.order_by("name")]]
    cast(ChoiceField, form.fields["level"]).choices = [("", _("All")), *ProcedureLevel.choices]
    cast(ChoiceField, form.fields["agency"]).choices = [
        ("", _("All")),
        *[(a.code, a.name) for a in Agency.objects.filter(procedure_instances__active=True).distinct().order_by("name")],
    ]
    cast(ChoiceField, form.fields["online"]).choices = [("", _("All")), *OnlineMode.choices]
    data = form.cleaned_data if form.is_valid() else {}
    versions = ProcedureVersion.objects.filter(_in_force(), procedure=OuterRef("pk"))
    queryset = Procedure.objects.select_related("field").filter(Exists(versions))
    for word in fold(data.get("q", "")).split():
        queryset = queryset.filter(search_text__contains=word)
    if data.get("field"):
        queryset = queryset.filter(field__code=data["field"])
    if data.get("agency"):
        queryset = queryset.filter(instances__agency__code=data["agency"], instances__active=True)
    if data.get("level"):
        # `levels` is a JSON list; JSON containment is not on SQLite, and the catalogue is small.
        ids = [
            pk
            for pk, levels in ProcedureVersion.objects.filter(_in_force()).values_list("procedure_id", "levels")
            if data["level"] in levels
        ]
        queryset = queryset.filter(pk__in=ids)
    if data.get("online"):
        queryset = queryset.filter(Exists(versions.filter(online_mode=data["online"])))
    paid = Fee.objects.filter(version__procedure=OuterRef("pk"), amount__gt=0).filter(
        Q(version__valid_from__lte=timezone.localdate())
        & (Q(version__valid_to__isnull=True) | Q(version__valid_to__gte=timezone.localdate()))
    )
    if data.get("fee") == "free":
        queryset = queryset.filter(~Exists(paid))
    elif data.get("fee") == "paid":
        queryset = queryset.filter(Exists(paid))
    procedures = list(queryset.distinct().order_by("code")[:100])
    return render(request, "portal/procedure_list.html", {"form": form, "procedures": procedures, "searched": bool(request.GET)})


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = catalogue.procedure_by_code(code)
    version = catalogue.version_in_force(procedure) if procedure else None
    if procedure is None or version is None:
        raise Http404
    context = {
        "procedure": procedure,
        "version": version,
        "instances": list(catalogue.instances_of(procedure)),
        "online": version.online_mode != OnlineMode.NONE,
        "levels": [str(ProcedureLevel(level).label) for level in version.levels if level in ProcedureLevel.values],
    }
    return render(request, "portal/procedure_detail.html", context)


#: What the citizen must do now, in one sentence, by state.
NEXT_STEP = {
    DossierStatus.SUBMITTED: "The one-stop unit will check your dossier and send you a receipt.",
    DossierStatus.RECEIVED: "Nothing: your dossier is being processed. Come back by the appointment.",
    DossierStatus.PENDING_TRANSFER: "Nothing: your dossier is being processed. Come back by the appointment.",
    DossierStatus.IN_PROCESS: "Nothing: your dossier is being processed. Come back by the appointment.",
    DossierStatus.SUPPLEMENT_REQUESTED: "Bring or send the papers the agency asked for; the reason is in the timeline.",
    DossierStatus.AWAITING_PAYMENT: "Pay the fee the agency asked for.",
    DossierStatus.RESULT_READY: "Your result is ready: collect it, or download it if it is electronic.",
    DossierStatus.RETURNED: "Nothing: the result was returned. You may rate the service.",
    DossierStatus.REFUSED: "Nothing: the dossier was refused; the reason is in the timeline.",
    DossierStatus.WITHDRAWN: "Nothing: the dossier was withdrawn.",
    DossierStatus.STOPPED: "Nothing: processing was stopped; the reason is in the timeline.",
}


def _dossier_context(dossier: Dossier) -> dict[str, Any]:
    events = list(dossier.events.order_by("at", "pk"))
    labels = dict(DossierStatus.choices)
    return {
        "dossier": dossier,
        "events": [{"at": e.at, "label": labels.get(e.to_status, e.to_status), "reason": e.reason} for e in events],
        "next_step": _(NEXT_STEP.get(DossierStatus(dossier.status), "")) if dossier.status in DossierStatus.values else "",
        "status": dossier_selectors.status_label(dossier),
    }


@require_http_methods(["GET"])
def tracking(request: HttpRequest) -> HttpResponse:
    """Code + ID number (or the receipt's lookup code). The receipt's QR opens it with the code filled in."""
    code = request.GET.get("code", "").strip()
    key = request.GET.get("key", "").strip() or request.GET.get("id_number", "").strip()
    form = forms.TrackingForm(initial={"code": code}) if not key else forms.TrackingForm({"code": code, "key": key})
    context: dict[str, Any] = {"form": form}
    if code and key:
        if not dossier_throttling.allow_address(request):
            return _too_many(request)
        try:
            dossier = dossier_selectors.track_dossier(code=code, key=key, by_secret=True) if form.is_valid() else None
        except ratelimit.RateLimited as exc:
            return _too_many(request, exc.message)
        if dossier is None:
            context["not_found"] = True
            return render(request, "portal/tracking.html", context, status=404)
        context.update(_dossier_context(dossier))
    return render(request, "portal/tracking.html", context)


def statistics(request: HttpRequest) -> HttpResponse:
    rows = [r for r in dossier_services_stats() if r["received"]]
    on_time = charts.bar_chart(
        [charts.Bar(r["name"], r["on_time_rate"]) for r in rows if r["on_time_rate"] is not None], title=_("On-time rate by agency")
    )
    online = charts.bar_chart(
        [charts.Bar(r["name"], r["online_share"] or 0) for r in rows], title=_("Share of dossiers submitted online by agency")
    )
    counts = dossier_selectors.rating_counts()
    ratings = [(label, counts.get(value, 0)) for value, label in RatingLevel.choices]
    rated = sum(n for _label, n in ratings)
    rating_chart = charts.bar_chart(
        [charts.Bar(str(label), 100 * n / rated if rated else 0) for label, n in ratings], title=_("Ratings of the applicants")
    )
    return render(
        request,
        "portal/statistics.html",
        {"rows": rows, "on_time_chart": on_time, "online_chart": online, "rating_chart": rating_chart, "ratings": ratings, "rated": rated},
    )


def dossier_services_stats() -> list[dict[str, Any]]:
    return dossier_selectors.dossier_statistics(group_by="agency")


# --- accounts -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the e-mail or phone is registered (services.sign_up tells the owner)."""
    form = forms.SignUpForm(request.POST or None)
    if request.method == "POST":
        if not _account_attempt_allowed(request):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.sign_up(
                    services.SignUp(
                        full_name=data["full_name"],
                        identity_number=data["identity_number"],
                        email=data["email"],
                        phone=data["phone"],
                        password=data["password"],
                    ),
                    verify_url=lambda token: request.build_absolute_uri(reverse("portal:verify", args=[token])),
                    send_phone_code=_send_phone_code,
                )
            except DomainError as exc:
                for name, messages in exc.fields.items():
                    target = "email" if name == "username" else name
                    form.add_error(target if target in form.fields else None, messages[0] if messages else exc.message)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                if not data["email"]:
                    request.session["portal_phone_account"] = result.account.pk if result.account else None
                    request.session["portal_phone_number"] = data["phone"]
                    request.session["portal_phone_tries"] = 0
                    return redirect("portal:verify_phone")
                return render(request, "portal/check_email.html", {"email": data["email"]})
    return render(request, "portal/sign_up.html", {"form": form}, status=400 if form.errors else 200)


#: Minutes a phone code stays valid, and wrong tries allowed before a new code is needed.
PHONE_CODE_MINUTES = 10
PHONE_CODE_TRIES = 5


def _code_hash(account: Account, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{account.pk}:{code}".encode(), "sha256").hexdigest()


def _send_phone_code(account: Account) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneCode.objects.update_or_create(
        account=account,
        defaults={
            "code_hash": _code_hash(account, code),
            "expires_at": timezone.now() + dt.timedelta(minutes=PHONE_CODE_MINUTES),
            "attempts": 0,
        },
    )
    get_provider().send(to=account.phone, text=_("Your confirmation code for the public service portal: %(code)s") % {"code": code})


@require_http_methods(["GET", "POST"])
def verify_phone(request: HttpRequest) -> HttpResponse:
    """The one-time code sent by SMS at sign-up (the session says which account is waiting).

    A sign-up with a phone already registered waits here too, with no code that can succeed, and
    answers exactly like a wrong code: the page does not tell that the number has an account."""
    phone = request.session.get("portal_phone_number")
    account_id = request.session.get("portal_phone_account")
    pending = PhoneCode.objects.select_related("account").filter(account_id=account_id or 0).first()
    if pending is None and not (phone and account_id is None):
        return render(request, "portal/verify_failed.html", status=400)
    form = forms.PhoneCodeForm(request.POST or None)
    if request.method == "POST":
        if not _account_attempt_allowed(request):
            return _too_many(request)
        if form.is_valid():
            tries = pending.attempts if pending is not None else int(request.session.get("portal_phone_tries") or 0)
            fresh = tries < PHONE_CODE_TRIES and (pending is None or pending.expires_at > timezone.now())
            right = pending is not None and hmac.compare_digest(pending.code_hash, _code_hash(pending.account, form.cleaned_data["code"]))
            if fresh and right and pending is not None:
                services.verify_phone_code(pending)
                for name in ("portal_phone_account", "portal_phone_number", "portal_phone_tries"):
                    request.session.pop(name, None)
                return render(request, "portal/verified.html")
            if pending is not None:
                PhoneCode.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1)
            else:
                request.session["portal_phone_tries"] = tries + 1
            form.add_error(
                "code", _("The code is wrong or has expired.") if fresh else _("Too many tries or the code expired; sign up again.")
            )
    shown_phone = pending.account.phone if pending is not None else phone
    return render(request, "portal/verify_phone.html", {"form": form, "phone": shown_phone}, status=400 if form.errors else 200)


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent at sign-up: works once, within PORTAL_VERIFY_HOURS, for an account never used."""
    if not _account_attempt_allowed(request):
        return _too_many(request)
    if not services.verify_email(token[:100]):
        return render(request, "portal/verify_failed.html", status=400)
    return render(request, "portal/verified.html")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("portal:my_dossiers")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return reverse("portal:my_dossiers")
    return target


@require_http_methods(["GET", "POST"])
def log_in(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST":
        if not _account_attempt_allowed(request):
            return _too_many(request)
        if form.is_valid():
            try:
                username = form.cleaned_data["username"].strip().lower()
                if "@" not in username:  # a phone number, typed with spaces or dots
                    username = re.sub(r"[\s.\-()]", "", username)
                account = authentication.check_credentials(
                    request=request, username=username, password=form.cleaned_data["password"], door="portal"
                )
                authentication.log_in_applicant(request, account, via="portal")
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(_safe_next(request))
    return render(
        request,
        "portal/login.html",
        {"form": form, "next": _safe_next(request), "oidc": oidc.enabled()},
        status=400 if form.errors else 200,
    )


def oidc_start(request: HttpRequest) -> HttpResponse:
    """Send the visitor to the identity provider with a fresh state and nonce kept in the session."""
    if not oidc.enabled():
        raise Http404
    try:
        config = oidc.discovery()
    except (requests.RequestException, ValueError):
        return render(request, "portal/oidc_failed.html", status=502)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    request.session["portal_oidc"] = {"state": state, "nonce": nonce, "next": _safe_next(request)}
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.PORTAL_OIDC_CLIENT_ID,
            "redirect_uri": request.build_absolute_uri(reverse("portal:oidc_callback")),
            "scope": "openid",
            "state": state,
            "nonce": nonce,
        }
    )
    return redirect(f"{config['authorization_endpoint']}?{query}")


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Check the state, exchange the code, verify the id_token, and log in the applicant the provider
    asserted, found by (`iss`, `sub`), never by a number typed at sign-up (ADR 0026 amended)."""
    if not _account_attempt_allowed(request):
        return _too_many(request)
    pending = request.session.pop("portal_oidc", None)
    if not oidc.enabled() or not pending or not hmac.compare_digest(pending["state"], request.GET.get("state", "")):
        return render(request, "portal/oidc_failed.html", status=400)
    try:
        claims = oidc.exchange_code(
            code=request.GET.get("code", ""),
            redirect_uri=request.build_absolute_uri(reverse("portal:oidc_callback")),
            nonce=pending["nonce"],
        )
    except (DomainError, requests.RequestException, ValueError, KeyError):
        return render(request, "portal/oidc_failed.html", status=400)
    id_number = str(claims.get(settings.PORTAL_OIDC_ID_CLAIM, ""))
    if not re.fullmatch(r"\d{12}", id_number):
        return render(request, "portal/oidc_failed.html", status=400)
    try:
        account = services.sign_in_with_provider(claims=claims, id_number=id_number)
        # The one door: never an official's session from the portal (ADR 0033).
        authentication.log_in_applicant(request, account, via="oidc")
    except DomainError as exc:
        return render(request, "portal/oidc_failed.html", {"message": exc.message}, status=exc.status)
    return redirect(pending["next"])


@require_POST
def log_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


@applicant_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = dossier_selectors.dossiers_of_applicant(_me(request))
    drafts = Draft.objects.filter(account=_me(request), submitted_code="").select_related("procedure")
    return render(request, "portal/my_dossiers.html", {"dossiers": dossiers, "drafts": drafts})


def _own_dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        return dossier_access.access_dossier_for_applicant(applicant=_me(request), code=code)
    except NotFound:
        raise Http404 from None


@applicant_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    context = _dossier_context(dossier)
    context["rateable"] = dossier.status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED) and not dossier_selectors.is_rated(dossier)
    context["rating_levels"] = RatingLevel.choices
    context.update(_supplement_context(dossier))
    context["supplement_sent"] = read_query(forms.MyDossierQuery, request.GET).get("bo-sung") == "da-gui"
    return render(request, "portal/my_dossier.html", context)


def _supplement_context(dossier: Dossier) -> dict[str, Any]:
    """What the agency asked for (the open supplement request), one upload slot per item asked."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        return {}
    pause = dossier.pauses.filter(kind=PauseKind.SUPPLEMENT, ended_at__isnull=True).order_by("-started_at").first()  # type: ignore[attr-defined]
    items = list(pause.items or []) if pause is not None else []
    if not items:
        items = [pause.reason if pause is not None and pause.reason else _("The papers asked for")]
    return {
        "supplement": pause,
        "supplement_slots": [{"field": f"supplement_{i}", "label": item} for i, item in enumerate(items[:SUPPLEMENT_SLOTS])],
        "max_mb": settings.PORTAL_UPLOAD_MAX_BYTES // (1024 * 1024),
    }


#: At most this many papers answer one request (one per item asked).
SUPPLEMENT_SLOTS = 20
SUPPLEMENT_NOTE_MAX = 1000


@require_POST
@applicant_required
def answer_supplement(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant uploads what the agency asked for (Decree 61/2018 art. 15: the supplement request, form 02)."""
    dossier = _own_dossier(request, code)
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:  # answered already (a second click) or taken at the counter
        return redirect("portal:my_dossier", code=dossier.code)
    context = _supplement_context(dossier)
    errors: dict[str, str] = {}
    note_form = forms.SupplementNoteForm(request.POST)
    note = note_form.cleaned_data.get("note", "") if note_form.is_valid() else ""
    if not note_form.is_valid():
        errors["supplement-note"] = str(next(iter(note_form.errors.values()))[0])
    elif len(note) > SUPPLEMENT_NOTE_MAX:
        errors["supplement-note"] = _("The note is too long: at most %(max)s characters.") % {"max": SUPPLEMENT_NOTE_MAX}
    components = []
    for slot in context.get("supplement_slots", []):
        upload = request.FILES.get(slot["field"])
        if upload is not None:
            components.append(dossier_services.ComponentData(None, 0, 0, upload, slot["label"], field=slot["field"]))
    if not errors:
        try:
            dossier_services.answer_supplement(applicant=_me(request), dossier=dossier, components=components, note=note)
        except DomainError as exc:
            field = next((f for f in exc.fields if f in {s["field"] for s in context.get("supplement_slots", [])}), "__all__")
            errors[field] = exc.message
        else:
            return redirect(reverse("portal:my_dossier", args=[dossier.code]) + "?bo-sung=da-gui")
    dossier.refresh_from_db()
    page = _dossier_context(dossier)
    page.update(context)
    page.update({"rating_levels": RatingLevel.choices, "rateable": False, "supplement_errors": errors, "note": note})
    return render(request, "portal/my_dossier.html", page, status=400)


@applicant_required
def result_download(request: HttpRequest, code: str) -> HttpResponseBase:
    dossier = _own_dossier(request, code)
    if not dossier.result_file or dossier.status not in (DossierStatus.RESULT_READY, DossierStatus.RETURNED):
        raise Http404
    return uploads.file_response(dossier.result_file.open("rb"), filename=f"ket-qua-{dossier.code}.pdf", content_type="application/pdf")


@require_POST
@applicant_required
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    try:
        rating = require_valid(forms.RatingForm(request.POST)).cleaned_data
        dossier_services.rate_dossier(dossier=dossier, level=rating["level"], comment=rating["comment"])
    except DomainError as exc:
        context = _dossier_context(dossier)
        context.update({"rateable": True, "rating_levels": RatingLevel.choices, "rating_error": exc.message})
        return render(request, "portal/my_dossier.html", context, status=400)
    return redirect("portal:my_dossier", code=dossier.code)


# --- applying online ------------------------------------------------------------------------------
@applicant_required
def start_application(request: HttpRequest, code: str) -> HttpResponse:
    procedure = catalogue.procedure_by_code(code)
    version = catalogue.version_in_force(procedure) if procedure else None
    if procedure is None or version is None or version.online_mode == OnlineMode.NONE:
        raise Http404
    draft = Draft.objects.filter(account=_me(request), procedure=procedure, submitted_code="").first()
    if draft is None:
        account: Account = request.user  # type: ignore[assignment]
        profile = Applicant.objects.filter(account=account).first()
        draft = Draft.objects.create(
            account=account,
            procedure=procedure,
            data={
                "name": account.full_name,
                "id_number": profile.identity_number if profile else "",
                "phone": account.phone,
                "email": account.email,
                "address": profile.address if profile else "",
            },
        )
    return redirect("portal:draft", pk=draft.pk)


def _own_draft(request: HttpRequest, pk: int) -> Draft:
    return get_object_or_404(Draft.objects.select_related("procedure"), pk=pk, account=_me(request), submitted_code="")


def _slots(draft: Draft, version: ProcedureVersion) -> list[dict[str, Any]]:
    files = {f.component_id: f for f in draft.files.all()}  # type: ignore[attr-defined]
    return [
        {"component": c, "field": f"component_{c.pk}", "file": files.get(c.pk)}
        for c in version.required_components.all()  # type: ignore[attr-defined]
    ]


@require_http_methods(["GET", "POST"])
@applicant_required
def draft_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _own_draft(request, pk)
    version = catalogue.version_in_force(draft.procedure)
    if version is None:
        raise Http404
    instances = list(catalogue.instances_of(draft.procedure))
    form = forms.ApplicantForm(request.POST or None, initial=draft.data)
    upload_errors: dict[str, str] = {}
    saved = False
    if request.method == "POST":
        valid = form.is_valid()
        values = read_query(forms.DraftValuesForm, request.POST)
        typed = {name: values.get(name) or "" for name in form.fields}
        agency_code = values.get("agency") or ""
        if len(instances) > 1 and agency_code not in {i.agency.code for i in instances}:
            upload_errors["agency"] = _("Choose the agency that will handle your dossier.")
        typed["agency"] = agency_code
        draft.data = {**draft.data, **typed}
        for slot in _slots(draft, version):
            upload = request.FILES.get(slot["field"])
            if upload is None:
                continue
            try:
                services.attach_draft_file(
                    applicant=_me(request), draft=draft, component_id=slot["component"].pk, upload=upload, field=slot["field"]
                )
            except DomainError as exc:
                upload_errors[slot["field"]] = exc.message
        draft.save()
        if values.get("action") == "continue":
            for slot in _slots(draft, version):
                if slot["component"].mandatory and slot["file"] is None and slot["field"] not in upload_errors:
                    upload_errors[slot["field"]] = _("Upload this paper: it is required.")
            if valid and not upload_errors:
                return redirect("portal:check", pk=draft.pk)
        else:
            saved = not upload_errors
    context = {
        "draft": draft,
        "version": version,
        "form": form,
        "slots": _slots(draft, version),
        "upload_errors": upload_errors,
        "instances": instances if len(instances) > 1 else [],
        "chosen_agency": draft.data.get("agency", ""),
        "saved": saved,
        "max_mb": settings.PORTAL_UPLOAD_MAX_BYTES // (1024 * 1024),
    }
    has_errors = bool(form.errors or upload_errors) and request.method == "POST"
    return render(request, "portal/draft.html", context, status=400 if has_errors else 200)


@require_http_methods(["GET", "POST"])
@applicant_required
def check_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _own_draft(request, pk)
    version = catalogue.version_in_force(draft.procedure)
    if version is None:
        raise Http404
    form = forms.ApplicantForm(draft.data)
    slots = _slots(draft, version)
    if not form.is_valid() or any(s["component"].mandatory and s["file"] is None for s in slots):
        return redirect("portal:draft", pk=draft.pk)
    error = ""
    if request.method == "POST":
        instances = list(catalogue.instances_of(draft.procedure))
        chosen = draft.data.get("agency") or (instances[0].agency.code if instances else "")
        agency = next((i.agency for i in instances if i.agency.code == chosen), None)
        data = form.cleaned_data
        try:
            if agency is None:
                raise DomainError("portal.no_agency", _("No agency carries out this procedure yet."))
            result = services.submit_draft(
                applicant=_me(request),
                draft=draft,
                agency=agency,
                data=data,
                component_ids=[s["component"].pk for s in slots if s["file"] is not None],
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("portal:submitted", code=result.dossier.code)
    context = {"draft": draft, "version": version, "data": form.cleaned_data, "slots": slots, "error": error}
    return render(request, "portal/check.html", context, status=400 if error else 200)


@applicant_required
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    return render(request, "portal/submitted.html", {"dossier": dossier})
