"""Agencies over time, their units, officials, roles and delegations, and applicant accounts.

Agencies and units carry effective dates (`valid_from`, `valid_to`, both inclusive; an open
`valid_to` means "still valid"), so the tree can be read as of any day: the 2019 tree with its
districts, the 2026 tree without them (STANDARDS §8). Old documents keep the agency that was
valid when they were made; `AgencySuccession` links a closed agency to what replaced it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from chinhquyen.organizations import totp

#: QCVN 102:2016 layout of the electronic identifier code, used by the document axis
#: (STANDARDS §1.10, §13.5.4): `V1V2V3.Z1Z2.Y1Y2.MX1X2`, level 1 on the right.
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$", re.ASCII)


class AgencyLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


#: A child sits at the same level or below its parent; in this order.
LEVEL_ORDER = {AgencyLevel.CENTRAL: 0, AgencyLevel.PROVINCE: 1, AgencyLevel.DISTRICT: 2, AgencyLevel.COMMUNE: 3}


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    COMMITTEE_OFFICE = "committee_office", _("Office of the People's Committee")
    DEPARTMENT = "department", _("Department")
    SERVICE_CENTER = "service_center", _("Public administrative service centre")
    PARTY_BODY = "party_body", _("Party body")
    OTHER = "other", _("Other")


class ValidQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> ValidQuerySet:
        """Rows in force on `day` (both bounds inclusive)."""
        return self.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


class Agency(models.Model):
    code = models.CharField(_("electronic identifier code"), max_length=35, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("abbreviation"), max_length=30, blank=True, help_text=_("Used in document notations, e.g. UBND, SNV."))
    level = models.CharField(_("level"), max_length=10, choices=AgencyLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("managing body"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective to"), null=True, blank=True)
    administrative_unit_code = models.CharField(_("administrative unit code (GSO)"), max_length=10, blank=True)
    code_verified = models.BooleanField(
        _("code verified"), default=True, help_text=_("False for demo codes not taken from the national catalogue.")
    )
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)

    objects = ValidQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code", "valid_from"]
        indexes = [
            models.Index(fields=["parent", "valid_from"], name="agency_parent_idx"),
            models.Index(fields=["valid_from", "valid_to"], name="agency_validity_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="agency_validity_order"
            ),
            # Two open-ended agencies never share a code; overlapping closed periods are checked by
            # the service under a lock (a range-exclusion constraint would need btree_gist).
            models.UniqueConstraint(fields=["code"], condition=Q(valid_to__isnull=True), name="agency_code_unique_current"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class SuccessionKind(models.TextChoices):
    MERGER = "merger", _("Merger")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename")


class AgencySuccession(models.Model):
    """`predecessor` ended and `successor` took over its work on `effective_date`."""

    predecessor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="successions_out")
    successor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="successions_in")
    kind = models.CharField(_("kind"), max_length=10, choices=SuccessionKind.choices)
    effective_date = models.DateField(_("effective date"))
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("agency succession")
        verbose_name_plural = _("agency successions")
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair")]

    def __str__(self) -> str:
        return f"{self.predecessor.code} → {self.successor.code} ({self.kind})"


class Unit(models.Model):
    """A unit inside an agency (phòng, ban), effective-dated."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("abbreviation"), max_length=30, blank=True)
    valid_from = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = ValidQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="unit_validity_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AccountKind(models.TextChoices):
    OFFICIAL = "official", _("Official")
    APPLICANT = "applicant", _("Citizen or business")


class Account(AbstractUser):  # type: ignore[django-manager-missing]  # TotpDevice.user (django-otp is untyped)
    """The login of a person: an official (cán bộ, công chức) or an applicant (người dân, doanh nghiệp)."""

    kind = models.CharField(_("account kind"), max_length=10, choices=AccountKind.choices, default=AccountKind.OFFICIAL)
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Created by load_demo with the shared demo password.")

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def totp_confirmed(self) -> bool:
        """The account has a confirmed TOTP device (its second factor is on)."""
        return TotpDevice.objects.filter(user_id=self.pk, confirmed=True).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password (set_password keeps the raw one until save) or a deactivation ends
        # every API token of the account, whichever screen or command made the change (ASVS 3.3.3).
        password_changed = self.pk is not None and getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed or (self.pk is not None and not self.is_active):
            from chinhquyen.organizations.authentication import revoke_tokens

            revoke_tokens(account=self, reason="password_changed" if password_changed else "deactivated")


class OfficialManager(UserManager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=AccountKind.OFFICIAL)


class Official(Account):  # type: ignore[django-manager-missing]
    """An official's account (the glossary's `Official`)."""

    objects = OfficialManager()  # type: ignore[assignment, misc]

    class Meta:
        proxy = True
        verbose_name = _("official")
        verbose_name_plural = _("officials")


