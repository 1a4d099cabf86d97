"""Charts as server-side SVG (no JavaScript, no npm package): they scale to the page width on a
phone, print in black and white (values are written on the bars, never colour alone), and carry
a <title> and a table next to them for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

BAR = "#005ea2"
MUTED = "#dfe1e2"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    text = (
        f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        if isinstance(value, float)
        else f"{value:,}".replace(",", ".")
    )
    return text + (" %" if unit == "%" else "")


def hbar(rows: Sequence[tuple[str, float | None]], *, title: str, unit: str = "%", maximum: float | None = None) -> SafeString:
    """Horizontal bars, one per row (label, value): the ranking of agencies."""
    top = maximum if maximum is not None else max([v for _, v in rows if v is not None] or [1]) or 1
    line, label_w, bar_w = 28, 260, 300
    height = line * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {label_w + bar_w + 90} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" class="cq-chart"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * line
        width = 0 if value is None else max(1, round(bar_w * value / top))
        short = label if len(label) <= 42 else label[:40] + "…"
        parts.append(f'<text x="0" y="{y + 18}" font-size="13">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" fill="{MUTED}"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{width}" height="18" fill="{BAR}"/>')
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 18}" font-size="13">{escape(_number(value, unit))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(points: Sequence[tuple[str, float | None]], *, title: str, unit: str = "%", maximum: float | None = None) -> SafeString:
    """Vertical columns, one per month: a trend."""
    top = maximum if maximum is not None else max([v for _, v in points if v is not None] or [1]) or 1
    step, chart_h = 46, 140
    width = step * len(points) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {chart_h + 44}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" class="cq-chart"><title>{escape(title)}</title>'
        f'<line x1="0" y1="{chart_h + 18}" x2="{width}" y2="{chart_h + 18}" stroke="#71767a"/>'
    ]
    for index, (label, value) in enumerate(points):
        x = 8 + index * step
        h = 0 if value is None else round(chart_h * value / top)
        parts.append(f'<rect x="{x}" y="{chart_h + 18 - h}" width="30" height="{h}" fill="{BAR}"/>')
        parts.append(f'<text x="{x + 15}" y="{chart_h + 12 - h}" font-size="11" text-anchor="middle">{escape(_number(value, unit))}</text>')
        parts.append(f'<text x="{x + 15}" y="{chart_h + 36}" font-size="12" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
