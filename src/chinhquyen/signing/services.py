"""The public service API of signing: what documents (the office) and exchange call (docs/signing.md).

PDF signing follows Decree 30/2020 (Art. 13.7, 17.2, 32.2; Phụ lục I II.8): the competent person
signs (`sign_personal`), the clerk gives the number and date (`add_number_and_date`), the clerk
applies the organisation signature (`sign_organization`); attachments in separate files and
electronic copies get an invisible organisation signature with a text label (`sign_attachment`,
`sign_copy`). Incoming PDFs are validated and the report kept (`validate_pdf`).

Every function takes and returns the whole PDF as bytes and writes nothing but an audit event
(and, for `validate_pdf`, the report): the caller stores the file. Every refusal is a
`DomainError` with a code (`signing.*`) and a message; nothing is written then. Secrets (PKCS#12
password, token PIN) are used for one call and never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.core import audit, uploads
from chinhquyen.core.errors import DomainError, PermissionDenied
from chinhquyen.organizations.models import Account, Agency, Role
from chinhquyen.organizations.selectors import roles_of
from chinhquyen.signing import keys, pdf
from chinhquyen.signing.models import (
    Certificate,
    Indication,
    KeyKind,
    RevocationList,
    SignatureRole,
    SigningKey,
    TrustAnchor,
    TrustPurpose,
    ValidationReport,
)
from chinhquyen.signing.pki import certificate_facts, load_certificate, load_certificates
from chinhquyen.signing.trust import current_trust
from chinhquyen.signing.validation import TrustMaterial, validate_pdf_bytes

# --- Certificates, anchors, revocation data --------------------------------------------------


def import_certificate(data: bytes | x509.Certificate) -> Certificate:
    """The stored row for a certificate (created the first time it is seen)."""
    cert = data if isinstance(data, x509.Certificate) else _parse_certificate(data)
    facts = certificate_facts(cert)
    existing = Certificate.objects.filter(sha256=facts.sha256).first()
    if existing:
        return existing
    return Certificate.objects.create(
        subject=facts.subject[:1000],
        subject_common_name=facts.subject_common_name[:255],
        organization=facts.organization[:255],
        issuer=facts.issuer[:1000],
        serial_hex=facts.serial_hex,
        not_before=facts.not_before,
        not_after=facts.not_after,
        key_usage=facts.key_usage,
        extended_key_usage=facts.extended_key_usage,
        key_algorithm=facts.key_algorithm,
        is_ca=facts.is_ca,
        sha256=facts.sha256,
        der=facts.der,
    )


def _parse_certificate(data: bytes) -> x509.Certificate:
    try:
        return load_certificate(data)
    except ValueError:
        raise DomainError("signing.certificate_invalid", _("The file is not an X.509 certificate (PEM or DER)."))


def add_trust_anchor(*, data: bytes, actor: Account | None, name: str = "", purpose: str = TrustPurpose.SIGNATURES) -> list[TrustAnchor]:
    """Trust every certificate in a PEM bundle (or one DER) as a root; queues the re-validation of old reports."""
    try:
        certs = load_certificates(data)
    except ValueError:
        raise DomainError("signing.certificate_invalid", _("The file is not an X.509 certificate (PEM or DER)."))
    created = []
    with transaction.atomic():
        for cert in certs:
            row = import_certificate(cert)
            anchor, made = TrustAnchor.objects.get_or_create(
                certificate=row, purpose=purpose, defaults={"name": name or row.subject_common_name}
            )
            if not made and not anchor.is_active:
                anchor.is_active = True
                anchor.save(update_fields=["is_active"])
            created.append(anchor)
            audit.record_event(
                action="signing.trust_anchor_added", actor=actor, object_type="signing.TrustAnchor", object_id=anchor.pk,
                summary={"subject": row.subject, "sha256": row.sha256, "purpose": purpose},
            )  # fmt: skip
        _queue_revalidation()
    return created


def import_ca_certificates(*, data: bytes) -> list[Certificate]:
    """Intermediate CA certificates (not trusted by themselves) used to build chains offline."""
    try:
        certs = load_certificates(data)
    except ValueError:
        raise DomainError("signing.certificate_invalid", _("The file is not an X.509 certificate (PEM or DER)."))
    with transaction.atomic():
        return [import_certificate(c) for c in certs]


def import_crl(*, data: bytes, actor: Account | None = None) -> RevocationList:
    """Store a CRL (DER or PEM) whose issuer is a known CA and whose signature verifies; queues re-validation."""
    try:
        crl = x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----") else x509.load_der_x509_crl(data)
    except ValueError:
        raise DomainError("signing.crl_invalid", _("The file is not a certificate revocation list."))
    issuer = next((c for c in Certificate.objects.filter(is_ca=True) if c.as_x509().subject == crl.issuer), None)
    if issuer is None or not crl.is_signature_valid(issuer.as_x509().public_key()):  # type: ignore[arg-type]  # RSA/EC keys
        raise DomainError("signing.crl_unknown_issuer", _("The CRL is not signed by a known certification authority."))
    der = crl.public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest()
    with transaction.atomic():
        row, made = RevocationList.objects.get_or_create(
            sha256=digest,
            defaults={"issuer": issuer.subject, "this_update": crl.last_update_utc, "next_update": crl.next_update_utc, "der": der},
        )
        if made:
            # Older CRLs of the same issuer are superseded by this one.
            RevocationList.objects.filter(issuer=issuer.subject, this_update__lt=row.this_update).delete()
            audit.record_event(
                action="signing.crl_imported", actor=actor, object_type="signing.RevocationList", object_id=row.pk,
                summary={"issuer": issuer.subject, "this_update": row.this_update.isoformat(), "revoked": len(list(crl))},
            )  # fmt: skip
            _queue_revalidation()
    return row


# --- Keys ------------------------------------------------------------------------------------


def _owner_checks(role: str, official: Account | None, agency: Agency | None) -> None:
    if role == SignatureRole.PERSONAL and (official is None or agency is not None):
        raise DomainError("signing.owner_invalid", _("A personal key belongs to one official."))
    if role == SignatureRole.ORGANIZATION and (agency is None or official is not None):
        raise DomainError("signing.owner_invalid", _("An organisation key belongs to one agency."))


def import_pkcs12(
    *,
    data: bytes,
    password: str,
    role: str,
    actor: Account | None,
    official: Account | None = None,
    agency: Agency | None = None,
    label: str = "",
) -> SigningKey:
    """Store an official's or agency's PKCS#12 file, encrypted at rest (never in plain text, never logged).

    Refuses a wrong password, a file without key, a certificate not meant for signing.
    """
    _owner_checks(role, official, agency)
    cert, _key, chain = keys.load_pkcs12(data, password)
    keys.check_signing_certificate(cert)
    with transaction.atomic():
        certificate = import_certificate(cert)
        signing_key = SigningKey.objects.create(
            role=role, official=official, agency=agency, certificate=certificate, kind=KeyKind.PKCS12,
            encrypted_pkcs12=keys.encrypt_at_rest(data), label=label or certificate.subject_common_name,
        )  # fmt: skip
        signing_key.chain.set([import_certificate(c) for c in chain])
        audit.record_event(
            action="signing.key_imported", actor=actor, agency_id=agency.pk if agency else None, object_type="signing.SigningKey",
            object_id=signing_key.pk, summary={"role": role, "kind": "pkcs12", "certificate": certificate.sha256},
        )  # fmt: skip
    return signing_key


def register_token_key(
    *,
    module: str,
    token_label: str,
    key_label: str,
    certificate: bytes,
    role: str,
    actor: Account | None,
    official: Account | None = None,
    agency: Agency | None = None,
    chain: bytes = b"",
    label: str = "",
) -> SigningKey:
    """Record a key that lives on a PKCS#11 token (`TokenKey`): where to find it, never its PIN."""
    _owner_checks(role, official, agency)
    cert = _parse_certificate(certificate)
    keys.check_signing_certificate(cert)
    with transaction.atomic():
        row = import_certificate(cert)
        signing_key = SigningKey.objects.create(
            role=role, official=official, agency=agency, certificate=row, kind=KeyKind.TOKEN,
            token_module=module, token_label=token_label, key_label=key_label, label=label or row.subject_common_name,
        )  # fmt: skip
        if chain:
            signing_key.chain.set([import_certificate(c) for c in load_certificates(chain)])
        audit.record_event(
            action="signing.key_imported", actor=actor, agency_id=agency.pk if agency else None, object_type="signing.SigningKey",
            object_id=signing_key.pk, summary={"role": role, "kind": "token", "token": token_label, "key": key_label, "certificate": row.sha256},
        )  # fmt: skip
    return signing_key