class ApplicantKind(models.TextChoices):
    """The national code list of applicants: 0 citizen, 1 enterprise, 2 household business (STANDARDS §3.4).

    One list for the portal's accounts and the one-stop dossiers (`dossiers.models` re-exports it)."""

    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Enterprise")
    HOUSEHOLD_BUSINESS = "household_business", _("Household business")


class Applicant(models.Model):
    """The portal profile of a citizen or business; its login is an `Account` of kind applicant."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="applicant")
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN)
    identity_number = models.CharField(_("personal identification number"), max_length=12, blank=True, db_index=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True, db_index=True)
    organization_name = models.CharField(_("business name"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return self.organization_name or str(self.account)


class Position(models.Model):
    """A position (chức vụ): Giám đốc, Phó Chủ tịch, Chuyên viên…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_leadership = models.BooleanField(_("leadership position"), default=False)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    LEADER = "leader", _("Leader")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    SPECIALIST = "specialist", _("Specialist")
    COUNTER_OFFICER = "counter_officer", _("Counter officer")
    PROCESSING_OFFICER = "processing_officer", _("Processing officer")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    PROVINCE_ADMIN = "province_admin", _("Province administrator")


#: Roles that must use a second factor (issue 2: "required for administrators").
ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})


class UnitMembership(models.Model):
    official = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="unit_memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True)
    valid_from = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = ValidQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")

    def __str__(self) -> str:
        return f"{self.official} @ {self.unit}"


class RoleAssignment(models.Model):
    """An official holds `role` in `agency` (optionally in one unit) between two dates."""

    official = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="role_assignments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="role_assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True)
    valid_from = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective to"), null=True, blank=True)

    objects = ValidQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        indexes = [models.Index(fields=["agency", "role"], name="roleassign_agency_role_idx")]
        constraints = [
            models.UniqueConstraint(fields=["official", "agency", "role", "valid_from"], name="roleassign_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.official} — {self.get_role_display()} — {self.agency.code}"


class Delegation(models.Model):
    """`delegate` acts for `leader` in `agency` from `starts_on` to `ends_on` (ủy quyền)."""

    leader = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="delegations_given")
    delegate = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="delegations_received")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="delegations")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_order"),
            models.CheckConstraint(condition=~Q(leader=models.F("delegate")), name="delegation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.delegate} ← {self.leader} ({self.starts_on}–{self.ends_on})"


class TotpDevice(ThrottlingMixin, Device):
    """An official's TOTP second factor (RFC 6238) as a django-otp device.

    The key is stored encrypted (AES-256-GCM, `organizations.totp`); `last_t` is the time step of
    the last code accepted, so a code is never accepted twice; django-otp's throttling doubles the
    wait after each wrong code (`OTP_TOTP_THROTTLE_FACTOR`).
    """

    encrypted_key: models.BinaryField = models.BinaryField(help_text="The TOTP key, encrypted at rest (organizations.totp).")
    last_t: models.BigIntegerField = models.BigIntegerField(
        default=-1, help_text="Time step of the last accepted code; only later ones are accepted."
    )
    drift: models.SmallIntegerField = models.SmallIntegerField(default=0)

    STEP = 30
    DIGITS = 6
    TOLERANCE = 1

    class Meta(Device.Meta):
        verbose_name = _("TOTP device")
        verbose_name_plural = _("TOTP devices")

    @property
    def bin_key(self) -> bytes:
        return totp.decrypt_key(bytes(self.encrypted_key))

    def get_throttle_factor(self) -> int:
        from django.conf import settings

        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: object) -> bool:
        """Accept a code of a time step after the last accepted one (one step of drift either way)."""
        import time

        from django_otp.oath import TOTP

        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            value = int(str(token))
        except ValueError:
            value = -1
        check = TOTP(self.bin_key, self.STEP, 0, self.DIGITS, self.drift)
        check.time = time.time()
        if value >= 0 and check.verify(value, self.TOLERANCE, self.last_t + 1):
            self.last_t = check.t()
            self.drift = check.drift
            self.throttle_reset(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False

    def is_replay(self, token: object) -> bool:
        """`token` is the code of a time step already accepted (ASVS 2.8.5: logged and the owner told)."""
        from django_otp.oath import hotp

        if self.last_t < 0:
            return False
        code = str(token).strip()
        return any(code == f"{hotp(self.bin_key, t, self.DIGITS):0{self.DIGITS}d}" for t in (self.last_t - 1, self.last_t) if t >= 0)


class LoginFailure(models.Model):
    """One refused password, kept for the attempt limits (`organizations.authentication`).

    Keyed on the user name as typed (folded) and the client address (`core.net.client_address`),
    so the limits hold across processes and never lock an account for everyone.
    """

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "address", "at"], name="loginfailure_pair_idx"),
            models.Index(fields=["address", "at"], name="loginfailure_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.address} {self.at:%Y-%m-%d %H:%M:%S}"
