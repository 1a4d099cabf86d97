"""The office's signing provider (issue 6 item 8): documents.hooks → signing.services.

Decree 30/2020 art. 13.7, 17.2, 32.2 and Phụ lục I II.8 (STANDARDS §2.8):

- **Approval** (`sign_personal`): the leader signs the main PDF with their own personal key. The
  password of the PKCS#12 file or the token PIN is typed in the approval form and handed over for
  this one request (`signing_secret()`, a context variable); it is never stored. A leader without
  a key still approves: nothing is signed and the document page says "not signed digitally" (a
  paper original, or a key not issued yet) — the approval itself is not the signature.
- **Issue** (`sign_organization`): the number and date go into the fields made by the personal
  signature (`add_number_and_date`, an incremental update that keeps it valid), then the clerk
  applies the agency's organisation key (password/PIN typed in the issue form). A document without
  a personal signature gets neither (signing refuses an organisation signature without one).
  An agency without an organisation key issues the numbered, personally signed PDF.
- **Validation**: every PDF received (paper scan or electronic package) is validated when it is
  stored, before anyone registers or handles it; each signed version of an outgoing document too.
  Reports are `signing.ValidationReport`s about "documents.Attachment" / attachment id; only
  people who may see the attachment see its report.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.errors import DomainError
from chinhquyen.documents import hooks

logger = logging.getLogger(__name__)

SUBJECT_TYPE = "documents.Attachment"
#: The comments `services._store_signed` gives the signed versions.
SIGNED_LABELS = ("personal signature", "organisation signature")

_secret: ContextVar[str | None] = ContextVar("documents_signing_secret", default=None)


@contextlib.contextmanager
def signing_secret(value: str | None) -> Iterator[None]:
    """The key's password or the token's PIN for the signing done inside the block (never stored)."""
    token = _secret.set(value or None)
    try:
        yield
    finally:
        _secret.reset(token)


def _read(path: str) -> bytes:
    with default_storage.open(path, "rb") as fh:
        return fh.read()  # type: ignore[no-any-return]


def _is_pdf(ref: hooks.FileRef | None) -> bool:
    return ref is not None and (ref.content_type == "application/pdf" or ref.name.lower().endswith(".pdf"))


def _secret_required() -> DomainError:
    return DomainError(
        "documents.signing_secret_required",
        _("Type the password of your signing key (or your token's PIN) to sign."),
        fields={"signing_secret": "required"},
    )


def _account(pk: int) -> Any:
    from chinhquyen.organizations.models import Account

    return Account.objects.get(pk=pk)


def personal_key(official_id: int) -> Any:
    from chinhquyen.signing.models import SignatureRole, SigningKey

    return (
        SigningKey.objects.filter(role=SignatureRole.PERSONAL, official_id=official_id, is_active=True)
        .select_related("certificate")
        .order_by("-pk")
        .first()
    )


def organization_key(agency_code: str) -> Any:
    from chinhquyen.signing.models import SignatureRole, SigningKey

    return (
        SigningKey.objects.filter(role=SignatureRole.ORGANIZATION, agency__code=agency_code, agency__valid_to__isnull=True, is_active=True)
        .select_related("agency")
        .order_by("-pk")
        .first()
    )


def _has_number_field(data: bytes) -> bool:
    from chinhquyen.signing import pdf

    reader = pdf.open_pdf(data)
    form = reader.root.get("/AcroForm")
    if form is None:
        return False
    return any(str(ref.get_object().get("/T", "")) == pdf.NUMBER_FIELD for ref in form.get_object().get("/Fields", []))


class Provider:
    """`hooks.SigningProvider` backed by `signing.services`."""

    def sign_personal(self, request: hooks.SigningRequest) -> bytes | None:
        from chinhquyen.signing import images, services

        if not _is_pdf(request.main_file):
            return None
        key = personal_key(request.signer_id)
        if key is None:
            return None  # approved without a digital signature; the page says so
        secret = _secret.get()
        if not secret:
            raise _secret_required()
        assert request.main_file is not None
        name = request.signer_name or request.signer_username
        return services.sign_personal(
            pdf_bytes=_read(request.main_file.path),
            signer=key,
            actor=_account(request.signer_id),
            secret=secret,
            image=images.demo_signature_png(name),
            signer_name=name,
        )

    def sign_organization(self, request: hooks.SigningRequest) -> bytes | None:
        from chinhquyen.signing import services

        if not _is_pdf(request.main_file) or request.issued_date is None:
            return None
        assert request.main_file is not None
        data = _read(request.main_file.path)
        if not _has_number_field(data):
            return None  # not signed personally here: nothing for the organisation to countersign
        key = organization_key(request.agency_code)
        secret = _secret.get()
        if key is not None and not secret:
            raise _secret_required()
        actor = _account(request.signer_id)
        numbered = services.add_number_and_date(
            pdf_bytes=data,
            number_notation=f"{request.code_number}/{request.code_notation}",
            issued_date=request.issued_date,
            actor=actor,
        )
        if key is None:
            return numbered
        return services.sign_organization(pdf_bytes=numbered, signer=key, actor=actor, secret=secret, agency_name=request.agency_name)


# --- Validation of stored PDFs ------------------------------------------------------------------


def validate_attachment(attachment: Any) -> Any:
    """Validate a stored PDF and keep the report (never raises on a bad PDF: the report says why)."""
    from chinhquyen.signing import services

    try:
        with attachment.file.open("rb") as fh:
            data = fh.read()
        return services.validate_pdf(pdf_bytes=data, subject_type=SUBJECT_TYPE, subject_id=str(attachment.pk), file_name=attachment.name)
    except DomainError as exc:  # e.g. over SIGNING_MAX_PDF_BYTES: no report, the page says "not validated"
        logger.warning("attachment %s not validated: %s", attachment.pk, exc.code)
        return None


def needs_validation(attachment: Any) -> bool:
    if attachment.content_type != "application/pdf":
        return False
    if attachment.incoming_id is not None:
        return True
    return attachment.outgoing_id is not None and attachment.comment in SIGNED_LABELS


def load_attachment(subject_id: str) -> bytes | None:
    """`signing.register_file_source`: re-validation reads the stored file."""
    from chinhquyen.documents.models import Attachment

    attachment = Attachment.objects.filter(pk=subject_id).first() if subject_id.isdigit() else None
    if attachment is None:
        return None
    with attachment.file.open("rb") as fh:
        return fh.read()  # type: ignore[no-any-return]


def can_see_attachment(user: Any, subject_id: str) -> bool:
    """`signing.access.register_subject_access`: the report follows the document's access rules."""
    from chinhquyen.core.errors import NotFound, PermissionDenied
    from chinhquyen.documents import access

    if not subject_id.isdigit() or not getattr(user, "is_authenticated", False):
        return False
    try:
        access.access_attachment(access.scope_of(user), subject_id)
    except (NotFound, PermissionDenied):
        return False
    return True


