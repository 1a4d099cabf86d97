"""Uploaded files of the document office, through the one upload policy (`core.uploads`, ADR 0036).

A scan must be a PDF or an image (Phụ lục I Part II.I.2: PDF ≥ 1.4 for digitised documents);
a draft a PDF, or a DOCX converted to PDF by LibreOffice when it is installed. The type is read
from the content, which must parse (a PDF opens and has pages, an image decodes within the
pixel limit, a DOCX/XLSX is a sound Office zip); the virus scanner runs when configured.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from chinhquyen.core import uploads
from chinhquyen.core.errors import DomainError

PDF = uploads.PDF.content_type
DOCX = uploads.DOCX.content_type
XLSX = uploads.XLSX.content_type
PNG = uploads.PNG.content_type
JPEG = uploads.JPEG.content_type
TIFF = uploads.TIFF.content_type

#: The intake paths of the document office (their kinds and limits live in core.uploads).
SCAN_TYPES = uploads.DOCUMENT_SCAN
DRAFT_TYPES = uploads.DOCUMENT_DRAFT
WORK_TYPES = uploads.DOCUMENT_FILE
PDF_ONLY = uploads.DOCUMENT_PDF

CheckedFile = uploads.CheckedUpload


def _refuse(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, fields={field: [message]})


def check_upload(upload: Any, *, allowed: uploads.Intake, field: str = "file") -> CheckedFile:
    """Read an upload (an UploadedFile or a (name, bytes) pair) and refuse it unless the policy of `allowed` accepts it."""
    return uploads.check_upload(upload, intake=allowed, field=field)


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(checked: CheckedFile) -> CheckedFile:
    """Convert a DOCX draft to PDF with LibreOffice; refuse clearly when it is not installed."""
    binary = libreoffice()
    if binary is None:
        raise _refuse(
            "documents.converter_missing",
            _("A DOCX draft needs LibreOffice to be converted to PDF, and it is not installed on this server. Upload a PDF."),
            "file",
        )
    with tempfile.TemporaryDirectory(prefix="cq-docx-") as tmp:
        source = Path(tmp) / "draft.docx"
        source.write_bytes(checked.content)
        subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
            [binary, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)], check=False, capture_output=True, timeout=120
        )
        target = Path(tmp) / "draft.pdf"
        if not target.exists():
            raise _refuse("documents.conversion_failed", _("LibreOffice could not convert the DOCX file to PDF."), "file")
        content = target.read_bytes()
    name = Path(checked.name).with_suffix(".pdf").name
    return check_upload((name, content), allowed=PDF_ONLY)
