"""Reads of validation reports for the other apps (ADR 0038: one read path).

Another app never queries `ValidationReport` itself: it asks here for the report in force about
its objects — in the same query as its own rows (`current_report_of`, `latest_indication_of`, a
subquery) or in one query for a list (`current_reports`). Who may *see* a report is
`signing.access`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, QuerySet, Subquery
from django.db.models.functions import Cast

from chinhquyen.signing.models import ValidationReport


def current_reports_about(subject_type: str, subject_id: Any) -> QuerySet[ValidationReport]:
    """The reports in force (not superseded) about the subject(s) `subject_id` (an outer reference or
    an expression, cast to text), newest first — for a subquery in the caller's own query."""
    return ValidationReport.objects.filter(
        subject_type=subject_type, subject_id=Cast(subject_id, CharField()), superseded_by__isnull=True
    ).order_by("-pk")


def latest_indication_of(subject_type: str, subject_id: Any) -> Subquery:
    """What the newest report about `subject_id` says (`passed`, `failed`, …; None when never
    validated), as a subquery: a re-validation adds a newer report that supersedes the old one
    (`services.revalidate_outdated`). Newest first on the index (subject type, subject id, validated at)."""
    latest = (
        ValidationReport.objects.filter(subject_type=subject_type, subject_id=Cast(subject_id, output_field=CharField()))
        .order_by("-validated_at", "-pk")
        .values("indication")[:1]
    )
    return Subquery(latest)


def current_reports(subject_type: str, subject_ids: list[str]) -> dict[str, ValidationReport]:
    """The report in force about each subject, in one query."""
    latest: dict[str, ValidationReport] = {}
    for row in ValidationReport.objects.filter(subject_type=subject_type, subject_id__in=subject_ids, superseded_by__isnull=True).order_by(
        "pk"
    ):
        latest[row.subject_id] = row
    return latest
