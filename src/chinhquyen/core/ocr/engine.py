"""Tesseract and poppler, wrapped: rasterise PDF pages, OCR an image to text or to positioned words.

Tesseract runs with the Vietnamese model (`vie`, Debian's `tesseract-ocr-vie`). Pages are
rasterised by poppler's `pdftoppm` at 300 dpi in grey (what Tesseract reads best), one page at a
time into a temporary directory, so a 200-page scan never sits in memory at once. Every external
program runs with a timeout.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytesseract
from django.conf import settings
from PIL import Image, ImageOps

#: Pillow refuses images above this many pixels (a decompression bomb is not a scan): an A4 page
#: at 600 dpi is about 35 million.
Image.MAX_IMAGE_PIXELS = 80_000_000


#: poppler-utils (DESIGN.md); looked up once on PATH.
PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"


def languages() -> str:
    return str(settings.OCR_LANGUAGES)


def dpi() -> int:
    return int(settings.OCR_DPI)


def page_timeout() -> int:
    return int(settings.OCR_PAGE_TIMEOUT)


@dataclass(frozen=True)
class Word:
    """One word Tesseract read, with its box in pixels and its confidence (0–100)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    block: int
    par: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


def rasterise_pdf_page(pdf: Path, page: int, *, resolution: int | None = None) -> Image.Image:
    """Page `page` (from 1) of `pdf` as a grey image at `resolution` dpi (pdftoppm)."""
    with tempfile.TemporaryDirectory(prefix="chinhquyen-ocr-") as tmp:
        out = Path(tmp) / "page"
        subprocess.run(  # noqa: S603 - fixed program, our own temporary paths
            [
                PDFTOPPM,
                "-r",
                str(resolution or dpi()),
                "-gray",
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(out),
            ],
            check=True,
            capture_output=True,
            timeout=page_timeout(),
        )
        from chinhquyen.core.limits import open_image_bounded

        return open_image_bounded(out.with_suffix(".png").read_bytes(), name=f"page {page}")  # type: ignore[no-any-return]


def skew_angle(image: Image.Image, *, limit: float = 5.0) -> float:
    """The angle (degrees, counter-clockwise) that makes the text lines of `image` level: the
    rotation whose row profile of ink is the most contrasted (lines and gaps sharp), searched on a
    copy 600 px wide in steps of 0.5°, then 0.1° around the best."""
    grey = image.convert("L")
    scale = 600 / grey.width
    small = grey.resize((600, max(1, round(grey.height * scale))), Image.Resampling.BOX)
    ink = ImageOps.invert(small).point(lambda v: 255 if v > 96 else 0)

    def score(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        rows = list(turned.resize((1, turned.height), Image.Resampling.BOX).tobytes())
        return float(sum((a - b) ** 2 for a, b in itertools.pairwise(rows)))

    steps = int(limit / 0.5)
    coarse = max((score(i * 0.5), i * 0.5) for i in range(-steps, steps + 1))[1]
    return round(max((score(coarse + i * 0.1), coarse + i * 0.1) for i in range(-4, 5))[1], 2)


#: Pages sloping less than this are OCR'd as they are. Tesseract copes with a small slope itself,
#: and turning the image back costs sharpness: levelling every page from 0.2° made two of the
#: generated test set's pages (0.9° and 1.3°) read worse ("Đỉnh" for "Đinh", "hình chính" for
#: "hành chính") and none better (docs/performance.md). A page laid clearly askew is levelled.
DESKEW_FROM = 2.0


def deskew(image: Image.Image) -> Image.Image:
    """`image` turned level when its lines slope by `DESKEW_FROM` degrees or more (a page laid
    askew on the glass, a photo: Tesseract then merges or splits the header's lines)."""
    angle = skew_angle(image)
    if abs(angle) < DESKEW_FROM:
        return image
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)


def prepare(image: Image.Image) -> Image.Image:
    """Grey, EXIF orientation applied (phone photos), levelled (deskew), small images scaled up
    towards 300 dpi."""
    image = ImageOps.exif_transpose(image) or image
    if image.mode not in ("L", "1"):
        image = image.convert("L")
    if image.mode == "L":
        image = deskew(image)
    # An A4 page narrower than ~1800 px was taken at under ~220 dpi: Tesseract reads small
    # glyphs better at about 300 dpi.
    if image.width < 1800 and image.height > image.width:
        factor = 2480 / image.width
        image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
    return image


def image_to_text(image: Image.Image) -> str:
    return str(pytesseract.image_to_string(prepare(image), lang=languages(), timeout=page_timeout()))


def image_to_words(image: Image.Image) -> tuple[list[Word], tuple[int, int]]:
    """The words Tesseract read with their boxes, and the (width, height) they refer to."""
    prepared = prepare(image)
    return _words(prepared), prepared.size


def region_to_words(image: Image.Image, *, right: float, bottom: float, psm: int = 6) -> tuple[list[Word], tuple[int, int]]:
    """The words of the page's top-left region (`right` and `bottom` as fractions of the prepared
    page), read alone with Tesseract's page segmentation mode `psm` (6: one uniform block of
    text); boxes are in the prepared page's pixels, as `image_to_words` gives them."""
    prepared = prepare(image)
    region = prepared.crop((0, 0, round(prepared.width * right), round(prepared.height * bottom)))
    return _words(region, config=f"--psm {int(psm)}"), prepared.size


def _words(prepared: Image.Image, *, config: str = "") -> list[Word]:
    data = pytesseract.image_to_data(prepared, lang=languages(), config=config, timeout=page_timeout(), output_type=pytesseract.Output.DICT)
    words: list[Word] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        words.append(
            Word(
                text=text,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                conf=conf,
                block=int(data["block_num"][i]),
                par=int(data["par_num"][i]),
                line=int(data["line_num"][i]),
            )
        )
    return words


def open_image(data: bytes) -> Image.Image:
    """The image, its pixels within FILE_MAX_IMAGE_PIXELS (`core.limits.open_image_bounded`)."""
    from chinhquyen.core.limits import open_image_bounded

    return open_image_bounded(data)  # type: ignore[no-any-return]
