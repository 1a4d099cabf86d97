"""The catalogue's pages: list and search, a procedure, the import with its progress bar."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import ShortText, read_query
from chinhquyen.core.models import JobProgress
from chinhquyen.organizations.access import require_province_admin
from chinhquyen.procedures.access import access_import_job_for_official, access_procedure_for_official, require_official
from chinhquyen.procedures.importers import MAX_BYTES
from chinhquyen.procedures.selectors import instances_of, search_procedures, version_in_force
from chinhquyen.procedures.services import start_procedure_import
from chinhquyen.procedures.tasks import IMPORT_KIND

ALLOWED_EXTENSIONS = (".xlsx", ".json")


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


class ProcedureSearchQuery(forms.Form):
    q = ShortText(max_length=200)


@require_GET
def procedure_list_view(request: HttpRequest) -> HttpResponse:
    try:
        require_official(request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    q = read_query(ProcedureSearchQuery, request.GET).get("q") or ""
    procedures = list(search_procedures(q=q, limit=100))
    return render(request, "procedures/list.html", {"procedures": procedures, "q": q})


@require_GET
def procedure_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = access_procedure_for_official(official=request.user, code=code)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    version = version_in_force(procedure)
    context = {
        "procedure": procedure,
        "version": version,
        "versions": procedure.versions.order_by("-number"),  # type: ignore[attr-defined]
        "instances": instances_of(procedure),
    }
    return render(request, "procedures/detail.html", context)


class ProcedureImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (national package JSON or Excel .xlsx)"))

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(_("Choose a .json or .xlsx file."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // 1048576})
        return upload


@require_http_methods(["GET", "POST"])
def procedure_import_view(request: HttpRequest) -> HttpResponse:
    try:
        require_province_admin(request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    form = ProcedureImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = start_procedure_import(actor=request.user, upload=form.cleaned_data["file"], language=get_language() or "vi")  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("procedures:import_job", job_id=job.pk)
    jobs = JobProgress.objects.filter(kind=IMPORT_KIND, created_by=request.user)[:10]  # type: ignore[misc]
    return render(request, "procedures/import.html", {"form": form, "jobs": jobs}, status=400 if request.method == "POST" else 200)


@require_GET
def procedure_import_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        job = access_import_job_for_official(official=request.user, job_id=job_id)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "procedures/import_job.html", {"job": job})


@require_GET
def procedure_import_progress_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """The fragment htmx polls every second until the job has finished."""
    try:
        job = access_import_job_for_official(official=request.user, job_id=job_id)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "procedures/import_progress.html", {"job": job})
