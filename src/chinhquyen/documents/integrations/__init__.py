"""The office wired to signing (issue 6) and the document exchange (issue 7).

`install()` runs from `DocumentsConfig.ready()`: documents may import signing and exchange (the
layers allow it), they never import documents — they expose registries this module fills:

- `hooks.set_signing_provider(signing.Provider())` and `hooks.register_outgoing_transport(exchange.Transport())`
  (unless the settings `DOCUMENTS_SIGNING_PROVIDER` / `DOCUMENTS_OUTGOING_TRANSPORTS` name others);
- `signing.access.register_subject_access("documents.Attachment", …)` and
  `signing.services.register_file_source("documents.Attachment", …)`;
- `exchange.registry.register_inbound_handler(…)` and `register_status_handler(…)`;
- two signals: a PDF attachment stored → validated; an electronic incoming document's status
  changed → the matching edXML status queued back to its sender.

Setting `DOCUMENTS_INTEGRATIONS = False` leaves all of it out (documents alone, as in issue 4).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save


def _attachment_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    from chinhquyen.documents.integrations import signing

    if created and not raw and signing.needs_validation(instance):
        signing.validate_attachment(instance)


def _incoming_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.source != "electronic":
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "status" not in update_fields:
        return
    from chinhquyen.documents.integrations import exchange

    exchange.report_progress(instance)


def install() -> None:
    if not getattr(settings, "DOCUMENTS_INTEGRATIONS", True):
        return
    from chinhquyen.documents import hooks
    from chinhquyen.documents.integrations import exchange, signing
    from chinhquyen.documents.models import Attachment, IncomingDocument
    from chinhquyen.exchange.registry import register_inbound_handler, register_status_handler
    from chinhquyen.signing.access import register_subject_access
    from chinhquyen.signing.services import register_file_source

    if not getattr(settings, "DOCUMENTS_SIGNING_PROVIDER", "") and hooks.signing_provider() is None:
        hooks.set_signing_provider(signing.Provider())
    if not getattr(settings, "DOCUMENTS_OUTGOING_TRANSPORTS", []):
        hooks.register_outgoing_transport(exchange.Transport())
    register_subject_access(signing.SUBJECT_TYPE, signing.can_see_attachment)
    register_file_source(signing.SUBJECT_TYPE, signing.load_attachment)
    register_inbound_handler(exchange.on_package)
    register_status_handler(exchange.on_status)
    post_save.connect(_attachment_saved, sender=Attachment, dispatch_uid="documents.integrations.attachment_saved")
    post_save.connect(_incoming_saved, sender=IncomingDocument, dispatch_uid="documents.integrations.incoming_saved")
