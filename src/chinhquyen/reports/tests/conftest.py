"""A small world with known counts, built through the apps' services: documents of agency A and B
in March 2026, packages A → B through the embedded hub, and dossiers of agency A in February 2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from chinhquyen.documents import hooks
from chinhquyen.documents import services as documents
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument, OutgoingStatus
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.testing import Office, make_office, pdf_bytes
from chinhquyen.dossiers import services as dossiers
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.tests.conftest import FakeClock, OneStop, at, fake_clock, one_stop, receive  # noqa: F401 - fixtures
from chinhquyen.exchange import delivery
from chinhquyen.exchange import services as exchange
from chinhquyen.exchange.testing import sample_package
from chinhquyen.exchange.tests.conftest import Peers, handler, peers  # noqa: F401 - fixtures
from chinhquyen.procedures.models import Channel


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _march(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=VIETNAM)


def _input(number: str) -> documents.IncomingInput:
    return documents.IncomingInput(
        issuer_name="Bộ Nội vụ",
        issuer_code="",
        code_number=number,
        code_notation="CV-BNV",
        issued_date=dt.date(2026, 2, 27),
        document_type="Công văn",
        subject=f"Về việc báo cáo số {number}",
        signer_name="Nguyễn Văn An",
        signer_position="Thứ trưởng",
    )


class _Signer:
    def sign_personal(self, request):
        return pdf_bytes(1, text="personal")

    def sign_organization(self, request):
        return pdf_bytes(1, text="organization")


def _outgoing(office: Office, subject: str, issued: dt.datetime, *, signed: bool) -> OutgoingDocument:
    cast = office.cast
    previous = hooks.signing_provider()
    hooks.set_signing_provider(_Signer() if signed else None)
    try:
        document = documents.create_draft(
            actor=cast.specialist_a,
            agency=cast.agency_a,
            document_type="Quyết định",
            subject=subject,
            draft=("du-thao.pdf", pdf_bytes()),
            internal_recipients=[cast.agency_b],
        )
        documents.submit_draft(actor=cast.specialist_a, document=document)
        document.refresh_from_db()
        if document.status == OutgoingStatus.IN_REVIEW:
            documents.review_draft(actor=office.unit_leader_x, document=document, accept=True)
        documents.approve_document(actor=cast.leader_a, document=document)
        document.refresh_from_db()
        return documents.issue_document(actor=cast.clerk_a, document=document, at=issued)
    finally:
        hooks.set_signing_provider(previous)


@dataclass
class World:
    office: Office
    one_stop: OneStop
    clock: FakeClock
    incoming: dict[str, IncomingDocument] = field(default_factory=dict)
    outgoing: dict[str, OutgoingDocument] = field(default_factory=dict)
    dossiers: dict[str, Dossier] = field(default_factory=dict)


@pytest.fixture
def office_world(cast) -> Office:
    """Agency A: 3 incoming (1 paper registered at once, 2 electronic registered 1 and 3 days later),
    the paper one presented the next working day, instructed and completed before its deadline, the
    quick electronic one presented two working days after it arrived and left open past its deadline;
    2 outgoing issued to agency B (one signed personally and by the organisation, one not), so B
    received 2 internal documents."""
    office = make_office(cast)
    paper = documents.register_incoming_document(
        actor=cast.clerk_a, agency=cast.agency_a, data=_input("101"), source="paper", scan=("scan.pdf", pdf_bytes(1)), at=_march(2)
    ).document
    quick = documents.receive_incoming_document(agency=cast.agency_a, data=_input("102"), at=_march(2))
    slow = documents.receive_incoming_document(agency=cast.agency_a, data=_input("103"), at=_march(2))
    documents.register_received_document(actor=cast.clerk_a, document=quick, at=_march(3))
    documents.register_received_document(actor=cast.clerk_a, document=slow, at=_march(5))
    documents.present_document(actor=cast.clerk_a, document=paper, leader=cast.leader_a, at=_march(3, 10))
    documents.instruct_document(
        actor=cast.leader_a,
        document=paper,
        instruction="Giao chuyên viên xử lý",
        lead_handler=cast.specialist_a,
        due_date=dt.date(2026, 3, 10),
        at=_march(3, 11),
    )
    documents.complete_document(actor=cast.specialist_a, document=IncomingDocument.objects.get(pk=paper.pk), at=_march(6))
    documents.present_document(actor=cast.clerk_a, document=quick, leader=cast.leader_a, at=_march(4, 10))  # a day late
    documents.instruct_document(
        actor=cast.leader_a,
        document=IncomingDocument.objects.get(pk=quick.pk),
        instruction="Giao chuyên viên xử lý",
        lead_handler=cast.specialist_a,
        due_date=dt.date(2026, 3, 20),
        at=_march(4, 11),
    )  # never completed: its deadline is missed
    _outgoing(office, "Về việc phê duyệt kế hoạch tuyển dụng công chức năm 2026", _march(5), signed=True)
    _outgoing(office, "Về việc cử cán bộ tham gia tập huấn", _march(6), signed=False)
    return office


@pytest.fixture
def exchange_world(peers) -> Peers:  # noqa: F811
    """Two packages A → B sent through the embedded hub and fetched by B (today)."""
    for number in ("12", "13"):
        exchange.queue_package(package=sample_package(sender=peers.code_a, recipients=[peers.code_b], number=number))
    assert delivery.deliver_due(peers.a) == 2
    assert delivery.fetch_inbound(peers.b) == 2
    return peers


@pytest.fixture
def dossier_world(one_stop, fake_clock) -> dict[str, Dossier]:  # noqa: F811
    """Agency A competent, all received on 13/02/2026 09:00: early (rated very satisfied), on time
    (rated not satisfied), late, one still open, one online still open. Figures read on 16/02/2026."""
    counter = one_stop.cast.counter_officer
    made: dict[str, Dossier] = {}

    def finish(dossier: Dossier, ready: dt.datetime, *, second_step: bool = False) -> Dossier:
        fake_clock.set(at(2026, 2, 13, 10))
        dossiers.hand_over(officer=counter, dossier=dossier)
        if second_step:
            dossiers.hand_over(officer=one_stop.processing_a, dossier=dossier)
        fake_clock.set(ready)
        dossiers.mark_result_ready(officer=one_stop.processing_a, dossier=dossier)
        fake_clock.set(at(2026, 2, 13, 9))
        return Dossier.objects.get(pk=dossier.pk)

    made["early"] = finish(receive(one_stop), at(2026, 2, 23, 16))
    made["on_time"] = finish(receive(one_stop), at(2026, 2, 25, 8, 30), second_step=True)
    made["late"] = finish(receive(one_stop), at(2026, 2, 25, 10))
    made["open"] = receive(one_stop)
    made["online"] = receive(one_stop, channel=Channel.ONLINE)
    dossiers.rate_dossier(dossier=made["early"], level="very_satisfied")
    dossiers.rate_dossier(dossier=made["on_time"], level="not_satisfied")
    fake_clock.set(at(2026, 2, 16, 9))
    return made
