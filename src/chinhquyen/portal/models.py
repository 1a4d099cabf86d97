"""The portal's own data: application drafts (resumable from any device). Dossiers live in `dossiers`."""

from __future__ import annotations

from django.db import models
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