def open_signer(key: SigningKey, secret: str) -> keys.LoadedSigner | keys.TokenSigner:
    """A ready signer for `key` (`secret` = the PKCS#12 password or the token PIN). Call `.close()` after.

    Keep a `LoadedSigner` to sign many files in a row (the parsed key is kept, DESIGN.md).
    """
    if not key.is_active:
        raise DomainError("signing.key_inactive", _("This signing key is no longer active."))
    now = timezone.now()
    if not key.certificate.not_before <= now <= key.certificate.not_after:
        raise DomainError("signing.certificate_expired", _("The certificate of this key is expired or not yet valid."))
    if key.kind == KeyKind.PKCS12:
        return keys.signer_from_pkcs12(keys.decrypt_at_rest(bytes(key.encrypted_pkcs12)), secret)
    token = keys.TokenKey(
        module=key.token_module,
        token_label=key.token_label,
        key_label=key.key_label,
        certificate=key.certificate.as_x509(),
        chain=[c.as_x509() for c in key.chain.all()],
    )
    return token.open(secret)


# --- Signing PDFs (Decree 30/2020 Phụ lục I II.8) --------------------------------------------

Signer = keys.LoadedSigner | keys.TokenSigner


def _timestamper() -> Any:
    if not settings.SIGNING_TSA_URL:
        return None
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(settings.SIGNING_TSA_URL, timeout=10)


