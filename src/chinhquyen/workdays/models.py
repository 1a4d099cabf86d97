"""The working calendar: one row per year with its notices, the days that differ from an
ordinary week, and the working hours of agencies.

A date with no `CalendarDay` is an ordinary day: a working day from Monday to Friday (or on the
agency's working weekdays), a rest day otherwise. Only the exceptions are stored (STANDARDS §6.3:
the yearly notices name the holidays, compensation days and swapped days).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

#: Years the calendar can hold and the engine can compute in.
MIN_YEAR = 1901
MAX_YEAR = 2199


class HolidayKind(models.TextChoices):
    #: A public holiday (ngày lễ, Tết): Labour Code 2019 art. 112; NQ 28/2026/QH16 for 24/11.
    HOLIDAY = "holiday", _("Public holiday")
    #: A day off in lieu of a holiday that fell on a weekly rest day (nghỉ bù): art. 111.3.
    COMPENSATION = "compensation", _("Compensation day off")
    #: A weekend day that is worked (làm bù) because a weekday was swapped for rest.
    SWAP_WORKDAY = "swap_workday", _("Swapped working day")
    #: A weekday that is not worked (nghỉ hoán đổi); a weekend day is worked instead.
    SWAP_RESTDAY = "swap_restday", _("Swapped rest day")


#: Kinds that make a day a rest day whatever its weekday.
REST_KINDS = frozenset({HolidayKind.HOLIDAY, HolidayKind.COMPENSATION, HolidayKind.SWAP_RESTDAY})


class CalendarSource(models.TextChoices):
    NOTICE = "notice", _("Loaded from the notices")
    PROPOSAL = "proposal", _("Proposed by rule")


def new_revision() -> str:
    return uuid.uuid4().hex


class CalendarYear(models.Model):
    """A year of the calendar: where it comes from and whether an administrator confirmed it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    reference = models.CharField(_("legal reference"), max_length=1000, blank=True)
    notices = models.JSONField(_("notices"), default=list, blank=True, help_text=_("The notices this year follows: number, date, title."))
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.NOTICE)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Changes on every write; the engine's per-process cache compares it (engine.py).
    revision = models.CharField(max_length=32, default=new_revision, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="workdays_year_range"),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from an ordinary week, with its name and legal reference."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("year"))
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=HolidayKind.choices)
    name = models.CharField(_("name"), max_length=255)
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HolidayKind.values), name="workdays_day_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


#: Default working hours of state agencies: Monday–Friday, 07:30–11:30 and 13:00–17:00 (8 hours).
DEFAULT_WEEKDAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
DEFAULT_PERIODS: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(17, 0)))


def default_weekdays() -> list[int]:
    return list(DEFAULT_WEEKDAYS)


def default_periods() -> list[list[str]]:
    return [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in DEFAULT_PERIODS]


class WorkingHours(models.Model):
    """The working hours of one agency, or of every agency without its own (`agency` null).

    `weekdays` are ISO weekdays counted from 0 = Monday; `periods` are `["HH:MM", "HH:MM"]`
    pairs, in order, the same on every working day (swapped working days included).
    """

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the default for every agency without its own hours."),
    )
    weekdays = models.JSONField(_("working weekdays"), default=default_weekdays)
    periods = models.JSONField(_("working periods"), default=default_periods)
    revision = models.CharField(max_length=32, default=new_revision, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            # One row per agency and one default row (agency null → 0).
            models.UniqueConstraint(Coalesce("agency", models.Value(0)), name="workdays_hours_one_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id or '*'}: {self.periods}"
