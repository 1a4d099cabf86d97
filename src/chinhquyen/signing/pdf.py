"""PAdES signing the way Decree 30/2020 draws it (Phụ lục I II.8; STANDARDS §2.8). Bytes in, bytes out.

No database here: `services` adds the actors, the roles and the audit trail. Every function
takes the whole PDF and returns a new one built by an *incremental update*, so the bytes that
earlier signatures cover are never touched (ADR 0015).

- `sign_pdf(...)`: one signature — personal (blue signature image in the signer's box, plus the
  empty number and date fields the clerk fills later), organisation (red seal at its real size
  over the left third of the personal image), or invisible (attachments and electronic copies,
  with their text label at the top right of page 1).
- `fill_number_and_date(...)`: the clerk's number and date, written into the fields created with
  the personal signature: form filling, which the personal signature permits (ADR 0015).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from chinhquyen.core import limits as bounded
from chinhquyen.core.errors import DomainError

VN_TZ = dt.timezone(dt.timedelta(hours=7), "+07:00")
#: Field names: what our own signatures and fields are called in the PDF.
PERSONAL_FIELD = "ChuKyCaNhan"
ORGANIZATION_FIELD = "ChuKyCoQuan"
NUMBER_FIELD = "SoKyHieu"
DATE_FIELD = "NgayBanHanh"
POINTS_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in PDF points from the bottom-left corner; `page` is 0-based, -1 = last."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1


# --- Reading ---------------------------------------------------------------------------------


def check_size(size: int) -> None:
    """Refuse a file larger than SIGNING_MAX_PDF_BYTES; call before reading it."""
    if size > settings.SIGNING_MAX_PDF_BYTES:
        raise DomainError(
            "signing.pdf_too_large",
            _("The PDF is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": round(settings.SIGNING_MAX_PDF_BYTES / 1048576, 1)},
        )


def open_pdf(data: bytes) -> PdfFileReader:
    """A reader for a PDF we are about to sign: refuses too large, malformed and encrypted files,
    and page trees that loop or never end (`core.limits.pdf_pages_bounded`: a visited set and a
    depth limit, each page's `/Parent` chain followed to its end), before pyHanko walks them."""
    check_size(len(data))
    if b"%PDF-" not in data[:1024]:
        raise DomainError("signing.pdf_malformed", _("The file is not a PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
        if not encrypted and not bounded.pdf_pages_bounded(reader.root.raw_get("/Pages")):
            raise ValueError("no pages")
    except bounded.LimitError as exc:
        raise DomainError("signing.pdf_malformed", _("The PDF cannot be read: %(reason)s") % {"reason": exc.message}) from None
    except DomainError:
        raise
    except Exception:
        raise DomainError("signing.pdf_malformed", _("The PDF cannot be read (damaged or truncated)."))
    if encrypted:
        raise DomainError("signing.pdf_encrypted", _("The PDF is encrypted; ask for an unencrypted copy to sign it."))
    return reader


def page_size(reader: PdfFileReader, page: int) -> tuple[float, float, float, float]:
    """The MediaBox of a page (inherited from the page tree when the page has none)."""
    obj = _page_object(reader, _page_index(reader, page))
    x1, y1, x2, y2 = (float(v) for v in _inherited(obj, "/MediaBox"))  # type: ignore[attr-defined]
    return x1, y1, x2, y2


def _page_object(reader: PdfFileReader, index: int) -> generic.DictionaryObject:
    return _all_pages(reader)[index].get_object()  # type: ignore[no-any-return]


def _inherited(page: generic.DictionaryObject, key: str) -> object:
    return bounded.pdf_inherited(page, key, [0, 0, 595, 842])


def page_count(reader: PdfFileReader) -> int:
    """The pages found by walking the tree (not the `/Count` it claims)."""
    return len(_all_pages(reader))


def find_text(data: bytes, needle: str, *, page: int = 0) -> tuple[float, float, float, float] | None:
    """The bounding box of the first text line on `page` that contains `needle` (pdfminer)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    try:
        for layout in extract_pages(io.BytesIO(data), page_numbers=[page], maxpages=1):
            for element in layout:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if isinstance(line, LTTextLine) and needle.lower() in line.get_text().lower():
                        return line.bbox  # type: ignore[no-any-return]
    except Exception:
        return None
    return None


# --- Drawing text (Noto: DESIGN.md — pyHanko spaces letters badly with DejaVu) -----------------


@lru_cache(maxsize=4)
def _font_factory(path: str) -> GlyphAccumulatorFactory:
    return GlyphAccumulatorFactory(path, font_size=10)


def font_path(*, italic: bool = False) -> str:
    path = settings.SIGNING_FONT_FILE
    if italic and path.endswith("-Regular.ttf"):
        candidate = path.replace("-Regular.ttf", "-Italic.ttf")
        from pathlib import Path

        if Path(candidate).exists():
            return candidate
    return path  # type: ignore[no-any-return]


def text_xobject(
    writer: IncrementalPdfFileWriter,
    lines: Sequence[str],
    *,
    size: float,
    width: float | None = None,
    height: float | None = None,
    align: str = "left",
    italic: bool = False,
    color: tuple[float, float, float] = (0, 0, 0),
) -> tuple[generic.IndirectObject, float, float]:
    """A form XObject that paints `lines` and nothing else (text operators only: the validator's
    shadow-attack guard accepts such appearances for fields filled after signing)."""
    engine = _font_factory(font_path(italic=italic)).create_font_engine(writer)
    leading = size * 1.25
    shaped = [engine.shape(line) for line in lines]
    natural_width = max((s.x_advance for s in shaped), default=0) * size
    box_w = width if width is not None else natural_width + 2
    box_h = height if height is not None else leading * len(lines) + size * 0.3
    ops = [b"BT", f"{color[0]:g} {color[1]:g} {color[2]:g} rg".encode(), f"/F1 {size:g} Tf".encode()]
    y = box_h - size
    for line_shape in shaped:
        line_w = line_shape.x_advance * size
        x = {"left": 1.0, "right": box_w - line_w - 1, "center": (box_w - line_w) / 2}[align]
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm".encode())
        ops.append(line_shape.graphics_ops)
        y -= leading
    ops.append(b"ET")
    stream = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(
                [generic.FloatObject(0), generic.FloatObject(0), generic.FloatObject(box_w), generic.FloatObject(box_h)]
            ),
            pdf_name("/Resources"): generic.DictionaryObject(
                {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): engine.as_resource()})}
            ),
        },
        stream_data=b"\n".join(ops),
    )
    return writer.add_object(stream), box_w, box_h


def _empty_xobject(writer: IncrementalPdfFileWriter, width: float, height: float) -> generic.IndirectObject:
    # An empty field paints nothing: nothing can hide behind it (shadow attacks, ADR 0016).
    return writer.add_object(
        generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): generic.ArrayObject(
                    [generic.FloatObject(0), generic.FloatObject(0), generic.FloatObject(width), generic.FloatObject(height)]
                ),
            },
            stream_data=b"",
        )
    )


# --- Number and date fields (Decree 30/2020 Phụ lục I II.3, II.4; Art. 15) --------------------


def _acroform(writer: IncrementalPdfFileWriter) -> generic.DictionaryObject:
    root = writer.root
    if "/AcroForm" not in root:
        root[pdf_name("/AcroForm")] = writer.add_object(generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()}))
        writer.update_root()
    form = root["/AcroForm"]
    if "/Fields" not in form:
        form[pdf_name("/Fields")] = generic.ArrayObject()
    return form  # type: ignore[no-any-return]


def _update_acroform(writer: IncrementalPdfFileWriter) -> None:
    raw = writer.root.raw_get("/AcroForm")
    if isinstance(raw, generic.IndirectObject):
        writer.update_container(raw.get_object())
    else:
        writer.update_root()


def add_text_field(writer: IncrementalPdfFileWriter, name: str, box: Box, *, page_index: int) -> None:
    """An empty read-only text field (the clerk's number or date, filled after the personal signature)."""
    page_ref = writer.find_page_for_modification(page_index)[0]
    page = page_ref.get_object()
    field = generic.DictionaryObject(
        {
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(name),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (box.x1, box.y1, box.x2, box.y2)]),
            pdf_name("/F"): generic.NumberObject(4),  # print
            pdf_name("/Ff"): generic.NumberObject(1),  # read-only in viewers; we fill it ourselves
            pdf_name("/P"): page_ref,
            pdf_name("/DA"): pdf_string("/Helv 13 Tf 0 g"),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): _empty_xobject(writer, box.width, box.height)}),
        }
    )
    ref = writer.add_object(field)
    annots = page.get("/Annots")
    if annots is None:
        page[pdf_name("/Annots")] = generic.ArrayObject([ref])
        writer.update_container(page)
    else:
        annots.get_object().append(ref)
        raw = page.raw_get("/Annots")
        writer.update_container(raw.get_object() if isinstance(raw, generic.IndirectObject) else page)
    form = _acroform(writer)
    form["/Fields"].append(ref)
    _update_acroform(writer)


