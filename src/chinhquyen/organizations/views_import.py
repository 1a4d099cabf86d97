"""The province administrator's page to import the agency tree from a file.

Upload → the file is stored and a background task is enqueued in the same transaction as the
job row (a task exists only if the job does) → the page polls a small fragment every second
(htmx) showing a `<progress>` bar → the final report lists what was saved, or each refused row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.core.errors import DomainError, NotFound, PermissionDenied
from chinhquyen.core.models import JobProgress
from chinhquyen.organizations.access import require_province_admin
from chinhquyen.organizations.exporters import CONTENT_TYPES, FORMATS, export_agencies
from chinhquyen.organizations.importers import MAX_BYTES
from chinhquyen.organizations.models import Account
from chinhquyen.organizations.selectors import today
from chinhquyen.organizations.services import start_agency_import
from chinhquyen.organizations.tasks import IMPORT_KIND

ALLOWED_EXTENSIONS = (".xlsx", ".csv", ".json")


class AgencyImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (Excel .xlsx, CSV or the axis JSON list)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS), "class": "usa-file-input"}),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(_("Choose an .xlsx, .csv or .json file."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // 1048576})
        return upload


class AgencyExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[(f, f.upper()) for f in FORMATS])
    as_of = forms.DateField(label=gettext_lazy("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def access_import_job_for_official(*, official: Account, job_id: int) -> JobProgress:
    """An import job, for the administrator who started it (or a superuser)."""
    require_province_admin(official)
    job = JobProgress.objects.filter(pk=job_id, kind=IMPORT_KIND).first()
    if job is None:
        raise NotFound("not_found", _("This import does not exist."))
    if job.created_by_id != official.pk and not official.is_superuser:
        raise PermissionDenied("permission_denied", _("This import was started by someone else."))
    return job


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


@require_http_methods(["GET", "POST"])
def agency_import_view(request: HttpRequest) -> HttpResponse:
    official: Account = request.user  # type: ignore[assignment]
    try:
        require_province_admin(official)
    except DomainError as exc:
        return _error(request, exc)
    form = AgencyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = start_agency_import(actor=official, upload=form.cleaned_data["file"], language=get_language() or "vi")
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("organizations:agency_import_job", job_id=job.pk)
    jobs = JobProgress.objects.filter(kind=IMPORT_KIND, created_by=official)[:10]
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "jobs": jobs, "export_form": AgencyExportForm(initial={"format": "xlsx", "as_of": today()})}
    return render(request, "organizations/import.html", context, status=status)


@require_GET
def agency_import_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        job = access_import_job_for_official(official=request.user, job_id=job_id)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "organizations/import_job.html", {"job": job})


@require_GET
def agency_import_progress_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """The fragment htmx polls every second until the job has finished."""
    try:
        job = access_import_job_for_official(official=request.user, job_id=job_id)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "organizations/import_progress.html", {"job": job})


@require_GET
def agency_export_view(request: HttpRequest) -> HttpResponse:
    try:
        require_province_admin(request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    form = AgencyExportForm(request.GET)
    if not form.is_valid():
        return render(request, "core/error.html", {"error": DomainError("export.invalid", _("Choose a format and a date."))}, status=400)
    fmt = form.cleaned_data["format"]
    as_of: dt.date = form.cleaned_data["as_of"] or today()
    response = HttpResponse(export_agencies(fmt, as_of=as_of), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="agencies-{as_of.isoformat()}.{fmt}"'
    return response
