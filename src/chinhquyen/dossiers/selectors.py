"""Reads that carry policy: the officer's queue, the leaders' overdue list, the apology prompt,
the public tracking view, the statistics (with the Decision 766 raw counters) and the on-time
dashboard."""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from chinhquyen.core.ratelimit import RateLimited
from chinhquyen.dossiers import clock, throttling, timing
from chinhquyen.dossiers.access import Scope, dossiers_visible_to, scope_of
from chinhquyen.dossiers.models import (
    FINISHED_STATES,
    PAUSED_STATES,
    Dossier,
    DossierEvent,
    DossierStatus,
    DossierStep,
    PaymentMethod,
    Timeliness,
)
from chinhquyen.organizations.models import Account
from chinhquyen.procedures.models import Channel


def officer_queue(official: Account, *, scope: Scope | None = None, limit: int = 200) -> QuerySet[DossierStep]:
    """Open steps waiting for the official — theirs, or their role's in their agency — due soonest first."""
    scope = scope or scope_of(official)
    by_role = Q(handler=official)
    for role, agencies in (("counter_officer", scope.counter), ("processing_officer", scope.processing), ("leader", scope.leader)):
        if agencies:
            by_role |= Q(handler__isnull=True, role=role, agency_id__in=agencies)
    return (
        DossierStep.objects.filter(by_role, finished_at__isnull=True)
        .exclude(dossier__status__in=FINISHED_STATES - {DossierStatus.RESULT_READY})
        .select_related("dossier", "dossier__procedure", "agency")
        .order_by("due_at", "pk")[:limit]
    )


def overdue_dossiers(official: Account, *, scope: Scope | None = None, limit: int = 500) -> QuerySet[Dossier]:
    """The leader's agencies' open dossiers past their appointment (competent, holding, or receiving)."""
    scope = scope or scope_of(official)
    if not scope.leader:
        return Dossier.objects.none()
    now = clock.now()
    return (
        Dossier.objects.filter(
            Q(competent_agency_id__in=scope.leader) | Q(current_agency_id__in=scope.leader) | Q(receiving_agency_id__in=scope.leader),
            due_at__lt=now,
            is_received=True,
        )
        .exclude(status__in=FINISHED_STATES)
        .select_related("procedure", "current_agency")
        .order_by("due_at")[:limit]
    )


def needs_apology_prompt(dossier: Dossier, *, now: dt.datetime | None = None) -> bool:
    """Whether to prompt the officer to send the apology (form 04) now.

    Decree 61/2018 art. 19.9: no later than one working day before the due time, at most once.
    The prompt shows from one working day before that latest time until the due time, while the
    result is not ready and no apology was sent. Procedures of one working day or less have no
    "day before", so no prompt.
    """
    now = now or clock.now()
    if dossier.status in FINISHED_STATES or dossier.apology_sent_at is not None or not dossier.is_received:
        return False
    if dossier.processing_minutes <= 8 * 60 or now >= dossier.due_at:
        return False
    return now >= timing.apology_prompt_opens(dossier.due_at, dossier.competent_agency_id)


