"""Official documents drawn as a scanner would see them, with their ground truth (tests, benchmarks).

`render(spec, dpi=…, rotate=…, noise=…)` lays a document out as Decree 30/2020 does (Phụ lục I,
STANDARDS.md §2.13): the issuing agency top left (its parent above it), the national motto top
right, "Số: …" under the agency, place and date under the motto, the type name and subject
centred (or "V/v …" under the number for a công văn), a short body, "Nơi nhận:" bottom left
and the signer block bottom right. HTML → PDF (WeasyPrint) → pixels (pdftoppm) → a slight
rotation and noise (Pillow). `bench/ocr_corpus.py` makes the varied set; the unit tests draw one
page.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import random
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFilter

#: poppler-utils (DESIGN.md); looked up once on PATH.
PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"


@dataclass
class DocumentSpec:
    """A document to draw and what a perfect reader would pre-fill from it."""

    issuer_lines: list[str]
    number_notation: str
    place: str
    date: dt.date
    doc_type: str  # "Quyết định" …, or "Công văn"
    subject: str
    signer: str
    signer_position: str
    authority: str = ""  # "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN" …
    parent_lines: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    font: str = "Noto Serif"
    layout: str = "standard"  # standard | wide-left | compact

    @property
    def issuer(self) -> str:
        return " ".join(self.issuer_lines)

    def truth(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "number_notation": self.number_notation,
            "place": self.place,
            "date": self.date.isoformat(),
            "doc_type": self.doc_type,
            "subject": self.subject,
            "signer": self.signer,
            "signer_position": self.signer_position,
        }

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        return data


def date_line(place: str, date: dt.date) -> str:
    """ "Hòa Bình, ngày 05 tháng 3 năm 2026": a leading zero for days under 10 and for months 1, 2 (§2.3)."""
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def to_html(spec: DocumentSpec) -> str:
    e = html.escape
    left, right = {"standard": (38, 62), "wide-left": (45, 55), "compact": (40, 60)}[spec.layout]
    size = {"standard": 13, "wide-left": 13, "compact": 12}[spec.layout]
    parent = "".join(f"<div>{e(line)}</div>" for line in spec.parent_lines)
    issuer = "".join(f"<div><b>{e(line)}</b></div>" for line in spec.issuer_lines)
    is_letter = spec.doc_type == "Công văn"
    vv = f'<div class="vv">V/v {e(spec.subject)}</div>' if is_letter else ""
    title = "" if is_letter else f'<div class="type">{e(spec.doc_type.upper())}</div><div class="subject">{e(spec.subject)}</div>'
    body = "".join(f"<p>{e(p)}</p>" for p in spec.body)
    recipients = "".join(f"<div>- {e(r)};</div>" for r in spec.recipients)
    authority = f"<div><b>{e(spec.authority)}</b></div>" if spec.authority else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
body {{ font-family: "{spec.font}"; font-size: {size}pt; line-height: 1.3; }}
table.head {{ width: 100%; border-collapse: collapse; }}
table.head td {{ vertical-align: top; text-align: center; padding: 0; }}
.motto {{ font-weight: bold; }}
.num {{ margin-top: 6pt; }}
.date {{ margin-top: 6pt; font-style: italic; }}
.vv {{ font-size: {size - 1}pt; margin-top: 2pt; }}
.type {{ text-align: center; font-weight: bold; margin-top: 18pt; }}
.subject {{ text-align: center; font-weight: bold; }}
p {{ text-align: justify; text-indent: 1cm; margin: 6pt 0; }}
table.foot {{ width: 100%; margin-top: 14pt; }}
table.foot td {{ vertical-align: top; }}
.recip {{ font-size: 11pt; }}
.sign {{ text-align: center; }}
.name {{ margin-top: 55pt; font-weight: bold; }}
</style></head><body>
<table class="head"><tr>
<td style="width:{left}%">{parent}{issuer}<div class="num">Số: {e(spec.number_notation)}</div>{vv}</td>
<td style="width:{right}%"><div class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="motto">Độc lập - Tự do - Hạnh phúc</div>
<div class="date">{e(date_line(spec.place, spec.date))}</div></td>
</tr></table>
{title}
<div style="margin-top:12pt">{body}</div>
<table class="foot"><tr>
<td style="width:50%" class="recip"><b><i>Nơi nhận:</i></b>{recipients}<div>- Lưu: VT.</div></td>
<td style="width:50%" class="sign">{authority}<div><b>{e(spec.signer_position)}</b></div><div class="name">{e(spec.signer)}</div></td>
</tr></table>
</body></html>"""


def to_pdf(spec: DocumentSpec) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=to_html(spec)).write_pdf())


def render(spec: DocumentSpec, *, dpi: int = 300, rotate: float = 0.0, noise: float = 0.0, seed: int = 0) -> Image.Image:
    """The first page of the document as a grey scan at `dpi`, turned by `rotate` degrees, with
    `noise` (0–1: grain and specks)."""
    pdf = to_pdf(spec)
    with tempfile.TemporaryDirectory(prefix="chinhquyen-render-") as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(  # noqa: S603 - fixed program, our own temporary paths
            [PDFTOPPM, "-r", str(dpi), "-gray", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with Image.open(Path(tmp) / "page.png") as page:
            image = page.convert("L")
    if rotate:
        image = image.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if noise:
        image = add_noise(image, noise, seed=seed)
    return image


def add_noise(image: Image.Image, amount: float, *, seed: int = 0) -> Image.Image:
    """Grain (Gaussian), dark specks and a slight blur, like a cheap scan; `amount` from 0 to 1."""
    rng = random.Random(seed)
    grain = Image.effect_noise(image.size, 30 * amount)
    noisy = ImageChops.add(image, grain, 1.0, -128)
    draw = ImageDraw.Draw(noisy)
    width, height = image.size
    scale = max(1, width // 1240)
    for _ in range(int(400 * amount)):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randint(1, 2) * scale
        draw.ellipse((x, y, x + r, y + r), fill=rng.randrange(0, 100))
    return noisy.filter(ImageFilter.GaussianBlur(radius=0.5 * amount * scale))


def image_pdf(image: Image.Image, *, dpi: int = 300) -> bytes:
    """An image-only PDF (no text layer), as a scanner makes."""
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=float(dpi))
    return buffer.getvalue()