def default_number_box(data: bytes, reader: PdfFileReader) -> Box:
    """After "Số:" on page 1 when found (Phụ lục I II.3), else the left column of an A4 header."""
    found = find_text(data, "Số:")
    if found:
        x1, y1, _x2, y2 = found
        start = x1 + 20
        return Box(0, start, y1 - 1, start + 130, y2 + 1)
    height = page_size(reader, 0)[3]
    return Box(0, 70, height - 125, 230, height - 108)


def default_date_box(data: bytes, reader: PdfFileReader) -> Box:
    """Under the motto in the right column of page 1 (Phụ lục I II.4)."""
    width, height = page_size(reader, 0)[2:]
    found = find_text(data, "Hạnh phúc")
    if found:
        x1, y1, x2, _y2 = found
        centre = (x1 + x2) / 2
        return Box(0, centre - 120, y1 - 22, centre + 120, y1 - 4)
    return Box(0, width - 300, height - 130, width - 45, height - 112)


def vietnamese_date_line(place: str, day: dt.date) -> str:
    """`Phú Thọ, ngày 05 tháng 3 năm 2026` (Phụ lục I II.4: days below 10 and months 1, 2 get a leading 0)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    prefix = f"{place}, " if place else ""
    return f"{prefix}ngày {day.day:02d} tháng {month} năm {day.year}"


def fill_number_and_date(data: bytes, *, number_notation: str, date_line: str) -> bytes:
    """Write the number and date into the fields made with the personal signature (one incremental update)."""
    reader = open_pdf(data)
    if "/AcroForm" not in reader.root:
        raise DomainError(
            "signing.no_number_fields", _("The PDF has no number and date fields: sign it personally through chinhquyen first.")
        )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    found = set()
    for ref in writer.root["/AcroForm"].get("/Fields", []):
        field = ref.get_object()
        name = str(field.get("/T", ""))
        if name not in (NUMBER_FIELD, DATE_FIELD):
            continue
        if field.get("/V"):
            raise DomainError("signing.already_numbered", _("The document already has its number and date."))
        rect = [float(v) for v in field["/Rect"]]
        width, height = rect[2] - rect[0], rect[3] - rect[1]
        value = number_notation if name == NUMBER_FIELD else date_line
        appearance, _w, _h = text_xobject(
            writer,
            [value],
            size=13,
            width=width,
            height=height,
            align="left" if name == NUMBER_FIELD else "center",
            italic=name == DATE_FIELD,
        )
        field[pdf_name("/V")] = pdf_string(value)
        field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance})
        writer.update_container(field)
        found.add(name)
    if found != {NUMBER_FIELD, DATE_FIELD}:
        raise DomainError(
            "signing.no_number_fields", _("The PDF has no number and date fields: sign it personally through chinhquyen first.")
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Images ----------------------------------------------------------------------------------


#: The names of the images in messages ("the signature image", "the seal image").
_IMAGE_NAMES = {"signature": _("signature"), "seal": _("seal")}


def load_png(data: bytes, *, what: str) -> Image.Image:
    what = str(_IMAGE_NAMES.get(what, what))
    try:
        image = bounded.open_image_bounded(data, max_pixels=min(bounded.max_image_pixels(), 25_000_000))
    except bounded.LimitError:
        raise DomainError("signing.image_invalid", _("The %(what)s image cannot be read (PNG expected).") % {"what": what}) from None
    if image.format != "PNG":
        raise DomainError("signing.image_invalid", _("The %(what)s image must be a PNG with a transparent background.") % {"what": what})
    return image.convert("RGBA")


def seal_size_points(image: Image.Image) -> tuple[float, float]:
    """The seal's real size (Decree 30 Phụ lục I II.8: "kích thước bằng kích thước thực tế của dấu").

    From the PNG's resolution when it says one; otherwise SIGNING_SEAL_DIAMETER_MM across.
    """
    dpi = image.info.get("dpi")
    if dpi and float(dpi[0]) > 30:
        return image.width / float(dpi[0]) * 72, image.height / float(dpi[1]) * 72
    width = settings.SIGNING_SEAL_DIAMETER_MM * POINTS_PER_MM
    return width, width * image.height / image.width


def personal_box(data: bytes, reader: PdfFileReader, image: Image.Image | None, *, signer_name: str = "") -> Box:
    """Box 7c: centred between the position line and the signer's name (Phụ lục I II.7, II.8).

    Found from the signer's name on the last page when given; otherwise the lower right of the
    last page. The box has the image's proportions so that the seal can be placed against it.
    """
    width = 150.0
    height = width * (image.height / image.width) if image is not None else 50.0
    height = min(height, 70.0)
    last = page_count(reader) - 1
    page_w = page_size(reader, last)[2]
    if signer_name:
        found = find_text(data, signer_name, page=last)
        if found:
            x1, _y1, x2, y2 = found
            centre = (x1 + x2) / 2
            return Box(last, centre - width / 2, y2 + 6, centre + width / 2, y2 + 6 + height)
    return Box(last, page_w - 60 - width, 150, page_w - 60, 150 + height)


def seal_box(personal: Box, image: Image.Image) -> Box:
    """The seal at real size, its right edge a third of the way into the personal image, centred vertically
    (Decree 30 Phụ lục I II.8: "trùm lên khoảng 1/3 hình ảnh chữ ký số của người có thẩm quyền về bên trái")."""
    width, height = seal_size_points(image)
    right = personal.x1 + personal.width / 3
    centre_y = (personal.y1 + personal.y2) / 2
    return Box(personal.page, right - width, centre_y - height / 2, right, centre_y + height / 2)


def find_signature_box(reader: PdfFileReader, *, prefer: str = PERSONAL_FIELD) -> Box | None:
    """The widget rectangle of the personal signature (ours by name, else the last visible one)."""
    candidates: list[tuple[str, Box]] = []
    pages = _all_pages(reader)
    for name, _value, field_ref in fields.enumerate_sig_fields(reader, filled_status=True):
        field = field_ref.get_object()
        rect = field.get("/Rect")
        if rect is None and "/Kids" in field:
            kid = field["/Kids"][0].get_object()
            rect, field = kid.get("/Rect"), kid
        if rect is None:
            continue
        x1, x2 = sorted([float(rect[0]), float(rect[2])])
        y1, y2 = sorted([float(rect[1]), float(rect[3])])
        if x2 - x1 < 1 or y2 - y1 < 1:
            continue
        page_ref = field.raw_get("/P") if "/P" in field else None
        page = next((i for i, ref in enumerate(pages) if page_ref is not None and ref.idnum == page_ref.idnum), 0)
        candidates.append((name, Box(page, x1, y1, x2, y2)))
    for name, box in candidates:
        if name.startswith(prefer):
            return box
    return candidates[-1][1] if candidates else None


def _all_pages(reader: PdfFileReader) -> list[generic.IndirectObject]:
    return bounded.pdf_pages_bounded(reader.root.raw_get("/Pages"))


# --- Signing ---------------------------------------------------------------------------------


class _TimedPdfSigner(signers.PdfSigner):
    """A PdfSigner whose signing time (`/M`) is the one we printed in the label."""

    def __init__(self, *args: object, signing_time: dt.datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):  # type: ignore[no-untyped-def]
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        return session


@dataclass
class Label:
    """The text label of an attachment or an electronic copy, top right of page 1 (10 pt, black).

    Decree 30/2020 Phụ lục I II.8.c (attachments: number and notation + signing time) and Part II.I
    (copies: "SAO Y"/"SAO LỤC"/"TRÍCH SAO", copying agency, time). `{time}` is replaced by the signing
    time in ISO 8601 with the Vietnam offset.
    """

    lines: list[str]


def add_label(writer: IncrementalPdfFileWriter, reader: PdfFileReader, label: Label, signing_time: dt.datetime) -> None:
    iso = signing_time.astimezone(VN_TZ).isoformat(timespec="seconds")
    lines = [line.replace("{time}", iso) for line in label.lines]
    ref, width, height = text_xobject(writer, lines, size=10, align="right")
    page_w, page_h = page_size(reader, 0)[2:]
    x = page_w - 20 * POINTS_PER_MM - width  # the right margin of Phụ lục I I.5 (15–20 mm)
    y = page_h - 8 * POINTS_PER_MM - height
    # The page's own content may leave its coordinate system changed (WeasyPrint flips it): wrap it in q … Q first.
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(stream_data=b"q")), prepend=True)
    content = writer.add_object(generic.StreamObject(stream_data=f"Q q 1 0 0 1 {x:.2f} {y:.2f} cm /CQLabel Do Q".encode()))
    resources = generic.DictionaryObject({pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/CQLabel"): ref})})
    writer.add_stream_to_page(0, content, resources=resources)


@dataclass
class SignRequest:
    """What one signature needs besides the PDF and the signer."""

    field_name: str
    box: Box | None = None
    image: Image.Image | None = None
    text_fields: Sequence[tuple[str, Box]] = ()
    label: Label | None = None
    reason: str = ""
    location: str = "Việt Nam"
    certify: bool = False
    #: With `certify`: what the certification allows afterwards (ISO 32000-1 §12.8.2.2); P=2, form filling, by default.
    docmdp: MDPPerm = MDPPerm.FILL_FORMS
    signing_time: dt.datetime | None = None


def _next_field_name(reader: PdfFileReader, base: str) -> str:
    existing = {name for name, _v, _r in fields.enumerate_sig_fields(reader)}
    if base not in existing:
        return base
    n = 2
    while f"{base}{n}" in existing:
        n += 1
    return f"{base}{n}"


def sign_pdf(
    data: bytes,
    signer: signers.Signer,
    request: SignRequest,
    *,
    timestamper: object | None = None,
    revocation_context: ValidationContext | None = None,
) -> bytes:
    """Add one PAdES signature (SubFilter ETSI.CAdES.detached, SHA-256) in an incremental update.

    B-B without `timestamper`; B-T with one (RFC 3161); B-LT when `revocation_context` holds the
    revocation data to embed in the DSS too. Refuses malformed, encrypted and too large PDFs.
    """
    reader = open_pdf(data)
    signing_time = (request.signing_time or dt.datetime.now(VN_TZ)).replace(microsecond=0)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    field_name = _next_field_name(reader, request.field_name)
    if request.label is not None:
        add_label(writer, reader, request.label, signing_time)
    for name, box in request.text_fields:
        add_text_field(writer, name, box, page_index=_page_index(reader, box.page))
    stamp_style = None
    if request.box is not None:
        page_index = _page_index(reader, request.box.page)
        box_tuple = (int(request.box.x1), int(request.box.y1), round(request.box.x2), round(request.box.y2))
        fields.append_signature_field(writer, fields.SigFieldSpec(field_name, on_page=page_index, box=box_tuple))
        if request.image is not None:
            stamp_style = StaticStampStyle(
                background=PdfImage(request.image),
                border_width=0,
                background_opacity=1.0,
                background_layout=SimpleBoxLayoutRule(x_align=_centre(), y_align=_centre_y()),
            )
    else:
        fields.append_signature_field(writer, fields.SigFieldSpec(field_name))  # invisible: no widget area
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=request.reason or None,
        location=request.location or None,
        certify=request.certify,
        docmdp_permissions=request.docmdp,
        embed_validation_info=revocation_context is not None,
        validation_context=revocation_context,
    )
    pdf_signer = _TimedPdfSigner(meta, signer, timestamper=timestamper, stamp_style=stamp_style, signing_time=signing_time)  # type: ignore[arg-type]
    # A fixed reservation skips pyHanko's dry-run signature (one token operation less, ADR 0014).
    reserved = 16384 + (12288 if timestamper is not None else 0) + (16384 if revocation_context is not None else 0)
    try:
        out = pdf_signer.sign_pdf(writer, bytes_reserved=reserved)
    except DomainError:
        raise
    except Exception as exc:
        raise _signing_error(exc)
    return out.getvalue()  # type: ignore[no-any-return]


def _centre():  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.layout import AxisAlignment

    return AxisAlignment.ALIGN_MID


def _centre_y():  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.layout import AxisAlignment

    return AxisAlignment.ALIGN_MID


def _page_index(reader: PdfFileReader, page: int) -> int:
    return page if page >= 0 else page_count(reader) + page


def _signing_error(exc: Exception) -> DomainError:
    text = str(exc)
    if re.search(r"pin", text, re.IGNORECASE):
        return DomainError("signing.wrong_pin", _("The PIN of the token is wrong."))
    if "timestamp" in text.lower() or "tsa" in text.lower():
        return DomainError("signing.tsa_unavailable", _("The timestamp authority did not answer; nothing was signed."))
    return DomainError("signing.failed", _("The PDF could not be signed: %(error)s") % {"error": type(exc).__name__})
