"""The fixture of the fuzz tests: the shared cast, an office with an incoming document and a draft,
and a received dossier — enough for most officials' pages to have something to show."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chinhquyen.documents import services as documents
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.documents.testing import Office, make_office, pdf_bytes
from chinhquyen.documents.tests.conftest import incoming_input
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.tests.conftest import OneStop, fake_clock, one_stop, receive  # noqa: F401  (fixtures)


@dataclass
class World:
    one_stop: OneStop
    office: Office
    incoming: IncomingDocument
    draft: OutgoingDocument
    dossier: Dossier


@pytest.fixture
def world(one_stop, fake_clock, settings, tmp_path) -> World:  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    office = make_office(one_stop.cast)
    incoming = documents.register_incoming_document(
        actor=one_stop.cast.clerk_a,
        agency=one_stop.cast.agency_a,
        data=incoming_input(),
        source="paper",
        scan=("scan.pdf", pdf_bytes(1)),
    ).document
    draft = documents.create_draft(
        actor=one_stop.cast.specialist_a,
        agency=one_stop.cast.agency_a,
        document_type="Công văn",
        subject="Về việc báo cáo tình hình",
        draft=("du-thao.pdf", pdf_bytes()),
    )
    return World(one_stop=one_stop, office=office, incoming=incoming, draft=draft, dossier=receive(one_stop))
