"""The pages: counter intake with the type-ahead and the checklist, the dossier page and its actions, queue, overdue."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils.translation import gettext

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.tests.conftest import at, receive

pytestmark = pytest.mark.django_db


def test_the_type_ahead_finds_the_procedure_without_accents_and_shows_its_checklist(client, one_stop, fake_clock):
    client.force_login(one_stop.cast.counter_officer)
    options = client.get("/dossiers/counter/procedures/", {"q": "giay phep lao dong"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-code="1.000459"' in options
    checklist = client.get("/dossiers/counter/components/", {"procedure": "1.000459"}).content.decode()
    version = one_stop.three_day.versions.get()
    for component in version.required_components.all():
        assert f'name="component_{component.pk}"' in checklist and component.name in checklist


def test_the_counter_receives_a_dossier_and_keeps_what_was_typed_when_refused(client, one_stop, fake_clock):
    client.force_login(one_stop.cast.counter_officer)
    version = one_stop.three_day.versions.get()
    components = {f"component_{c.pk}": "1" for c in version.required_components.all() if c.mandatory}
    counts = {f"originals_{c.pk}": c.originals for c in version.required_components.all()} | {
        f"copies_{c.pk}": c.copies for c in version.required_components.all()
    }
    data = {
        "procedure_code": "1.000459",
        "applicant_kind": "citizen",
        "applicant_name": "Lê Văn Cường",
        "applicant_id_number": "12345",
        "return_method": "counter",
        **components,
        **counts,
    }
    refused = client.post("/dossiers/counter/", data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Lê Văn Cường" in page and 'data-testid="intake-error"' in page
    assert Dossier.objects.count() == 0
    data["applicant_id_number"] = "001090012345"
    response = client.post("/dossiers/counter/", data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{dossier.code}/"
    detail = client.get(response["Location"]).content.decode()
    assert dossier.code in detail and "09:00 25/02/2026" in detail and 'data-testid="action-hand-over"' in detail


def test_the_dossier_page_offers_only_the_allowed_actions_and_runs_them(client, one_stop, fake_clock):
    dossier = receive(one_stop)
    client.force_login(one_stop.processing_a)
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert 'data-testid="action-' not in page  # the reception step is the counter's
    client.force_login(one_stop.cast.counter_officer)
    assert client.post(f"/dossiers/{dossier.code}/hand-over/", {}).status_code == 302
    client.force_login(one_stop.processing_a)
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert 'data-testid="action-request-supplement"' in page and 'data-testid="action-return-result"' not in page
    refused = client.post(f"/dossiers/{dossier.code}/apologize/", {"new_due_at": "2026-02-20T09:00", "reason": "x"})
    assert refused.status_code == 400 and 'data-testid="action-error"' in refused.content.decode()
    receipt = client.get(f"/dossiers/{dossier.code}/forms/receipt/")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    client.force_login(one_stop.cast.clerk_b)
    assert client.get(f"/dossiers/{dossier.code}/").status_code == 403


def test_queue_and_overdue_pages(client, one_stop, fake_clock):
    dossier = receive(one_stop)
    fake_clock.set(at(2026, 2, 13, 10))
    client.force_login(one_stop.cast.counter_officer)
    client.post(f"/dossiers/{dossier.code}/hand-over/", {})
    client.force_login(one_stop.processing_a)
    assert dossier.code in client.get("/dossiers/queue/").content.decode()
    fake_clock.set(at(2026, 2, 24, 9, 30))
    assert gettext("send the apology") in client.get("/dossiers/queue/").content.decode()
    assert 'data-testid="apology-prompt"' in client.get(f"/dossiers/{dossier.code}/").content.decode()
    fake_clock.set(at(2026, 2, 26, 9))
    client.force_login(one_stop.cast.leader_a)
    assert dossier.code in client.get("/dossiers/overdue/").content.decode()
    assert client.get("/dossiers/statistics/").status_code == 200
    client.force_login(one_stop.processing_a)
    assert client.get("/dossiers/overdue/").status_code == 403


def test_the_public_tracking_page_opens_without_login(client, one_stop, fake_clock):
    cache.clear()
    dossier = receive(one_stop)
    assert client.get("/tra-cuu-ho-so/", {"code": dossier.code}).status_code == 200
    found = client.get("/tra-cuu-ho-so/", {"code": dossier.code, "id_number": "017090001234"})
    assert found.status_code == 200 and one_stop.three_day.name in found.content.decode()
    assert client.get("/tra-cuu-ho-so/", {"code": dossier.code, "id_number": "000000000000"}).status_code == 404
    cache.clear()
