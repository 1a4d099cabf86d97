"""What we build parses back to the same values, and what we build is valid against our XSD."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from chinhquyen.exchange import edxml
from chinhquyen.exchange.tests.strategies import packages, statuses

_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_SETTINGS
@given(packages)
def test_a_package_round_trips_and_matches_the_schema(package):
    data = edxml.build_package(package)
    parsed = edxml.parse(data)
    assert parsed.message == package.completed()
    assert not parsed.signature.present
    assert edxml.validate(data) == []


@_SETTINGS
@given(statuses)
def test_a_status_message_round_trips_and_matches_the_schema(status):
    data = edxml.build_status(status)
    assert edxml.parse(data).message == status
    assert edxml.validate(data) == []


@settings(max_examples=40, deadline=None)
@given(packages)
def test_the_json_form_builds_the_same_package(package):
    """`edxml build` reads the JSON that `edxml parse --json` prints (files given as base64)."""
    import base64

    body = edxml.package_json(package.completed())
    for item, attachment in zip(body["attachments"], package.attachments, strict=True):
        item["data_base64"] = base64.b64encode(attachment.data).decode()
    assert edxml.package_from_spec(body) == package.completed()


def test_the_envelope_is_prefixed_and_the_attachments_are_outside_it():
    package = edxml.Package(
        sender=edxml.Organ("000.00.01.H99", "Sở Nội vụ"),
        recipients=(edxml.Organ("000.00.02.H99"),),
        code_number="12",
        code_notation="SNV-VP",
        promulgation_date=__import__("datetime").date(2026, 3, 1),
        subject="Thử",
        attachments=(edxml.Attachment("cid:1", "a.pdf", b"%PDF"),),
    )
    text = edxml.build_package(package).decode()
    assert '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">' in text
    assert '<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">' in text
    envelope = text[text.index("<edXML:edXMLEnvelope") : text.index("</edXML:edXMLEnvelope>")]
    import re

    assert not re.findall(r"<(?!/?edXML:)(?!/)[A-Za-z]", envelope), "every element inside the envelope carries the edXML: prefix"
    assert text.index("</edXML:edXMLEnvelope>") < text.index("<AttachmentEncoded>")
    assert "<edXML:Bussiness>" in text and "<edXML:PromulgationDate>2026/03/01</edXML:PromulgationDate>" in text
    assert "<edXML:DocumentId>000.00.01.H99,2026/03/01,12/SNV-VP</edXML:DocumentId>" in text
    assert "<ContentType>application/zip</ContentType>" in text and "<edXML:ContentId>cid:1</edXML:ContentId>" in text