def timeline(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor", "step", "step__agency").order_by("at", "pk")  # type: ignore[attr-defined, no-any-return]


@dataclass(frozen=True)
class Clock:
    """The dossier page's working-time clock."""

    used_minutes: int
    total_minutes: int
    remaining_minutes: int
    paused: bool
    overdue: bool

    @property
    def percent(self) -> int:
        return min(100, self.used_minutes * 100 // self.total_minutes) if self.total_minutes else 100


def working_clock(dossier: Dossier) -> Clock:
    now = clock.now()
    end = dossier.completed_at or dossier.closed_at or now
    pauses = [(p.started_at, p.ended_at or end) for p in dossier.pauses.all()]  # type: ignore[attr-defined]
    agency = dossier.competent_agency_id
    start = dossier.clock_started_at
    if dossier.supplement_rule == "restart":
        ends = [p.ended_at for p in dossier.pauses.all() if p.kind == "supplement" and p.ended_at]  # type: ignore[attr-defined]
        if ends:
            start = max(start, max(ends))
    used = max(0, timing.working_minutes(start, end, pauses=pauses, agency=agency)) if end > start else 0
    total = max(1, timing.working_minutes(start, dossier.due_at, pauses=pauses, agency=agency))
    remaining = (
        timing.working_minutes(end, dossier.due_at, agency=agency)
        if end < dossier.due_at
        else -timing.working_minutes(dossier.due_at, end, agency=agency)
    )
    return Clock(used, total, remaining, dossier.status in PAUSED_STATES, remaining < 0 and dossier.status not in FINISHED_STATES)


#: A lookup secret shorter than this is never accepted (the 4-character ones of before ADR 0035).
LOOKUP_SECRET_MIN_LENGTH = 10


def normalize_secret(text: str) -> str:
    """The receipt's lookup secret as typed (spaces, hyphens, lower case) → as printed."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def track_dossier(*, code: str, key: str, by_secret: bool = False) -> Dossier | None:
    """The public tracking: the dossier `code` if `key` is its applicant's ID number (or, with
    `by_secret`, the lookup secret printed on the receipt); None otherwise, the same for every miss.

    Every miss counts against the code (known or not, so the cap tells nothing about which codes
    exist); once settings.DOSSIER_TRACKING_FAILURES is spent, the code answers RateLimited whatever
    the key and the address, until the window ends (ADR 0035)."""
    code, key = (code or "").strip(), (key or "").strip()
    if not code or not key:
        return None
    if throttling.closed(code):
        raise RateLimited(
            "dossier.tracking_closed", _("Too many wrong attempts for this dossier code; try again in an hour or ask the one-stop unit.")
        )
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency", "competent_agency", "current_agency").filter(code=code).first()
    )
    secret = normalize_secret(key)
    matches = dossier is not None and (
        hmac.compare_digest(dossier.applicant_id_number.encode(), key.encode())
        or (
            by_secret
            and len(dossier.lookup_secret) >= LOOKUP_SECRET_MIN_LENGTH
            and hmac.compare_digest(dossier.lookup_secret.upper().encode(), secret.encode())
        )
    )
    if not matches:
        throttling.count_failure(code)
        return None
    return dossier


# --- statistics -------------------------------------------------------------------------------
GROUPS = {
    "agency": ("competent_agency__code", "competent_agency__name"),
    "field": ("procedure__field__code", "procedure__field__name"),
    "procedure": ("procedure__code", "procedure__name"),
    "month": ("received_month", "received_month"),
}


def _counters(now: dt.datetime) -> dict[str, Any]:
    finished = Q(status__in=[DossierStatus.RESULT_READY, DossierStatus.RETURNED])
    open_ = ~Q(status__in=FINISHED_STATES | PAUSED_STATES)  # paused dossiers are counted apart
    return {
        "received": Count("pk"),
        "resolved": Count("pk", filter=finished),
        "resolved_early": Count("pk", filter=finished & Q(timeliness=Timeliness.EARLY)),
        "resolved_on_time": Count("pk", filter=finished & Q(timeliness=Timeliness.ON_TIME)),
        "resolved_late": Count("pk", filter=finished & Q(timeliness=Timeliness.LATE)),
        "index_late": Count("pk", filter=finished & Q(index_timeliness=Timeliness.LATE)),
        "in_progress_on_time": Count("pk", filter=open_ & Q(due_at__gte=now)),
        "in_progress_overdue": Count("pk", filter=open_ & Q(due_at__lt=now)),
        "paused": Count("pk", filter=Q(status__in=[*PAUSED_STATES, DossierStatus.STOPPED])),
        "refused": Count("pk", filter=Q(status=DossierStatus.REFUSED)),
        "withdrawn": Count("pk", filter=Q(status=DossierStatus.WITHDRAWN)),
        "online": Count("pk", filter=Q(channel=Channel.ONLINE)),
        "postal": Count("pk", filter=Q(channel=Channel.POST)),
        "digitized": Count("pk", filter=Q(digitized=True)),
        "electronic_result": Count("pk", filter=finished & ~Q(result_file="")),
        "rated": Count("rating"),
        "not_satisfied": Count("pk", filter=Q(rating__level="not_satisfied")),
        "average_rating": Avg("rating__points"),
    }


def _ratios(row: dict[str, Any]) -> dict[str, Any]:
    received = row["received"] or 0
    resolved = row["resolved"] or 0
    row["on_time_rate"] = round(100 * (row["resolved_early"] + row["resolved_on_time"]) / resolved, 1) if resolved else None
    row["online_share"] = round(100 * row["online"] / received, 1) if received else None
    row["digitized_share"] = round(100 * row["digitized"] / received, 1) if received else None
    row["average_rating"] = round(row["average_rating"], 2) if row["average_rating"] is not None else None
    return row


def dossier_statistics(
    *,
    official: Account | None = None,
    agency_ids: list[int] | None = None,
    group_by: str = "agency",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Counters per agency, field, procedure or month for dossiers received in the period.

    received; resolved early / on time / late; in progress on time / overdue; paused (national
    5, 6, 8); online and digitised shares; average rating — and the Decision 766 raw counters
    (§4.2, §13.1.2): digitised, electronic result, paid online, with payment, not satisfied, the
    index's late count (pause rule, second supplement late). Scope: what the official may see.
    """
    if group_by not in GROUPS:
        raise ValueError(group_by)
    queryset = dossiers_visible_to(official) if official is not None else Dossier.objects.all()
    queryset = queryset.filter(is_received=True)  # an online dossier counts once the counter received it
    if agency_ids:
        queryset = queryset.filter(competent_agency_id__in=agency_ids)
    if date_from:
        queryset = queryset.filter(received_month__gte=date_from.replace(day=1), received_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(received_month__lte=date_to.replace(day=1), received_at__date__lte=date_to)
    key, label = GROUPS[group_by]
    rows = queryset.values(key, label).annotate(**_counters(clock.now())).order_by(key)
    # The fee counters join the payments (several per dossier): counted apart, over the dossiers
    # that have a payment only, so the main GROUP BY stays one row per dossier with no DISTINCT.
    online = [PaymentMethod.ONLINE_NATIONAL, PaymentMethod.ONLINE_PROVINCE]
    paid = {
        row[key]: row
        for row in queryset.filter(payments__isnull=False)
        .values(key)
        .annotate(
            with_payment=Count("pk", distinct=True),
            paid_online=Count("pk", filter=Q(payments__method__in=online), distinct=True),
        )
        .order_by(key)
    }
    out = []
    for row in rows:
        item = dict(row)
        fees = paid.get(item[key], {})
        item["with_payment"] = fees.get("with_payment", 0)
        item["paid_online"] = fees.get("paid_online", 0)
        item["key"] = item.pop(key)
        item["name"] = item.pop(label, item["key"])
        out.append(_ratios(item))
    return out


def on_time_dashboard(*, agency_ids: list[int] | None = None, use_cache: bool = True) -> list[dict[str, Any]]:
    """The on-time dashboard: agency × month over all dossiers (BENCHMARKS W7), cached for
    DOSSIER_STATS_CACHE_SECONDS (warm) — one GROUP BY on an index (competent agency, month) when cold."""
    cache_key = "dossiers:dashboard:" + (",".join(map(str, sorted(agency_ids))) if agency_ids else "*")
    if use_cache:
        cached = cache.get(cache_key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
    queryset = Dossier.objects.filter(is_received=True)
    if agency_ids:
        queryset = queryset.filter(competent_agency_id__in=agency_ids)
    finished = Q(status__in=[DossierStatus.RESULT_READY, DossierStatus.RETURNED])
    rows = list(
        queryset.values("competent_agency_id", "received_month")
        .annotate(
            received=Count("pk"),
            resolved=Count("pk", filter=finished),
            on_time=Count("pk", filter=finished & Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME])),
            late=Count("pk", filter=finished & Q(timeliness=Timeliness.LATE)),
        )
        .order_by("competent_agency_id", "received_month")
    )
    cache.set(cache_key, rows, settings.DOSSIER_STATS_CACHE_SECONDS)
    return rows


def tracking_book(*, official: Account, agency_id: int, date_from: dt.date, date_to: dt.date) -> QuerySet[Dossier]:
    """Form 07: the dossiers received by an agency in a period, in order of their codes."""
    return (
        dossiers_visible_to(official)
        .filter(receiving_agency_id=agency_id, is_received=True, received_at__date__gte=date_from, received_at__date__lte=date_to)
        .select_related("procedure", "competent_agency")
        .order_by("received_at", "code")
    )


def status_label(dossier: Dossier) -> str:
    return str(DossierStatus(dossier.status).label) if dossier.status in DossierStatus.values else _("Unknown")


# --- for the indicators (reports.indicators; ADR 0038: one read path) -----------------------------
_FINISHED = Q(status__in=[DossierStatus.RESULT_READY, DossierStatus.RETURNED])
#: Which of the dossiers received in a period a figure counts (its numerator).
RECEIVED_PARTS: dict[str, Q] = {
    "all": Q(),
    "on_time": _FINISHED & Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME]),
    "online": Q(channel=Channel.ONLINE),
    "digitized": Q(digitized=True),
    "rated": Q(rating__isnull=False),
}


