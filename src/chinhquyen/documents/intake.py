"""Paper intake (issue 5 §5): a clerk uploads a scan (a PDF, or photos of the pages), a background
job reads its header (`core.ocr.read_header`, never inside a request), and the registration form
opens pre-filled, each field with how sure the reader is; the clerk corrects and confirms through
the usual registration service (`services.register_incoming_document`).

The job is a `core.JobProgress` of kind `documents.intake`; its `report` holds the stored scan
(`storage_name`, `filename`), the agency, and once read the `fields` (`HeaderFields.as_dict()`).
The scan waits in storage under `documents-intake/` until the document is registered.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from chinhquyen.core import uploads as upload_policy
from chinhquyen.core.errors import DomainError, NotFound
from chinhquyen.core.limits import open_image_bounded, parse_seconds, time_limit
from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.core.ocr import ExtractionError, read_header
from chinhquyen.documents import access, files
from chinhquyen.organizations.models import Account, Agency

logger = logging.getLogger(__name__)

INTAKE_KIND = "documents.intake"
#: Form field → header field, for the pre-filled values and their confidence.
FORM_FIELDS = {
    "issuer_name": "issuer",
    "code_number": "number",
    "code_notation": "notation",
    "issued_date": "date",
    "document_type": "doc_type",
    "subject": "subject",
    "signer_name": "signer",
    "signer_position": "signer_position",
}
#: Under this confidence a pre-filled field is marked "check this" (docs/paper-intake.md).
CHECK_BELOW = 0.8


def _as_pdf(images: Sequence[files.CheckedFile]) -> files.CheckedFile:
    """Photos of the pages → one PDF (the scan kept with the document)."""
    pages = [open_image_bounded(image.content, name=image.name).convert("RGB") for image in images]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=300)
    return files.check_upload(("scan.pdf", out.getvalue()), allowed=files.SCAN_TYPES, field="scan")


def start_intake(*, actor: Account, agency: Agency, uploads: Sequence[Any]) -> JobProgress:
    """Store the scan and queue the job that reads its header (one transaction: no job without its task)."""
    scope = access.scope_of(actor)
    access.require(access.is_clerk(scope, agency.pk))
    if not uploads:
        raise DomainError("intake.no_file", _("Upload the scanned PDF or photos of the document."), fields={"scan": [_("Required.")]})
    checked = [files.check_upload(u, allowed=files.SCAN_TYPES, field="scan") for u in uploads]
    if len(checked) > 1:
        if any(c.content_type == files.PDF for c in checked):
            raise DomainError("intake.mixed", _("Upload one PDF, or photos of the pages."), fields={"scan": [_("One PDF or photos.")]})
        scan = _as_pdf(checked)
    else:
        scan = checked[0]
    with upload_policy.removed_on_failure(), transaction.atomic():
        name = upload_policy.save_to_storage(f"documents-intake/{agency.pk}", scan)
        job = JobProgress.objects.create(
            kind=INTAKE_KIND,
            created_by=actor,
            report={"agency_id": agency.pk, "storage_name": name, "filename": scan.name, "pages": scan.pages},
        )
        read_intake_task.enqueue(job.pk)
    return job


def run_intake(job_id: int) -> dict[str, Any]:
    """Read the header of intake job `job_id` (what the task does); the result goes in `report`."""
    job = JobProgress.objects.get(pk=job_id, kind=INTAKE_KIND)
    JobProgress.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, phase="ocr", updated_at=timezone.now())
    try:
        with default_storage.open(job.report["storage_name"], "rb") as handle:
            data = handle.read()
        # The task worker's main thread: a scan that never ends is stopped. Two pages go through
        # Tesseract, each within OCR_PAGE_TIMEOUT; the rest of the read within FILE_PARSE_SECONDS.
        with time_limit(2 * settings.OCR_PAGE_TIMEOUT + parse_seconds()):
            fields = read_header(data, filename=job.report.get("filename", ""))
    except ExtractionError as error:
        return _finish(job, JobStatus.FAILED, {"code": error.code, "message": str(error.message)})
    except FileNotFoundError:
        return _finish(job, JobStatus.FAILED, {"code": "extract.missing", "message": _("The file is no longer in storage.")})
    except Exception as error:  # Tesseract crashed or timed out: visible, the clerk uploads again or types.
        logger.exception("intake job %s failed", job_id)
        return _finish(
            job,
            JobStatus.FAILED,
            {"code": "extract.failed", "message": _("Reading the scan failed (%(e)s).") % {"e": type(error).__name__}},
        )
    data_fields = fields.as_dict()
    data_fields.pop("text", None)
    return _finish(job, JobStatus.SUCCEEDED, {"fields": data_fields, "confidences": fields.confidences(), "warnings": fields.warnings})


def _finish(job: JobProgress, status: str, extra: dict[str, Any]) -> dict[str, Any]:
    report = {**job.report, **{k: (str(v) if k == "message" else v) for k, v in extra.items()}}
    JobProgress.objects.filter(pk=job.pk).update(
        status=status, phase="", report=report, finished_at=timezone.now(), updated_at=timezone.now()
    )
    return report


@task()
def read_intake_task(job_id: int) -> dict[str, Any]:
    return run_intake(job_id)


def intake_job(actor: Account, pk: int | str) -> JobProgress:
    """The intake job `pk` of this clerk ("not found" for anyone else's)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("not_found", _("This scan does not exist.")) from None
    job = JobProgress.objects.filter(pk=pk, kind=INTAKE_KIND, created_by=actor).first()
    if job is None:
        raise NotFound("not_found", _("This scan does not exist."))
    return job


def _value(fields: dict[str, Any], name: str) -> Any:
    item = fields.get(name)
    return item.get("value") if isinstance(item, dict) else None


def initial_values(job: JobProgress) -> dict[str, Any]:
    """The registration form's initial data from what was read (strings as the form wants them)."""
    fields = job.report.get("fields") or {}
    initial: dict[str, Any] = {"source": "paper"}
    number = _value(fields, "number")
    if number is not None:
        initial["code_number"] = f"{int(number):02d}"
    notation = _value(fields, "notation")
    year = _value(fields, "year")
    if notation:
        initial["code_notation"] = f"{year}/{notation}" if year else str(notation)
    date = _value(fields, "date")
    if date:
        initial["issued_date"] = dt.date.fromisoformat(str(date))
    for form_field, header_field in FORM_FIELDS.items():
        if form_field in initial or form_field in ("code_number", "code_notation", "issued_date"):
            continue
        value = _value(fields, header_field)
        if value:
            initial[form_field] = str(value)
    if initial.get("issuer_name"):
        initial["issuer_name"] = " ".join(str(initial["issuer_name"]).split())
    if job.report.get("pages"):
        initial["page_count"] = min(int(job.report["pages"]), 999)
    return initial


def confidences(job: JobProgress) -> dict[str, dict[str, Any]]:
    """Form field → `{"percent": 0–100, "check": bool}` for the fields that were read."""
    read = job.report.get("confidences") or {}
    shown: dict[str, dict[str, Any]] = {}
    for form_field, header_field in FORM_FIELDS.items():
        if header_field in read:
            value = float(read[header_field])
            shown[form_field] = {"percent": round(value * 100), "check": value < CHECK_BELOW}
    return shown


def stored_scan(job: JobProgress) -> tuple[str, bytes]:
    """The uploaded scan, as `(name, bytes)` for the registration service."""
    with default_storage.open(job.report["storage_name"], "rb") as handle:
        return job.report.get("filename") or "scan.pdf", handle.read()


def finish_intake(job: JobProgress, document_id: int) -> None:
    """The scan is now the document's attachment: forget the waiting copy."""
    report = {**job.report, "document_id": document_id}
    JobProgress.objects.filter(pk=job.pk).update(report=report, updated_at=timezone.now())
    try:
        default_storage.delete(job.report["storage_name"])
    except OSError:
        logger.warning("could not delete intake scan %s", job.report.get("storage_name"))
