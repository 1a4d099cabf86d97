"""Every officials' page, fuzzed: malformed query strings on each GET page, malformed values in
each form and each action (issue 16, finding 11; ADR 0041). No answer is a 5xx.

The URLconf is walked (a new page is fuzzed without being listed here); path parameters come from
the fixture (`world`). Each page runs in a savepoint that is rolled back, so one page's writes do
not reach the next. Values: a fixed hostile list (the ones the issue names and their kin), then
Hypothesis text with a bounded number of examples.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chinhquyen.dossiers.actions import ACTIONS

pytestmark = pytest.mark.django_db

HOSTILE = [
    "abc",
    "1" * 30,
    "-1",
    "2026-02-30",
    "a\x00b",
    "x" * 5000,
    "１２",  # full-width digits: isdigit() but not ASCII
    "²",  # isdigit(), and int() refuses it
    "9" * 19,  # just past a bigint
]
#: Posted besides the fields a page's own forms name (the actions read these).
POSTED = {"agency", "unit", "official", "leader", "amount", "reason", "note", "items", "method", "new_due_at", "due_date", "until"}

#: The names pages read from a query string or a form, tried all at once with each value.
PARAMETERS = [
    "agency", "unit", "official", "leader", "from", "to", "year", "month", "day", "q", "list", "status", "cursor",
    "by", "set", "rank", "part", "roll_up", "limit", "page", "volume", "type", "urgency", "download", "code",
    "id_number", "chi-tieu", "dinh-dang", "as_of", "parent", "level", "saved", "order", "register", "mine",
    "procedure", "date_from", "date_to", "issuer", "job", "format",
]  # fmt: skip

#: Pages left out, each with its reason.
SKIP = {
    "accounts/logout/": "signs the fuzzing official out (the login work fuzzes the login pages)",
    "i18n/setlang/": "Django's own view: sets a cookie",
}
_EXCLUDED_PREFIXES = ("admin/", "api/", "static/", "media/", "dich-vu-cong/", "hub/api/")  # API: test_api_fuzz.py

INCOMING_ACTIONS = ["register", "reject", "present", "instruct", "pass", "reassign", "progress", "comment", "file",
                    "extension", "decide_extension", "complete"]  # fmt: skip
OUTGOING_ACTIONS = ["submit", "version", "review", "approve", "issue", "recall", "comment"]


def _walk(entries, prefix=""):
    for entry in entries:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _patterns() -> list[str]:
    return sorted(
        p for p in set(_walk(get_resolver().url_patterns)) if p not in SKIP and not p.startswith(_EXCLUDED_PREFIXES) and "(?P" not in p
    )


def _concrete(pattern: str, world) -> list[str]:
    """The URLs one pattern stands for, with the fixture's objects in its parameters."""
    cast = world.one_stop.cast
    values = {
        "agency_id": [str(cast.agency_a.pk)],
        "year": ["2026"],
        "job_id": ["1"],
        "report_id": ["1"],
        "form": ["receipt"],
        "kind": ["incoming"],
        "fmt": ["pdf", "xlsx"],
    }
    if pattern.startswith("documents/incoming/"):
        values["pk"], values["action"] = [str(world.incoming.pk)], INCOMING_ACTIONS
    elif pattern.startswith("documents/outgoing/"):
        values["pk"], values["action"] = [str(world.draft.pk)], OUTGOING_ACTIONS
    elif pattern.startswith("documents/registers/"):
        from chinhquyen.documents.models import Register
        from chinhquyen.documents.services import ensure_registers

        ensure_registers(cast.agency_a)
        values["pk"] = [str(Register.objects.filter(agency=cast.agency_a).values_list("pk", flat=True).first())]
    if pattern.startswith("dossiers/"):
        values["code"], values["action"] = [world.dossier.code], list(ACTIONS)
    elif pattern.startswith("reports/"):
        values["code"] = ["VB_DEN_DIEN_TU"]
    elif pattern.startswith("procedures/"):
        values["code"] = ["1.000459"]
    urls = ["/" + pattern]
    for name in re.findall(r"<(?:\w+:)?(\w+)>", pattern):
        choices = values.get(name, ["1"])
        urls = [re.sub(r"<(?:\w+:)?" + name + ">", choice, url, count=1) for url in urls for choice in choices]
    return urls


def _officials(world, pattern: str = "") -> list:
    """Who fuzzes a page: the officials most likely to get past its access check."""
    cast, one_stop = world.one_stop.cast, world.one_stop
    if pattern.startswith("documents/"):
        return [cast.clerk_a, cast.leader_a]
    if pattern.startswith("dossiers/"):
        return [cast.counter_officer, one_stop.processing_a]
    if pattern.startswith("reports/"):
        return [cast.leader_a]
    return [cast.clerk_a]


def _field_names(html: str) -> set[str]:
    return set(re.findall(r'name="([\w\-]+)"', html)) - {"csrfmiddlewaretoken"}


def _check(response, what: str, failures: list[str]) -> None:
    if response.status_code >= 500:
        failures.append(f"{what} → {response.status_code}"[:400])


def _in_savepoint(call):
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


def test_no_officials_page_answers_5xx_to_malformed_query_strings_or_forms(client, world):
    failures: list[str] = []
    patterns = _patterns()
    assert "dossiers/counter/" in patterns and "documents/incoming/<int:pk>/<slug:action>/" in patterns
    for pattern in patterns:
        for official in _officials(world, pattern):
            client.force_login(official)
            for url in _concrete(pattern, world):
                page = _in_savepoint(lambda url=url: client.get(url))
                _check(page, f"{official.username} GET {url}", failures)
                html = page.status_code == 200 and not page.streaming and "html" in page.get("Content-Type", "")
                fields = _field_names(page.content.decode(errors="replace")) if html else set()
                posts = _in_savepoint(lambda url=url: client.post(url, {})).status_code != 405
                for value in HOSTILE:
                    if page.status_code != 405:
                        query = dict.fromkeys(PARAMETERS, value)
                        response = _in_savepoint(lambda url=url, query=query: client.get(url, query))
                        _check(response, f"{official.username} GET {url}?…={value[:20]!r}", failures)
                    if posts:
                        body = dict.fromkeys(fields | POSTED, value)
                        response = _in_savepoint(lambda url=url, body=body: client.post(url, body))
                        _check(response, f"{official.username} POST {url} …={value[:20]!r}", failures)
    assert not failures, "5xx answers:\n" + "\n".join(failures)


_TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.from_regex(r"-?[0-9]{1,40}", fullmatch=True)


@settings(max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_hypothesis_query_strings_never_give_a_5xx(client, world, data):
    pattern = data.draw(st.sampled_from(_patterns()))
    official = data.draw(st.sampled_from(_officials(world, pattern)))
    client.force_login(official)
    url = data.draw(st.sampled_from(_concrete(pattern, world)))
    params = data.draw(st.dictionaries(st.sampled_from(PARAMETERS), _TEXT, max_size=4))
    method = data.draw(st.sampled_from(["get", "post"]))
    response = _in_savepoint(lambda: getattr(client, method)(url, params))
    assert response.status_code < 500, f"{official.username} {method.upper()} {url} {params!r}"
