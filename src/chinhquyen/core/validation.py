"""Bounds on values that came from outside, checked by the services (ADR 0041).

Forms and serializers are the first door: they bound every field a page or the API reads. The
services check again with these helpers, because a service is also called by commands, tasks,
the exchange and the portal, and the model constraints and PostgreSQL columns are the last line,
not the first (a NUL byte, a 20,000-character name or an amount of 10^40 reached the database and
came back as a 500). Each helper raises `DomainError` with the field's name, never an HTTP error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.core.folding import nfc

#: The largest sum of money a form, a serializer or a service accepts, in đồng (a thousand
#: billion: far above any fee, far below PostgreSQL's bigint).
MAX_AMOUNT = 10**12
#: The largest count (originals, copies, pages) a form accepts.
MAX_COUNT = 10_000
#: The largest primary key or number a query string may name (PostgreSQL's bigint).
MAX_ID = 2**63 - 1

# C0 controls other than tab, line feed and carriage return, and DEL: never in a name or a note.
_CONTROLS = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {"\x7f"}


def has_control_characters(value: str) -> bool:
    return any(ch in _CONTROLS for ch in value)


def clean_text(value: Any, *, field: str, max_length: int, required: bool = False, code: str = "invalid", label: str | None = None) -> str:
    """`value` as NFC text without surrounding blanks; refuses control characters (NUL included)
    and text longer than `max_length` characters."""
    text = "" if value is None else str(value)
    if has_control_characters(text):
        raise DomainError(code, _("The text contains control characters."), fields={field: [_("Control characters are not allowed.")]})
    text = nfc(text).strip()
    if len(text) > max_length:
        raise DomainError(
            code,
            _("%(label)s is too long: at most %(limit)d characters.") % {"label": label or field, "limit": max_length},
            fields={field: [_("At most %(limit)d characters.") % {"limit": max_length}]},
        )
    if required and not text:
        raise DomainError(code, _("%(label)s is required.") % {"label": label or field}, fields={field: [_("Required.")]})
    return text


def bounded_int(value: Any, *, field: str, min_value: int, max_value: int, code: str = "invalid") -> int:
    """`value` as an int within [min_value, max_value]; bools and text are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(code, _("A whole number is expected."), fields={field: [_("A whole number.")]})
    if not min_value <= value <= max_value:
        raise DomainError(
            code,
            _("The number must be between %(low)s and %(high)s.") % {"low": f"{min_value:,}", "high": f"{max_value:,}"},
            fields={field: [_("Between %(low)s and %(high)s.") % {"low": f"{min_value:,}", "high": f"{max_value:,}"}]},
        )
    return value


def one_of(value: Any, *, field: str, choices: Iterable[str], code: str = "invalid") -> str:
    """`value` if it is one of `choices`; otherwise a refusal naming the field."""
    if not isinstance(value, str) or value not in set(choices):
        raise DomainError(code, _("Unknown value for %(field)s.") % {"field": field}, fields={field: [_("Unknown.")]})
    return value
