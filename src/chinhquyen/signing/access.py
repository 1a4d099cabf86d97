"""The only way views and the API fetch a validation report.

A report of an upload is seen by who uploaded it (and Django staff). A report about another
app's object (a document's attachment) is seen by whoever that app says may see the object:
the app registers a check with `register_subject_access("documents.Attachment", can_see)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from chinhquyen.core.errors import NotFound
from chinhquyen.signing.models import ValidationReport

_SUBJECT_ACCESS: dict[str, Callable[[Any, str], bool]] = {}


def register_subject_access(subject_type: str, can_see: Callable[[Any, str], bool]) -> None:
    """`can_see(user, subject_id) -> bool` decides who sees the reports about `subject_type` objects."""
    _SUBJECT_ACCESS[subject_type] = can_see


def access_report_for_official(*, user: Any, report_id: int) -> ValidationReport:
    report = ValidationReport.objects.filter(pk=report_id).select_related("validated_by").first()
    if report is None or not _can_see(user, report):
        if report is not None:
            from chinhquyen.core.audit import record_denial

            record_denial(actor=user, object_type="signing.ValidationReport", object_id=report.pk, code="not_found")
        raise NotFound("signing.report_not_found", _("Validation report not found."))
    return report


def _can_see(user: Any, report: ValidationReport) -> bool:
    if getattr(user, "is_staff", False) or (report.validated_by_id is not None and report.validated_by_id == user.pk):
        return True
    check = _SUBJECT_ACCESS.get(report.subject_type)
    return bool(check and check(user, report.subject_id))
