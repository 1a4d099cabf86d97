"""Where signing (issue 6) and exchange (issue 7) plug into the electronic office.

Both apps sit beside `documents` in the layers (DESIGN.md): they must not import it, and
`documents` does not import them either today. They plug in here instead, from
`documents/apps.py` through two settings read at start-up (dotted paths, so no static import):

    DOCUMENTS_SIGNING_PROVIDER = "chinhquyen.signing.office.Provider"           # issue 6
    DOCUMENTS_OUTGOING_TRANSPORTS = ["chinhquyen.exchange.office.Transport"]   # issue 7

or by calling `set_signing_provider()` / `register_outgoing_transport()` in their own start-up
code. The objects passed in are plain data (`SigningRequest`, `Dispatch`), so the providers need
nothing from this app's models.

**Signing.** Decree 30/2020 art. 13.7, 17.2, 32.2 and Phụ lục I II.8 (STANDARDS §2.8): the
competent person signs at approval (personal signature, blue image) → the clerk gives the
number and date → the organisation signature (red seal image) → issue. `approve_document()` calls
`provider.sign_personal()` and `issue_document()` calls `provider.sign_organization()` after the
number is given, both inside the service's transaction: a provider that raises `DomainError`
refuses the approval or the issue and nothing is saved. The provider returns the signed PDF's
bytes (stored as a new version of the main file) or None (nothing signed, e.g. a paper original).

**Outgoing transports.** `issue_document()` calls `transport.enqueue(dispatch)` once per
external recipient whose transport accepts it (`accepts(dispatch)`), inside the issuing
transaction: the exchange issue writes its outbox row there (outbox pattern, DESIGN.md), so a
rolled-back issue sends nothing. It returns a reference stored on the recipient. Secret
documents are never passed to a transport (art. 22.4; STANDARDS §2.6). Status messages coming
back (edXML 01–06, 13, 15, 16) are reported with `documents.services.record_recipient_status()`;
received packages are handed to `documents.services.receive_incoming_document()`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileRef:
    name: str
    content_type: str
    sha256: str
    path: str  # storage name; open with django's default_storage


@dataclass(frozen=True)
class SigningRequest:
    document_id: int
    agency_code: str
    agency_name: str
    signer_id: int
    signer_username: str
    signer_name: str
    signer_position: str
    main_file: FileRef | None
    #: Set for the organisation signature only: what the stamp prints (Phụ lục I II.8).
    code_number: str = ""
    code_notation: str = ""
    issued_date: dt.date | None = None


class SigningProvider(Protocol):
    def sign_personal(self, request: SigningRequest) -> bytes | None: ...

    def sign_organization(self, request: SigningRequest) -> bytes | None: ...


@dataclass(frozen=True)
class Recipient:
    recipient_id: int
    code: str
    name: str


@dataclass(frozen=True)
class Dispatch:
    """One issued document for one outside recipient (the edXML header's fields, Phụ lục VI Part II.I)."""

    document_id: int
    recipient: Recipient
    sender_code: str
    sender_name: str
    code_number: str
    code_notation: str
    issued_date: dt.date
    document_type_name: str
    subject: str
    signer_name: str
    signer_position: str
    urgency: str
    page_count: int | None
    due_date: dt.date | None
    files: Sequence[FileRef] = field(default_factory=tuple)
    #: The document this one replaces (recall/replace, STANDARDS §1.9): its edXML DocumentId.
    replaces_document_id: str = ""

    @property
    def edxml_document_id(self) -> str:
        """`OrganId,yyyy/MM/dd,Số/Ký hiệu` (STANDARDS §1.7)."""
        return f"{self.sender_code},{self.issued_date:%Y/%m/%d},{self.code_number}/{self.code_notation}"


class OutgoingTransport(Protocol):
    name: str

    def accepts(self, dispatch: Dispatch) -> bool: ...

    def enqueue(self, dispatch: Dispatch) -> str: ...

    def recall(self, dispatch: Dispatch, reason: str) -> None: ...


_signing_provider: SigningProvider | None = None
_transports: dict[str, OutgoingTransport] = {}


def set_signing_provider(provider: SigningProvider | None) -> None:
    global _signing_provider
    _signing_provider = provider


def signing_provider() -> SigningProvider | None:
    return _signing_provider


def register_outgoing_transport(transport: OutgoingTransport) -> None:
    _transports[transport.name] = transport


def unregister_outgoing_transport(name: str) -> None:
    _transports.pop(name, None)


def outgoing_transports() -> list[OutgoingTransport]:
    """The transports, the most recently registered first (a deployment's or a test's own transport
    is asked before the exchange one installed at start-up)."""
    return list(reversed(_transports.values()))


def load_from_settings() -> None:
    """Called by `DocumentsConfig.ready()`."""
    provider = getattr(settings, "DOCUMENTS_SIGNING_PROVIDER", "")
    if provider:
        set_signing_provider(import_string(provider)())
    for path in getattr(settings, "DOCUMENTS_OUTGOING_TRANSPORTS", []):
        register_outgoing_transport(import_string(path)())
