"""One upload policy (issue 16, ADR 0036): every file that enters from outside passes here.

The **services** call `check_upload` with the intake path the file came by (`COUNTER`,
`PORTAL`, `RESULT`, `SIGNATURE_CHECK`, `DOCUMENT_SCAN`…); views never do. Each intake path
names the kinds it accepts and the size limit it applies. A file is accepted only when:

1. it is not empty and not larger than the intake's limit (read no further than the limit);
2. its name's extension is one of the intake's kinds;
3. its content **parses** as that kind — a PDF opens and has at least one page (the page tree
   walked with a visited set and a depth limit); an image decodes within a pixel limit; a
   DOCX/XLSX is an Office zip whose members, as their headers declare them, stay within a
   total size and a compression ratio; JSON decodes; CSV is UTF-8 text. Magic bytes alone
   never pass (`%PDF-` followed by HTML is refused);
4. its first kilobyte carries none of the markup a browser's content sniffer would run
   (`<html`, `<script`…): a polyglot is refused even when it also parses;
5. the virus scanner, when one is configured, finds nothing: ClamAV through `clamd` when
   `CLAMD_SOCKET` or `CLAMD_HOST` is set, or any function named by `UPLOAD_VIRUS_SCANNER`.
   A configured scanner that cannot be reached refuses the file (fail closed).

Refusals are `DomainError`s: `upload.empty`, `upload.too_large`, `upload.type_not_allowed`,
`upload.content_mismatch`, `upload.unreadable`, `upload.infected`, `upload.scan_failed`,
`upload.quota`, each with a Vietnamese message beside the field.

Storing: `save_file` saves into a `FileField` and remembers the name, so that
`removed_on_failure()` deletes what was stored when the service's transaction does not commit
(no orphan on disk); `delete_on_commit` removes a replaced file once the new one is committed.
Serving: `file_response` answers every download with `Content-Disposition: attachment` (or
`inline` for a PDF), `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`.

The bounded parsers here are minimal on purpose (a page-tree walk with a visited set, a pixel
limit, a zip-header check); `core` is meant to hold one set of bounded parsers, and these
functions are the single place to point at them.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError

MB = 1024 * 1024


# --- kinds ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = Kind("pdf", "application/pdf", (".pdf",), "PDF")
PNG = Kind("png", "image/png", (".png",), "PNG")
JPEG = Kind("jpeg", "image/jpeg", (".jpg", ".jpeg"), "JPEG")
TIFF = Kind("tiff", "image/tiff", (".tif", ".tiff"), "TIFF")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "DOCX")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "XLSX")
JSON = Kind("json", "application/json", (".json",), "JSON")
CSV = Kind("csv", "text/csv", (".csv",), "CSV")
KINDS: tuple[Kind, ...] = (PDF, PNG, JPEG, TIFF, DOCX, XLSX, JSON, CSV)
_BY_EXTENSION = {extension: kind for kind in KINDS for extension in kind.extensions}
_BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}


def kind_of_content_type(content_type: str) -> Kind | None:
    return _BY_CONTENT_TYPE.get(content_type)


# --- intake paths -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Intake:
    """One way files come in: the kinds it accepts and the setting that holds its size limit."""

    name: str
    kinds: tuple[Kind, ...]
    limit_setting: str

    @property
    def max_bytes(self) -> int:
        return int(getattr(settings, self.limit_setting))

    @property
    def content_types(self) -> frozenset[str]:
        return frozenset(k.content_type for k in self.kinds)

    def __contains__(self, content_type: object) -> bool:
        return content_type in self.content_types


_SCANS = (PDF, PNG, JPEG, TIFF)
#: The counter's scans of the papers shown (digitised components, Decree 45/2020 art. 13).
COUNTER = Intake("dossiers.counter", _SCANS, "UPLOAD_MAX_BYTES")
#: Portal: the files of an application draft and of a supplement's answer.
PORTAL = Intake("portal.application", (PDF, JPEG, PNG, DOCX), "PORTAL_UPLOAD_MAX_BYTES")
PORTAL_SUPPLEMENT = Intake("portal.supplement", (PDF, JPEG, PNG, DOCX), "PORTAL_UPLOAD_MAX_BYTES")
#: The dossier's result: a PDF whose signatures the signing app then validates.
RESULT = Intake("dossiers.result", (PDF,), "SIGNING_MAX_PDF_BYTES")
#: The signature-check page and API.
SIGNATURE_CHECK = Intake("signing.check", (PDF,), "SIGNING_MAX_PDF_BYTES")
#: The document office: scans of paper documents, drafts, working files and attachments.
DOCUMENT_SCAN = Intake("documents.scan", _SCANS, "UPLOAD_MAX_BYTES")
DOCUMENT_DRAFT = Intake("documents.draft", (PDF, DOCX), "UPLOAD_MAX_BYTES")
DOCUMENT_PDF = Intake("documents.pdf", (PDF,), "SIGNING_MAX_PDF_BYTES")
DOCUMENT_FILE = Intake("documents.file", (PDF, DOCX, XLSX, PNG, JPEG, TIFF), "UPLOAD_MAX_BYTES")
#: Attachments of incoming edXML packages (exchange → documents).
EXCHANGE_ATTACHMENT = Intake("exchange.attachment", (PDF, DOCX, XLSX, PNG, JPEG, TIFF), "UPLOAD_MAX_BYTES")
#: The administrators' imports.
IMPORT_PROCEDURES = Intake("import.procedures", (JSON, XLSX), "UPLOAD_IMPORT_MAX_BYTES")
IMPORT_AGENCIES = Intake("import.agencies", (XLSX, CSV, JSON), "UPLOAD_IMPORT_MAX_BYTES")
IMPORT_WORKDAYS = Intake("import.workdays", (JSON,), "UPLOAD_IMPORT_MAX_BYTES")
INTAKES: tuple[Intake, ...] = (
    COUNTER,
    PORTAL,
    PORTAL_SUPPLEMENT,
    RESULT,
    SIGNATURE_CHECK,
    DOCUMENT_SCAN,
    DOCUMENT_DRAFT,
    DOCUMENT_PDF,
    DOCUMENT_FILE,
    EXCHANGE_ATTACHMENT,
    IMPORT_PROCEDURES,
    IMPORT_AGENCIES,
    IMPORT_WORKDAYS,
)


# --- the checked file -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content: bytes
    content_type: str
    sha256: str
    pages: int | None = None
    kind: str = ""

    @property
    def size(self) -> int:
        return len(self.content)

    def as_file(self) -> ContentFile[bytes]:
        return ContentFile(self.content, name=self.name)


class Unreadable(Exception):
    """The content does not parse as the kind its name says."""


class TooLarge(Exception):
    """The content expands past a limit (pixels, unzipped bytes, ratio)."""


def refuse(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, fields={field: [message]})


def _mb(value: int) -> str:
    return f"{value / MB:g}"


def _read(upload: Any, limit: int, field: str) -> tuple[str, bytes]:
    """The name and bytes of an upload (an UploadedFile, a File or a (name, bytes) pair), never past `limit`."""
    too_large = refuse("upload.too_large", _("The file is larger than %(mb)s MB.") % {"mb": _mb(limit)}, field)
    if isinstance(upload, tuple):
        name, content = upload
        if len(content) > limit:
            raise too_large
        return str(name), bytes(content)
    name = str(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise too_large  # refused before a byte is read
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)
    content = upload.read(limit + 1)
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)
    if len(content) > limit:
        raise too_large
    return name, content


#: What WHATWG MIME sniffing reads as HTML/XML/script at the start of a file (case-insensitive).
_SCRIPTABLE = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|title|style|div|table|\?xml-stylesheet)", re.I)


def check_upload(upload: Any, *, intake: Intake, field: str = "file") -> CheckedUpload:
    """Refuse `upload` unless it is a sound file of one of `intake`'s kinds; return it read and checked.

    Raises DomainError with the codes listed in the module docstring; `fields` names `field`.
    """
    name, content = _read(upload, intake.max_bytes, field)
    name = PurePath(name.replace("\\", "/")).name[:200] or "file"
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|*?:')
    if not content:
        raise refuse("upload.empty", _("The file “%(name)s” is empty.") % {"name": name}, field)
    kind = _BY_EXTENSION.get(PurePath(name).suffix.lower())
    if kind is None or kind not in intake.kinds:
        accepted = ", ".join(k.label for k in intake.kinds)
        raise refuse(
            "upload.type_not_allowed",
            _("“%(name)s” is not an accepted type of file here. Accepted: %(kinds)s.") % {"name": name, "kinds": accepted},
            field,
        )
    mismatch = refuse(
        "upload.content_mismatch",
        _("The content of “%(name)s” is not a %(kind)s file as its name says.") % {"name": name, "kind": kind.label},
        field,
    )
    if not content.startswith(_MAGIC.get(kind.name, b"")):
        raise mismatch
    if kind not in (JSON, CSV) and _SCRIPTABLE.search(content[:1024]):
        raise mismatch  # a polyglot: a browser sniffing this would run it
    pages: int | None = None
    try:
        pages = _PARSERS[kind.name](content)
    except TooLarge:
        raise refuse(
            "upload.too_large", _("“%(name)s” expands to more than this server accepts (a compression bomb?).") % {"name": name}, field
        ) from None
    except Unreadable:
        raise refuse(
            "upload.unreadable", _("“%(name)s” cannot be read as a %(kind)s file.") % {"name": name, "kind": kind.label}, field
        ) from None
    found = scan(content, name)
    if found:
        raise refuse("upload.infected", _("The file “%(name)s” was refused by the virus scanner.") % {"name": name}, field)
    return CheckedUpload(
        name=name,
        content=content,
        content_type=kind.content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        kind=kind.name,
    )


# --- parsers (bounded) --------------------------------------------------------------------------------
_MAGIC = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
}
#: Depth of the page tree and number of nodes walked before a PDF is called unreadable.
PDF_MAX_DEPTH = 64


def pdf_page_count(content: bytes) -> int | None:
    """Pages of a PDF, walked by `core.limits` (visited set, depth limit, each page's /Parent chain
    must end — ADR 0039); raise Unreadable. None for a PDF protected by a password (not walkable
    here; the signing app reports it)."""
    from chinhquyen.core.limits import LimitError, pdf_page_count_bounded

    if not content.startswith(b"%PDF-"):
        raise Unreadable
    try:
        pages = pdf_page_count_bounded(content, max_depth=PDF_MAX_DEPTH)
    except LimitError as exc:
        if exc.code == "file.pdf_encrypted":
            return None
        raise Unreadable from exc
    if pages == 0:
        raise Unreadable
    return pages


def image_check(content: bytes, expected: str) -> None:
    """Decode the image within UPLOAD_MAX_IMAGE_PIXELS; raise TooLarge or Unreadable."""
    import warnings

    from PIL import Image

    limit = settings.UPLOAD_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if (image.format or "").lower() != expected:
                    raise Unreadable
                frames = getattr(image, "n_frames", 1)
                if frames > 1000:
                    raise TooLarge
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise Unreadable
                if width * height > limit or width * height * frames > limit * 4:
                    raise TooLarge  # refused before a pixel is decoded
                image.load()
    except (TooLarge, Unreadable):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge from exc
    except (Exception, RecursionError) as exc:
        raise Unreadable from exc


def office_check(content: bytes, marker: str) -> None:
    """An Office Open XML zip whose declared members stay within UPLOAD_MAX_UNZIPPED_BYTES and UPLOAD_MAX_ZIP_RATIO."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > 5000:
                raise TooLarge
            total = 0
            for member in members:
                total += member.file_size
                if member.file_size > settings.UPLOAD_MAX_ZIP_RATIO * max(member.compress_size, 1) and member.file_size > MB:
                    raise TooLarge
            if total > settings.UPLOAD_MAX_UNZIPPED_BYTES:
                raise TooLarge
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or marker not in names:
                raise Unreadable
            with archive.open("[Content_Types].xml") as types:
                if b"<Types" not in types.read(MB):
                    raise Unreadable
        # The headers may lie: every member is then unpacked a megabyte at a time and counted
        # against the same limits (core.limits, ADR 0039), nothing kept.
        _office_unpacked_within_limits(content)
    except (TooLarge, Unreadable):
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise Unreadable from exc


