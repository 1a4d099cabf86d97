"""The malformed values issue 16 (finding 11) names, on the pages and API calls that answered 500.

`?agency=abc`, `unit=abc`, `official=abc`, a 30 February, a 30-digit number: each is a refusal
or is ignored, never a 500; the fuzz tests beside this file try every page and operation.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

THIRTY_DIGITS = "1" * 30


def _login(client, world, who):
    cast = world.one_stop.cast
    client.force_login(getattr(cast, who, None) or getattr(world.one_stop, who))


@pytest.mark.parametrize("agency", ["abc", THIRTY_DIGITS, "-1", "1\x00"])
@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("clerk_a", "/documents/incoming/new/"),
        ("specialist_a", "/documents/outgoing/new/"),
        ("leader_a", "/reports/records/VB_DEN_DIEN_TU/"),
        ("counter_officer", "/dossiers/tracking-book/"),
        ("clerk_a", "/documents/intake/"),
    ],
)
def test_a_malformed_agency_in_the_query_string_is_not_a_500(client, world, who, path, agency):
    _login(client, world, who)
    assert client.get(path, {"agency": agency}).status_code < 500
    assert client.post(path, {"agency": agency}).status_code < 500


@pytest.mark.parametrize("value", ["abc", THIRTY_DIGITS, "-1"])
@pytest.mark.parametrize(("action", "field"), [("pass", "unit"), ("reassign", "official"), ("present", "leader")])
def test_a_malformed_unit_or_official_on_an_incoming_document_is_not_a_500(client, world, action, field, value):
    for who in ("clerk_a", "leader_a"):
        _login(client, world, who)
        response = client.post(f"/documents/incoming/{world.incoming.pk}/{action}/", {field: value, "due_date": "2026-02-30"})
        assert response.status_code < 500


@pytest.mark.parametrize(
    ("who", "path", "query"),
    [
        ("leader_a", "/documents/registers/", {"from": "2026-02-30"}),
        ("clerk_a", "/documents/incoming/", {"from": "2026-02-30", "to": THIRTY_DIGITS, "cursor": "abc"}),
        ("clerk_a", "/documents/outgoing/", {"cursor": THIRTY_DIGITS}),
        ("leader_a", "/reports/", {"year": THIRTY_DIGITS, "month": "abc"}),
        ("leader_a", "/dossiers/statistics/", {"from": "2026-02-30", "to": THIRTY_DIGITS}),
        ("clerk_a", "/documents/search/", {"q": "x", "from": "2026-02-30", "page": THIRTY_DIGITS}),
        ("clerk_a", "/workdays/2026/", {"day": "2026-02-30"}),
        ("clerk_a", "/workdays/2026/", {"day": THIRTY_DIGITS}),
        ("clerk_a", "/api/v1/workdays/due/", {"start": "2026-02-30", "days": THIRTY_DIGITS, "agency": "abc"}),
        ("clerk_a", "/api/v1/documents/search/", {"q": "x", "limit": THIRTY_DIGITS}),
        ("clerk_a", "/api/v1/documents/search/", {"q": "x", "limit": "abc"}),
        ("clerk_a", "/api/v1/procedures/", {"agency": THIRTY_DIGITS}),
        ("clerk_a", "/api/v1/agencies/", {"parent": "abc", "level": "\x00", "as_of": "2026-02-30"}),
        ("clerk_a", "/api/v1/agencies/", {"parent": THIRTY_DIGITS}),
        ("counter_officer", "/api/v1/dossiers/statistics/", {"from": "2026-02-30"}),
        ("counter_officer", "/api/v1/dossiers/", {"status": "\x00", "cursor": "abc"}),
        ("clerk_a", "/api/v1/documents/incoming/", {"list": "x" * 20_000, "status": "\x00", "cursor": THIRTY_DIGITS}),
    ],
)
def test_malformed_dates_and_numbers_in_query_strings_are_not_a_500(client, world, who, path, query):
    _login(client, world, who)
    assert client.get(path, query).status_code < 500


def test_a_register_print_with_30_february_is_refused_in_vietnamese(client, world):
    _login(client, world, "clerk_a")
    client.get("/documents/registers/")
    from chinhquyen.documents.models import Register

    register = Register.objects.filter(agency=world.one_stop.cast.agency_a).first()
    response = client.get(f"/documents/registers/{register.pk}/incoming.pdf", {"from": "2026-02-30", "to": "2026-03-01"})
    assert 400 <= response.status_code < 500
