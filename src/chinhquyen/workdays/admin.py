"""Django admin: a read-mostly view of the calendar tables. Changes go through the calendar page
(`/workdays/<year>/`) or the services, so that every change is audited."""

from __future__ import annotations

from django.contrib import admin

from chinhquyen.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline
from chinhquyen.workdays.models import CalendarDay, CalendarYear, WorkingHours


class CalendarDayInline(ReadOnlyTabularInline):
    model = CalendarDay
    fields = ["date", "kind", "name", "legal_reference"]
    readonly_fields = ["date", "kind", "name", "legal_reference"]


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyModelAdmin):
    list_display = ["year", "source", "confirmed", "confirmed_at", "updated_at"]
    inlines = [CalendarDayInline]
    readonly_fields = ["year", "reference", "notices", "source", "confirmed", "confirmed_at", "confirmed_by", "updated_at"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(ReadOnlyModelAdmin):
    list_display = ["agency", "weekdays", "periods", "updated_at"]
    readonly_fields = ["agency", "weekdays", "periods", "updated_at"]