def _office_unpacked_within_limits(content: bytes) -> None:
    from chinhquyen.core.limits import LimitError, ZipLimits, check_zip_bounded

    limits = ZipLimits.default(max_bytes=settings.UPLOAD_MAX_UNZIPPED_BYTES, max_members=5000, max_ratio=settings.UPLOAD_MAX_ZIP_RATIO)
    try:
        check_zip_bounded(content, limits=limits).close()
    except LimitError as exc:
        if exc.code in ("file.zip_too_large", "file.zip_ratio", "file.zip_too_many_members"):
            raise TooLarge from exc
        raise Unreadable from exc


def _json_check(content: bytes) -> None:
    try:
        json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Unreadable from exc


def _csv_check(content: bytes) -> None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable from exc
    if "\x00" in text:
        raise Unreadable
    try:
        for _row in csv.reader(io.StringIO(text)):
            pass
    except csv.Error as exc:
        raise Unreadable from exc


def _none(check: Callable[[bytes], None]) -> Callable[[bytes], int | None]:
    def run(content: bytes) -> int | None:
        check(content)
        return None

    return run


_PARSERS: dict[str, Callable[[bytes], int | None]] = {
    "pdf": pdf_page_count,
    "png": _none(lambda c: image_check(c, "png")),
    "jpeg": _none(lambda c: image_check(c, "jpeg")),
    "tiff": _none(lambda c: image_check(c, "tiff")),
    "docx": _none(lambda c: office_check(c, "word/document.xml")),
    "xlsx": _none(lambda c: office_check(c, "xl/workbook.xml")),
    "json": _none(_json_check),
    "csv": _none(_csv_check),
}


