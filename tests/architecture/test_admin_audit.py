"""Edits made in the Django admin go into the hash-chained audit, or are not possible (issue 16,
finding 12; ADR 0037)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from chinhquyen.core.admin import AuditedAdminMixin, is_read_only
from chinhquyen.core.audit import verify_chain
from chinhquyen.core.models import AuditEvent
from chinhquyen.organizations.models import Account, Position, Unit
from chinhquyen.organizations.testing import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(cast):  # type: ignore[no-untyped-def]
    account = Account.objects.create_superuser(username="quantri", password=cast.password, email="qt@example.gov.vn")
    return account


@pytest.fixture
def admin_client(superuser) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    force_login_verified(client, superuser)
    return client


def test_every_registered_admin_is_audited_or_read_only(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    loose = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin) and not is_read_only(model_admin, request)
    ]
    assert not loose, f"admins that change data outside the audit trail: {loose}"


def test_inlines_of_audited_admins_are_audited_or_read_only(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model_admin in admin.site._registry.values():
        for inline in model_admin.get_inline_instances(request):
            assert isinstance(model_admin, AuditedAdminMixin) or is_read_only(inline, request), type(inline).__name__


def test_an_admin_change_is_recorded_in_the_audit_chain(admin_client, superuser):
    position = Position.objects.create(name="Chánh Văn phòng")
    response = admin_client.post(f"/admin/organizations/position/{position.pk}/change/", {"name": "Phó Chánh Văn phòng"})
    assert response.status_code == 302, response.content[:2000]

    event = AuditEvent.objects.filter(action="admin.change").latest("sequence")
    assert event.actor_id == superuser.pk
    assert event.object_type == "organizations.position" and event.object_id == str(position.pk)
    assert event.summary["changes"] == [{"changed": {"fields": ["Name"]}}] or "name" in str(event.summary).lower()
    assert verify_chain().ok


def test_an_admin_addition_and_deletion_are_recorded(admin_client, superuser):
    response = admin_client.post("/admin/organizations/position/add/", {"name": "Trưởng phòng"})
    assert response.status_code == 302
    position = Position.objects.get(name="Trưởng phòng")
    assert AuditEvent.objects.filter(action="admin.add", object_id=str(position.pk)).exists()

    response = admin_client.post(f"/admin/organizations/position/{position.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()
    deleted = AuditEvent.objects.get(action="admin.delete", object_id=str(position.pk))
    assert deleted.summary["object"] == "Trưởng phòng"


def test_a_bulk_delete_from_the_change_list_is_recorded_per_object(admin_client):
    first, second = Position.objects.create(name="A"), Position.objects.create(name="B")
    response = admin_client.post(
        "/admin/organizations/position/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    ids = set(AuditEvent.objects.filter(action="admin.delete").values_list("object_id", flat=True))
    assert {str(first.pk), str(second.pk)} <= ids


def test_an_administrator_deactivating_an_account_in_the_admin_is_audited(admin_client, cast):
    clerk = cast.clerk_a
    page = admin_client.get(f"/admin/organizations/account/{clerk.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name not in {"groups", "user_permissions"}}
    data.update({"is_active": "", "date_joined_0": clerk.date_joined.strftime("%Y-%m-%d"), "date_joined_1": "00:00:00"})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("locked_until", None)
    response = admin_client.post(f"/admin/organizations/account/{clerk.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    clerk.refresh_from_db()
    assert not clerk.is_active
    event = AuditEvent.objects.filter(action="admin.change", object_id=str(clerk.pk)).latest("sequence")
    assert "Active" in str(event.summary) or "is_active" in str(event.summary)


def test_a_password_set_in_the_admin_is_audited_without_the_password(admin_client, cast):
    new_password = "Mot-mat-khau-moi-2026!"
    response = admin_client.post(
        f"/admin/organizations/account/{cast.clerk_a.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="admin.change", object_id=str(cast.clerk_a.pk)).latest("sequence")
    assert new_password not in str(event.summary)


def test_units_are_not_edited_past_the_services_rules(admin_client, cast):
    """A unit's rules (validity inside its agency's) live in `create_unit`; the admin adds units
    through it, and a unit valid before its agency existed is refused."""
    response = admin_client.post(
        "/admin/organizations/unit/add/",
        {"agency": cast.agency_a.pk, "name": "Phòng Thử", "short_name": "", "valid_from": "1990-01-01", "valid_to": ""},
        follow=True,
    )
    assert response.status_code == 200  # back to the form with the service's refusal, not a 500
    assert any("unit.agency_not_valid" in str(m) for m in response.context["messages"])
    assert not Unit.objects.filter(name="Phòng Thử").exists()

    response = admin_client.post(
        "/admin/organizations/unit/add/",
        {"agency": cast.agency_a.pk, "name": "Phòng Thử", "short_name": "", "valid_from": dt.date(2021, 1, 1).isoformat(), "valid_to": ""},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Phòng Thử")
    assert AuditEvent.objects.filter(action="unit.created", object_id=str(unit.pk)).exists()


def test_other_apps_admins_are_locked_read_only(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    foreign = {m._meta.label: ma for m, ma in admin.site._registry.items() if not m.__module__.startswith("chinhquyen.")}
    assert "auth.Group" in foreign
    for label, model_admin in foreign.items():
        assert is_read_only(model_admin, request), label


def test_a_service_refusal_in_the_admin_is_a_message_not_a_server_error(admin_client):
    response = admin_client.post(
        "/admin/organizations/agency/add/",
        {
            "code": "not-a-code",
            "name": "Sở Thử",
            "level": "province",
            "kind": "department",
            "valid_from": "2021-01-01",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
            "units-MIN_NUM_FORMS": "0",
            "units-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("agency." in m for m in messages), messages
    assert not AuditEvent.objects.filter(action="admin.add").exists()
