"""Vietnamese sort order (UI.md: "Đà Bắc" after "Cao Phong" and before "Kim Bôi", not after "Z").

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f, j, w, z from
foreign words in their Latin places). Letters compare first; tone marks (none, grave, hook,
tilde, acute, dot below) break ties; case last. Used where lists are sorted in Python; SQL
sorting on PostgreSQL can use the ICU collation `vi-VN-x-icu` instead.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Combining marks: the vowel modifiers are part of the letter; the tones are secondary.
_MODIFIERS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def _letters(text: str) -> list[tuple[str, int]]:
    """Split text into (letter with its modifiers, tone) pairs, lower case."""
    result: list[tuple[str, int]] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(ch):
            if result and ch in _TONES:
                letter, _ = result[-1]
                result[-1] = (letter, _TONES[ch])
            elif result and ch in _MODIFIERS:
                letter, tone = result[-1]
                result[-1] = (unicodedata.normalize("NFC", letter + ch), tone)
            continue
        result.append((ch, 0))
    return result


def vietnamese_key(text: str) -> tuple[tuple[tuple[int, str], ...], tuple[int, ...], str]:
    """A sort key giving Vietnamese dictionary order."""
    pairs = _letters(text)
    primary = tuple((_LETTER_RANK[letter], "") if letter in _LETTER_RANK else (1000, letter) for letter, _ in pairs)
    return primary, tuple(tone for _, tone in pairs), text
