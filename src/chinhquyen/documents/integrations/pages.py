"""What the document pages add for signing and exchange (kept out of views.py)."""

from __future__ import annotations

from typing import Any

from chinhquyen.documents.integrations.signing import organization_key, personal_key, signatures_of, signing_secret

__all__ = ["integration_context", "signing_secret"]


def integration_context(document: Any, user: Any, *, attachments: list[Any] | None = None) -> dict[str, Any]:
    """`attachments`: the document's files when the page has already read them (no second query)."""
    from chinhquyen.documents.integrations import exchange
    from chinhquyen.documents.models import OutgoingDocument, OutgoingStatus

    if attachments is None:
        attachments = list(document.attachments.all())
    context: dict[str, Any] = {"file_signatures": signatures_of(attachments)}
    if isinstance(document, OutgoingDocument):
        context["recipient_timelines"] = exchange.timelines(document, list(document.recipients.all()))
        if document.status in (OutgoingStatus.TO_APPROVE, OutgoingStatus.IN_REVIEW):
            context["has_personal_key"] = personal_key(user.pk) is not None
        elif document.status == OutgoingStatus.APPROVED:
            context["has_organization_key"] = organization_key(document.agency.code) is not None
    return context