# --- What the document pages show ---------------------------------------------------------------


@dataclass(frozen=True)
class FileSignatures:
    attachment: Any
    report: Any  # signing.ValidationReport or None
    colour: str  # green / amber / red / grey
    signatures: list[dict[str, Any]]


def _colour(report: Any) -> str:
    if report is None:
        return "grey"
    if report.indication == "PASSED":
        return "green"
    if report.indication == "FAILED":
        return "red"
    return "amber"


@dataclass(frozen=True)
class ReportSummary:
    """What the document page shows of a validation report, read with the attachments."""

    pk: int
    indication: str
    report: dict[str, Any]


def with_latest_report(attachments: Any) -> Any:
    """The attachments query with each file's latest validation report (`signature_report_id`,
    `signature_indication`, `signature_report`) in the same query, for `signatures_of`."""
    from django.db.models import JSONField, OuterRef, Subquery

    from chinhquyen.signing import selectors

    latest = selectors.current_reports_about(SUBJECT_TYPE, OuterRef("pk"))
    return attachments.annotate(
        signature_report_id=Subquery(latest.values("pk")[:1]),
        signature_indication=Subquery(latest.values("indication")[:1]),
        signature_report=Subquery(latest.values("report")[:1], output_field=JSONField()),
    )


def signatures_of(attachments: list[Any]) -> list[FileSignatures]:
    """The latest report of each PDF attachment: already on the attachments when they were read
    through `with_latest_report`, else in one query."""
    from chinhquyen.signing import selectors

    pdfs = [a for a in attachments if a.content_type == "application/pdf"]
    if not pdfs:
        return []
    if all(hasattr(a, "signature_report_id") for a in pdfs):
        out = []
        for attachment in pdfs:
            summary = None
            if attachment.signature_report_id is not None:
                summary = ReportSummary(attachment.signature_report_id, attachment.signature_indication, attachment.signature_report or {})
            signatures = list(summary.report.get("signatures", [])) if summary else []
            out.append(FileSignatures(attachment, summary, _colour(summary), signatures))
        return out
    latest: dict[str, Any] = selectors.current_reports(SUBJECT_TYPE, [str(a.pk) for a in pdfs])
    out = []
    for attachment in pdfs:
        report = latest.get(str(attachment.pk))
        signatures = list((report.report or {}).get("signatures", [])) if report else []
        out.append(FileSignatures(attachment, report, _colour(report), signatures))
    return out
