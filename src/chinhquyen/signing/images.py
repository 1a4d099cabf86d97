"""DEMO signature and seal images (PNG, transparent), for the demo, the CLI fallback and the tests.

Decree 30/2020 Phụ lục I II.8: the signature image is blue, the seal image red, both PNG with a
transparent background; the seal at its real size. These are drawn, clearly marked DEMO, and never
stand for a real person's signature or a real agency's seal.
"""

from __future__ import annotations

import io
import math

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SIGNATURE_BLUE = (20, 50, 190, 255)
SEAL_RED = (215, 25, 30, 255)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(settings.SIGNING_FONT_FILE.replace("Serif", "Sans"), size)
    except OSError:
        return ImageFont.load_default()


def demo_signature_png(name: str = "DEMO") -> bytes:
    """A blue flourish with the name under it, 600×200 px."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(30 + i * 9, 110 - 55 * math.sin(i / 6.0) * math.exp(-i / 70.0)) for i in range(62)]
    draw.line(points, fill=SIGNATURE_BLUE, width=9, joint="curve")
    draw.line([(60, 150), (540, 135)], fill=SIGNATURE_BLUE, width=5)
    draw.text((300, 175), name, fill=SIGNATURE_BLUE, font=_font(26), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def demo_seal_png(agency_name: str = "DEMO", *, diameter_mm: float = 36, dpi: int = 300) -> bytes:
    """A red round seal (two rings, a star, "DEMO"), with its resolution set so its real size is `diameter_mm`."""
    size = round(diameter_mm / 25.4 * dpi)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = max(4, size // 40)
    draw.ellipse([ring, ring, size - ring, size - ring], outline=SEAL_RED, width=ring * 2)
    inner = size // 4
    draw.ellipse([inner, inner, size - inner, size - inner], outline=SEAL_RED, width=ring)
    centre = size / 2
    r = size / 10
    star = [
        (
            centre + (r if i % 2 == 0 else r / 2.5) * math.sin(i * math.pi / 5),
            centre - (r if i % 2 == 0 else r / 2.5) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=SEAL_RED)
    draw.text((centre, centre + size / 6), "DEMO", fill=SEAL_RED, font=_font(size // 12), anchor="mm")
    draw.text((centre, size * 0.17), agency_name[:28], fill=SEAL_RED, font=_font(size // 18), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()
