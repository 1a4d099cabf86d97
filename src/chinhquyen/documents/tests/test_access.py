"""Access (issue 4 §8) for every role against documents of their own unit, another unit, another
agency, and secret documents — on pages and API. A forbidden document is "not found"; lists
filter inside the query and never count what they do not show."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chinhquyen.core.errors import PermissionDenied
from chinhquyen.documents import access, services
from chinhquyen.documents.models import AgencyRules

from .conftest import incoming_input, register


@pytest.fixture
def world(office):
    """Four incoming documents of agency A — assigned to unit X, to unit Y, a secret one assigned
    to specialist_x — and one of agency B."""
    cast = office.cast

    def assigned(unit, handler=None, **overrides):
        document = register(office, **overrides)
        services.instruct_document(
            actor=cast.leader_a, document=document, instruction="Xử lý", lead_unit=unit, lead_handler=handler, due_days=3
        )
        return document

    unit_x = assigned(office.unit_x, office.specialist_x, subject="Văn bản của phòng CCVC")
    unit_y = assigned(office.unit_y, office.specialist_y, subject="Văn bản của Văn phòng", code_number="16")
    secret_doc = services.register_incoming_document(
        actor=office.secret_clerk,
        agency=cast.agency_a,
        data=incoming_input(secrecy="secret", code_number="17", subject="Văn bản tối mật"),
        source="electronic",
    ).document
    services.instruct_document(
        actor=cast.leader_a, document=secret_doc, instruction="Mật", lead_unit=office.unit_x, lead_handler=office.specialist_x, due_days=3
    )
    other = services.register_incoming_document(
        actor=cast.clerk_b,
        agency=cast.agency_b,
        data=incoming_input(code_number="18", subject="Văn bản của Sở Tài chính"),
        source="electronic",
    ).document
    return {"unit_x": unit_x, "unit_y": unit_y, "secret": secret_doc, "other": other}


# (official, documents they may see) — everything else of the world must be invisible.
CASES = {
    "clerk_a": {"unit_x", "unit_y"},  # all of the agency but not the secret register
    "secret_clerk": {"unit_x", "unit_y", "secret"},  # keeper of the secret register
    "leader_a": {"unit_x", "unit_y", "secret"},  # the leader instructed the secret one: in its chain
    "unit_leader_x": {"unit_x", "secret"},  # their unit's, and the secret one assigned to their unit
    "specialist_x": {"unit_x", "secret"},  # assigned to them
    "specialist_a": {"unit_x"},  # same unit as specialist_x, not in the secret one's chain
    "specialist_y": {"unit_y"},
    "clerk_b": {"other"},
}


def _person(office, name):
    return getattr(office, name, None) or getattr(office.cast, name)


@pytest.mark.parametrize(("who", "allowed"), CASES.items())
def test_each_role_sees_exactly_its_documents_in_lists_pages_and_api(client, office, world, who, allowed):
    person = _person(office, who)
    scope = access.scope_of(person)
    visible = {k for k, d in world.items() if access.visible_incoming(scope).filter(pk=d.pk).exists()}
    assert visible == allowed
    client.force_login(person)
    api = APIClient()
    api.force_authenticate(person)
    for key, document in world.items():
        page = client.get(f"/documents/incoming/{document.pk}/")
        response = api.get(f"/api/v1/incoming-documents/{document.pk}/")
        if key in allowed:
            assert page.status_code == 200 and response.status_code == 200
        else:
            assert page.status_code == 404 and response.status_code == 404, key
            assert document.subject not in page.content.decode()
            assert response.json()["code"] == "not_found"
    listed = {row["id"] for row in api.get("/api/v1/incoming-documents/").json()["results"]}
    assert listed == {world[k].pk for k in allowed}
    html = client.get("/documents/incoming/?list=all").content.decode()
    for key, document in world.items():
        assert (document.subject in html) == (key in allowed), key
    assert f"{len(allowed)} " in html  # the count is the count of what the official may see


def test_specialists_stop_seeing_their_units_documents_when_the_rules_say_so(office, world):
    AgencyRules.objects.filter(agency=office.cast.agency_a).update(specialists_see_unit=False)
    scope = access.scope_of(office.cast.specialist_a)
    assert not access.visible_incoming(scope).exists()


def test_a_specialist_cannot_act_on_a_document_they_only_see_through_their_unit(office, world):
    with pytest.raises(PermissionDenied):
        services.instruct_document(
            actor=office.specialist_x, document=world["unit_x"], instruction="Tự giao", lead_unit=office.unit_x, due_days=2
        )


def test_the_citizen_and_the_anonymous_visitor_get_nothing(client, office, world):
    client.force_login(office.cast.citizen.account)
    # An applicant's session is sent to the portal from every officials' page (issue 16 finding 8).
    response = client.get(f"/documents/incoming/{world['unit_x'].pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/dich-vu-cong/")
    api = APIClient()
    assert api.get("/api/v1/incoming-documents/").status_code == 401
    api.force_authenticate(office.cast.citizen.account)
    assert api.get("/api/v1/incoming-documents/").status_code == 403


def test_a_draft_stays_with_its_drafter_and_unit_leader_until_submitted(office):
    from chinhquyen.documents.testing import pdf_bytes

    draft = services.create_draft(
        actor=office.specialist_x,
        agency=office.cast.agency_a,
        document_type="Công văn",
        subject="Dự thảo công văn",
        draft=("du-thao.pdf", pdf_bytes()),
    )
    seen_by = {
        name
        for name in ("clerk_a", "leader_a", "unit_leader_x", "specialist_x", "specialist_y", "clerk_b")
        if access.visible_outgoing(access.scope_of(_person(office, name))).filter(pk=draft.pk).exists()
    }
    assert seen_by == {"specialist_x", "unit_leader_x"}
    services.submit_draft(actor=office.specialist_x, document=draft)
    seen_by = {
        name
        for name in ("clerk_a", "leader_a", "unit_leader_x", "specialist_x", "specialist_y", "clerk_b")
        if access.visible_outgoing(access.scope_of(_person(office, name))).filter(pk=draft.pk).exists()
    }
    assert seen_by == {"specialist_x", "unit_leader_x", "clerk_a", "leader_a", "specialist_y"} - {"specialist_y"}


def test_attachments_follow_the_documents_access(client, office, world):
    attachment = world["unit_x"].attachments.first()
    client.force_login(office.specialist_y)
    assert client.get(f"/documents/files/{attachment.pk}/").status_code == 404
    client.force_login(office.specialist_x)
    response = client.get(f"/documents/files/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
