"""The portal's own data: application drafts (resumable from any device). Dossiers live in `dossiers`."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.organizations.models import Account
from chinhquyen.procedures.models import Procedure


class Draft(models.Model):
    """An application not yet submitted: what the applicant typed, and the files uploaded so far."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="portal_drafts")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_code = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.procedure_id} ({self.account_id})"


class DraftFile(models.Model):
    """One uploaded file for one required component of a draft (checked by content when uploaded)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    component_id = models.PositiveIntegerField()
    file = models.FileField(upload_to="portal/drafts/%Y/%m/")
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("draft file")
        verbose_name_plural = _("draft files")
        constraints = [models.UniqueConstraint(fields=["draft", "component_id"], name="portal_draft_file_one_per_component")]

    def __str__(self) -> str:
        return self.name


class PhoneCode(models.Model):
    """A one-time code sent by SMS to confirm a phone sign-up; only its keyed hash is kept."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="portal_phone_code")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phone confirmation code")
        verbose_name_plural = _("phone confirmation codes")

    def __str__(self) -> str:
        return str(self.account_id)


class EmailVerification(models.Model):
    """The pending confirmation of a sign-up's e-mail address: the keyed hash of the link's token.

    Used once: the row is deleted when the link activates the account, so the link can neither be
    replayed nor re-activate an account an administrator deactivated later (ADR 0035)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="portal_email_verification")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("e-mail confirmation")
        verbose_name_plural = _("e-mail confirmations")

    def __str__(self) -> str:
        return str(self.account_id)


class ProviderIdentity(models.Model):
    """An applicant account's link to a person at the national identity provider (ADR 0026 amended).

    The account is found by the provider's (`iss`, `sub`) pair, never by an identity number: a number
    typed at sign-up is the applicant's own statement, unverified; `identity_number` here is the one
    the provider asserted at the last sign-in."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="portal_identities")
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    identity_number = models.CharField(_("personal identification number asserted by the provider"), max_length=12)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identity provider link")
        verbose_name_plural = _("identity provider links")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="portal_provider_identity_issuer_subject")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
