"""The portal's own writes.

Accounts: sign-up without telling who is registered, one-use e-mail links, and sign-in through
the identity provider linked by (`iss`, `sub`) (ADR 0026 amended, ADR 0035).

Drafts: the files of an application draft, and its submission. Files pass the one upload policy
(`core.uploads.PORTAL`, ADR 0036) here, never in the views: content parsed, size limit, virus
scanner, and a per-applicant quota over the files kept in unsubmitted drafts. A replaced file is
deleted from disk once the new one is committed; the draft's files are deleted once the dossier
holds its own copies.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core import uploads
from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError, PermissionDenied
from chinhquyen.core.tasks import queue_email
from chinhquyen.dossiers import services as dossier_services
from chinhquyen.organizations import services as org_services
from chinhquyen.organizations.models import Account, AccountKind, Agency, Applicant
from chinhquyen.portal.models import Draft, DraftFile, EmailVerification, PhoneCode, ProviderIdentity


@dataclass(frozen=True)
class SignUp:
    full_name: str
    identity_number: str
    email: str
    phone: str
    password: str

    @property
    def username(self) -> str:
        return (self.email or self.phone).lower()


@dataclass(frozen=True)
class SignUpResult:
    """What the page shows next. `account` is None when the user name was taken: the page must not
    tell (the owner was told by e-mail or SMS instead)."""

    account: Account | None
    email: str
    phone: str


def _token_hash(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"portal.verify-email:{token}".encode(), "sha256").hexdigest()


def _new_email_link(account: Account, verify_url: Callable[[str], str]) -> str:
    token = secrets.token_urlsafe(32)
    EmailVerification.objects.update_or_create(
        account=account,
        defaults={"token_hash": _token_hash(token), "expires_at": timezone.now() + dt.timedelta(hours=settings.PORTAL_VERIFY_HOURS)},
    )
    return verify_url(token)


def _check_password(data: SignUp) -> None:
    """The password rules, checked before anything else so that a weak password is refused alike
    whether or not the user name is taken."""
    try:
        validate_password(data.password, Account(username=data.username, full_name=data.full_name, email=data.email, phone=data.phone))
    except ValidationError as exc:
        raise DomainError("account.password_weak", " ".join(exc.messages), fields={"password": list(exc.messages)}) from exc


def sign_up(data: SignUp, *, verify_url: Callable[[str], str], send_phone_code: Callable[[Account], None]) -> SignUpResult:
    """Create an inactive applicant account and send the e-mail link or the SMS code that activates it.

    A user name (e-mail or phone) already registered gets the same answer as a new one, and its
    owner is told: an account still waiting for its e-mail confirmation gets a fresh link; any
    other gets a notice that someone tried to sign up with the address (ASVS V2.2 / V3: no account
    enumeration). The password is hashed on both paths so the answer takes as long."""
    _check_password(data)
    existing = Account.objects.filter(username=data.username).first()
    if existing is not None:
        make_password(data.password)  # as long as a real sign-up
        with transaction.atomic():
            _tell_owner(existing, data, verify_url)
            record_event(action="portal.sign_up_taken", object_type="account", object_id=existing.pk, summary={})
        return SignUpResult(None, data.email, data.phone)
    with transaction.atomic():
        applicant = org_services.create_applicant(
            username=data.username,
            full_name=data.full_name,
            password=data.password,
            identity_number=data.identity_number,
            email=data.email,
            phone=data.phone,
        )
        account = applicant.account
        Account.objects.filter(pk=account.pk).update(is_active=False)
        account.is_active = False
        if data.email:
            link = _new_email_link(account, verify_url)
            queue_email(
                to=[account.email],
                subject=_("Confirm your e-mail address"),
                body=_("Open this link to activate your account on the public service portal: %(link)s") % {"link": link},
            )
        else:
            send_phone_code(account)
    return SignUpResult(account, data.email, data.phone)


def _tell_owner(existing: Account, data: SignUp, verify_url: Callable[[str], str]) -> None:
    pending_email = not existing.is_active and EmailVerification.objects.filter(account=existing).exists()
    if data.email:
        if pending_email:
            link = _new_email_link(existing, verify_url)
            body = _("Open this link to activate your account on the public service portal: %(link)s") % {"link": link}
        else:
            body = _(
                "Someone tried to create an account on the public service portal with this e-mail address, which already has one. "
                "If it was you, log in with your password. If it was not you, you need do nothing."
            )
        queue_email(to=[existing.email or data.email], subject=_("Your account on the public service portal"), body=body)
        return
    from chinhquyen.dossiers.notifications.registry import get_provider

    get_provider().send(
        to=existing.phone or data.phone,
        text=_("Someone tried to create an account on the public service portal with this phone number, which already has one."),
    )


def verify_email(token: str) -> bool:
    """Activate the account waiting for this link; False for a wrong, expired or used link.

    The pending row is deleted on use: the link works once and never re-activates an account."""
    with transaction.atomic():
        pending = (
            EmailVerification.objects.select_for_update().select_related("account").filter(token_hash=_token_hash(token or "")).first()
        )
        if pending is None:
            return False
        account = pending.account
        fresh = pending.expires_at > timezone.now() and not account.is_active and account.last_login is None
        pending.delete()
        if not fresh:
            return False
        Account.objects.filter(pk=account.pk).update(is_active=True)
        record_event(action="portal.email_verified", object_type="account", object_id=account.pk, summary={})
    return True


def verify_phone_code(pending: PhoneCode) -> None:
    with transaction.atomic():
        Account.objects.filter(pk=pending.account_id, last_login__isnull=True).update(is_active=True)
        PhoneCode.objects.filter(pk=pending.pk).delete()
        record_event(action="portal.phone_verified", object_type="account", object_id=pending.account_id, summary={})


# --- the identity provider ----------------------------------------------------------------------------
def _provider_username(id_number: str) -> str:
    username = f"vneid-{id_number}"
    while Account.objects.filter(username=username).exists():
        username = f"vneid-{id_number}-{secrets.token_hex(3)}"
    return username


def sign_in_with_provider(*, claims: dict[str, Any], id_number: str) -> Account:
    """The applicant account of the person the provider asserted (`iss`, `sub`), created at the first
    sign-in.

    Never found by the identity number: an account whose owner typed the same number at sign-up is
    not linked, silently or otherwise; the provider's person gets an account of their own, and the
    number stays unverified on the other (ADR 0026 amended). A linked account that was deactivated
    is refused."""
    issuer, subject = str(claims.get("iss", "")), str(claims.get("sub", ""))
    if not issuer or not subject or len(issuer) > 255 or len(subject) > 255:
        raise DomainError("oidc.invalid_token", _("The identity provider's answer could not be trusted: %(reason)s") % {"reason": "sub"})
    now = timezone.now()
    for _attempt in range(2):
        refused: Account | None = None
        try:
            with transaction.atomic():
                link = ProviderIdentity.objects.select_for_update().select_related("account").filter(issuer=issuer, subject=subject).first()
                if link is not None and _usable(link.account):
                    return _seen(link, id_number, now)
                if link is not None:
                    refused = link.account
                else:
                    applicant = org_services.create_applicant(
                        username=_provider_username(id_number),
                        full_name=str(claims.get("name", ""))[:255] or id_number,
                        password=secrets.token_urlsafe(32),
                        identity_number=id_number,
                        email=str(claims.get("email", ""))[:254],
                        phone=str(claims.get("phone_number", ""))[:20],
                    )
                    account = applicant.account
                    account.set_unusable_password()
                    account.save(update_fields=["password"])
                    ProviderIdentity.objects.create(
                        account=account, issuer=issuer, subject=subject, identity_number=id_number, last_seen_at=now
                    )
                    record_event(
                        action="portal.provider_linked",
                        object_type="account",
                        object_id=account.pk,
                        summary={"issuer": issuer, "subject": subject},
                    )
                    return account
        except IntegrityError:  # the same person's first sign-in, twice at once: the other one linked
            continue
        if refused is not None:
            _refuse(refused)
    raise DomainError("oidc.busy", _("The identity provider refused the sign-in."))


def _usable(account: Account) -> bool:
    return account.is_active and account.kind == AccountKind.APPLICANT


def _refuse(account: Account) -> None:
    """Refuse a sign-in to a linked account that is deactivated or not an applicant's; the event is
    written in its own transaction, after the look-up's, so the refusal does not roll it back."""
    with transaction.atomic():
        record_event(action="portal.provider_refused", object_type="account", object_id=account.pk, summary={"reason": "inactive"})
    raise PermissionDenied("portal.account_inactive", _("This account has been deactivated; ask the one-stop unit."))


