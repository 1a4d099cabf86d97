"""The one door: every way to an account's rights is decided here (ADR 0033).

The officials' login page, the admin site (whose login is that page), the API token, the portal's
password login and its OpenID Connect sign-in all call this module; none logs anybody in itself.

- **Attempts** (`check_credentials`): a refused password is kept as a `LoginFailure` keyed on the
  user name as typed and the client address (`core.net.client_address`). After
  `LOGIN_MAX_FAILURES` failures that pair is locked for `LOGIN_LOCKOUT_MINUTES`, and each further
  failure doubles the wait (up to a day); the owner is told by e-mail and an audit event under
  their name. One address is refused after `LOGIN_MAX_FAILURES_PER_ADDRESS` failures, the whole
  site after `LOGIN_MAX_FAILURES_GLOBAL`. A lock never closes the account from other addresses, so
  nobody can lock an official out from anywhere. Wrong password, unknown account, inactive account
  and any lock get the same answer (no account enumeration, ASVS 2.2.1 / 3.2.x).
- **Doors**: officials' accounts enter by the officials' page and the API; applicants' by the
  portal (password or OpenID Connect). Each door refuses the other kind.
- **Second factor**: administrators (staff, superusers, agency and province administrators) must
  use TOTP; any official may turn it on. TOTP devices are django-otp devices with an encrypted key,
  replay protection and throttling (`models.TotpDevice`).
- **Tokens**: django-rest-knox tokens (hashed, `API_TOKEN_HOURS`), issued only with the second
  factor where the account needs it, revoked at logout, password change, deactivation and
  second-factor reset.
- **Audit**: each decision is an event in the hash-chained audit trail (`auth.*`).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import django_otp
from django.conf import settings
from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError
from chinhquyen.core.net import client_address
from chinhquyen.core.tasks import queue_email
from chinhquyen.organizations import totp
from chinhquyen.organizations.models import ADMIN_ROLES, Account, AccountKind, LoginFailure, TotpDevice
from chinhquyen.organizations.selectors import roles_of

__all__ = ["LoginFailure", "check_credentials", "issue_token", "log_in_applicant", "log_in_official", "verify_second_factor"]

Door = Literal["officials", "api", "portal", "oidc", "password_change"]

#: Session key: the password was right, the second factor is still to be given (middleware).
SECOND_FACTOR_PENDING = "second_factor_pending"
_ADMIN_LOGIN_RECORDED = "admin_login_recorded"
_BACKEND = "chinhquyen.organizations.backends.RoleBackend"
_HISTORY = dt.timedelta(days=1)
_MAX_LOCK = dt.timedelta(days=1)


def _refused() -> DomainError:
    return DomainError("auth.invalid_credentials", _("The user name or password is not correct."))


def _fold(username: str) -> str:
    return username.strip().lower()[:150]


# --- attempt limits ---------------------------------------------------------------------------


def lock_ends(*, username: str, address: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lock of this user name from this address ends, or None if it is not locked."""
    now = now or timezone.now()
    failures = LoginFailure.objects.filter(username=_fold(username), address=address, at__gte=now - _HISTORY)
    count = failures.count()
    if count < settings.LOGIN_MAX_FAILURES:
        return None
    last = failures.order_by("-at").values_list("at", flat=True)[0]
    wait = min(dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES) * 2 ** min(count - settings.LOGIN_MAX_FAILURES, 10), _MAX_LOCK)
    return last + wait if last + wait > now else None


def _throttled(*, username: str, address: str, now: dt.datetime) -> str | None:
    """Why a password may not even be checked now: a limit of the pair, the address or the site."""
    window = now - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    if LoginFailure.objects.filter(at__gte=window).count() >= settings.LOGIN_MAX_FAILURES_GLOBAL:
        return "global_limit"
    if LoginFailure.objects.filter(address=address, at__gte=window).count() >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS:
        return "address_limit"
    if lock_ends(username=username, address=address, now=now):
        return "locked"
    return None


def _tell_owner_of_lock(account: Account, address: str, until: dt.datetime) -> None:
    if not account.email:
        return
    local = timezone.localtime(until)
    body = _(
        "Someone failed to log in to your account %(username)s %(count)d times from the address %(address)s. "
        "Logins to your account from that address are refused until %(until)s; from other places you can log in as usual. "
        "If this was not you, tell your administrator and change your password."
    ) % {"username": account.username, "count": settings.LOGIN_MAX_FAILURES, "address": address, "until": f"{local:%H:%M %d/%m/%Y}"}
    queue_email(to=[account.email], subject=_("Failed logins to your account"), body=body)


