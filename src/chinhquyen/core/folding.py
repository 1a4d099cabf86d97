"""Vietnamese text folding, used at index time and at query time alike.

A leader types "quyet dinh dau tu" on a phone and must find "Quyết định … đầu tư". Folding
makes both sides the same: NFC, lower case, tone and vowel marks removed, đ → d, and the
separators of a number/notation (`15/QĐ-UBND`) turned into spaces. SQLite's FTS5 does not fold
đ (it has no Unicode decomposition) and PostgreSQL's parser reads `15/QĐ-UBND` as a path
(DESIGN.md), so the folding is ours and runs before either engine sees the text.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[/\-‐‑‒–—_\\]+")
_SPACES = re.compile(r"\s+")
# đ/Đ (U+0111/U+0110) have no decomposition; some keyboards type the look-alike ð/Ð (U+00F0/U+00D0).
_D_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(text: str) -> str:
    """Text as it is stored everywhere: NFC (UI.md)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Fold Vietnamese text for matching: `"Số 15/QĐ-UBND"` → `"so 15 qd ubnd"`.

    Idempotent, and NFC and NFD input give the same result.
    """
    lowered = unicodedata.normalize("NFC", text).lower().translate(_D_MAP)
    decomposed = unicodedata.normalize("NFD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = unicodedata.normalize("NFC", stripped).lower().translate(_D_MAP)
    spaced = _SEPARATORS.sub(" ", stripped)
    return _SPACES.sub(" ", spaced).strip()
