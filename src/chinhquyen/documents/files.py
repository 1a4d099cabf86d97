"""Uploaded files: the type is read from the content, never from the name alone (issue 4 "Done when").

A scan must be a PDF or an image (Phụ lục I Part II.I.2: PDF ≥ 1.4 for digitised documents);
a draft a PDF, or a DOCX converted to PDF by LibreOffice when it is installed.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".tif": TIFF, ".tiff": TIFF}
SCAN_TYPES = frozenset({PDF, PNG, JPEG, TIFF})
DRAFT_TYPES = frozenset({PDF, DOCX})
WORK_TYPES = frozenset({PDF, DOCX, XLSX, PNG, JPEG, TIFF})
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str
    pages: int | None

    @property
    def size(self) -> int:
        return len(self.content)


def sniff(content: bytes) -> str | None:
    """The type the bytes are, whatever the name says."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def _refuse(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, fields={field: [message]})


def check_upload(upload: UploadedFile | tuple[str, bytes], *, allowed: frozenset[str], field: str = "file") -> CheckedFile:
    """Read an upload and refuse it unless its content is an allowed type that matches its name."""
    if isinstance(upload, tuple):
        name, content = upload
    else:
        name = upload.name or ""
        if (upload.size or 0) > MAX_BYTES:
            raise _refuse("documents.file_too_large", _("The file is larger than 50 MB."), field)
        content = upload.read()
    name = Path(name).name[:255]
    if not content:
        raise _refuse("documents.file_empty", _("The file “%(name)s” is empty.") % {"name": name}, field)
    if len(content) > MAX_BYTES:
        raise _refuse("documents.file_too_large", _("The file is larger than 50 MB."), field)
    claimed = EXTENSIONS.get(Path(name).suffix.lower())
    actual = sniff(content)
    if claimed is None or claimed not in allowed:
        raise _refuse("documents.file_type", _("“%(name)s” is not an accepted type of file here.") % {"name": name}, field)
    if actual != claimed:
        raise _refuse(
            "documents.file_mismatch",
            _("“%(name)s” is not what its name says: its content is not a %(kind)s file.")
            % {"name": name, "kind": Path(name).suffix.lower().lstrip(".").upper()},
            field,
        )
    pages = None
    if actual in (PNG, JPEG, TIFF):
        _check_image(content, name, field)
    if actual == PDF:
        pages = pdf_pages(content)
        if pages is None:
            raise _refuse("documents.file_unreadable", _("“%(name)s” is not a readable PDF file.") % {"name": name}, field)
    return CheckedFile(name=name, content=content, content_type=actual, sha256=hashlib.sha256(content).hexdigest(), pages=pages)


def _check_image(content: bytes, name: str, field: str) -> None:
    """An image is read up to its header: refused when it does not open or has more pixels than
    FILE_MAX_IMAGE_PIXELS (a decompression bomb; `core.limits.open_image_bounded`)."""
    from chinhquyen.core.limits import LimitError, open_image_bounded

    try:
        open_image_bounded(content, name=name, load=False)
    except LimitError as exc:
        code = "documents.image_too_large" if exc.code == "file.image_too_large" else "documents.file_unreadable"
        raise _refuse(code, exc.message, field) from None


def pdf_pages(content: bytes) -> int | None:
    """The page count, walked with a visited set and a depth limit (`core.limits`); None when the
    PDF cannot be read, is encrypted, or its page tree loops."""
    from chinhquyen.core.limits import LimitError, pdf_page_count_bounded

    try:
        return pdf_page_count_bounded(content)
    except LimitError:
        return None


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
    return check_upload((name, content), allowed=frozenset({PDF}))