def _record_failure(*, username: str, address: str, account: Account | None, door: Door, reason: str, now: dt.datetime) -> None:
    """Count a refused password (committed even though the login is refused) and audit it."""
    with transaction.atomic():
        if reason not in ("global_limit", "address_limit", "locked"):
            LoginFailure.objects.create(username=username, address=address, at=now)
            LoginFailure.objects.filter(at__lt=now - _HISTORY).delete()
        record_event(
            action="auth.login_failed",
            actor=account,
            object_type="account",
            object_id=account.pk if account else "",
            summary={"username": username, "door": door, "reason": reason},
        )
        if reason in ("wrong_password", "unknown_account", "inactive"):
            count = LoginFailure.objects.filter(username=username, address=address, at__gte=now - _HISTORY).count()
            if count == settings.LOGIN_MAX_FAILURES:
                until = lock_ends(username=username, address=address, now=now) or now
                record_event(
                    action="auth.locked",
                    actor=account,
                    object_type="account",
                    object_id=account.pk if account else "",
                    summary={"username": username, "address": address, "until": until, "door": door},
                )
                if account is not None:
                    _tell_owner_of_lock(account, address, until)  # queued in this transaction


def check_credentials(*, request: HttpRequest, username: str, password: str, door: Door) -> Account:
    """The account whose password this is, if every limit allows the attempt and `door` is its door.

    Raises `auth.invalid_credentials` (one message for every refusal of the password or of a
    limit), `auth.not_official` (an applicant at an officials' door) or `auth.not_applicant`.
    """
    address = client_address(request)
    name, now = _fold(username), timezone.now()
    reason = _throttled(username=name, address=address, now=now)
    account = Account.objects.filter(username=name).first()
    if reason is None:
        if account is None:
            Account().set_password(password)  # same work as a real check: no timing oracle
            reason = "unknown_account"
        elif not account.check_password(password):
            reason = "wrong_password"
        elif not account.is_active:
            reason = "inactive"
    # A refusal by a limit skips the hashing: it applies to known and unknown names alike, so its
    # speed tells nothing about the account, and a flood of refused attempts costs little CPU.
    if reason is not None:
        _record_failure(username=name, address=address, account=account, door=door, reason=reason, now=now)
        raise _refused()
    assert account is not None
    wanted = AccountKind.APPLICANT if door in ("portal", "oidc") else AccountKind.OFFICIAL
    if account.kind != wanted:
        with transaction.atomic():
            record_event(action="auth.login_refused", actor=account, object_type="account", object_id=account.pk, summary={"door": door})
        raise _wrong_door(wanted)
    LoginFailure.objects.filter(username=name, address=address).delete()
    return account


def _wrong_door(wanted: str) -> DomainError:
    if wanted == AccountKind.OFFICIAL:
        return DomainError(
            "auth.not_official",
            _("This login is for officials. Citizens and businesses log in on the public service portal at /dich-vu-cong/."),
        )
    return DomainError("auth.not_applicant", _("This page is for citizens and businesses; officials log in on the officials' page."))


# --- sessions ---------------------------------------------------------------------------------


def second_factor_required(account: Account) -> bool:
    """Administrators must use TOTP; anyone who enrolled uses it too."""
    if account.is_superuser or account.is_staff or account.totp_confirmed:
        return True
    return roles_of(account).filter(role__in=list(ADMIN_ROLES)).exists()


def log_in_official(request: HttpRequest, account: Account) -> bool:
    """Open the session of an official whose password was checked; True if the code is still due."""
    if account.kind != AccountKind.OFFICIAL:
        raise _wrong_door(AccountKind.OFFICIAL)
    pending = second_factor_required(account)
    with transaction.atomic():
        login(request, account, backend=_BACKEND)
        if pending:
            request.session[SECOND_FACTOR_PENDING] = True
        record_event(
            action="auth.login_succeeded",
            actor=account,
            object_type="account",
            object_id=account.pk,
            summary={"door": "officials", "second_factor": "pending" if pending else "not_required"},
        )
    return pending