# --- virus scanner --------------------------------------------------------------------------------
def scan(content: bytes, name: str = "") -> str | None:
    """The name of what the configured scanner found in `content`, or None; raise upload.scan_failed when it cannot tell."""
    if settings.CLAMD_SOCKET or settings.CLAMD_HOST:
        return clamd_scan(content)
    if settings.UPLOAD_VIRUS_SCANNER:
        hook: Callable[[bytes, str], str | None] = import_string(settings.UPLOAD_VIRUS_SCANNER)
        return hook(content, name)
    return None


def clamd_scan(content: bytes) -> str | None:
    """Scan with ClamAV's daemon (INSTREAM) through the `clamd` package; fail closed."""
    import clamd

    timeout = settings.CLAMD_TIMEOUT
    client = (
        clamd.ClamdUnixSocket(path=settings.CLAMD_SOCKET, timeout=timeout)
        if settings.CLAMD_SOCKET
        else clamd.ClamdNetworkSocket(host=settings.CLAMD_HOST, port=settings.CLAMD_PORT, timeout=timeout)
    )
    try:
        result = client.instream(io.BytesIO(content))
        status, found = (result or {}).get("stream", ("", None))
    except (clamd.ClamdError, OSError) as exc:
        raise _scan_failed() from exc
    if status == "FOUND":
        return str(found or "unknown")
    if status == "OK":
        return None
    raise _scan_failed()


