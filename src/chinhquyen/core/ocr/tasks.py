"""Text extraction as a background job: queue, run, fail visibly, retry.

The flow (ADR 0023):

1. The owner of a file (the documents app for an attachment) stores it, then calls
   `queue_extraction(target=…, object_id=…, storage_name=…)` **inside the transaction** that
   saves the object. That creates a `JobProgress` row (kind `core.extract`, status `queued`)
   and enqueues `extract_text_task(job_id)` in the same transaction: no job without its task.
2. The worker runs the task: status `running`, phase `reading` then `ocr` with a page count;
   the text is read (`extract.extract_text`), then handed to the **sink** registered for
   `target`, which stores it and re-indexes its object; status `succeeded`, with the method
   (text, OCR, mixed), pages and characters in `report`.
3. If the file cannot be read (corrupt, encrypted, too large, Tesseract failed …) the status
   is `failed`, `report["code"]` and `report["message"]` say why, and the sink's optional
   `on_failure` hears it. `retry_extraction(job_id)` queues a failed job again.

A sink is registered once per target in the owning app's `AppConfig.ready()`:

    from chinhquyen.core.ocr import register_sink
    register_sink("documents.attachment", on_text=save_attachment_text, on_failure=mark_attachment_failed)

`on_text(object_id=…, result=ExtractionResult, job=JobProgress)` runs in one transaction with the
job's final status, so the text and "succeeded" commit together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.core.ocr.extract import ExtractionError, ExtractionResult, extract_text

logger = logging.getLogger(__name__)

EXTRACT_KIND = "core.extract"


@dataclass(frozen=True)
class Sink:
    target: str
    on_text: Callable[..., None]
    on_failure: Callable[..., None] | None = None


_SINKS: dict[str, Sink] = {}


def register_sink(target: str, *, on_text: Callable[..., None], on_failure: Callable[..., None] | None = None) -> None:
    """Say what to do with the text extracted for `target` objects (see the module docstring)."""
    _SINKS[target] = Sink(target=target, on_text=on_text, on_failure=on_failure)


def unregister_sink(target: str) -> None:
    _SINKS.pop(target, None)


def queue_extraction(*, target: str, object_id: int, storage_name: str, filename: str = "", created_by: Any = None) -> JobProgress:
    """Create the job row and enqueue its task, in the caller's transaction. Returns the job;
    `job.status`, `job.report["code"]`/`["message"]` and `job.percent` are what a page shows."""
    if target not in _SINKS:
        raise DomainError(
            "extract.unknown_target", _("Nothing is registered to receive extracted text for %(target)s.") % {"target": target}
        )
    job = JobProgress.objects.create(
        kind=EXTRACT_KIND,
        created_by=created_by,
        report={"target": target, "object_id": int(object_id), "storage_name": storage_name, "filename": filename, "attempts": 0},
    )
    extract_text_task.enqueue(job.pk)
    return job


def retry_extraction(job_id: int) -> JobProgress:
    """Queue a failed extraction again. Raises `DomainError` if the job has not failed."""
    with transaction.atomic():
        job = JobProgress.objects.select_for_update().get(pk=job_id, kind=EXTRACT_KIND)
        if job.status != JobStatus.FAILED:
            raise DomainError("extract.not_failed", _("Only a failed extraction can be tried again."))
        report = {k: v for k, v in job.report.items() if k not in ("code", "message")}
        JobProgress.objects.filter(pk=job_id).update(
            status=JobStatus.QUEUED, phase="", done=0, total=0, report=report, finished_at=None, updated_at=timezone.now()
        )
        extract_text_task.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _fail(job: JobProgress, code: str, message: str) -> None:
    report = {**job.report, "code": code, "message": message}
    with transaction.atomic():
        JobProgress.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, phase="", report=report, finished_at=timezone.now(), updated_at=timezone.now()
        )
        sink = _SINKS.get(job.report.get("target", ""))
        if sink and sink.on_failure:
            sink.on_failure(object_id=job.report["object_id"], code=code, message=message, job=job)


def run_extraction(job_id: int) -> dict[str, Any]:
    """Run extraction job `job_id` (what the task does). Returns the job's final report."""
    job = JobProgress.objects.get(pk=job_id, kind=EXTRACT_KIND)
    attempts = int(job.report.get("attempts", 0)) + 1
    job.report = {**job.report, "attempts": attempts}
    JobProgress.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, phase="reading", report=job.report, updated_at=timezone.now())
    sink = _SINKS.get(job.report.get("target", ""))
    if sink is None:
        _fail(job, "extract.unknown_target", str(_("Nothing is registered to receive this text.")))
        return {**job.report, "code": "extract.unknown_target"}

    def progress(done: int, total: int) -> None:
        JobProgress.objects.filter(pk=job_id).update(phase="ocr", done=done, total=total, updated_at=timezone.now())

    try:
        with default_storage.open(job.report["storage_name"], "rb") as handle:
            data = handle.read()
        result: ExtractionResult = extract_text(data, filename=job.report.get("filename", ""), progress=progress)
    except ExtractionError as error:
        _fail(job, error.code, error.message)
        return {**job.report, "code": error.code}
    except FileNotFoundError:
        _fail(job, "extract.missing", str(_("The file is no longer in storage.")))
        return {**job.report, "code": "extract.missing"}
    except Exception as error:  # Tesseract crashed or timed out, poppler failed …: visible, retryable.
        logger.exception("extraction job %s failed", job_id)
        _fail(job, "extract.failed", str(_("Reading the file failed (%(error)s); try again.") % {"error": type(error).__name__}))
        return {**job.report, "code": "extract.failed"}
    report = {**job.report, **result.as_report()}
    with transaction.atomic():
        sink.on_text(object_id=job.report["object_id"], result=result, job=job)
        JobProgress.objects.filter(pk=job_id).update(
            status=JobStatus.SUCCEEDED,
            phase="",
            report=report,
            done=result.pages,
            total=result.pages,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    return report


@task()
def extract_text_task(job_id: int) -> dict[str, Any]:
    return run_extraction(job_id)
