"""The one-stop pages: the counter (intake), the officer's queue, the leaders' overdue list, the
dossier page (timeline, clock, actions), the forms as PDF, the statistics and their Excel export,
and the small public tracking page the receipt's QR code opens."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.core import uploads
from chinhquyen.core.errors import DomainError, NotFound, PermissionDenied
from chinhquyen.core.forms import read_query, require_valid
from chinhquyen.core.ratelimit import RateLimited
from chinhquyen.dossiers import printing, selectors, throttling
from chinhquyen.dossiers.access import access_dossier_for_officer, counter_agencies, require_one_stop_official, scope_of
from chinhquyen.dossiers.actions import ACTIONS, allowed_actions, perform_action
from chinhquyen.dossiers.forms import ActionForm, CounterIntakeForm, PrintQuery, SearchQuery, StatisticsQuery, TrackingQuery
from chinhquyen.dossiers.models import ApplicantKind, FormSet, PaymentMethod, ReturnMethod
from chinhquyen.dossiers.services import ApplicantData, ComponentData, receive_dossier
from chinhquyen.organizations.models import Account, Agency
from chinhquyen.procedures.selectors import instances_of, procedure_by_code, search_procedures, version_in_force


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


def _official(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


# --- the counter ------------------------------------------------------------------------------------
@require_GET
def procedure_search_fragment(request: HttpRequest) -> HttpResponse:
    """The type-ahead: procedures matching what the officer typed (htmx fragment)."""
    try:
        require_one_stop_official(_official(request))
    except DomainError as exc:
        return _error(request, exc)
    q = read_query(SearchQuery, request.GET).get("q", "")
    procedures = list(search_procedures(q=q, limit=10)) if q.strip() else []
    return render(request, "dossiers/_procedure_options.html", {"procedures": procedures, "q": q})


def _components_context(code: str) -> dict[str, Any]:
    procedure = procedure_by_code(code) if code else None
    version = version_in_force(procedure) if procedure else None
    return {
        "procedure": procedure,
        "version": version,
        "components": list(version.required_components.all()) if version else [],
        "instances": list(instances_of(procedure)) if procedure else [],
    }


@require_GET
def components_fragment(request: HttpRequest) -> HttpResponse:
    """The chosen procedure's components as a checklist, and its competent agencies (htmx fragment)."""
    try:
        require_one_stop_official(_official(request))
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "dossiers/_components.html", _components_context(read_query(SearchQuery, request.GET).get("procedure", "")))


@require_http_methods(["GET", "POST"])
def counter_view(request: HttpRequest) -> HttpResponse:
    official = _official(request)
    agencies = list(counter_agencies(official))
    if not agencies:
        return _error(request, PermissionDenied("permission_denied", _("Only counter officers receive dossiers.")))
    context: dict[str, Any] = {
        "agencies": agencies,
        "kinds": ApplicantKind.choices,
        "return_methods": ReturnMethod.choices,
        "data": request.POST.dict(),
    }
    if request.method == "POST":
        form = CounterIntakeForm(request.POST)
        code = ""  # only a cleaned code reaches a query (a NUL byte is a DataError on PostgreSQL)
        try:
            values = require_valid(form).cleaned_data
            code = values["procedure_code"].strip()
            agency = next((a for a in agencies if a.pk == values["receiving_agency"]), agencies[0])
            components = [
                ComponentData(component_id, originals, copies, request.FILES.get(f"file_{component_id}"))
                for component_id, originals, copies in values["components"]
            ]
            applicant = ApplicantData(
                name=values["applicant_name"],
                id_number=values["applicant_id_number"],
                phone=values["applicant_phone"],
                email=values["applicant_email"],
                address=values["applicant_address"],
                kind=values["applicant_kind"],
            )
            result = receive_dossier(
                officer=official,
                procedure_code=code,
                applicant=applicant,
                components=components,
                receiving_agency=agency,
                competent_agency_code=values["competent_agency"],
                return_method=values["return_method"],
            )
        except DomainError as exc:
            code = code or (form.cleaned_data.get("procedure_code") or "").strip()
            context.update(_components_context(code))
            context["error"] = exc
            context["ticked"] = {k.split("_")[1] for k in form.data if k.startswith("component_")}
            return render(request, "dossiers/counter.html", context, status=400)
        for warning in result.warnings:
            messages.warning(request, warning)
        messages.success(request, _("Dossier %(code)s received.") % {"code": result.dossier.code})
        return redirect("dossiers:detail", code=result.dossier.code)
    return render(request, "dossiers/counter.html", context)


