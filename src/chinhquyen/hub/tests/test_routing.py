"""The hub's payload split: what it stores apart comes back byte for byte, whatever the bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chinhquyen.hub import routing

_PIECES = st.sampled_from(
    [
        b"<edXML:ContentTransferEncoded>",
        b"</edXML:ContentTransferEncoded>",
        b"<ContentTransferEncoded a='1'>",
        b"</ContentTransferEncoded>",
        b"<x:ContentTransferEncodedX>",
        b"<b>",
        b"</b>",
        b"<",
        b">",
        b"QUJDRA==",
        b"  \r\n",
        b"cq-hub-blob:",
        b"AAAA" * 40,
    ]
)


@given(st.lists(st.one_of(_PIECES, st.binary(max_size=20)), max_size=30))
def test_split_then_join_gives_back_every_byte(pieces):
    data = b"".join(pieces)
    skeleton, payloads = routing.split_payloads(data)
    assert routing.join_payloads(skeleton, {p.sha256: p.data for p in payloads}) == data
    for payload in payloads:
        assert b"<" not in payload.data and payload.data.strip()


def test_only_the_text_between_the_two_tags_is_taken_out():
    data = (
        b"<r><a:ContentTransferEncoded>QUJD\r\nRA==</a:ContentTransferEncoded>"
        b"<ContentTransferEncoded><b/>QUJD</ContentTransferEncoded>"  # an element inside: left in place
        b"<ContentTransferEncoded>  </ContentTransferEncoded>"  # only whitespace: left in place
        b"<ContentTransferEncoded x='y'>RUZH</ContentTransferEncoded></r>"
    )
    skeleton, payloads = routing.split_payloads(data)
    assert [p.data for p in payloads] == [b"QUJD\r\nRA==", b"RUZH"]
    assert b"QUJD\r\nRA==" not in skeleton and b"<b/>QUJD" in skeleton and b"RUZH" not in skeleton
    assert skeleton.count(b"cq-hub-blob:") == 2


def test_a_message_with_a_million_attributes_is_refused_before_it_is_parsed():
    import pytest

    from chinhquyen.core.limits import time_limit

    ns = b"http://www.mic.gov.vn/TBT/QCVN_102_2016"
    attributes = b" ".join(b'a%d="1"' % i for i in range(1_000_000))
    data = b'<edXML xmlns="' + ns + b'"><edXMLEnvelope ' + attributes + b"/></edXML>"
    with pytest.raises(routing.InvalidMessage) as refused, time_limit(5):
        routing.read_route(data, max_bytes=50 * 1024 * 1024)
    assert refused.value.code == "hub.invalid_message"
