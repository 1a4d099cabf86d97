"""Pages: upload a PDF and see its signatures checked (any logged-in official); the report as a page, a PDF, JSON."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.core import uploads
from chinhquyen.core.errors import DomainError
from chinhquyen.signing import services
from chinhquyen.signing.access import access_report_for_official
from chinhquyen.signing.models import ValidationReport
from chinhquyen.signing.validation import REASONS, WARNINGS


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("PDF file"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))


def _refuse(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


@require_http_methods(["GET", "POST"])
def validate_view(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.check_uploaded_pdf(upload=form.cleaned_data["file"], actor=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("signing:report", report_id=report.pk)
    recent = ValidationReport.objects.filter(validated_by=request.user.pk, subject_type="upload").order_by("-pk")[:10]
    return render(request, "signing/validate.html", {"form": form, "recent": recent})


def _context(report: ValidationReport) -> dict[str, Any]:
    data = report.report
    colour = {"PASSED": "green", "INDETERMINATE": "amber", "FAILED": "red"}
    signatures = []
    for sig in data.get("signatures", []):
        signatures.append(
            {
                **sig,
                "colour": colour.get(sig.get("indication", ""), "amber"),
                "reason_label": _(REASONS.get(sig.get("reason", ""), "")),
                "warning_labels": [_(WARNINGS.get(w["code"], w["code"])) for w in sig.get("warnings", [])],
            }
        )
    return {
        "report": report,
        "data": data,
        "colour": colour.get(report.indication, "amber"),
        "reason_label": _(REASONS.get(report.reason, report.reason)),
        "signatures": signatures,
    }


@require_GET
def report_view(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        report = access_report_for_official(user=request.user, report_id=report_id)
    except DomainError as exc:
        return _refuse(request, exc)
    return render(request, "signing/report.html", _context(report))


@require_GET
def report_pdf_view(request: HttpRequest, report_id: int) -> HttpResponseBase:
    try:
        report = access_report_for_official(user=request.user, report_id=report_id)
    except DomainError as exc:
        return _refuse(request, exc)
    import weasyprint

    html = render_to_string("signing/report_pdf.html", _context(report), request=request)
    body = weasyprint.HTML(string=html).write_pdf()
    return uploads.file_response(body, filename=f"bao-cao-xac-thuc-{report.pk}.pdf", content_type="application/pdf")


@require_GET
def report_json_view(request: HttpRequest, report_id: int) -> HttpResponseBase:
    try:
        report = access_report_for_official(user=request.user, report_id=report_id)
    except DomainError as exc:
        return _refuse(request, exc)
    body = json.dumps(report.report, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return uploads.file_response(body.encode(), filename=f"bao-cao-xac-thuc-{report.pk}.json", content_type="application/json")