# --- lists ------------------------------------------------------------------------------------------
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    official = _official(request)
    try:
        scope = require_one_stop_official(official)
    except DomainError as exc:
        return _error(request, exc)
    steps = list(selectors.officer_queue(official, scope=scope))
    now = selectors.clock.now()
    rows = [
        {"step": s, "dossier": s.dossier, "overdue": s.due_at < now, "prompt": selectors.needs_apology_prompt(s.dossier, now=now)}
        for s in steps
    ]
    return render(request, "dossiers/queue.html", {"rows": rows, "now": now})


@require_GET
def overdue_view(request: HttpRequest) -> HttpResponse:
    official = _official(request)
    scope = scope_of(official)
    if not scope.leader:
        return _error(request, PermissionDenied("permission_denied", _("Only leaders see their agency's overdue dossiers.")))
    return render(request, "dossiers/overdue.html", {"dossiers": list(selectors.overdue_dossiers(official, scope=scope))})


# --- one dossier ------------------------------------------------------------------------------------
def _detail_context(official: Account, dossier: Any) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "timeline": list(selectors.timeline(dossier)),
        "steps": list(dossier.steps.select_related("agency", "handler").order_by("position")),
        "components": list(dossier.components.all()),
        "pauses": list(dossier.pauses.all()),
        "payments": list(dossier.payments.all()),
        "clock": selectors.working_clock(dossier),
        "actions": allowed_actions(official, dossier),
        "apology_prompt": selectors.needs_apology_prompt(dossier),
        "forms": [f for f in printing.forms_for(dossier) if printing.FORMS[f].get(dossier.form_set)],
        "payment_methods": PaymentMethod.choices,
        "return_methods": ReturnMethod.choices,
        "agencies": Agency.objects.filter(pk__in={dossier.receiving_agency_id, dossier.competent_agency_id}).order_by("name"),
        "tracking_url": printing.tracking_url(dossier),
    }


@require_GET
def dossier_view(request: HttpRequest, code: str) -> HttpResponse:
    official = _official(request)
    try:
        dossier = access_dossier_for_officer(officer=official, code=code)
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "dossiers/detail.html", _detail_context(official, dossier))


@require_POST
def dossier_action_view(request: HttpRequest, code: str, action: str) -> HttpResponse:
    official = _official(request)
    try:
        dossier = access_dossier_for_officer(officer=official, code=code)
    except DomainError as exc:
        return _error(request, exc)
    if action not in ACTIONS:
        return _error(request, NotFound("dossier.unknown_action", _("Unknown action.")))
    try:
        values = require_valid(ActionForm(request.POST)).cleaned_data
        dossier = perform_action(official=official, dossier=dossier, action=action, data=values, files=request.FILES)
    except DomainError as exc:
        context = _detail_context(official, dossier)
        context.update({"error": exc, "failed_action": action, "data": request.POST})
        return render(request, "dossiers/detail.html", context, status=409 if exc.code == "dossier.second_supplement" else exc.status)
    messages.success(request, _("Done: %(status)s.") % {"status": dossier.get_status_display()})
    return redirect("dossiers:detail", code=dossier.code)


@require_GET
def dossier_form_view(request: HttpRequest, code: str, form: str) -> HttpResponseBase:
    official = _official(request)
    try:
        dossier = access_dossier_for_officer(officer=official, code=code)
        if form not in printing.DOSSIER_FORMS:
            raise NotFound("form.unknown", _("Unknown form."))
        if form not in printing.forms_for(dossier):
            raise DomainError(
                "dossier.not_received", _("Dossier %(code)s has not been received yet: it has no receipt.") % {"code": dossier.code}
            )
        pdf = printing.render_pdf(form, dossier=dossier, form_set=read_query(PrintQuery, request.GET).get("set") or None)
    except DomainError as exc:
        return _error(request, exc)
    return uploads.file_response(pdf, filename=f"{dossier.code}-{form}.pdf", content_type="application/pdf", inline=True)