def received_dossiers(agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime, part: str = "all") -> QuerySet[Dossier]:
    """The dossiers received in [since, until) by the competent agencies `agency_ids` (None: all),
    narrowed to a figure's numerator (`RECEIVED_PARTS`). The records behind a figure: list them for
    a viewer with `core.records.list_records` (never directly)."""
    queryset = Dossier.objects.filter(is_received=True, received_at__gte=since, received_at__lt=until).filter(RECEIVED_PARTS[part])
    if agency_ids is not None:
        queryset = queryset.filter(competent_agency_id__in=list(agency_ids))
    return queryset


def list_dossiers_for_viewer(queryset: QuerySet[Any], viewer: Any, limit: int) -> Any:
    """The dossiers of a figure that `viewer` may open on the one-stop pages (`dossiers_visible_to`);
    the others counted, not listed (issue 16 §4)."""
    from chinhquyen.core.records import RecordList, rows_of

    total = queryset.order_by().count()
    shown = queryset.filter(pk__in=dossiers_visible_to(viewer).order_by().values("pk"))
    listed = rows_of(shown, limit, label=str)
    count = shown.order_by().count() if listed.more else len(listed.rows)
    return RecordList(rows=listed.rows, hidden=total - count, more=listed.more)


def rating_counts() -> dict[str, int]:
    """How many ratings of each level were given (the portal's public satisfaction page)."""
    from chinhquyen.dossiers.models import Rating

    return dict(Rating.objects.values("level").annotate(n=Count("pk")).order_by().values_list("level", "n"))


def is_rated(dossier: Dossier) -> bool:
    from chinhquyen.dossiers.models import Rating

    return Rating.objects.filter(dossier=dossier).exists()


def dossiers_of_applicant(account: Account) -> QuerySet[Dossier]:
    """The applicant's own dossiers, newest first (the portal's "my dossiers")."""
    return Dossier.objects.filter(applicant_account=account).select_related("procedure").order_by("-received_at")
