"""Background import of the catalogue (the pattern of organizations/tasks.py): load by id, call one function."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django_tasks import task

from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.organizations.tasks import JobReporter
from chinhquyen.procedures.importers import import_procedures

IMPORT_KIND = "procedures.import_procedures"


def run_procedure_import(job_id: int, storage_name: str, filename: str, language: str = "vi") -> dict[str, Any]:
    """Run the import of job `job_id`, record its report (counts or refused rows), delete the file."""
    job = JobProgress.objects.select_related("created_by").get(pk=job_id)
    JobProgress.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, phase="reading", updated_at=timezone.now())
    reporter = JobReporter(job_id)
    try:
        with default_storage.open(storage_name, "rb") as handle:
            data = handle.read()
        with translation.override(language):
            report = import_procedures(data, filename=filename, actor=job.created_by, progress=reporter)
    except Exception as exc:
        JobProgress.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            phase="",
            report={"ok": False, "filename": filename, "errors": [{"row": None, "code": "import.crashed", "message": type(exc).__name__}]},
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        raise
    finally:
        reporter.close()
        default_storage.delete(storage_name)
    result = {**report.as_dict(), "filename": filename}
    JobProgress.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED if report.ok else JobStatus.FAILED,
        phase="",
        done=report.total,
        total=report.total,
        report=result,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return result


@task()
def import_procedures_task(job_id: int, storage_name: str, filename: str, language: str = "vi") -> dict[str, Any]:
    return run_procedure_import(job_id, storage_name, filename, language)