# --- statistics -------------------------------------------------------------------------------------
def _period(query: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    return query.get("from"), query.get("to")


@require_GET
def statistics_view(request: HttpRequest) -> HttpResponse:
    official = _official(request)
    try:
        require_one_stop_official(official)
    except DomainError as exc:
        return _error(request, exc)
    query = read_query(StatisticsQuery, request.GET)
    group_by = query.get("by") or "agency"
    date_from, date_to = _period(query)
    rows = selectors.dossier_statistics(official=official, group_by=group_by, date_from=date_from, date_to=date_to)
    context = {
        "rows": rows,
        "by": group_by,
        "date_from": date_from,
        "date_to": date_to,
        "agencies": counter_agencies(official) | Agency.objects.filter(pk__in=scope_of(official).all_agencies),
    }
    return render(request, "dossiers/statistics.html", context)


#: Column → header of the Excel export (Vietnamese, for the province's reports).
EXPORT_COLUMNS = [
    ("key", "Mã"),
    ("name", "Tên"),
    ("received", "Tiếp nhận"),
    ("resolved", "Đã giải quyết"),
    ("resolved_early", "Trước hạn"),
    ("resolved_on_time", "Đúng hạn"),
    ("resolved_late", "Quá hạn"),
    ("in_progress_on_time", "Đang giải quyết trong hạn"),
    ("in_progress_overdue", "Đang giải quyết quá hạn"),
    ("paused", "Tạm dừng"),
    ("online", "Trực tuyến"),
    ("digitized", "Có thành phần số hóa"),
    ("electronic_result", "Có kết quả điện tử"),
    ("paid_online", "Thanh toán trực tuyến"),
    ("with_payment", "Có nộp phí, lệ phí"),
    ("index_late", "Quá hạn theo Bộ chỉ số 766"),
    ("not_satisfied", "Không hài lòng"),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)"),
    ("online_share", "Tỷ lệ trực tuyến (%)"),
    ("digitized_share", "Tỷ lệ số hóa (%)"),
    ("average_rating", "Điểm hài lòng trung bình"),
]


@require_GET
def statistics_export_view(request: HttpRequest) -> HttpResponse:
    import openpyxl

    official = _official(request)
    try:
        require_one_stop_official(official)
    except DomainError as exc:
        return _error(request, exc)
    query = read_query(StatisticsQuery, request.GET)
    group_by = query.get("by") or "agency"
    date_from, date_to = _period(query)
    rows = selectors.dossier_statistics(official=official, group_by=group_by, date_from=date_from, date_to=date_to)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Thống kê hồ sơ"  # type: ignore[union-attr]
    sheet.append([header for _key, header in EXPORT_COLUMNS])  # type: ignore[union-attr]
    for row in rows:
        sheet.append([row.get(key) if not isinstance(row.get(key), dt.date) else row[key].isoformat() for key, _header in EXPORT_COLUMNS])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="thong-ke-ho-so-{group_by}.xlsx"'
    return response


@require_GET
def tracking_book_view(request: HttpRequest) -> HttpResponseBase:
    """Form 07 (06 of 2018) for one receiving agency and a period."""
    official = _official(request)
    try:
        scope = require_one_stop_official(official)
        query = read_query(StatisticsQuery, request.GET)
        agency_id = query.get("agency") or next(iter(sorted(scope.counter | scope.leader)), 0)
        if agency_id not in scope.counter | scope.leader:
            raise NotFound("not_found", _("You keep no tracking book for this agency."))
    except DomainError as exc:
        return _error(request, exc)
    date_from, date_to = _period(query)
    today = selectors.clock.now().date()
    date_from = date_from or today.replace(day=1)
    date_to = date_to or today
    dossiers = list(selectors.tracking_book(official=official, agency_id=agency_id, date_from=date_from, date_to=date_to)[:5000])
    form_set = FormSet.CIRCULAR_01_2018 if date_to < dt.date(2025, 7, 1) else FormSet.CIRCULAR_03_2025
    pdf = printing.render_tracking_book(
        dossiers=dossiers, agency=Agency.objects.get(pk=agency_id), date_from=date_from, date_to=date_to, form_set=form_set
    )
    return uploads.file_response(pdf, filename=f"so-theo-doi-ho-so-{date_from}-{date_to}.pdf", content_type="application/pdf", inline=True)


# --- public -----------------------------------------------------------------------------------------
@require_GET
def public_tracking_view(request: HttpRequest) -> HttpResponse:
    """The page the receipt's QR code opens: code prefilled, the applicant types their ID number."""
    query = read_query(TrackingQuery, request.GET)  # a NUL byte never reaches PostgreSQL
    code, id_number = (query.get("code") or "").strip()[:60], (query.get("id_number") or "").strip()[:20]
    searched = bool(code and id_number)
    if searched and not throttling.allow_address(request):
        return render(request, "dossiers/public_tracking.html", {"code": code, "throttled": True}, status=429)
    try:
        dossier = selectors.track_dossier(code=code, key=id_number) if searched else None
    except RateLimited as exc:
        context = {"code": code, "throttled": True, "throttled_message": exc.message}
        return render(request, "dossiers/public_tracking.html", context, status=429)
    events = list(dossier.events.order_by("at", "pk")) if dossier else []
    return render(
        request,
        "dossiers/public_tracking.html",
        {"code": code, "dossier": dossier, "events": events, "searched": searched},
        status=404 if searched and dossier is None else 200,
    )
