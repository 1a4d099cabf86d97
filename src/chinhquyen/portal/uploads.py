"""Uploads checked by their content, not their name: PDF, JPEG, PNG, DOCX; size limit; virus-scanner hook.

The extension must agree with the magic bytes (a `.pdf` that is a PNG is refused). Files are kept
under MEDIA_ROOT and never served from a URL a browser would run: the portal streams them with
`Content-Disposition: attachment` and `X-Content-Type-Options: nosniff` only to their owner.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError

KINDS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def sniff(head: bytes, file: UploadedFile) -> str | None:
    """The kind the content really is (pdf, jpeg, png, docx), or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            file.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "docx"
    return None


def no_scanner(file: UploadedFile) -> str | None:
    """The default hook: no scanner configured. A scanner returns the name of what it found, or None."""
    return None


def _scanner() -> Callable[[UploadedFile], str | None]:
    return import_string(settings.PORTAL_VIRUS_SCANNER) if settings.PORTAL_VIRUS_SCANNER else no_scanner  # type: ignore[no-any-return]


def check_upload(file: UploadedFile, *, field: str = "file") -> str:
    """Refuse what is not a PDF, JPEG, PNG or DOCX by content, too large, empty or infected; return its kind."""
    name = file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = settings.PORTAL_UPLOAD_MAX_BYTES
    if file.size is None or file.size == 0:
        raise DomainError("upload.empty", _("The file is empty."), fields={field: [_("The file is empty.")]})
    if file.size > limit:
        message = _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
        raise DomainError("upload.too_large", message, fields={field: [message]})
    if extension not in KINDS:
        message = _("Only PDF, JPEG, PNG or DOCX files are accepted.")
        raise DomainError("upload.type", message, fields={field: [message]})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = sniff(head, file)
    expected = "jpeg" if extension in ("jpg", "jpeg") else extension
    if kind != expected:
        message = _("The content of the file is not a %(kind)s file as its name says.") % {"kind": extension.upper()}
        raise DomainError("upload.content_mismatch", message, fields={field: [message]})
    found = _scanner()(file)
    file.seek(0)
    if found:
        message = _("The file was refused by the virus scanner.")
        raise DomainError("upload.infected", message, fields={field: [message]})
    return kind