def _revocation_context(signer: Any, trust: TrustMaterial) -> Any:
    """B-LT (ETSI EN 319 142-1 §6.4) when a timestamp is taken and revocation data is at hand."""
    if not settings.SIGNING_TSA_URL or not trust.anchors:
        return None
    if not trust.crls and not settings.SIGNING_FETCH_REVOCATION:
        return None
    from asn1crypto import crl as asn1_crl
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=list(trust.anchors),
        other_certs=list(trust.intermediates),
        crls=[asn1_crl.CertificateList.load(c) for c in trust.crls],
        allow_fetching=settings.SIGNING_FETCH_REVOCATION,
        revocation_mode="soft-fail",
        weak_hash_algos=set(),
    )


def _sign(data: bytes, handle: Signer, request: pdf.SignRequest) -> bytes:
    signer = handle.signer
    timestamper = _timestamper()
    revocation = _revocation_context(signer, current_trust()) if timestamper else None
    if revocation is not None:
        try:
            return pdf.sign_pdf(data, signer, request, timestamper=timestamper, revocation_context=revocation)
        except DomainError as exc:
            if exc.code in ("signing.tsa_unavailable", "signing.wrong_pin"):
                raise
            # The chain could not be validated for B-LT (e.g. no CRL for this CA yet): fall back to B-T.
    return pdf.sign_pdf(data, signer, request, timestamper=timestamper)


def _resolve(signer: SigningKey | Signer, secret: str | None) -> tuple[Signer, SigningKey | None, bool]:
    if isinstance(signer, SigningKey):
        return open_signer(signer, secret or ""), signer, True
    return signer, None, False


def _record(
    action: str, *, actor: Account | None, key: SigningKey | None, agency_id: int | None, before: bytes, after: bytes, **summary: Any
) -> None:
    with transaction.atomic():
        audit.record_event(
            action=action, actor=actor, agency_id=agency_id, object_type="signing.SigningKey", object_id=key.pk if key else "",
            summary={"input_sha256": hashlib.sha256(before).hexdigest(), "output_sha256": hashlib.sha256(after).hexdigest(), **summary},
        )  # fmt: skip


