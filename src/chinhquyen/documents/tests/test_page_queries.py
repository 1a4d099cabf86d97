"""The document page stays within its query budget (BENCHMARKS.md W2: ≤ 10 queries) for every
role, whatever the document carries: attachments, assignments, a long timeline."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.documents import services

from .conftest import register

BUDGET = 10


def _instructed(office):
    cast = office.cast
    document = _extracted(register(office))
    services.present_document(actor=cast.clerk_a, document=document, leader=cast.leader_a)
    services.instruct_document(
        actor=cast.leader_a,
        document=document,
        instruction="Giao phòng CCVC chủ trì",
        lead_unit=office.unit_x,
        lead_handler=office.specialist_x,
        coordinator_units=[office.unit_y],
        due_days=5,
    )
    for n in range(5):
        services.add_comment(actor=office.specialist_x, document=document, text=f"Ý kiến {n}")
    return _extracted(document)


def _extracted(document):
    """The scan's text extraction has run: the steady state (a queued, running or failed job costs
    one more query, to show its progress or its error)."""
    JobProgress.objects.update(status=JobStatus.SUCCEEDED)
    return document


def _queries_of_page(client, person, document):
    client.force_login(person)
    url = f"/documents/incoming/{document.pk}/"
    assert client.get(url).status_code == 200  # the first opening writes the "viewed" event
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in captured.captured_queries]


def _listing(queries):
    return "\n".join(f"{i + 1}. {sql[:300]}" for i, sql in enumerate(queries))


@pytest.mark.parametrize("who", ["clerk_a", "leader_a", "unit_leader_x", "specialist_x"])
def test_the_document_page_needs_at_most_ten_queries_for_every_role(client, office, who):
    document = _instructed(office)
    person = getattr(office.cast, who, None) or getattr(office, who)
    response, queries = _queries_of_page(client, person, document)
    assert len(queries) <= BUDGET, _listing(queries)
    html = response.content.decode()
    assert "Ý kiến 4" in html and "scan.pdf" in html  # the timeline and the files are all there


def test_the_clerks_page_of_a_new_document_lists_the_leaders_within_the_budget(client, office):
    document = _extracted(register(office))
    response, queries = _queries_of_page(client, office.cast.clerk_a, document)
    assert len(queries) <= BUDGET, _listing(queries)
    assert str(office.cast.leader_a) in response.content.decode()  # the "present to" choices


def test_the_leaders_page_offers_the_agencys_units_and_people_within_the_budget(client, office):
    document = _extracted(register(office))
    response, queries = _queries_of_page(client, office.cast.leader_a, document)
    assert len(queries) <= BUDGET, _listing(queries)
    html = response.content.decode()
    assert office.unit_x.name in html and office.unit_y.name in html and str(office.specialist_x) in html
