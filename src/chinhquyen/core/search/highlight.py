"""Snippets with the matched words marked, in the original spelling.

The engines match folded words ("hoa binh"), but the official must see the text as it was
written ("Hoà Bình", "HÒA BÌNH"). Each entry keeps its original text (the `content` column);
for the few hits on a page we fold that text again, one character at a time, remembering for
every folded character the position of the original character it came from. The words of the
folded text are cut exactly as `query.words` cuts them, so a folded word that equals a query word
(or starts with the prefix word) maps back to a span of the original, which is wrapped in
`<mark>`. Everything else is HTML-escaped. Cost: linear in the text looked at, for one page of
hits only (never for the candidates).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from django.utils.html import escape

from chinhquyen.core.folding import fold

_WORDCHAR = re.compile(r"[^\W_]")


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    folded = fold(ch)
    return folded if folded else (" " if not unicodedata.combining(ch) else "")


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index in `text` (NFC) it came from."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for f in _fold_char(ch) if not ch.isspace() else " ":
            out.append(f)
            offsets.append(i)
    return "".join(out), offsets


def match_spans(text: str, query_words: Iterable[str], prefix: str | None = None) -> list[tuple[int, int]]:
    """Spans `(start, end)` of `text` whose folded word is one of `query_words` (or starts with `prefix`)."""
    targets = {w.lstrip("0") or "0" if w.isdigit() else w for w in query_words}
    folded, offsets = folded_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\W_]+", folded):
        word = m.group(0)
        key = word.lstrip("0") or "0" if word.isdigit() else word
        if key in targets or (prefix and key.startswith(prefix)):
            spans.append((offsets[m.start()], offsets[m.end() - 1] + 1))
    return spans


def snippet(text: str, query_words: Iterable[str], prefix: str | None = None, *, width: int = 180) -> str | None:
    """A window of about `width` characters of `text` around its first match, HTML-escaped, with
    every match wrapped in `<mark>`; `None` when nothing matches."""
    text = unicodedata.normalize("NFC", text)
    spans = match_spans(text, query_words, prefix)
    if not spans:
        return None
    # The window that shows the most distinct query words (a phrase beats a lone common word).
    folded_words = [fold(text[s:e]) for s, e in spans]
    best, best_score = 0, -1
    for i, (s0, _e0) in enumerate(spans[:200]):
        seen = {folded_words[j] for j in range(i, len(spans)) if spans[j][1] <= s0 + width * 2 // 3}
        if len(seen) > best_score:
            best, best_score = i, len(seen)
    first = spans[best][0]
    start = max(0, first - width // 3)
    if start:
        # Start on a word boundary.
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space - end < 20 else end
    parts: list[str] = ["…" if start else ""]
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        parts.append(escape(text[pos:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    parts.append(escape(text[pos:end]))
    parts.append("…" if end < len(text) else "")
    return "".join(parts)


def plain_snippet(text: str, *, width: int = 180) -> str:
    """The beginning of `text`, escaped, when no field holds a marked word."""
    text = unicodedata.normalize("NFC", text)
    cut = text[:width]
    return escape(cut) + ("…" if len(text) > width else "")