def sign_personal(
    *,
    pdf_bytes: bytes,
    signer: SigningKey | Signer,
    actor: Account,
    secret: str | None = None,
    image: bytes | None = None,
    box: pdf.Box | None = None,
    signer_name: str = "",
    number_box: pdf.Box | None = None,
    date_box: pdf.Box | None = None,
    with_number_fields: bool = True,
    reason: str = "",
) -> bytes:
    """The competent person's signature (SignatureRole.PERSONAL), with the blue signature image in box 7c.

    Also creates the empty number and date fields (`number_box`, `date_box`; by default after "Số:" and
    under the motto on page 1) that `add_number_and_date` fills later without breaking this signature.
    Raises `signing.not_your_key` when the key is not the actor's own personal key.
    """
    handle, key, opened = _resolve(signer, secret)
    try:
        if key is not None and (key.role != SignatureRole.PERSONAL or key.official_id != actor.pk):
            raise PermissionDenied("signing.not_your_key", _("Only the owner of a personal key can sign with it."))
        reader = pdf.open_pdf(pdf_bytes)
        picture = pdf.load_png(image, what="signature") if image else None
        name = signer_name or (actor.full_name if actor else "")
        request = pdf.SignRequest(
            field_name=pdf.PERSONAL_FIELD,
            box=box or pdf.personal_box(pdf_bytes, reader, picture, signer_name=name),
            image=picture,
            reason=reason or (f"{name} ký duyệt văn bản" if name else ""),
        )
        if with_number_fields and not _has_field(reader, pdf.NUMBER_FIELD):
            request.text_fields = [
                (pdf.NUMBER_FIELD, number_box or pdf.default_number_box(pdf_bytes, reader)),
                (pdf.DATE_FIELD, date_box or pdf.default_date_box(pdf_bytes, reader)),
            ]
        out = _sign(pdf_bytes, handle, request)
    finally:
        if opened:
            handle.close()
    _record("signing.personal_signed", actor=actor, key=key, agency_id=None, before=pdf_bytes, after=out)
    return out


def _has_field(reader: Any, name: str) -> bool:
    form = reader.root.get("/AcroForm")
    if form is None:
        return False
    return any(str(ref.get_object().get("/T", "")) == name for ref in form.get_object().get("/Fields", []))


def add_number_and_date(
    *, pdf_bytes: bytes, number_notation: str, issued_date: dt.date, place: str = "", actor: Account | None = None
) -> bytes:
    """Write the number/notation and the date into the personally signed PDF (Decree 30 Art. 15, Phụ lục I II.3–4).

    An incremental update that fills the two form fields made by `sign_personal`; the result is
    validated before it is returned, and refused (`signing.numbering_breaks_signature`) if the
    personal signature would not stay valid.
    """
    date_line = pdf.vietnamese_date_line(place, issued_date)
    out = pdf.fill_number_and_date(pdf_bytes, number_notation=number_notation, date_line=date_line)
    report = validate_pdf_bytes(out, current_trust())
    for signature in report["signatures"]:
        mods = signature.get("modifications", {})
        if signature.get("reason") in ("modified_after_signing", "docmdp_violation", "shadow_change", "hash_mismatch") or not mods.get(
            "permitted", True
        ):
            raise DomainError(
                "signing.numbering_breaks_signature", _("Adding the number would invalidate a signature; nothing was changed.")
            )
    _record(
        "signing.numbered",
        actor=actor,
        key=None,
        agency_id=None,
        before=pdf_bytes,
        after=out,
        number=number_notation,
        date=issued_date.isoformat(),
    )
    return out


def _check_clerk(actor: Account, key: SigningKey | None) -> None:
    # Decree 30/2020 Art. 32.2 (and 13.7, 17.2): only the clerk (văn thư) applies the organisation's signature.
    roles = list(roles_of(actor))
    clerk_agencies = {r.agency_id for r in roles if r.role == Role.CLERK}
    if not clerk_agencies:
        raise PermissionDenied("signing.not_clerk", _("Only the clerk (văn thư) can apply the organisation's signature."))
    if key is not None and (key.role != SignatureRole.ORGANIZATION or key.agency_id not in clerk_agencies):
        raise PermissionDenied("signing.not_your_agency_key", _("This is not the organisation key of an agency where you are the clerk."))


def _is_acceptable_personal(signature: dict[str, Any]) -> bool:
    """Valid personal signature: PASSED, or INDETERMINATE only because revocation could not be checked offline."""
    if signature.get("role") == "organization" or signature.get("kind") == "document_timestamp":
        return False
    if signature["indication"] == Indication.PASSED:
        return True
    return signature["indication"] == Indication.INDETERMINATE and signature["reason"] == "revocation_unknown"


