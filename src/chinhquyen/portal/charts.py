"""Server-side SVG bar charts for the public statistics page (no JavaScript, printable)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass
class Bar:
    label: str
    value: float  # 0..100 (a percentage)


def bar_chart(bars: list[Bar], *, title: str, width: int = 320, bar_height: int = 22) -> str:
    """A horizontal bar chart of percentages; each bar carries its label and value as text too."""
    gap = 30
    height = max(1, len(bars)) * (bar_height + gap) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = i * (bar_height + gap)
        value = max(0.0, min(100.0, bar.value))
        length = round((width - 60) * value / 100, 1)
        parts.append(f'<text x="0" y="{y + 12}" font-size="12" fill="#1b1b1b">{escape(bar.label[:60])}</text>')
        parts.append(f'<rect x="0" y="{y + 16}" width="{width - 60}" height="{bar_height - 8}" fill="#dfe1e2"/>')
        parts.append(f'<rect x="0" y="{y + 16}" width="{length}" height="{bar_height - 8}" fill="#005ea2"/>')
        label = f"{value:.1f}".replace(".", ",") + " %"
        parts.append(f'<text x="{width - 55}" y="{y + 28}" font-size="12" fill="#1b1b1b">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