def log_in_applicant(request: HttpRequest, account: Account, *, via: Door) -> None:
    """Open the portal session of an applicant (password checked, or OpenID Connect verified).

    Never an official's session: the portal's doors have no second factor.
    """
    if account.kind != AccountKind.APPLICANT or not account.is_active:
        with transaction.atomic():
            record_event(action="auth.login_refused", actor=account, object_type="account", object_id=account.pk, summary={"door": via})
        raise _wrong_door(AccountKind.APPLICANT)
    with transaction.atomic():
        login(request, account, backend=_BACKEND)
        record_event(action="auth.login_succeeded", actor=account, object_type="account", object_id=account.pk, summary={"door": via})


def log_out(request: HttpRequest) -> None:
    """End the session; an official's API tokens end with it."""
    user = request.user
    if user.is_authenticated:
        revoke_tokens(account=user, reason="logout")  # type: ignore[arg-type]
        with transaction.atomic():
            record_event(action="auth.logout", actor=user, object_type="account", object_id=user.pk)
    logout(request)


def may_use_admin(request: HttpRequest) -> bool:
    """The admin site: active staff officials whose session completed the second factor."""
    user = request.user
    allowed = bool(
        user.is_active
        and user.is_staff
        and getattr(user, "kind", None) == AccountKind.OFFICIAL
        and getattr(user, "is_verified", lambda: False)()
        and not request.session.get(SECOND_FACTOR_PENDING)
    )
    if allowed and not request.session.get(_ADMIN_LOGIN_RECORDED):
        with transaction.atomic():
            record_event(action="auth.admin_login", actor=user, object_type="account", object_id=user.pk)
        request.session[_ADMIN_LOGIN_RECORDED] = True
    return allowed


# --- the second factor ------------------------------------------------------------------------


def _device(account: Account, *, confirmed: bool) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=account, confirmed=confirmed).order_by("-pk").first()


def start_totp_enrolment(*, account: Account) -> str:
    """Give the account a new TOTP key (not yet confirmed) and return it in base32."""
    key = totp.new_key()
    with transaction.atomic():
        TotpDevice.objects.filter(user=account, confirmed=False).delete()
        TotpDevice.objects.create(user=account, name="TOTP", confirmed=False, encrypted_key=totp.encrypt_key(key))
    return totp.base32(key)


def enrolment_secret(account: Account) -> str | None:
    """The base32 key of the enrolment under way, to show again."""
    device = _device(account, confirmed=False)
    return totp.base32(device.bin_key) if device else None


def totp_uri(account: Account, secret: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name=settings.SITE_NAME)


def _check_code(*, account: Account, code: str, door: Door) -> TotpDevice:
    """The device that accepts `code` (the confirmed one, else the enrolment under way); else refuse.

    Each wrong code, and each code sent while django-otp's throttle holds, doubles the wait and is
    audited; a code of a time step already used is refused (`TotpDevice.last_t`).
    """
    code = code.strip().replace(" ", "")
    with transaction.atomic():
        device = _device(account, confirmed=True) or _device(account, confirmed=False)
        if device is not None:
            device = TotpDevice.objects.select_for_update().get(pk=device.pk)
            allowed, _data = device.verify_is_allowed()
            if allowed and device.verify_token(code):
                if not device.confirmed:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    record_event(action="auth.totp_enrolled", actor=account, object_type="account", object_id=account.pk)
                record_event(
                    action="auth.second_factor_verified", actor=account, object_type="account", object_id=account.pk, summary={"door": door}
                )
                return device
            if not allowed:
                device.throttle_increment(commit=True)
        reason = "no_device" if device is None else ("wrong_code" if allowed else "throttled")
        if device is not None and device.confirmed and device.is_replay(code):
            reason = "replayed"
            if account.email:  # someone else may have seen the code: tell the owner (ASVS 2.8.5)
                queue_email(
                    to=[account.email],
                    subject=_("A verification code of your account was used again"),
                    body=_(
                        "A verification code of your account %(username)s that had already been used was sent again and refused. "
                        "If this was not you, someone may know your password: change it and tell your administrator."
                    )
                    % {"username": account.username},
                )
        record_event(
            action="auth.second_factor_failed",
            actor=account,
            object_type="account",
            object_id=account.pk,
            summary={"door": door, "reason": reason},
        )
    raise DomainError("auth.totp_invalid", _("The verification code is not correct."), fields={"code": [_("Not correct.")]})


