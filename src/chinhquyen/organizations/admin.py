"""Django admin for agencies, units, officials and roles (the administrators' fallback screens).

Saving an agency, adding a unit or a role goes through the service so the same rules apply; every
write is recorded in the audit chain (`core.admin.AuditedModelAdmin`, ADR 0037). Models whose rules
live in services the admin does not call (successions, delegations, applicants) are read-only here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.admin import AuditedAdminMixin, AuditedModelAdmin, ReadOnlyModelAdmin, ReadOnlyTabularInline
from chinhquyen.organizations import authentication, services
from chinhquyen.organizations.models import Account, Agency, AgencySuccession, Applicant, Delegation, Position, RoleAssignment, Unit


class UnitInline(ReadOnlyTabularInline):
    model = Unit
    fields = ("name", "short_name", "valid_from", "valid_to")


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "level", "kind", "valid_from", "valid_to")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    inlines = [UnitInline]
    show_full_result_count = False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # an agency is closed (services.close_agency), never deleted

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        # A refusal (DomainError) comes back to the form as a message (AuditedAdminMixin.changeform_view).
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data}
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


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(ReadOnlyModelAdmin):
    list_display = ("predecessor", "successor", "kind", "effective_date")
    raw_id_fields = ("predecessor", "successor")


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    """Units are added through `services.create_unit`; there is no service to edit or remove one."""

    list_display = ("name", "agency", "valid_from", "valid_to")
    search_fields = ("name", "agency__name")
    raw_id_fields = ("agency",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        created = services.create_unit(
            agency=obj.agency,
            name=obj.name,
            short_name=obj.short_name,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            actor=request.user,  # type: ignore[arg-type]
        )
        obj.pk = created.pk


@admin.register(Account)
class AccountAdmin(AuditedAdminMixin, UserAdmin):  # type: ignore[type-arg]
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

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # an account is deactivated, never deleted: the audit trail names it


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    """Roles are given through `services.assign_role` (no overlaps, officials only); there is no
    service to edit or remove one."""

    list_display = ("official", "role", "agency", "valid_from", "valid_to")
    list_filter = ("role",)
    raw_id_fields = ("official", "agency", "unit")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        created = services.assign_role(
            official=obj.official,
            agency=obj.agency,
            role=obj.role,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            unit=obj.unit,
            position=obj.position,
            actor=request.user,  # type: ignore[arg-type]
        )
        obj.pk = created.pk


admin.site.register(Position, AuditedModelAdmin)
admin.site.register(Delegation, ReadOnlyModelAdmin)
admin.site.register(Applicant, ReadOnlyModelAdmin)
