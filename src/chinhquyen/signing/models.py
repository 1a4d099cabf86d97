"""Keys, certificates, trust anchors, revocation data and validation reports (issue 6).

What is stored and what never is: a PKCS#12 file only encrypted (AES-256-GCM, key derived from
`SIGNING_KEY_ENCRYPTION_KEY`); a token key only as a reference (module, token label, key label),
never its PIN; a PKCS#12 password never.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatureRole(models.TextChoices):
    # Decree 30/2020 Phụ lục I II.8: the competent person's signature, then the organisation's.
    PERSONAL = "personal", _("personal signature")
    ORGANIZATION = "organization", _("organisation signature")


class KeyKind(models.TextChoices):
    PKCS12 = "pkcs12", _("PKCS#12 file")
    TOKEN = "token", _("PKCS#11 token")


class TrustPurpose(models.TextChoices):
    SIGNATURES = "signatures", _("document signatures")
    TIMESTAMPS = "timestamps", _("timestamps")


class Indication(models.TextChoices):
    # ETSI EN 319 102-1 §5.1.3 main indications.
    PASSED = "PASSED", _("valid")
    INDETERMINATE = "INDETERMINATE", _("cannot be confirmed")
    FAILED = "FAILED", _("invalid")


class Certificate(models.Model):
    """An X.509 certificate seen by the system (a signer's, a CA's, a trust anchor)."""

    subject = models.CharField(_("subject"), max_length=1000)
    subject_common_name = models.CharField(_("common name"), max_length=255)
    organization = models.CharField(_("organisation"), max_length=255, blank=True)
    issuer = models.CharField(_("issuer"), max_length=1000)
    serial_hex = models.CharField(_("serial number"), max_length=64)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid to"))
    key_usage = models.JSONField(_("key usage"), default=list)
    extended_key_usage = models.JSONField(_("extended key usage"), default=list)
    key_algorithm = models.CharField(_("key algorithm"), max_length=40)
    is_ca = models.BooleanField(_("certification authority"), default=False)
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    der = models.BinaryField(_("DER"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.subject_common_name} ({self.serial_hex})"

    def as_x509(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(bytes(self.der))

    @property
    def pem(self) -> str:
        return self.as_x509().public_bytes(serialization.Encoding.PEM).decode()

    @property
    def can_sign_documents(self) -> bool:
        return bool({"digital_signature", "content_commitment"} & set(self.key_usage))


class SigningKey(models.Model):
    """An official's (personal) or an agency's (organisation) signing key.

    PKCS#12: the file encrypted with a key derived from the settings. Token (`TokenKey`): the
    PKCS#11 module, token label and key label; the PIN is asked at each signing, never stored.
    """

    role = models.CharField(_("role"), max_length=20, choices=SignatureRole.choices)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="signing_keys", verbose_name=_("official")
    )
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="signing_keys", verbose_name=_("agency")
    )
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="signing_keys", verbose_name=_("certificate"))
    chain = models.ManyToManyField(Certificate, blank=True, related_name="+", verbose_name=_("chain"))
    kind = models.CharField(_("kind"), max_length=10, choices=KeyKind.choices)
    encrypted_pkcs12 = models.BinaryField(_("encrypted PKCS#12"), blank=True, default=b"", editable=False)
    token_module = models.CharField(_("PKCS#11 module"), max_length=255, blank=True)
    token_label = models.CharField(_("token label"), max_length=64, blank=True)
    key_label = models.CharField(_("key label"), max_length=64, blank=True)
    label = models.CharField(_("label"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.CheckConstraint(
                name="signing_key_owner_matches_role",
                condition=(
                    models.Q(role="personal", official__isnull=False, agency__isnull=True)
                    | models.Q(role="organization", agency__isnull=False, official__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="signing_key_material_matches_kind",
                condition=models.Q(kind="pkcs12") | models.Q(kind="token", token_module__gt="", token_label__gt="", key_label__gt=""),
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.certificate)


class RevocationList(models.Model):
    """A CRL imported or fetched (the revocation data validation uses offline)."""

    issuer = models.CharField(_("issuer"), max_length=1000)
    this_update = models.DateTimeField(_("this update"))
    next_update = models.DateTimeField(_("next update"), null=True, blank=True)
    der = models.BinaryField(_("DER"))
    sha256 = models.CharField(max_length=64, unique=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate revocation list")
        verbose_name_plural = _("certificate revocation lists")

    def __str__(self) -> str:
        return f"{self.issuer} ({self.this_update:%Y-%m-%d})"


class TrustAnchor(models.Model):
    """A root the deployment trusts (VGCA G2 root for official use, NEAC root for public CAs; the DEMO root in the demo)."""

    name = models.CharField(_("name"), max_length=255)
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="trust_anchors")
    purpose = models.CharField(_("purpose"), max_length=20, choices=TrustPurpose.choices, default=TrustPurpose.SIGNATURES)
    is_active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trust anchor")
        verbose_name_plural = _("trust anchors")
        constraints = [models.UniqueConstraint(fields=["certificate", "purpose"], name="trust_anchor_unique_per_purpose")]

    def __str__(self) -> str:
        return self.name

    @property
    def pem(self) -> str:
        return self.certificate.pem


def report_upload_path(instance: ValidationReport, filename: str) -> str:
    return f"signing/validated/{instance.file_sha256[:2]}/{instance.file_sha256}.pdf"


class ValidationReport(models.Model):
    """The result of validating every signature in one PDF, kept as evidence.

    Linked to what it validates by a generic reference (`subject_type`, `subject_id`) and the
    file's SHA-256, so that signing never imports the apps that call it (documents, exchange).
    Reports are never changed: a re-validation adds a newer report.
    """

    subject_type = models.CharField(_("subject type"), max_length=50, db_index=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.BigIntegerField(_("file size"), default=0)
    file = models.FileField(upload_to=report_upload_path, blank=True, max_length=200)
    indication = models.CharField(_("indication"), max_length=20, choices=Indication.choices)
    reason = models.CharField(_("reason"), max_length=60, blank=True)
    signature_count = models.PositiveSmallIntegerField(default=0)
    report = models.JSONField(_("report"), default=dict)
    trust_fingerprint = models.CharField(max_length=64, help_text="SHA-256 over the anchors and revocation data used.")
    validated_at = models.DateTimeField(_("validated at"), auto_now_add=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("validated by")
    )
    supersedes = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="superseded_by")

    class Meta:
        verbose_name = _("validation report")
        verbose_name_plural = _("validation reports")
        indexes = [models.Index(fields=["subject_type", "subject_id", "-validated_at"], name="signing_report_subject")]

    def __str__(self) -> str:
        return f"{self.file_name or self.file_sha256[:12]}: {self.indication}"
