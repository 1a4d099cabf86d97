"""The administrators' page of the working calendar: a year as a month grid, a day's kind changed."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import read_query
from chinhquyen.organizations.access import require_province_admin
from chinhquyen.workdays import engine, services
from chinhquyen.workdays.forms import DayKindForm, DayQuery, YearActionForm
from chinhquyen.workdays.models import MAX_YEAR, MIN_YEAR, CalendarYear, HolidayKind
from chinhquyen.workdays.selectors import month_grid, year_days


def _refuse(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


@require_GET
def year_index_view(request: HttpRequest) -> HttpResponse:
    try:
        require_province_admin(request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _refuse(request, exc)
    this_year = timezone.localdate().year
    stored = {row.year: row for row in CalendarYear.objects.all()}
    years = sorted(set(stored) | {this_year, this_year + 1})
    rows = [{"year": y, "row": stored.get(y), "in_use": y in (this_year, this_year + 1)} for y in years]
    return render(request, "workdays/index.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def year_view(request: HttpRequest, year: int) -> HttpResponse:
    try:
        require_province_admin(request.user)  # type: ignore[arg-type]
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise DomainError(
                "workdays.year_out_of_range",
                _("The year %(year)s is outside %(min)s–%(max)s.") % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
            )
    except DomainError as exc:
        return _refuse(request, exc)
    overview = year_days(year=year)
    entries = {d.date: d for d in overview.days}
    form = DayKindForm(request.POST or None)
    error: DomainError | None = None
    if request.method == "POST":
        action = read_query(YearActionForm, request.POST).get("action") or "set_day"
        try:
            if action == "confirm":
                services.confirm_year(year=year, actor=request.user)
                messages.success(request, _("The calendar of %(year)s is confirmed.") % {"year": year})
                return redirect("workdays:year", year=year)
            if action == "propose":
                services.propose_year(year=year, actor=request.user)
                messages.success(request, _("The rule proposal for %(year)s is stored; check it, then confirm it.") % {"year": year})
                return redirect("workdays:year", year=year)
            if form.is_valid():
                day: dt.date = form.cleaned_data["date"]
                if day.year != year:
                    raise DomainError(
                        "workdays.date_outside_year",
                        _("%(date)s is not in %(year)s.") % {"date": f"{day:%d/%m/%Y}", "year": year},
                        fields={"date": [_("Outside this year.")]},
                    )
                services.set_day_kind(
                    day=day,
                    kind=form.cleaned_data["kind"] or None,
                    name=form.cleaned_data["name"],
                    legal_reference=form.cleaned_data["legal_reference"],
                    actor=request.user,
                )
                messages.success(request, _("%(date)s saved.") % {"date": f"{day:%d/%m/%Y}"})
                return redirect(f"{request.path}?day={day.isoformat()}#day-{day.isoformat()}")
        except DomainError as exc:
            error = exc
            for name, problems in exc.fields.items():
                if name in form.fields:
                    for problem in problems if isinstance(problems, list | tuple) else [problems]:
                        form.add_error(name, str(problem))
    elif read_query(DayQuery, request.GET).get("day"):
        chosen = read_query(DayQuery, request.GET)["day"]
        if chosen.year == year:
            entry = entries.get(chosen)
            form = DayKindForm(
                initial={
                    "date": chosen,
                    "kind": entry.kind if entry else "",
                    "name": entry.name if entry else "",
                    "legal_reference": entry.legal_reference if entry else "",
                }
            )
    this_year = timezone.localdate().year
    context = {
        "year": year,
        "overview": overview,
        "months": month_grid(overview),
        "form": form,
        "error": error,
        "in_use": year <= this_year + 1,
        "working_days": engine.working_calendar().working_days(year),
        "kinds": HolidayKind,
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
    }
    return render(request, "workdays/year.html", context, status=400 if error else 200)


@require_GET
def year_export_view(request: HttpRequest, year: int) -> HttpResponse:
    try:
        require_province_admin(request.user)  # type: ignore[arg-type]
        data = services.export_year(year=year)
    except DomainError as exc:
        return _refuse(request, exc)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workdays-{year}.json"'
    return response
