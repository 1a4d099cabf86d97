"""Background tasks of the organisations app (django-tasks): load by id, call one function."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone, translation
from django_tasks import task

from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.organizations.importers import import_agencies

IMPORT_KIND = "organizations.import_agencies"


class JobReporter:
    """Writes a job's progress where the polling page can see it.

    The import saves everything in one transaction, so progress written through that
    transaction would only appear at the end. On PostgreSQL the counts go through a second
    connection in autocommit; SQLite allows one writer at a time, so while the import holds the
    write lock the page shows the phase without a moving count (docs/demo.md).
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._side: Any = None

    def __call__(self, done: int, total: int, phase: str) -> None:
        if not connection.in_atomic_block:
            JobProgress.objects.filter(pk=self.job_id).update(done=done, total=total, phase=phase, updated_at=timezone.now())
            return
        if connection.vendor != "postgresql":
            return
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self._side.ops.quote_name(JobProgress._meta.db_table)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET done = %s, total = %s, phase = %s, updated_at = %s WHERE id = %s",  # noqa: S608 - table name from the model
                [done, total, phase, timezone.now(), self.job_id],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def run_agency_import(job_id: int, storage_name: str, filename: str, language: str = "vi") -> dict[str, Any]:
    """Run the import of job `job_id` from the uploaded file, record its report, delete the file."""
    job = JobProgress.objects.select_related("created_by").get(pk=job_id)
    JobProgress.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, phase="reading", updated_at=timezone.now())
    reporter = JobReporter(job_id)
    try:
        with default_storage.open(storage_name, "rb") as handle:
            data = handle.read()
        with translation.override(language):
            report = import_agencies(data, filename=filename, actor=job.created_by, progress=reporter)
    except Exception as exc:
        JobProgress.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            phase="",
            report={"ok": False, "errors": [{"row": None, "code": "import.crashed", "message": type(exc).__name__}]},
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        raise
    finally:
        reporter.close()
        default_storage.delete(storage_name)
    result = report.as_dict()
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
def import_agencies_task(job_id: int, storage_name: str, filename: str, language: str = "vi") -> dict[str, Any]:
    return run_agency_import(job_id, storage_name, filename, language)
