"""Every API operation of the committed `docs/openapi.yaml`, fuzzed by Schemathesis through the WSGI
application as a signed-in official: malformed and schema-shaped values alike, no answer is a 5xx
(issue 16, finding 11; ADR 0041).

The operations run one after the other in one test, each in a savepoint that is rolled back, so
that one example's writes never reach the next operation and the fixture is built once. The
number of examples per operation is bounded (`EXAMPLES`) so the run stays near a minute on one
core; the seed is fixed (derandomize) so a failure is reproduced by running the test again.
"""

from __future__ import annotations

import collections
import contextlib
import os
import sys
import time
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis.generation.modes import GenerationMode

pytestmark = pytest.mark.django_db

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
#: Examples per operation and per mode (positive: shaped like the schema; negative: violating it).
#: About 30 s for the whole run on one core; FUZZ_EXAMPLES=100 for a longer local run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))

STATUSES: collections.Counter[int] = collections.Counter()

#: Operations left out, each with the reason. Keep short.
SKIP: dict[str, str] = {
    "api_v1_schema_retrieve": "the OpenAPI description itself: no input",
    "hub_send_batch": "a binary framing of its own (application/vnd.chinhquyen.hub-batch) that Schemathesis cannot build; "
    "hub/tests send it malformed batches",
}


#: Operations fuzzed with schema-shaped examples only, each with the reason.
POSITIVE_ONLY: dict[str, str] = {
    "dossiers_receive": "Schemathesis's negative generator takes minutes on the nested multipart intake body; "
    "its malformed values are the regression tests of dossiers/tests/test_malformed_input.py",
}


def _operations():
    schema = schemathesis.openapi.from_path(OPENAPI)
    return [result.ok() for result in schema.get_all_operations()]


@contextlib.contextmanager
def _requests_keep_the_test_connection():
    """Django closes 'old' connections at each request's start and end; inside a test's transaction
    that would mark it for rollback. The test client disconnects the same signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


_TOKENS: dict[int, str] = {}


def _token_for(account) -> str:
    """A knox token of the account (issued once per account and run; the fuzz rolls back each call)."""
    if account.pk not in _TOKENS:
        _TOKENS[account.pk] = AuthToken.objects.create(user=account)[1]
    return _TOKENS[account.pk]


def _caller(world, path: str):
    cast = world.one_stop.cast
    if path.startswith("/api/v1/dossiers"):
        return cast.counter_officer
    if path.startswith("/api/v1/signatures"):
        return cast.leader_a
    return cast.clerk_a


def _fuzz(operation, mode: GenerationMode, token: str, seen: list[str], app) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        with transaction.atomic():
            response = case.call(headers={"Authorization": f"Token {token}"}, app=app)
            transaction.set_rollback(True)
        STATUSES[response.status_code] += 1
        if response.status_code >= 500:
            seen.append(f"{case.method} {case.formatted_path} {case.query!r} {str(case.body)[:200]!r} → {response.status_code}")
            raise AssertionError(seen[-1])

    run()


def test_no_api_operation_answers_5xx_to_fuzzed_input(world):
    app = get_wsgi_application()
    operations = [op for op in _operations() if op.definition.raw.get("operationId") not in SKIP]
    assert len(operations) > 30
    if os.environ.get("FUZZ_ONLY"):  # one operation, to reproduce a failure: FUZZ_ONLY=dossiers_receive
        operations = [op for op in operations if op.definition.raw.get("operationId") == os.environ["FUZZ_ONLY"]]
    failures: list[str] = []
    timings: list[tuple[float, str]] = []
    _TOKENS.clear()  # this test's accounts
    with _requests_keep_the_test_connection():
        for operation in operations:
            token = _token_for(_caller(world, operation.path))
            if os.environ.get("FUZZ_TRACE"):
                print(operation.method, operation.path, file=sys.stderr, flush=True)
            negative = operation.definition.raw.get("operationId") not in POSITIVE_ONLY
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if negative else (GenerationMode.POSITIVE,):
                started = time.monotonic()
                seen: list[str] = []
                try:
                    _fuzz(operation, mode, token, seen, app)
                except Unsatisfiable:  # no schema-violating value exists (a path parameter of type string)
                    pass
                except Exception as exc:
                    failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {seen[-1] if seen else exc!r}"[:600])
                timings.append((time.monotonic() - started, f"{operation.method.upper()} {operation.path} ({mode})"))
    print("slowest operations:", sorted(timings, reverse=True)[:5], "statuses:", dict(STATUSES))
    assert not failures, "5xx answers:\n" + "\n".join(failures)
