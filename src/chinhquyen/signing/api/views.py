"""API of signatures: validate an uploaded PDF; fetch a stored validation report."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.signing import services
from chinhquyen.signing.access import access_report_for_official
from chinhquyen.signing.api.serializers import ValidateUploadSerializer, ValidationReportSerializer


class ValidateView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="signatures_validate",
        summary="Xác thực chữ ký số trong tệp PDF",
        description=(
            "Validates every signature of the uploaded PDF (integrity, coverage, changes after signing, chain to the "
            "deployment's trust anchors, validity at the time of signing, revocation, timestamp) and stores the report, "
            "with the file, as evidence (re-validated when the trust changes). `indication`: PASSED / INDETERMINATE / "
            "FAILED (ETSI EN 319 102-1) with a `reason`. The file passes the upload policy first: a file over "
            "SIGNING_MAX_PDF_BYTES (400 `upload.too_large`), not a PDF that opens (`upload.content_mismatch`, "
            "`upload.unreadable`), refused by the virus scanner (`upload.infected`). Errors: `{code, message, fields}`."
        ),
        request={"multipart/form-data": ValidateUploadSerializer},
        responses={201: ValidationReportSerializer, 400: OpenApiResponse(description="No file, or a file the upload policy refuses")},
    )
    def post(self, request: Request) -> Response:
        serializer = ValidateUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.check_uploaded_pdf(upload=serializer.validated_data["file"], actor=request.user)  # type: ignore[arg-type]
        return Response(ValidationReportSerializer(report).data, status=201)


class ReportView(APIView):
    @extend_schema(
        operation_id="signatures_report",
        summary="Kết quả xác thực chữ ký số",
        description="A stored validation report. Seen by who asked for it, or by who may see the object it is about.",
        responses={200: ValidationReportSerializer, 404: OpenApiResponse(description="Unknown report, or not yours to see")},
    )
    def get(self, request: Request, report_id: int) -> Response:
        report = access_report_for_official(user=request.user, report_id=report_id)
        return Response(ValidationReportSerializer(report).data)
