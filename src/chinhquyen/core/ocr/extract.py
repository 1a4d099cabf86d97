"""Text out of a file: text PDFs (pypdf), DOCX (python-docx), scans and photos (Tesseract, `vie`).

`extract_text(data, filename=…)` decides by the file's first bytes, not its name. A PDF page
whose text layer is empty or is only a stamp over a full-page image is OCR'd (rasterised with
pdftoppm at 300 dpi); other pages keep their text. Failures are `ExtractionError`s with a code
and a message for people — corrupt, encrypted, too large, too many pages, not a supported kind —
never a crash, so the background job can show the reason and offer to retry.
"""

from __future__ import annotations

import io
import logging
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.errors import DomainError
from chinhquyen.core.limits import LimitError, check_zip_bounded, pdf_pages_bounded
from chinhquyen.core.ocr import engine

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

#: A page with fewer visible characters than this is a scan (or blank) and is OCR'd.
MIN_TEXT_CHARS = 50
#: A page whose text is shorter than this and that carries a large image is a scan with a
#: stamp's text on it (the Government portal's signature stamp): OCR'd too.
STAMP_TEXT_CHARS = 1000
LARGE_IMAGE_PIXELS = 1_000_000


class ExtractionError(DomainError):
    """The file cannot be read; `code` says why (`extract.corrupt`, `extract.encrypted` …)."""


def max_bytes() -> int:
    return int(settings.EXTRACT_MAX_BYTES)


def max_pages() -> int:
    return int(settings.EXTRACT_MAX_PAGES)


def max_ocr_pages() -> int:
    return int(settings.OCR_MAX_PAGES)


@dataclass
class ExtractionResult:
    """What was read. `method` is `text` (a text layer), `ocr`, `mixed` (some pages each),
    `docx` or `plain`; `ocr_pages` lists the pages (from 1) that went through OCR; `warnings`
    holds codes such as `ocr.truncated` (more scanned pages than `OCR_MAX_PAGES`)."""

    text: str
    method: str
    pages: int = 1
    ocr_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_report(self) -> dict[str, Any]:
        return {"method": self.method, "pages": self.pages, "ocr_pages": self.ocr_pages, "chars": len(self.text), "warnings": self.warnings}


def sniff(data: bytes, filename: str = "") -> str:
    """`pdf`, `docx`, `image`, `plain` or `unknown`, from the first bytes (the name only for text)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "unknown"
        except zipfile.BadZipFile:
            return "unknown"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if filename.lower().endswith((".txt", ".csv", ".md")):
        return "plain"
    return "unknown"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\x00", "")
    return "\n".join(line.rstrip() for line in text.splitlines()).strip()


def extract_text(data: bytes, *, filename: str = "", progress: Progress | None = None) -> ExtractionResult:
    """Read the text of `data`. Raises `ExtractionError`."""
    if len(data) > max_bytes():
        raise ExtractionError("extract.too_large", _("The file is larger than %(mb)d MB.") % {"mb": max_bytes() // (1024 * 1024)})
    if not data:
        raise ExtractionError("extract.empty", _("The file is empty."))
    kind = sniff(data, filename)
    if kind == "pdf":
        return _pdf(data, progress)
    if kind == "docx":
        return _docx(data)
    if kind == "image":
        return _image(data, progress)
    if kind == "plain":
        return ExtractionResult(text=_clean(data.decode("utf-8", errors="replace")), method="plain")
    raise ExtractionError("extract.unsupported", _("This kind of file cannot be read (PDF, DOCX or a scanned image are)."))


def _pdf(data: bytes, progress: Progress | None) -> ExtractionResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # An owner password alone (printing/copying restrictions) still opens with "".
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise ExtractionError("extract.encrypted", _("The PDF is protected by a password; send a copy without one."))
        root: Any = reader.trailer["/Root"]
        count = len(pdf_pages_bounded(root["/Pages"]))  # a visited set, a depth limit
        count = min(count, len(reader.pages))
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError, LimitError) as error:
        raise ExtractionError("extract.corrupt", _("The PDF is damaged and cannot be read.")) from error
    if count == 0:
        raise ExtractionError("extract.corrupt", _("The PDF is damaged and cannot be read."))
    if count > max_pages():
        raise ExtractionError("extract.too_many_pages", _("The PDF has more than %(max)d pages.") % {"max": max_pages()})
    texts: list[str] = []
    scanned: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # a broken content stream on one page: OCR that page instead
            logger.warning("text layer of page %s unreadable", number, exc_info=True)
            text = ""
        texts.append(text)
        if _looks_scanned(page, text):
            scanned.append(number)
    warnings: list[str] = []
    if len(scanned) > max_ocr_pages():
        warnings.append("ocr.truncated")
    to_ocr = scanned[: max_ocr_pages()]
    if to_ocr:
        with tempfile.TemporaryDirectory(prefix="chinhquyen-extract-") as tmp:
            path = Path(tmp) / "in.pdf"
            path.write_bytes(data)
            for i, number in enumerate(to_ocr, start=1):
                try:
                    image = engine.rasterise_pdf_page(path, number)
                except Exception as error:
                    raise ExtractionError("extract.corrupt", _("Page %(page)d of the PDF cannot be drawn.") % {"page": number}) from error
                texts[number - 1] = engine.image_to_text(image)
                if progress:
                    progress(i, len(to_ocr))
    method = "text" if not to_ocr else "ocr" if len(to_ocr) == count else "mixed"
    return ExtractionResult(text=_clean("\n\n".join(texts)), method=method, pages=count, ocr_pages=to_ocr, warnings=warnings)


def _looks_scanned(page: Any, text: str) -> bool:
    visible = len("".join(text.split()))
    if visible < MIN_TEXT_CHARS:
        return True
    if visible >= STAMP_TEXT_CHARS:
        return False
    try:
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image" and int(obj.get("/Width", 0)) * int(obj.get("/Height", 0)) >= LARGE_IMAGE_PIXELS:
                return True
    except Exception:
        return False
    return False


def _docx(data: bytes) -> ExtractionResult:
    import docx

    try:
        check_zip_bounded(data, name="DOCX")  # before python-docx unzips it all
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        raise ExtractionError("extract.corrupt", _("The DOCX file is damaged and cannot be read.")) from error
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return ExtractionResult(text=_clean("\n".join(parts)), method="docx")


def _image(data: bytes, progress: Progress | None) -> ExtractionResult:
    from chinhquyen.core.limits import image_frame_bounded, open_image_bounded

    try:
        image = open_image_bounded(data, max_frames=max_pages(), load=False)
        frames = getattr(image, "n_frames", 1)
    except LimitError as error:
        if error.code == "file.image_too_many_frames":
            raise ExtractionError("extract.too_many_pages", _("The file has more than %(max)d pages.") % {"max": max_pages()}) from error
        raise ExtractionError("extract.corrupt", _("The image is damaged or too large to read.")) from error
    texts: list[str] = []
    pages = list(range(1, min(frames, max_ocr_pages()) + 1))
    for number in pages:
        try:
            frame = image_frame_bounded(image, number - 1)
        except LimitError as error:
            raise ExtractionError("extract.corrupt", _("The image is damaged or too large to read.")) from error
        texts.append(engine.image_to_text(frame))
        if progress:
            progress(number, len(pages))
    warnings = ["ocr.truncated"] if frames > len(pages) else []
    return ExtractionResult(text=_clean("\n\n".join(texts)), method="ocr", pages=frames, ocr_pages=pages, warnings=warnings)
