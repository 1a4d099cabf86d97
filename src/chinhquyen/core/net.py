"""The client's address, taken from a forwarding header only when a trusted proxy sent it.

ASVS 4.0.3 V4.3 / V11: a rate limit or an audit line that keys on a header the client wrote
itself is worth nothing (a rotating `X-Forwarded-For` resets it). `REMOTE_ADDR` is the peer
of the TCP connection; only when that peer is one of `TRUSTED_PROXIES` (addresses or CIDR
networks: the province's nginx or load balancer) is `X-Forwarded-For` read, from the right,
skipping the trusted proxies, so the first untrusted hop is the client. Every rate limit, the
login attempt counter and the audit trail use `client_address`; nothing else reads the header.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from django.conf import settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address)
    if parsed is None:
        return False
    return any(parsed in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: Any) -> str:
    """The address of the client of `request` (a Django or DRF request); never empty."""
    meta = request.META
    peer = str(meta.get("REMOTE_ADDR") or "")
    if not peer or not is_trusted_proxy(peer):
        parsed = _parse(peer)
        return str(parsed) if parsed else (peer or "unknown")
    hops = [h for h in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            break  # a malformed hop: stop at the last proxy we trust
        if not is_trusted_proxy(str(parsed)):
            return str(parsed)
    return str(_parse(peer))
