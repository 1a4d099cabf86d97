"""Issue 16, finding 1, at the office: the signature-wrapping corpus sent A → hub → B with the
office's inbound handler installed. No incoming document shows the attacker's subject with a valid
signature, and a package signed with a key of the attacker's own says so on its timeline."""

from __future__ import annotations

import uuid

import pytest

from chinhquyen.documents import hooks
from chinhquyen.documents.integrations import exchange as wiring
from chinhquyen.documents.integrations import install
from chinhquyen.documents.models import IncomingDocument
from chinhquyen.exchange import delivery, registry
from chinhquyen.exchange.models import Inbox, InboxState
from chinhquyen.exchange.signatures import make_test_key
from chinhquyen.exchange.testing import in_process_hub_transport
from chinhquyen.exchange.tests import xsw
from chinhquyen.exchange.tests.test_signature_wrapping import EXPECTED, REFUSAL_CODES, REFUSED
from chinhquyen.hub import services as hub_services
from chinhquyen.signing import pki

pytestmark = pytest.mark.django_db


@pytest.fixture
def peers(cast, settings):
    registry.unregister_handlers()
    hooks.unregister_outgoing_transport(wiring.NAME)
    install()
    conn_a = hub_services.create_connector(name="dep-a", secret="secret-a-0123456789")
    conn_b = hub_services.create_connector(name="dep-b", secret="secret-b-0123456789")
    hub_services.upsert_agencies(
        agencies=[
            hub_services.AgencyInput(cast.agency_a.code, cast.agency_a.name, connector=conn_a.name),
            hub_services.AgencyInput(cast.agency_b.code, cast.agency_b.name, connector=conn_b.name),
        ]
    )
    yield (
        in_process_hub_transport(connector="dep-a", secret="secret-a-0123456789"),
        in_process_hub_transport(connector="dep-b", secret="secret-b-0123456789"),
    )
    registry.unregister_handlers()


@pytest.fixture(scope="module")
def signer():
    demo = pki.build_demo_pki(people=[], agencies=[("000.00.01.H98", "Sở Tài chính tỉnh Thử Nghiệm")])
    return demo.organization["000.00.01.H98"]


def _through_the_hub(peers, cast, data: bytes) -> Inbox:
    a, b = peers
    a.send(
        package_id=str(uuid.uuid4()), message_type="edoc", data=data, sender_code=cast.agency_a.code, recipient_codes=[cast.agency_b.code]
    )
    assert delivery.fetch_inbound(b) == 1
    return Inbox.objects.get()


def _signature_events(agency):
    return [
        (document.subject, event.data["edxml_signature"])
        for document in IncomingDocument.objects.filter(agency=agency)
        for event in document.events.filter(data__has_key="edxml_signature")
    ]


def test_no_form_of_the_corpus_gives_an_incoming_document_validly_signed_with_the_attackers_subject(peers, cast, signer):
    whole, by_id = xsw.genuine_packages(signer.key, signer.cert, signer.chain[:1], sender=cast.agency_a.code, recipient=cast.agency_b.code)
    attacker = make_test_key(cast.agency_a.name)
    corpus = xsw.corpus(whole, by_id, key=signer.key, cert=signer.cert, attacker_key=attacker.key, attacker_cert=attacker.certificate)
    for form, data in corpus.items():
        Inbox.objects.all().delete()
        IncomingDocument.objects.filter(agency=cast.agency_b).delete()
        row = _through_the_hub(peers, cast, data)
        if EXPECTED[form] == REFUSED:
            assert row.state == InboxState.INVALID and row.error_code == REFUSAL_CODES.get(form, "edxml.signature_wrapping"), form
            assert not IncomingDocument.objects.filter(agency=cast.agency_b).exists(), form
        for subject, signature in _signature_events(cast.agency_b):
            assert not (subject == xsw.EVIL_SUBJECT and signature.get("valid")), form


def test_a_package_forged_with_the_attackers_own_key_says_its_signer_is_not_confirmed(peers, cast):
    attacker = make_test_key(cast.agency_a.name)
    forged, _by_id = xsw.genuine_packages(
        attacker.key, attacker.certificate, [], sender=cast.agency_a.code, recipient=cast.agency_b.code, subject=xsw.EVIL_SUBJECT
    )
    _through_the_hub(peers, cast, forged)
    [(subject, signature)] = _signature_events(cast.agency_b)
    assert subject == xsw.EVIL_SUBJECT and signature["valid"] is True and signature["trusted"] is False
    [document] = IncomingDocument.objects.filter(agency=cast.agency_b)
    texts = [event.text for event in document.events.filter(data__has_key="edxml_signature")]
    assert any("trusted root" in text or "tin cậy" in text for text in texts), texts
