"""Reading the interfaces' text input (command line, API query) into engine arguments.

Every refusal is a `DomainError` with a code, so the command line and the API say the same thing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError, NotFound
from chinhquyen.organizations.models import Agency


def parse_instant(text: str, *, field: str = "from") -> dt.datetime:
    """`2026-02-13T10:00`, `2026-02-13 10:00:00+07:00`, `…Z` or a date (its midnight); naive means local time."""
    value = (text or "").strip()
    try:
        if len(value) == 10:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0))
        else:
            parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise DomainError(
            "workdays.instant_invalid",
            _("“%(value)s” is not a date and time of the form 2026-02-13T10:00.") % {"value": text},
            fields={field: [_("Expected YYYY-MM-DDTHH:MM, optionally with +07:00.")]},
        ) from None
    tz = ZoneInfo(settings.TIME_ZONE)
    if timezone.is_naive(parsed):
        return parsed.replace(tzinfo=tz)
    return parsed.astimezone(tz)


def parse_cutoff(text: str, *, field: str = "cutoff") -> dt.time:
    try:
        value = dt.time.fromisoformat((text or "").strip())
    except ValueError:
        raise DomainError(
            "workdays.cutoff_invalid",
            _("“%(value)s” is not a time of day of the form 15:00.") % {"value": text},
            fields={field: [_("Expected HH:MM.")]},
        ) from None
    if value.tzinfo is not None:
        raise DomainError(
            "workdays.cutoff_invalid", _("The cutoff is a local time of day, without a time zone."), fields={field: [_("Expected HH:MM.")]}
        )
    return value


def parse_amount(text: str, *, field: str, whole: bool = False) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or (whole and value != value.to_integral_value()):
        message = _("“%(value)s” is not a whole number.") if whole else _("“%(value)s” is not a number.")
        raise DomainError("workdays.amount_invalid", message % {"value": text}, fields={field: [_("Expected a number.")]})
    return value


def agency_by_code(code: str) -> Agency:
    """The agency in force today with this electronic identifier code (else the latest one that had it)."""
    code = (code or "").strip()
    agency = Agency.objects.valid_on(timezone.localdate()).filter(code=code).first()
    if agency is None:
        agency = Agency.objects.filter(code=code).order_by("-valid_from").first()
    if agency is None:
        raise NotFound(
            "workdays.agency_unknown", _("No agency has the code “%(code)s”.") % {"code": code}, fields={"agency": [_("Unknown code.")]}
        )
    return agency
