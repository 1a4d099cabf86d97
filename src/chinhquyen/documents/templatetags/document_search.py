"""`{% extraction_status attachment %}`: "text being extracted", or the failure with "try again" (issue 5)."""

from __future__ import annotations

from typing import Any

from django import template

from chinhquyen.documents import search as docsearch
from chinhquyen.documents.models import Attachment

register = template.Library()


@register.inclusion_tag("documents/_extraction.html")
def extraction_status(attachment: Attachment) -> dict[str, Any]:
    # The page reads every attachment's job in one query beforehand (`extraction_job`); else one here.
    if hasattr(attachment, "extraction_job"):
        return {"attachment": attachment, "job": attachment.extraction_job}
    return {"attachment": attachment, "job": docsearch.extraction_jobs([attachment.pk]).get(attachment.pk)}
