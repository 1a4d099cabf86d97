"""Reads behind the dashboards: the figures of a set of agencies, the province's table (every
agency, one aggregate query per indicator), the ranking, the monthly trend, and the roll-up of
agencies closed in the 2025 reorganisation into their successor.

Freshness: the figures are computed from the live tables on request and kept in the cache for
`REPORTS_CACHE_SECONDS` (default 300 s); each page says when its figures were computed, so a
figure is at most that old. ADR 0028 says why a cache and not a table of counters kept up to date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from chinhquyen.dossiers import selectors as dossier_selectors
from chinhquyen.organizations.models import Agency, AgencySuccession, SuccessionKind
from chinhquyen.reports import indicators
from chinhquyen.reports.indicators import Indicator, Period, Value

T = TypeVar("T")


def cache_seconds() -> int:
    return int(settings.REPORTS_CACHE_SECONDS)


@dataclass
class Cached:
    computed_at: dt.datetime
    data: Any


def cached(key: str, compute: Callable[[], T], *, refresh: bool = False) -> Cached:
    """The value under `key`, computed when missing (or when `refresh`); with the time it was computed."""
    seconds = cache_seconds()
    full_key = "reports:" + hashlib.sha256(key.encode()).hexdigest()[:32]
    if seconds and not refresh:
        hit = cache.get(full_key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
    result = Cached(timezone.now(), compute())
    if seconds:
        cache.set(full_key, result, seconds)
    return result


def _strip(value: Value) -> Value:
    """Without the records query (not cacheable; the drill-down builds it again)."""
    return dataclasses.replace(value, records_query=None)


# --- the 2025 reorganisation -----------------------------------------------------------------------
def successor_map() -> dict[int, int]:
    """Predecessor → the agency that finally took over its work (mergers and renames, followed to
    the end of the chain). Splits are not rolled up: a split agency's figures cannot be shared out."""
    direct = dict(
        AgencySuccession.objects.filter(kind__in=[SuccessionKind.MERGER, SuccessionKind.RENAME]).values_list(
            "predecessor_id", "successor_id"
        )
    )
    out = {}
    for start in direct:
        seen, current = {start}, direct[start]
        while current in direct and current not in seen:
            seen.add(current)
            current = direct[current]
        out[start] = current
    return out


def expand(agency_ids: Iterable[int], mapping: dict[int, int]) -> list[int]:
    """The agencies and every predecessor that rolls up into one of them."""
    wanted = set(agency_ids)
    return sorted(wanted | {p for p, s in mapping.items() if s in wanted})


def by_agency(indicator: Indicator, agency_ids: list[int] | None, period: Period, *, roll_up: bool = False) -> dict[int, Value]:
    """One value per agency; with `roll_up`, closed agencies' figures are added to their successor's."""
    if not roll_up:
        return indicator.values(agency_ids, period)
    mapping = successor_map()
    ids = None if agency_ids is None else expand(agency_ids, mapping)
    if isinstance(indicator, (indicators._DossierIndicator, indicators.Group766)):
        groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for agency, row in indicators.dossier_counters(ids, period).items():
            groups[mapping.get(agency, agency)].append(row)
        score = indicator.score if isinstance(indicator, indicators.Group766) else indicator.value
        values = {agency: score(indicators.sum_counters(rows)) for agency, rows in groups.items()}
    else:
        parts: dict[int, list[Value]] = defaultdict(list)
        for agency, value in indicator.values(ids, period).items():
            parts[mapping.get(agency, agency)].append(value)
        values = {agency: indicator.merge(vs, agency, period) for agency, vs in parts.items()}
    if agency_ids is not None:
        values = {k: v for k, v in values.items() if k in set(agency_ids)}
    return values


def compute(indicator: Indicator, agency_ids: list[int] | None, period: Period, *, roll_up: bool = False) -> Value:
    if roll_up and indicator.counts_agencies:
        # A closed agency and its successor are one agency once rolled up: merge them first.
        values = by_agency(indicator, agency_ids, period, roll_up=True)
        requested = agency_ids if agency_ids is None else expand(agency_ids, successor_map())
        return indicator.total(list(values.values()), requested, period)
    if roll_up and agency_ids is not None:
        agency_ids = expand(agency_ids, successor_map())
    return indicator.compute(agency_ids, period)


# --- pages ------------------------------------------------------------------------------------------
@dataclass
class Figure:
    indicator: Indicator
    value: Value


