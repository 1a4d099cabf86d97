"""Django admin: a read-mostly view of the calendar tables. Changes go through the calendar page
(`/workdays/<year>/`) or the services, so that every change is audited."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from chinhquyen.workdays.models import CalendarDay, CalendarYear, WorkingHours


class CalendarDayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    extra = 0
    fields = ["date", "kind", "name", "legal_reference"]
    readonly_fields = ["date", "kind", "name", "legal_reference"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "source", "confirmed", "confirmed_at", "updated_at"]
    inlines = [CalendarDayInline]
    readonly_fields = ["year", "reference", "notices", "source", "confirmed", "confirmed_at", "confirmed_by", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["agency", "weekdays", "periods", "updated_at"]
    readonly_fields = ["agency", "weekdays", "periods", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
