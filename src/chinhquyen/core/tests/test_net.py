"""The client address believes `X-Forwarded-For` only from a trusted proxy (core.net)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from chinhquyen.core.net import client_address


def _request(peer: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=[])
def test_it_ignores_a_forwarded_header_when_no_proxy_is_trusted():
    assert client_address(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_it_ignores_a_forwarded_header_from_an_untrusted_peer():
    assert client_address(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_it_takes_the_first_untrusted_hop_from_the_right():
    # The client wrote "1.2.3.4" itself; the proxy appended the real peer 198.51.100.9.
    assert client_address(_request("10.0.0.5", "1.2.3.4, 198.51.100.9")) == "198.51.100.9"
    assert client_address(_request("10.0.0.5", "1.2.3.4, 198.51.100.9, 10.0.0.7")) == "198.51.100.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
@pytest.mark.parametrize("header", ["", "garbage", "10.0.0.5"])
def test_it_falls_back_to_the_proxy_when_the_header_gives_no_client(header):
    assert client_address(_request("10.0.0.5", header)) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["::1"])
def test_it_reads_ipv6_and_ports():
    assert client_address(_request("::1", "[2001:db8::1]:5000")) == "2001:db8::1"
    assert client_address(_request("::1", "192.0.2.1:443")) == "192.0.2.1"
