"""Issue 16 §12: a refusal by an access function leaves one `access.denied` event in the audit
chain — with the actor and the object — that survives the refused request's rollback, and a
refusal repeated does not flood the chain."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from chinhquyen.core.audit import collect_denials, verify_chain
from chinhquyen.core.errors import NotFound
from chinhquyen.core.models import AuditEvent
from chinhquyen.documents import access, services

from .conftest import incoming_input

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def secret(office):
    return services.register_incoming_document(
        actor=office.secret_clerk,
        agency=office.cast.agency_a,
        data=incoming_input(secrecy="secret", code_number="41", subject="Văn bản mật về quốc phòng"),
        source="electronic",
    ).document


def _denials():
    return list(AuditEvent.objects.filter(action="access.denied").order_by("sequence"))


def test_an_official_refused_a_secret_document_leaves_one_access_denied_event(office, secret):
    client = Client()
    client.force_login(office.cast.clerk_a)  # a clerk who does not keep the secret register
    for _ in range(3):
        assert client.get(f"/documents/incoming/{secret.pk}/").status_code == 404
    events = _denials()
    assert len(events) == 1  # the same refusal, repeated, is one event
    event = events[0]
    assert (event.actor_id, event.object_type, event.object_id) == (office.cast.clerk_a.pk, "documents.IncomingDocument", str(secret.pk))
    assert event.summary == {"code": "not_found"} and event.request_id
    assert verify_chain().ok


def test_a_missing_document_is_not_a_denial(office):
    client = Client()
    client.force_login(office.cast.clerk_a)
    assert client.get("/documents/incoming/999999/").status_code == 404
    assert _denials() == []


def test_the_denial_survives_the_refused_requests_rollback(office, secret):
    scope = access.scope_of(office.cast.clerk_b)
    with collect_denials():
        with pytest.raises(NotFound), transaction.atomic():
            access.access_incoming(scope, secret.pk)  # the refusal rolls back this transaction
        assert _denials() == []  # kept aside until the request ends
    assert [e.actor_id for e in _denials()] == [office.cast.clerk_b.pk]


def test_a_request_writes_at_most_one_denial(office, secret):
    scope = access.scope_of(office.cast.clerk_b)
    with collect_denials():
        for pk in (secret.pk, secret.pk + 0):
            with pytest.raises(NotFound):
                access.access_incoming(scope, pk)
        with pytest.raises(NotFound):
            access.access_incoming(access.scope_of(office.specialist_y), secret.pk)
    assert len(_denials()) == 1
