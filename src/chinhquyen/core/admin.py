"""The Django admin writes into the hash-chained audit, or does not write at all (ADR 0037).

The admin is the administrators' fallback screen; it must not be a way around the services and
the audit trail (issue 16, finding 12). Every registered `ModelAdmin` is one of:

- **audited** (`AuditedModelAdmin`, or `AuditedAdminMixin` on another base such as `UserAdmin`):
  each addition, change and deletion — the change form, the change list's editable columns,
  the "delete selected" action, the password form — writes `admin.add` / `admin.change` /
  `admin.delete` through `record_event` in the transaction of the change, with the names of the
  changed fields (never their values: a password or a secret must not reach the audit table).
  Where a service holds the model's rules, the admin's `save_model` calls the service (which
  records its own event as well); a refusal by the service (`DomainError`) comes back to the
  form as a message with its code, not as a server error;
- **read-only** (`ReadOnlyModelAdmin`): no add, change or delete permission.

`tests` walk `admin.site._registry` and fail on any other admin. Admins that third-party apps
register (Django's groups, DRF's tokens…) are made read-only at start-up by `lock_foreign_admins`
(called from `CoreConfig.ready`), so adding an app cannot open a door either.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import AuditEvent

#: Apps whose admins are ours (checked by the tests); any other app's admin is locked read-only.
OWN_APP_PREFIX = "chinhquyen."


def _agency_id(obj: models.Model) -> int | None:
    if obj._meta.label == "organizations.Agency":
        return obj.pk  # type: ignore[no-any-return]
    value = getattr(obj, "agency_id", None)
    return value if isinstance(value, int) else None


def _record(request: HttpRequest, action: str, obj: models.Model, changes: Any = None) -> None:
    summary: dict[str, Any] = {"model": obj._meta.label, "object": str(obj)[:200]}
    if changes is not None:
        summary["changes"] = changes
    with transaction.atomic():  # a savepoint inside the admin's own transaction
        record_event(
            action=action,
            actor=request.user,
            agency_id=_agency_id(obj),
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            summary=summary,
        )


class AuditedAdminMixin:
    """Record every write the admin makes in the audit chain (see the module docstring)."""

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        _record(request, "admin.add", obj, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        _record(request, "admin.change", obj, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            _record(request, "admin.delete", obj)
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                _record(request, "admin.delete", obj)
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        except DomainError as exc:  # the service refused; its transaction was rolled back
            messages.error(request, f"{exc.message} ({exc.code})")
            return HttpResponseRedirect(request.get_full_path())

    def user_change_password(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """`UserAdmin`'s password form saves outside a transaction; put the save and its event in one."""
        with transaction.atomic():
            return super().user_change_password(request, *args, **kwargs)  # type: ignore[misc,no-any-return]


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A `ModelAdmin` whose writes are audited."""


class ReadOnlyAdminMixin:
    """No add, change or delete: the model's rules live in a service the admin does not call."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A `ModelAdmin` that shows and never writes."""


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    """An inline that shows and never writes."""

    extra = 0


def is_read_only(model_admin: Any, request: HttpRequest) -> bool:
    """True when `model_admin` (or an inline) refuses add, change and delete to `request.user`."""
    return not (
        model_admin.has_add_permission(request, None)
        if isinstance(model_admin, admin.options.InlineModelAdmin)
        else model_admin.has_add_permission(request)
    ) and not (model_admin.has_change_permission(request) or model_admin.has_delete_permission(request))


def lock_foreign_admins(site: admin.AdminSite) -> list[str]:
    """Re-register every admin that another app (not chinhquyen) registered as read-only."""
    locked = []
    for model, model_admin in list(site._registry.items()):
        if model.__module__.startswith(OWN_APP_PREFIX) or isinstance(model_admin, (AuditedAdminMixin, ReadOnlyAdminMixin)):
            continue
        read_only = type(f"ReadOnly{type(model_admin).__name__}", (ReadOnlyAdminMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, read_only)
        locked.append(model._meta.label)
    return locked


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("sequence", "occurred_at", "actor_username", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("actor_username", "object_id", "action")
    show_full_result_count = False