def sign_organization(
    *,
    pdf_bytes: bytes,
    signer: SigningKey | Signer,
    actor: Account,
    secret: str | None = None,
    seal_image: bytes | None = None,
    agency_name: str = "",
) -> bytes:
    """The organisation's signature (SignatureRole.ORGANIZATION) with the red seal at real size over the left third
    of the personal signature image (Decree 30/2020 Phụ lục I II.8.b).

    Refuses a non-clerk (`signing.not_clerk`), a key of another agency, and a PDF without a valid personal
    signature (`signing.no_valid_personal_signature`) or that was changed in a way no signature permits.
    """
    handle, key, opened = _resolve(signer, secret)
    try:
        _check_clerk(actor, key)
        reader = pdf.open_pdf(pdf_bytes)
        report = validate_pdf_bytes(pdf_bytes, current_trust())
        if report["indication"] == Indication.FAILED or not any(_is_acceptable_personal(s) for s in report["signatures"]):
            raise DomainError(
                "signing.no_valid_personal_signature", _("The document has no valid personal signature: the organisation cannot sign it.")
            )
        personal = pdf.find_signature_box(reader)
        seal = (
            pdf.load_png(seal_image, what="seal")
            if seal_image
            else _default_seal(agency_name or (key.agency.name if key and key.agency else ""))
        )
        box = pdf.seal_box(personal, seal) if personal else pdf.personal_box(pdf_bytes, reader, seal)
        request = pdf.SignRequest(field_name=pdf.ORGANIZATION_FIELD, box=box, image=seal, reason="Ban hành văn bản")
        out = _sign(pdf_bytes, handle, request)
    finally:
        if opened:
            handle.close()
    _record("signing.organization_signed", actor=actor, key=key, agency_id=key.agency_id if key else None, before=pdf_bytes, after=out)
    return out


def _default_seal(agency_name: str) -> Any:
    from chinhquyen.signing.images import demo_seal_png

    return pdf.load_png(demo_seal_png(agency_name, diameter_mm=settings.SIGNING_SEAL_DIAMETER_MM), what="seal")


def sign_attachment(
    *, pdf_bytes: bytes, signer: SigningKey | Signer, actor: Account, number_notation: str, secret: str | None = None
) -> bytes:
    """Invisible organisation signature of an attachment in a separate file, with the label
    "number/notation" + signing time (ISO 8601, +07:00) top right of page 1, 10 pt black (Phụ lục I II.8.c)."""
    return _labelled(pdf_bytes, signer, actor, secret, [number_notation, "{time}"], "signing.attachment_signed")


COPY_KINDS = {"certified": "SAO Y", "duplicate": "SAO LỤC", "extract": "TRÍCH SAO"}


def sign_copy(
    *, pdf_bytes: bytes, signer: SigningKey | Signer, actor: Account, copy_kind: str, copying_agency: str, secret: str | None = None
) -> bytes:
    """An electronic copy (Decree 30/2020 Art. 25–27, Phụ lục I Part II.I): invisible organisation signature
    and the label "SAO Y"/"SAO LỤC"/"TRÍCH SAO", the copying agency and the time, top right of page 1.
    `copy_kind`: "certified" (sao y), "duplicate" (sao lục), "extract" (trích sao)."""
    if copy_kind not in COPY_KINDS:
        raise DomainError(
            "signing.copy_kind_invalid", _("Unknown kind of copy."), fields={"copy_kind": [_("certified, duplicate or extract")]}
        )
    return _labelled(pdf_bytes, signer, actor, secret, [COPY_KINDS[copy_kind], copying_agency, "{time}"], "signing.copy_signed")


def _labelled(pdf_bytes: bytes, signer: SigningKey | Signer, actor: Account, secret: str | None, lines: list[str], action: str) -> bytes:
    handle, key, opened = _resolve(signer, secret)
    try:
        _check_clerk(actor, key)
        request = pdf.SignRequest(field_name=pdf.ORGANIZATION_FIELD, label=pdf.Label(lines=lines), reason="Ban hành văn bản")
        out = _sign(pdf_bytes, handle, request)
    finally:
        if opened:
            handle.close()
    _record(action, actor=actor, key=key, agency_id=key.agency_id if key else None, before=pdf_bytes, after=out, label=lines[:-1])
    return out


# --- Validation ------------------------------------------------------------------------------

