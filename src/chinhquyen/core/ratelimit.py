"""Rate limits that hold across processes: counters in the shared cache (ADR 0035).

Every limit of the site goes through here (the public tracking page and API, the portal's
sign-up, login and verification, the receipt's lookup secret): a DRF throttle and a function for
plain views, both keyed on `core.net.client_address` (which believes `X-Forwarded-For` only from
`TRUSTED_PROXIES`), and counters on anything else (a dossier code: attempts capped per dossier
whatever the address). The counters live in `caches["default"]`, the database cache by default
and Redis when `CACHE_URL` says so (settings), never in one process's memory, so a second
gunicorn worker or a rotating header spends the same budget.

A rate is written as DRF writes it, `"30/min"`: a count per second, minute, hour or day (`s`,
`m`, `h`, `d`, or the words), optionally with a number of units (`"5/15min"`). A window opens
at a client's first attempt and lasts the period; the count is spent within it, and the next
attempt after it opens a new one.

Counting is race-free on both kinds of cache. Redis and the local memory cache increment
atomically (`add` then `incr`). Django's database cache increments by reading and writing
again, which loses counts under concurrent requests, so there each attempt claims the first
free numbered *slot* with `add`, which the table's primary key makes atomic: the limit is
reached when slot N is taken, and a refused attempt writes nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import DatabaseCache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from chinhquyen.core.errors import DomainError
from chinhquyen.core.net import client_address

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")
#: Up to this many slot keys are asked of the database cache in one query; beyond, by bisection.
_CHUNK = 200


class RateLimited(DomainError):
    """Too many attempts: the page answers 429 and says to come back later."""

    status = 429


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """`"30/min"` → Rate(30, 60); `"5/15m"` → Rate(5, 900). A malformed rate is a configuration error."""
    match = _RATE_RE.match(text.lower())
    if not match or match.group(3)[0] not in _UNITS:
        raise ValueError(f"Not a rate: {text!r} (write it like 30/min, 10/h, 5/15m)")
    count, units, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)[0]
    return Rate(count, max(1, units) * _UNITS[unit])


def _cache() -> BaseCache:
    return caches["default"]


def _key(scope: str, ident: str, rate: Rate) -> str:
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"rl:{scope}:{rate.count}/{rate.seconds}:{digest}"


def _first_free_slot(cache: BaseCache, key: str, count: int) -> tuple[int, float | None]:
    """The number of the first free slot (count + 1 when all are taken), and when the window began
    (slot 1's value). Slots are taken in order, so the first free one tells how many are: up to
    `_CHUNK` slots are read in one query, more by bisection (a few queries for a million)."""
    if count <= _CHUNK:
        names = [f"{key}:{i}" for i in range(1, count + 1)]
        found = cache.get_many(names)
        start = found.get(names[0])
        return next((i for i, name in enumerate(names, 1) if name not in found), count + 1), start
    found = cache.get_many([f"{key}:1", f"{key}:{count}"])
    start = found.get(f"{key}:1")
    if start is None:
        return 1, None
    if f"{key}:{count}" in found:
        return count + 1, start
    taken, free = 1, count
    while free - taken > 1:
        middle = (taken + free) // 2
        if cache.get(f"{key}:{middle}") is not None:
            taken = middle
        else:
            free = middle
    return free, start


def hit(scope: str, ident: str, rate: str | Rate) -> bool:
    """Count one attempt of `ident` under `scope`; True while the attempts are within `rate`.

    The window opens at the first attempt and lasts the rate's period; attempts over the limit
    write nothing and do not prolong it."""
    limit = rate if isinstance(rate, Rate) else parse_rate(rate)
    if limit.count <= 0:
        return False
    key = _key(scope, ident, limit)
    cache = _cache()
    now = time.time()
    if isinstance(cache, DatabaseCache):
        free, start = _first_free_slot(cache, key, limit.count)
        for slot in range(free, limit.count + 1):
            if slot == 1:
                if cache.add(f"{key}:1", now, timeout=limit.seconds):
                    return True
                start = cache.get(f"{key}:1")  # another attempt opened the window just now
                continue
            left = int((start if start is not None else now) + limit.seconds - now) + 1
            if cache.add(f"{key}:{slot}", 1, timeout=max(1, left)):
                return True
        return False
    cache.add(key, 0, timeout=limit.seconds)
    try:
        attempts = cache.incr(key)  # keeps the key's expiry (Redis INCR, local memory)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds)
        attempts = 1
    return bool(attempts <= limit.count)


def exceeded(scope: str, ident: str, rate: str | Rate) -> bool:
    """True when `ident` has spent the attempts of its current window under `scope` (counts nothing)."""
    limit = rate if isinstance(rate, Rate) else parse_rate(rate)
    if limit.count <= 0:
        return True
    key = _key(scope, ident, limit)
    cache = _cache()
    if isinstance(cache, DatabaseCache):
        return cache.get(f"{key}:{limit.count}") is not None
    return int(cache.get(key) or 0) >= limit.count


def address_of(request: Any) -> str:
    """The client address a limit counts: `client_address`, with IPv6 reduced to its /64 (one
    subscriber's network: a client holds the whole /64, so counting single addresses would give it
    2^64 budgets)."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def allow(request: Any, scope: str, rate: str | Rate) -> bool:
    """Count one attempt of the request's client address under `scope`; False once over `rate`."""
    return hit(scope, address_of(request), rate)


class AddressRateThrottle(BaseThrottle):
    """A DRF throttle over `allow`: subclasses name the `scope` and the setting that holds the rate."""

    scope = ""
    rate_setting = ""

    def rate(self) -> Rate:
        return parse_rate(getattr(settings, self.rate_setting))

    def allow_request(self, request: Request, view: Any) -> bool:
        return allow(request, self.scope, self.rate())

    def wait(self) -> float | None:
        return float(self.rate().seconds)
