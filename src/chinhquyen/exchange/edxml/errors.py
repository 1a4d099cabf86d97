"""The codec's refusals: each with a stable code (`edxml.*`), never a crash."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

from chinhquyen.core.errors import DomainError


class CodecError(DomainError):
    """A message we will not read (or cannot build). `code` names the reason for machines."""

    status = 422

    def __init__(self, code: str, message: str | Promise, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, fields=fields)


#: Every code the parser can answer with (documented in docs/exchange.md; the tests check each).
CODES = frozenset(
    {
        "edxml.empty",
        "edxml.too_large",
        "edxml.doctype_refused",
        "edxml.entity_refused",
        "edxml.not_xml",
        "edxml.wrong_root",
        "edxml.wrong_namespace",
        "edxml.too_deep",
        "edxml.missing_element",
        "edxml.bad_date",
        "edxml.bad_timestamp",
        "edxml.bad_number",
        "edxml.bad_organ_id",
        "edxml.bad_business_type",
        "edxml.bad_status_code",
        "edxml.too_many_attachments",
        "edxml.duplicate_content_id",
        "edxml.attachment_missing",
        "edxml.bad_base64",
        "edxml.bad_zip",
        "edxml.decompressed_too_large",
        "edxml.invalid_value",
        "edxml.duplicate_element",
        "edxml.signature_wrapping",
        "edxml.too_many_elements",
        "edxml.too_many_attributes",
        "edxml.text_too_large",
        "edxml.compression_ratio",
        "edxml.attachment_unreferenced",
        "edxml.timeout",
    }
)
