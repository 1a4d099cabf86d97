"""core.ratelimit: one way to count attempts, in the shared cache, keyed on the trusted client address (ADR 0035)."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import RequestFactory

from chinhquyen.core import ratelimit


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/min", ratelimit.Rate(30, 60)),
        ("10/h", ratelimit.Rate(10, 3600)),
        ("5/15m", ratelimit.Rate(5, 900)),
        ("1/day", ratelimit.Rate(1, 86400)),
    ],
)
def test_rates_read_as_drf_writes_them(text, rate):
    assert ratelimit.parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "30", "x/min", "3/fortnight"])
def test_a_malformed_rate_is_a_configuration_error(text):
    with pytest.raises(ValueError):
        ratelimit.parse_rate(text)


def test_hit_counts_up_to_the_rate_and_exceeded_reads_without_counting():
    assert [ratelimit.hit("t", "a", "3/min") for _ in range(4)] == [True, True, True, False]
    assert ratelimit.exceeded("t", "a", "3/min")
    assert not ratelimit.exceeded("t", "b", "3/min")
    assert ratelimit.hit("t", "b", "3/min")  # another identifier, its own budget


def test_a_large_rate_counts_exactly_past_one_query_of_slots():
    assert all(ratelimit.hit("big", "a", "250/min") for _ in range(250))
    assert not ratelimit.hit("big", "a", "250/min")
    assert ratelimit.exceeded("big", "a", "250/min")


def test_an_ipv6_client_counts_by_its_64_and_a_forged_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2::1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert ratelimit.address_of(one) == ratelimit.address_of(other) == "2001:db8:1:2::/64"
    assert ratelimit.address_of(factory.get("/", REMOTE_ADDR="::ffff:192.0.2.7")) == "192.0.2.7"
    assert [ratelimit.allow(r, "t", "2/min") for r in (one, other, one)] == [True, True, False]


@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_are_each_counted_once():
    """The database cache's own incr loses counts under concurrency; the slots do not."""
    results: list[bool] = []
    barrier = threading.Barrier(12)

    def attempt():
        try:
            barrier.wait(timeout=10)
            results.append(ratelimit.hit("race", "x", "5/min"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 12
    assert results.count(True) == 5
