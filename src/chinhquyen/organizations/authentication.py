"""Logging in: password, lockout after repeated failures, and the TOTP second factor.

An official who failed `LOGIN_MAX_FAILURES` times in a row is locked for `LOGIN_LOCKOUT_MINUTES`
(the failure counter is committed even though the login is refused). Administrators must use a
TOTP second factor (RFC 6238); other officials may turn it on.
"""

from __future__ import annotations

import datetime as dt

import pyotp
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError
from chinhquyen.organizations.models import ADMIN_ROLES, Account
from chinhquyen.organizations.selectors import roles_of


def check_credentials(*, username: str, password: str) -> Account:
    """Return the account if the password is right and the account is usable; else refuse."""
    refused = DomainError("auth.invalid_credentials", _("The user name or password is not correct."))
    account = Account.objects.filter(username=username.strip().lower()).first()
    if account is None:
        Account().set_password(password)  # same work as a real check: no timing oracle
        raise refused
    now = timezone.now()
    if account.locked_until and account.locked_until > now:
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        raise DomainError(
            "auth.locked", _("The account is locked after too many failed logins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
        )
    if not account.is_active:
        raise refused
    if not account.check_password(password):
        with transaction.atomic():
            Account.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
            account.refresh_from_db(fields=["failed_logins"])
            if account.failed_logins >= settings.LOGIN_MAX_FAILURES:
                account.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                account.failed_logins = 0
                account.save(update_fields=["locked_until", "failed_logins"])
                record_event(
                    action="auth.locked",
                    actor=account,
                    object_type="account",
                    object_id=account.pk,
                    summary={"until": account.locked_until},
                )
        raise refused
    if account.failed_logins or account.locked_until:
        Account.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=None)
    return account


def second_factor_required(account: Account) -> bool:
    """Administrators must use TOTP; anyone who enrolled uses it too."""
    if account.totp_confirmed:
        return True
    return account.is_superuser or roles_of(account).filter(role__in=list(ADMIN_ROLES)).exists()


def start_totp_enrolment(*, account: Account) -> str:
    """Give the account a new TOTP secret (not yet confirmed) and return it."""
    secret = pyotp.random_base32()
    Account.objects.filter(pk=account.pk).update(totp_secret=secret, totp_confirmed=False)
    account.totp_secret, account.totp_confirmed = secret, False
    return secret


def totp_uri(account: Account) -> str:
    return pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.username, issuer_name=settings.SITE_NAME)


def verify_totp(*, account: Account, code: str) -> None:
    """Check a 6-digit code (one step of clock drift allowed); confirm a pending enrolment."""
    code = code.strip().replace(" ", "")
    if not account.totp_secret or not pyotp.TOTP(account.totp_secret).verify(code, valid_window=1):
        raise DomainError("auth.totp_invalid", _("The verification code is not correct."), fields={"code": [_("Not correct.")]})
    if not account.totp_confirmed:
        with transaction.atomic():
            Account.objects.filter(pk=account.pk).update(totp_confirmed=True)
            account.totp_confirmed = True
            record_event(action="auth.totp_enrolled", actor=account, object_type="account", object_id=account.pk)
