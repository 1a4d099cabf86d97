"""Reads of the catalogue: accent-insensitive search, a procedure by code, the version in force."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from chinhquyen.core.folding import fold
from chinhquyen.procedures.models import Procedure, ProcedureInstance, ProcedureVersion

#: The type-ahead never returns more than this many procedures.
SEARCH_LIMIT = 20


def search_procedures(*, q: str = "", agency_id: int | None = None, limit: int = SEARCH_LIMIT) -> QuerySet[Procedure]:
    """Procedures whose code, name or keywords contain every word of `q`, accents and case ignored.

    "dang ky khai sinh" finds "Đăng ký khai sinh": the stored copy and the query are folded alike
    (core.folding, đ → d included, which neither engine's own unaccenting does on both sides).
    With `agency_id`, only procedures that agency carries out. A 2,000-procedure catalogue is
    small enough for a substring scan of the folded copy.
    """
    queryset = Procedure.objects.select_related("field")
    for word in fold(q).split():
        queryset = queryset.filter(search_text__contains=word)
    if agency_id is not None:
        queryset = queryset.filter(instances__agency_id=agency_id, instances__active=True)
    return queryset.order_by("code")[:limit]


def procedure_by_code(code: str) -> Procedure | None:
    return Procedure.objects.select_related("field").filter(code=code).first()


def version_in_force(procedure: Procedure, *, on: dt.date | None = None) -> ProcedureVersion | None:
    """The version in force on `on` (today by default), with its times, fees, components and steps."""
    day = on or timezone.localdate()
    return (
        procedure.versions.valid_on(day)  # type: ignore[attr-defined]
        .prefetch_related("processing_times", "fees", "required_components", "steps")
        .order_by("-valid_from")
        .first()
    )


def instances_of(procedure: Procedure) -> QuerySet[ProcedureInstance]:
    return procedure.instances.filter(active=True).select_related("agency").order_by("agency__code")  # type: ignore[attr-defined, no-any-return]


def procedures_with_versions(*, on: dt.date) -> QuerySet[Procedure]:
    return Procedure.objects.select_related("field").prefetch_related(
        Prefetch("versions", queryset=ProcedureVersion.objects.valid_on(on), to_attr="current_versions")
    )
