"""The dashboards: the province's page, an agency's page, the records behind a figure, the
definitions, and the public page. Thin: parse, check access (access.py), read (selectors.py), render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chinhquyen.core.errors import DomainError, NotFound, PermissionDenied
from chinhquyen.core.forms import read_query
from chinhquyen.core.records import RecordList, list_records
from chinhquyen.organizations.models import Account
from chinhquyen.reports import access, charts, indicators, selectors
from chinhquyen.reports.forms import PublicQuery, ReportQuery
from chinhquyen.reports.indicators import Period

#: The columns of the province's table and the default ranking.
TABLE_CODES = ["VB_DI_DIEN_TU", "VB_DEN_DIEN_TU", "VB_DEN_DUNG_HAN", "HS_TIEP_NHAN", "HS_DUNG_HAN", "HS_TRUC_TUYEN", "766_TDGQ"]
DEFAULT_RANK = "HS_DUNG_HAN"
RECORDS_LIMIT = 200


def _official(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "reports/error.html", {"message": exc.message}, status=exc.status)


def _period(request: HttpRequest) -> tuple[Period, int, int | None]:
    today = timezone.localdate()
    query = read_query(ReportQuery, request.GET)
    year = query.get("year") or today.year
    if not 2000 <= year <= today.year:
        year = today.year
    month = query.get("month") or None
    return (Period.month(year, month) if month else Period.year(year)), year, month


def _context(request: HttpRequest, period: Period, year: int, month: int | None) -> dict[str, Any]:
    return {
        "period": period,
        "year": year,
        "month": month,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        "months": list(range(1, 13)),
        "roll_up": bool(read_query(ReportQuery, request.GET).get("roll_up")),
        "cache_minutes": selectors.cache_seconds() // 60,
        "groups": indicators.GROUP_TITLES,
    }


def _query(year: int, month: int | None, roll_up: bool, **extra: Any) -> str:
    """The query string that keeps the period on the links (drill-down, agency pages)."""
    params: dict[str, Any] = {"year": year}
    if month:
        params["month"] = month
    if roll_up:
        params["roll_up"] = 1
    params.update(extra)
    return urlencode(params)


def _cell(indicator: indicators.Indicator, value: indicators.Value | None) -> str:
    if value is None:
        return "–"
    shown = selectors.headline(value, indicator.unit)
    if shown is None:
        return "–"
    return f"{shown:g} %" if indicator.unit == "%" else f"{shown:g}"


def _grouped(figures: list[selectors.Figure]) -> list[tuple[str, list[selectors.Figure]]]:
    out: dict[str, list[selectors.Figure]] = {}
    for figure in figures:
        out.setdefault(figure.indicator.group, []).append(figure)
    return [(str(indicators.GROUP_TITLES.get(g, g)), fs) for g, fs in out.items()]


def _trend_chart(indicator: indicators.Indicator, agency_ids: list[int] | None, year: int, roll_up: bool) -> Any:
    points = selectors.trend(indicator, agency_ids, year, roll_up=roll_up).data
    return charts.columns(
        [(label, selectors.headline(value, indicator.unit)) for label, value in points],
        title=f"{indicator.title} — {year}",
        unit=indicator.unit,
        maximum=100 if indicator.unit == "%" else None,
    )


@require_GET
@indicators.shared_reads()  # the figures, the table and the trend share their reads
def province_view(request: HttpRequest) -> HttpResponse:
    official = _official(request)
    if not access.sees_province(official):
        led = access.led_agencies(official)
        if led:
            return redirect("reports:agency", agency_id=led[0])
        return _error(request, PermissionDenied("permission_denied", access.PROVINCE_ONLY))
    period, year, month = _period(request)
    context = _context(request, period, year, month)
    roll_up = context["roll_up"]
    rank_code = read_query(ReportQuery, request.GET).get("rank") or DEFAULT_RANK
    if rank_code not in indicators.REGISTRY:
        rank_code = DEFAULT_RANK
    rank = indicators.get(rank_code)
    computed = selectors.figures(None, period, roll_up=roll_up)
    table = selectors.province_table(period, sorted(set(TABLE_CODES) | {rank_code}), roll_up=roll_up)
    computed_at = min(computed.computed_at, table.computed_at)

    # The table, the charts and the survey are built only when the page's cached fragment is
    # missing (the template calls these): a warm page does not redo them.
    def table_rows() -> list[tuple[Any, list[str]]]:
        columns = [indicators.get(x) for x in TABLE_CODES]
        return [(r.agency, [_cell(c, r.values.get(c.code)) for c in columns]) for r in table.data]

    def rank_chart() -> Any:
        ranked = selectors.ranking(table.data, rank_code)
        return charts.hbar(
            [(r.agency.name, selectors.headline(r.values[rank_code], rank.unit) if rank_code in r.values else None) for r in ranked],
            title=str(rank.title),
            unit=rank.unit,
            maximum=100 if rank.unit == "%" else None,
        )

    context.update(
        {
            "figure_groups": _grouped(computed.data),
            "computed_at": computed_at,
            # The rendered figures are kept no longer than the figures themselves (the page's promise).
            "fragment_seconds": max(1, selectors.cache_seconds() - int((timezone.now() - computed_at).total_seconds())),
            "columns": [indicators.get(c) for c in TABLE_CODES],
            "table_rows": table_rows,
            "records_query": _query(year, month, roll_up),
            "rank": rank,
            "rank_chart": rank_chart,
            "trend_chart": lambda: _trend_chart(rank, None, year, roll_up),
            "indicators": list(indicators.REGISTRY.values()),
            "survey_levels": lambda: selectors.cached(f"survey_levels:{year}", lambda: indicators.survey_by_level(year)).data,
        }
    )
    return render(request, "reports/province.html", context)


@require_GET
@indicators.shared_reads()  # the figures, the table and the trend share their reads
def agency_view(request: HttpRequest, agency_id: int) -> HttpResponse:
    official = _official(request)
    try:
        agency = access.access_agency_for_viewer(official=official, agency_id=agency_id)
    except DomainError as exc:
        return _error(request, exc)
    period, year, month = _period(request)
    context = _context(request, period, year, month)
    computed = selectors.figures([agency.pk], period, roll_up=context["roll_up"])
    rank = indicators.get(DEFAULT_RANK)
    context.update(
        {
            "agency": agency,
            "figure_groups": _grouped(computed.data),
            "computed_at": computed.computed_at,
            "trend_chart": _trend_chart(rank, [agency.pk], year, context["roll_up"]),
            "trend_indicator": rank,
            "province": access.sees_province(official),
            "records_query": _query(year, month, context["roll_up"], agency=agency.pk),
        }
    )
    return render(request, "reports/agency.html", context)


@require_GET
def records_view(request: HttpRequest, code: str) -> HttpResponse:
    """The records behind a figure: the numerator's (or, with `part=all`, the denominator's)."""
    official = _official(request)
    try:
        indicator = indicators.get(code)
    except LookupError:
        return _error(request, NotFound("reports.indicator_unknown", access.UNKNOWN_INDICATOR))
    agency_ids: list[int] | None
    query = ReportQuery(request.GET)
    try:
        if not query.is_valid() and "agency" in query.errors:
            raise NotFound("reports.agency_unknown", access.UNKNOWN_AGENCY)
        if query.cleaned_data.get("agency"):
            agency_ids = [access.access_agency_for_viewer(official=official, agency_id=query.cleaned_data["agency"]).pk]
        else:
            access.require_province(official)
            agency_ids = None
    except DomainError as exc:
        return _error(request, exc)
    period, year, month = _period(request)
    context = _context(request, period, year, month)
    if context["roll_up"] and agency_ids is not None:
        agency_ids = selectors.expand(agency_ids, selectors.successor_map())
    part = "all" if query.cleaned_data.get("part") == "all" else "numerator"
    queryset = indicator.records(agency_ids, period, part)
    # Listed by the records' own app with its access rules: a record the viewer may not open in
    # that app's pages is counted, never named (issue 16 §4, ADR 0038).
    listed = list_records(queryset, official, limit=RECORDS_LIMIT) if queryset is not None else RecordList()
    context.update(
        {
            "indicator": indicator,
            "records": listed.rows,
            "hidden": listed.hidden,
            "more": listed.more,
            "limit": RECORDS_LIMIT,
            "part": part,
            "agency_ids": agency_ids,
        }
    )
    return render(request, "reports/records.html", context)


def definition_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        indicator = indicators.get(code)
    except LookupError:
        return _error(request, NotFound("reports.indicator_unknown", access.UNKNOWN_INDICATOR))
    return render(request, "reports/definition.html", {"indicator": indicator, "metrics": getattr(indicator, "metrics", ())})


@require_GET
@indicators.shared_reads()  # the figures, the table and the trend share their reads
def public_view(request: HttpRequest) -> HttpResponse:
    """What the province publishes: the `published` indicators for the whole province, no login;
    `?chi-tieu=<code>` shows a definition, `?dinh-dang=csv|json` gives the open data."""
    from chinhquyen.reports import exports

    public = read_query(PublicQuery, request.GET)
    if public.get("chi-tieu"):
        return definition_view(request, public["chi-tieu"])
    if public.get("dinh-dang") == "csv":
        return exports.open_data_csv_view(request)
    if public.get("dinh-dang") == "json":
        return exports.open_data_json_view(request)
    period, year, month = _period(request)
    context = _context(request, period, year, month)
    computed = selectors.figures(None, period, published_only=True)
    rank = indicators.get(DEFAULT_RANK)
    context.update(
        {
            "figure_groups": _grouped(computed.data),
            "computed_at": computed.computed_at,
            "trend_chart": _trend_chart(rank, None, year, False),
            "trend_indicator": rank,
            "records_query": None,
        }
    )
    return render(request, "reports/public.html", context)


def survey_view(request: HttpRequest) -> HttpResponse:
    """The agency administrator's yearly survey: the form for a year, and the years already answered."""
    from chinhquyen.reports import services
    from chinhquyen.reports.forms import SurveyForm

    official = _official(request)
    agencies = access.surveyed_agencies(official)
    if not agencies:
        return _error(request, PermissionDenied("permission_denied", access.ADMIN_ONLY))
    wanted = read_query(ReportQuery, request.POST).get("agency") or read_query(ReportQuery, request.GET).get("agency")
    chosen = next((a for a in agencies if a.pk == wanted), agencies[0])
    this_year = timezone.localdate().year
    error = None
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            year = data.pop("year")
            try:
                services.submit_survey(actor=official, agency=chosen, year=year, data=services.SurveyData(**data))
            except DomainError as exc:
                error = exc.message
                for field, messages in exc.fields.items():
                    for message in messages if isinstance(messages, list) else [messages]:
                        form.add_error(field if field in form.fields else None, str(message))
            else:
                return redirect(f"{request.path}?agency={chosen.pk}&saved={year}")
    else:
        previous = services.survey_history(chosen)
        initial: dict[str, Any] = {"year": this_year}
        if previous:
            latest = previous[0]
            # Equipment carries over from the last answer; the directives are the year's own counts.
            carried = [f for f in SurveyForm.base_fields if f not in ("year", "directives_issued", "directives_published")]
            initial.update({f: getattr(latest, f) for f in carried})
            initial["year"] = this_year
        form = SurveyForm(initial=initial)
    return render(
        request,
        "reports/survey.html",
        {
            "form": form,
            "error": error,
            "agencies": agencies,
            "agency": chosen,
            "history": services.survey_history(chosen),
            "saved": read_query(ReportQuery, request.GET).get("saved"),
        },
    )