#: subject_type → loader(subject_id) returning the file's bytes (or None), for re-validation.
_FILE_SOURCES: dict[str, Callable[[str], bytes | None]] = {}


def register_file_source(subject_type: str, loader: Callable[[str], bytes | None]) -> None:
    """Let the re-validation job fetch the files of `subject_type` (documents registers its attachments here)."""
    _FILE_SOURCES[subject_type] = loader


def validate_pdf(
    *,
    pdf_bytes: bytes,
    subject_type: str,
    subject_id: str = "",
    file_name: str = "",
    actor: Account | None = None,
    keep_file: bool = False,
    trust: TrustMaterial | None = None,
    supersedes: ValidationReport | None = None,
) -> ValidationReport:
    """Validate every signature of a PDF and store the report as evidence (never raises on a bad PDF:
    the report says FAILED/INDETERMINATE and why); refuses only a file over SIGNING_MAX_PDF_BYTES.

    `subject_type`/`subject_id` say what the file belongs to (e.g. "documents.Attachment", "42").
    `keep_file=True` keeps a copy with the report (uploads through the page and the API).
    """
    pdf.check_size(len(pdf_bytes))
    material = trust or current_trust()
    result = validate_pdf_bytes(pdf_bytes, material)
    with uploads.removed_on_failure(), transaction.atomic():
        report = ValidationReport(
            subject_type=subject_type[:50],
            subject_id=str(subject_id)[:64],
            file_sha256=result["file"]["sha256"],
            file_name=file_name[:255],
            file_size=len(pdf_bytes),
            indication=result["indication"],
            reason=result["reason"],
            signature_count=len(result["signatures"]),
            report=result,
            trust_fingerprint=material.fingerprint,
            validated_by=actor,
            supersedes=supersedes,
        )
        if keep_file:
            uploads.save_bytes(report.file, f"{report.file_sha256}.pdf", pdf_bytes)
        report.save()
        audit.record_event(
            action="signing.pdf_validated", actor=actor, object_type="signing.ValidationReport", object_id=report.pk,
            summary={"subject_type": subject_type, "subject_id": str(subject_id), "sha256": report.file_sha256, "indication": report.indication, "reason": report.reason},
        )  # fmt: skip
    return report


def check_uploaded_pdf(*, upload: Any, actor: Account) -> ValidationReport:
    """The signature-check page and API: the upload passes the upload policy (`core.uploads.SIGNATURE_CHECK`:
    a PDF that opens and has pages, within SIGNING_MAX_PDF_BYTES, scanned), then every signature is
    validated and the report kept **with the file**, so that it is re-validated when the trust changes.

    Raises `upload.*`; never raises on a bad signature (the report says it).
    """
    checked = uploads.check_upload(upload, intake=uploads.SIGNATURE_CHECK, field="file")
    return validate_pdf(pdf_bytes=checked.content, subject_type="upload", file_name=checked.name, actor=actor, keep_file=True)


def _queue_revalidation() -> None:
    from chinhquyen.signing.tasks import revalidate_reports

    revalidate_reports.enqueue()


def revalidate_outdated(*, limit: int = 500) -> int:
    """Re-validate the latest report of each file validated under other trust (anchors or CRLs changed).

    A new report supersedes the old one; the old one stays as evidence. Returns how many were redone.
    """
    material = current_trust()
    done = 0
    latest = (
        ValidationReport.objects.filter(superseded_by__isnull=True).exclude(trust_fingerprint=material.fingerprint).order_by("pk")[:limit]
    )
    for report in latest:
        data = _load_file(report)
        if data is None:
            continue
        validate_pdf(
            pdf_bytes=data, subject_type=report.subject_type, subject_id=report.subject_id, file_name=report.file_name,
            keep_file=bool(report.file), trust=material, supersedes=report,
        )  # fmt: skip
        done += 1
    return done


def _load_file(report: ValidationReport) -> bytes | None:
    if report.file:
        with report.file.open("rb") as fh:
            return fh.read()  # type: ignore[no-any-return]
    loader = _FILE_SOURCES.get(report.subject_type)
    data = loader(report.subject_id) if loader else None
    if data is not None and hashlib.sha256(data).hexdigest() != report.file_sha256:
        return None  # the subject now holds another file: its own validation will report it
    return data
