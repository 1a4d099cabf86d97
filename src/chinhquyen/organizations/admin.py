"""Django admin for agencies, units, officials and roles (the administrators' fallback screens).

Saving an agency goes through the service so the same rules and the audit trail apply.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.errors import DomainError
from chinhquyen.organizations import authentication, services
from chinhquyen.organizations.models import Account, Agency, AgencySuccession, Applicant, Delegation, Position, RoleAssignment, Unit


class UnitInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "level", "kind", "valid_from", "valid_to")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    inlines = [UnitInline]
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data}
        try:
            if change:
                services.update_agency(agency=obj, actor=request.user, **data)  # type: ignore[arg-type]
            else:
                created = services.create_agency(
                    code=obj.code,
                    name=obj.name,
                    level=obj.level,
                    kind=obj.kind,
                    parent=obj.parent,
                    valid_from=obj.valid_from,
                    valid_to=obj.valid_to,
                    short_name=obj.short_name,
                    administrative_unit_code=obj.administrative_unit_code,
                    code_verified=obj.code_verified,
                    legal_reference=obj.legal_reference,
                    actor=request.user,  # type: ignore[arg-type]
                )
                obj.pk = created.pk
        except DomainError as exc:
            messages.error(request, exc.message)
            raise


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("predecessor", "successor", "kind", "effective_date")
    raw_id_fields = ("predecessor", "successor")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "agency", "valid_from", "valid_to")
    search_fields = ("name", "agency__name")
    raw_id_fields = ("agency",)


@admin.register(Account)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "full_name", "kind", "is_active")
    list_filter = ("kind", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    fieldsets = (*UserAdmin.fieldsets, ("chinhquyen", {"fields": ("kind", "full_name", "phone")}))  # type: ignore[misc]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (the official enrols again at the next login)"))
    def reset_second_factor(self, request: HttpRequest, queryset: Any) -> None:
        for account in queryset:
            authentication.reset_second_factor(account=account, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The second factor was reset; the accounts' API tokens were revoked."))


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("official", "role", "agency", "valid_from", "valid_to")
    list_filter = ("role",)
    raw_id_fields = ("official", "agency", "unit")


admin.site.register(Position)
admin.site.register(Delegation)
admin.site.register(Applicant)
