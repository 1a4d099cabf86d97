"""Turning what an official types into a query both engines read the same way.

Index time and query time share one tokeniser (`words`): the text is folded
(`core.folding.fold`: NFC, lower case, marks removed, đ → d, `/` and `-` split), cut into runs of
letters and digits, and numbers lose their leading zeros (`05` and `5` are the same number, as
in "ngày 05 tháng 3" and "ngày 5 tháng 3"). The engines are then given nothing but these words
separated by single spaces, so FTS5's `unicode61` and PostgreSQL's `simple` parser see the same
tokens and never any syntax of their own.

The query language is deliberately small:

- words are ANDed: `dong y chu truong` finds entries holding all four words;
- `"…"` makes a phrase (the words in that order, next to each other);
- a number/notation (`15/QĐ-UBND`, `qd-ubnd`, `15/qđ`, `59/2022/NĐ-CP`) is a phrase of its parts,
  so `qd-ubnd` does not match an entry that merely has "qd" and "ubnd" far apart;
- with `prefix=True` (results as you type) the last word also matches longer words.

Anything else (`*`, `NEAR(`, `:`, `'`, `;`, `--`, parentheses …) is a separator and disappears.
Refusals are `DomainError`s with a message for people, never an engine error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from chinhquyen.core.errors import DomainError
from chinhquyen.core.folding import fold

#: The longest query accepted, in characters, and the most words it may hold.
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 16
#: A word longer than this is not a word (a pasted hash, base64 …): it is cut.
MAX_WORD_CHARS = 64

_WORD = re.compile(r"[^\W_]+")
# A raw token that is a number/notation: letters/digits joined by `/` or `-` (any dash).
_JOINED = re.compile(r"[^\W_]+(?:[/\-‐‑‒–—][^\W_]+)+")


def _norm_word(word: str) -> str:
    if word.isdigit():
        word = word.lstrip("0") or "0"
    return word[:MAX_WORD_CHARS]


def words(text: str) -> list[str]:
    """The words of `text` as both engines index them: `"Số 05/QĐ-UBND"` → `["so", "5", "qd", "ubnd"]`."""
    return [_norm_word(w) for w in _WORD.findall(fold(text))]


def index_text(text: str, *, max_chars: int | None = None) -> str:
    """The text an engine is fed for one field: its words joined by single spaces."""
    joined = " ".join(words(text))
    if max_chars is not None and len(joined) > max_chars:
        joined = joined[:max_chars].rsplit(" ", 1)[0]
    return joined


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the engines receive it: every clause must match (AND).

    `phrases` holds clauses of two or more words that must appear in order, side by side;
    `terms` single words; `prefix` is a word that may be the beginning of a longer one.
    """

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefix: str | None = None
    all_words: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.terms or self.phrases or self.prefix)


def _clauses(segment: str, *, quoted: bool) -> list[tuple[str, ...]]:
    """Clauses of one piece of the query: a quoted piece is one phrase; elsewhere notations are
    phrases and the other words are single terms."""
    if quoted:
        ws = tuple(words(segment))
        return [ws] if ws else []
    out: list[tuple[str, ...]] = []
    pos = 0
    nfc_segment = segment
    for match in _JOINED.finditer(nfc_segment):
        out.extend((w,) for w in words(nfc_segment[pos : match.start()]))
        parts = tuple(words(match.group(0)))
        if parts:
            out.append(parts)
        pos = match.end()
    out.extend((w,) for w in words(nfc_segment[pos:]))
    return out


def parse_query(raw: str, *, prefix: bool = False) -> ParsedQuery:
    """Parse what an official typed. Raises `DomainError` when there is nothing to search for or
    the query is too long; never lets the engines see their own syntax."""
    if raw is None or not raw.strip():
        raise DomainError("search.empty", _("Type at least one word to search for."))
    if len(raw) > MAX_QUERY_CHARS:
        raise DomainError(
            "search.too_long",
            _("The search text is too long (at most %(max)d characters).") % {"max": MAX_QUERY_CHARS},
            fields={"q": _("Too long.")},
        )
    # Curly quotes count as quotes: phones type them.
    text = raw.replace("“", '"').replace("”", '"').replace("„", '"')
    pieces = text.split('"')
    clauses: list[tuple[str, ...]] = []
    for i, piece in enumerate(pieces):
        # Odd pieces are inside quotes; an unclosed quote quotes the rest.
        clauses.extend(_clauses(piece, quoted=i % 2 == 1))
    # The same clause twice adds nothing.
    seen: set[tuple[str, ...]] = set()
    unique = [c for c in clauses if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]  # set.add returns None on purpose
    all_words = tuple(w for c in unique for w in c)
    if not unique:
        raise DomainError("search.empty", _("Type at least one word to search for."))
    if len(all_words) > MAX_QUERY_WORDS:
        raise DomainError(
            "search.too_many_words",
            _("Search for at most %(max)d words at a time.") % {"max": MAX_QUERY_WORDS},
            fields={"q": _("Too many words.")},
        )
    last_is_open_word = prefix and len(unique[-1]) == 1 and not text.rstrip().endswith('"') and text[-1:].isalnum()
    last = unique.pop()[0] if last_is_open_word else None
    terms = tuple(c[0] for c in unique if len(c) == 1)
    phrases = tuple(c for c in unique if len(c) > 1)
    return ParsedQuery(terms=terms, phrases=phrases, prefix=last, all_words=all_words)