def _scan_failed() -> DomainError:
    return DomainError(
        "upload.scan_failed", _("The virus scanner could not check the file; nothing was saved. Try again later."), fields={}
    )


# --- quota ------------------------------------------------------------------------------------------
def check_quota(*, used: int, adding: int, limit: int, field: str = "file") -> None:
    """Refuse when `used + adding` bytes would pass `limit` (a per-applicant quota)."""
    if used + adding > limit:
        raise refuse(
            "upload.quota",
            _("Your files would take more than %(mb)s MB: remove some or submit the application first.") % {"mb": _mb(limit)},
            field,
        )


# --- storing ----------------------------------------------------------------------------------------
_stored: contextvars.ContextVar[list[tuple[Any, str]] | None] = contextvars.ContextVar("uploads_stored", default=None)


@contextlib.contextmanager
def removed_on_failure() -> Iterator[None]:
    """Delete every file `save_file` stored inside this block when the block raises (the transaction rolled back).

    Put it around the service's `transaction.atomic()`: Django has no rollback hook, and a file
    written during a transaction that then rolls back would stay on disk with no row naming it.
    Nested blocks share the outermost list.
    """
    if _stored.get() is not None:
        yield
        return
    saved: list[tuple[Any, str]] = []
    token = _stored.set(saved)
    try:
        yield
    except BaseException:
        for storage, name in saved:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
    finally:
        _stored.reset(token)


def save_file(field_file: FieldFile, checked: CheckedUpload, *, name: str | None = None) -> None:
    """Store the checked content into `field_file` (not saving the model); remembered for `removed_on_failure`."""
    save_bytes(field_file, name or checked.name, checked.content)


def save_bytes(field_file: FieldFile, name: str, content: bytes) -> None:
    """Store bytes made here (a copy kept as evidence) into `field_file`; remembered for `removed_on_failure`."""
    field_file.save(name, ContentFile(content), save=False)
    saved = _stored.get()
    if saved is not None and field_file.name:
        saved.append((field_file.storage, field_file.name))


def save_to_storage(folder: str, checked: CheckedUpload) -> str:
    """Store the checked content under `folder` of the default storage with a random name; remembered for `removed_on_failure`."""
    import uuid

    from django.core.files.storage import default_storage

    suffix = PurePath(checked.name).suffix.lower()
    name = default_storage.save(f"{folder}/{uuid.uuid4().hex}{suffix}", ContentFile(checked.content))
    saved = _stored.get()
    if saved is not None:
        saved.append((default_storage, name))
    return name


def delete_on_commit(field_file: FieldFile | None) -> None:
    """Delete a replaced or orphaned file once the current transaction commits (now, outside one)."""
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    if not name:
        return

    def delete() -> None:
        with contextlib.suppress(OSError):
            storage.delete(name)

    transaction.on_commit(delete)


# --- serving ----------------------------------------------------------------------------------------
#: Sent with every file served: nothing in it runs, even if a browser opens it.
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; object-src 'none'"


def file_response(
    source: IO[bytes] | bytes | str, *, filename: str, content_type: str = "application/octet-stream", inline: bool = False
) -> HttpResponseBase:
    """Serve a stored or generated file: a download, or inline only for a PDF; nosniff and a sandboxing CSP always."""
    inline = inline and content_type == PDF.content_type
    response: HttpResponseBase = (
        HttpResponse(source, content_type=content_type)
        if isinstance(source, (bytes, str))
        else FileResponse(source, content_type=content_type)
    )
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