def figures(
    agency_ids: list[int] | None, period: Period, *, published_only: bool = False, roll_up: bool = False, refresh: bool = False
) -> Cached:
    """Every indicator's value for the agencies (None: the whole province), in registry order."""

    def run() -> list[Figure]:
        chosen = [i for i in indicators.REGISTRY.values() if i.published or not published_only]
        with indicators.shared_reads():
            return [Figure(i, _strip(compute(i, agency_ids, period, roll_up=roll_up))) for i in chosen]

    return cached(f"figures:{agency_ids}:{period}:{published_only}:{roll_up}", run, refresh=refresh)


@dataclass
class Row:
    agency: Agency
    values: dict[str, Value]


def province_table(period: Period, codes: list[str], *, roll_up: bool = False, refresh: bool = False) -> Cached:
    """Agency × indicator: one aggregate query per indicator, not per agency."""

    def run() -> list[Row]:
        with indicators.shared_reads():
            per_code = {code: by_agency(indicators.get(code), None, period, roll_up=roll_up) for code in codes}
        ids = set().union(*[set(v) for v in per_code.values()]) if per_code else set()
        agencies = Agency.objects.filter(pk__in=ids)
        rows = [Row(a, {code: _strip(per_code[code][a.pk]) for code in codes if a.pk in per_code[code]}) for a in agencies]
        return sorted(rows, key=lambda r: r.agency.name)

    return cached(f"table:{period}:{codes}:{roll_up}", run, refresh=refresh)


def sort_key(value: Value | None) -> float:
    if value is None:
        return float("-inf")
    if value.ratio is not None:
        return value.ratio
    if value.points is not None:
        return value.points
    return float(value.numerator) if isinstance(value.numerator, (int, float)) else float("-inf")


def ranking(table: list[Row], code: str) -> list[Row]:
    """Best first; agencies without a figure last."""
    return sorted(table, key=lambda r: (-sort_key(r.values.get(code)), r.agency.name))


def trend(indicator: Indicator, agency_ids: list[int] | None, year: int, *, roll_up: bool = False, refresh: bool = False) -> Cached:
    """The indicator month by month over a year (one aggregate query per month)."""

    def run() -> list[tuple[str, Value]]:
        months = Period.year(year).months()
        if isinstance(indicator, (indicators._DossierIndicator, indicators.Group766)) and agency_ids != []:
            # The one-stop counters of the twelve months in one GROUP BY (received month) instead of twelve.
            ids = expand(agency_ids, successor_map()) if roll_up and agency_ids is not None else agency_ids
            rows = dossier_selectors.dossier_statistics(agency_ids=ids, group_by="month", date_from=months[0].start, date_to=months[-1].end)
            by_month = {row["key"]: row for row in rows}
            score = indicator.score if isinstance(indicator, indicators.Group766) else indicator.value
            return [(f"{m.start:%m}", score(indicators.sum_counters([by_month[m.start]] if m.start in by_month else []))) for m in months]
        return [(f"{month.start:%m}", _strip(compute(indicator, agency_ids, month, roll_up=roll_up))) for month in months]

    return cached(f"trend:{indicator.code}:{agency_ids}:{year}:{roll_up}", run, refresh=refresh)


def headline(value: Value, unit: str) -> float | None:
    """The number a chart draws for a value."""
    if unit == "points":
        return value.points
    if unit == "%":
        return value.ratio
    return float(value.numerator) if isinstance(value.numerator, (int, float)) else None


def refresh_province(year: int, *, table_codes: list[str], rank_code: str) -> dict[str, float]:
    """Recompute into the cache what the province's page and the public page show for `year` by
    default (the whole year, no roll-up, the default ranking): run by `chinhquyen reports_refresh`
    from cron or a systemd timer more often than `REPORTS_CACHE_SECONDS`, so that officials and
    visitors read computed figures instead of waiting for them. Returns the seconds each part took."""
    import time

    period = Period.year(year)
    timings: dict[str, float] = {}
    with indicators.shared_reads():
        for name, run in (
            ("figures", lambda: figures(None, period, refresh=True)),
            ("public figures", lambda: figures(None, period, published_only=True, refresh=True)),
            ("table", lambda: province_table(period, sorted(set(table_codes) | {rank_code}), refresh=True)),
            ("trend", lambda: trend(indicators.get(rank_code), None, year, refresh=True)),
            ("survey", lambda: cached(f"survey_levels:{year}", lambda: indicators.survey_by_level(year), refresh=True)),
        ):
            started = time.perf_counter()
            run()
            timings[name] = round(time.perf_counter() - started, 3)
    return timings