def verify_second_factor(*, request: HttpRequest, account: Account, code: str) -> None:
    """Complete the login of a session held at the second factor page."""
    device = _check_code(account=account, code=code, door="officials")
    django_otp.login(request, device)
    request.session.pop(SECOND_FACTOR_PENDING, None)
    request.session.cycle_key()


def reset_second_factor(*, account: Account, actor: Account | None) -> None:
    """Remove the account's TOTP devices (lost phone); its tokens end too. It enrols at next login."""
    with transaction.atomic():
        TotpDevice.objects.filter(user=account).delete()
        record_event(action="auth.second_factor_reset", actor=actor, object_type="account", object_id=account.pk)
    revoke_tokens(account=account, reason="second_factor_reset")


# --- API tokens -------------------------------------------------------------------------------


def issue_token(*, request: HttpRequest, username: str, password: str, otp: str = "") -> tuple[str, dt.datetime]:
    """An API token for an official: the password, the attempt limits and, where the account needs
    it, a TOTP code (`otp`). Returns the token (shown once, stored hashed) and its expiry."""
    account = check_credentials(request=request, username=username, password=password, door="api")
    if second_factor_required(account):
        if not account.totp_confirmed:
            with transaction.atomic():
                record_event(
                    action="auth.second_factor_failed",
                    actor=account,
                    object_type="account",
                    object_id=account.pk,
                    summary={"door": "api", "reason": "no_device"},
                )
            raise DomainError(
                "auth.second_factor_enrol_required",
                _(
                    "This account must use a second factor: log in on the officials' page once to set it up, then ask for a token with the code."
                ),
            )
        if not otp.strip():
            raise DomainError(
                "auth.second_factor_required",
                _("This account uses a second factor: send the 6-digit code of the authenticator app in the field “otp”."),
                fields={"otp": [_("Required.")]},
            )
        _check_code(account=account, code=otp, door="api")
    with transaction.atomic():
        token, key = AuthToken.objects.create(user=account)
        record_event(
            action="auth.token_issued",
            actor=account,
            object_type="api_token",
            object_id=token.token_key,
            summary={"expiry": token.expiry},
        )
    return key, token.expiry  # type: ignore[return-value]


def revoke_token(*, token: AuthToken, reason: str) -> None:
    with transaction.atomic():
        record_event(
            action="auth.token_revoked", actor=token.user, object_type="api_token", object_id=token.token_key, summary={"reason": reason}
        )
        token.delete()


def revoke_tokens(*, account: Account, reason: str) -> int:
    """End every API token of the account; the number ended."""
    with transaction.atomic():
        count, _rows = AuthToken.objects.filter(user_id=account.pk).delete()
        if count:
            record_event(
                action="auth.token_revoked",
                actor=account,
                object_type="account",
                object_id=account.pk,
                summary={"reason": reason, "count": count},
            )
    return count


def change_password(*, request: HttpRequest, account: Account, current_password: str, new_password: str) -> None:
    """An official changes their own password (ASVS 4.0.3 V2.1.5, V2.1.6, V2.5.5, V3.3.3).

    The current password must be given, and wrong ones count toward the same attempt limits as the
    login page. The new one passes the password rules. In one transaction: the new hash, every API
    token revoked (Account.save), the audit event and the e-mail telling the owner; then the other
    sessions of the account end (their hash no longer matches) and this one stays.
    Raises `auth.invalid_credentials` (the current password is wrong, or a limit refuses) and
    `auth.password_invalid` (the new password breaks a rule).
    """
    from django.contrib.auth import update_session_auth_hash
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    check_credentials(request=request, username=account.username, password=current_password, door="password_change")
    try:
        validate_password(new_password, user=account)
    except ValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise DomainError("auth.password_invalid", " ".join(messages), fields={"new_password": messages}) from None
    with transaction.atomic():
        account.set_password(new_password)
        account.save(update_fields=["password"])
        record_event(action="auth.password_changed", actor=account, object_type="account", object_id=account.pk)
        if account.email:
            queue_email(
                to=[account.email],
                subject=_("The password of your account was changed"),
                body=_(
                    "The password of your account %(username)s was changed at %(when)s from the address %(address)s. "
                    "If this was not you, tell your administrator at once."
                )
                % {
                    "username": account.username,
                    "when": f"{timezone.localtime():%H:%M %d/%m/%Y}",
                    "address": client_address(request),
                },
            )
    update_session_auth_hash(request, account)
