"""Paper intake pages (issue 5 §5): upload the scan, watch it being read (htmx polling), confirm
the pre-filled registration form. The OCR runs in a background job (`documents.intake`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import read_query
from chinhquyen.core.models import JobStatus
from chinhquyen.documents import access, intake, services
from chinhquyen.documents.forms import AgencyQuery, IncomingForm
from chinhquyen.documents.views import guarded
from chinhquyen.organizations.models import Agency, Role


def _clerk_agency(request: HttpRequest, agency_id: object = None) -> Agency:
    scope = access.scope_of(request.user)  # type: ignore[arg-type]
    agencies = scope.agencies_with(Role.CLERK)
    access.require(bool(agencies))
    wanted = int(str(agency_id)) if agency_id and str(agency_id).isdigit() else agencies[0]
    access.require(wanted in agencies)
    return Agency.objects.get(pk=wanted)


@require_http_methods(["GET", "POST"])
@guarded
def intake_upload(request: HttpRequest) -> HttpResponse:
    agency = _clerk_agency(
        request, read_query(AgencyQuery, request.POST).get("agency") or read_query(AgencyQuery, request.GET).get("agency")
    )
    error: DomainError | None = None
    if request.method == "POST":
        try:
            job = intake.start_intake(actor=request.user, agency=agency, uploads=request.FILES.getlist("scan"))  # type: ignore[arg-type]
        except DomainError as exc:
            error = exc
        else:
            return redirect("documents:intake_status", pk=job.pk)
    return render(request, "documents/intake_upload.html", {"agency": agency, "error": error}, status=400 if error else 200)


@require_GET
@guarded
def intake_status(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Reading…" while the job runs (the fragment polls itself); the form once read."""
    job = intake.intake_job(request.user, pk)  # type: ignore[arg-type]
    if job.status == JobStatus.SUCCEEDED:
        target = reverse("documents:intake_register", args=[job.pk])
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    template = "documents/intake_progress.html" if request.headers.get("HX-Request") else "documents/intake_status.html"
    return render(request, template, {"job": job})


@require_http_methods(["GET", "POST"])
@guarded
def intake_register(request: HttpRequest, pk: int) -> HttpResponse:
    """The registration form pre-filled from the scan; confirming registers through the usual service."""
    job = intake.intake_job(request.user, pk)  # type: ignore[arg-type]
    if job.report.get("document_id"):
        return redirect("documents:incoming_detail", pk=job.report["document_id"])
    if job.status != JobStatus.SUCCEEDED:
        return redirect("documents:intake_status", pk=job.pk)
    agency = _clerk_agency(request, job.report.get("agency_id"))
    form = IncomingForm(request.POST or None, initial=intake.initial_values(job))
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.register_incoming_document(
                actor=request.user,  # type: ignore[arg-type]
                agency=agency,
                data=form.incoming_input(),
                source="paper",
                scan=intake.stored_scan(job),
            )
        except DomainError as exc:
            error = exc
            for field, problems in exc.fields.items():
                if field in form.fields:
                    for problem in problems:
                        form.add_error(field, str(problem))
        else:
            intake.finish_intake(job, result.document.pk)
            messages.success(request, _("Registered with arrival number %(number)s.") % {"number": f"{result.document.arrival_number:02d}"})
            return redirect("documents:incoming_detail", pk=result.document.pk)
    sureness = intake.confidences(job)
    rows = [(form[name], sureness.get(name)) for name in form.fields if name not in ("scan", "source")]
    return render(
        request,
        "documents/intake_form.html",
        {"job": job, "form": form, "rows": rows, "error": error, "agency": agency, "warnings": job.report.get("warnings", [])},
    )