def _seen(link: ProviderIdentity, id_number: str, now: dt.datetime) -> Account:
    account = link.account
    if link.identity_number != id_number:  # the provider corrected the number: it is the verified one
        Applicant.objects.filter(account=account).update(identity_number=id_number)
    ProviderIdentity.objects.filter(pk=link.pk).update(identity_number=id_number, last_seen_at=now)
    record_event(action="portal.provider_sign_in", object_type="account", object_id=account.pk, summary={})
    return account


# --- Drafts and their files (ADR 0036) --------------------------------------------------


def attach_draft_file(*, applicant: Account, draft: Draft, component_id: int, upload: Any, field: str = "file") -> DraftFile:
    """Keep `upload` as the draft's file for one component, replacing (and deleting) the one before.

    Raises `upload.*` (type, content, size, scanner) and `upload.quota` when the applicant's
    unsubmitted drafts would hold more than PORTAL_UPLOAD_QUOTA_BYTES.
    """
    checked = uploads.check_upload(upload, intake=uploads.PORTAL, field=field)
    with uploads.removed_on_failure(), transaction.atomic():
        # The applicant's kept files, locked (two uploads at once cannot both pass the quota); summed
        # here, as PostgreSQL refuses FOR UPDATE with an aggregate.
        kept = DraftFile.objects.select_for_update(of=("self",)).filter(draft__account=applicant, draft__submitted_code="")
        used = sum(kept.exclude(draft=draft, component_id=component_id).values_list("size", flat=True))
        uploads.check_quota(used=used, adding=checked.size, limit=settings.PORTAL_UPLOAD_QUOTA_BYTES, field=field)
        for old in DraftFile.objects.filter(draft=draft, component_id=component_id):
            uploads.delete_on_commit(old.file)
            old.delete()
        row = DraftFile(draft=draft, component_id=component_id, name=checked.name, size=checked.size)
        uploads.save_file(row.file, checked)
        row.save()
        record_event(
            action="portal.draft_file_added",
            actor=applicant,
            object_type="portal.Draft",
            object_id=draft.pk,
            summary={"component": component_id, "name": checked.name, "sha256": checked.sha256, "size": checked.size},
        )
    return row


def submit_draft(
    *, applicant: Account, draft: Draft, agency: Agency, data: dict[str, Any], component_ids: list[int]
) -> dossier_services.IntakeResult:
    """Submit the draft as an online dossier; the draft's files are deleted once the dossier's copies are committed."""
    files = list(DraftFile.objects.filter(draft=draft, component_id__in=component_ids))
    opened = [(row, row.file.open("rb")) for row in files]
    try:
        with uploads.removed_on_failure(), transaction.atomic():
            result = dossier_services.submit_online_dossier(
                procedure_code=draft.procedure.code,
                applicant=dossier_services.ApplicantData(
                    name=data["name"], id_number=data["id_number"], phone=data["phone"], email=data["email"], address=data["address"]
                ),
                components=[
                    dossier_services.ComponentData(row.component_id, 0, 0, File(handle, name=row.name), row.name) for row, handle in opened
                ],
                receiving_agency=agency,
                applicant_account=applicant,
            )
            draft.submitted_code = result.dossier.code
            draft.save(update_fields=["submitted_code"])
            for row in DraftFile.objects.filter(draft=draft):
                uploads.delete_on_commit(row.file)
                row.delete()
    finally:
        for _row, handle in opened:
            handle.close()
    return result
