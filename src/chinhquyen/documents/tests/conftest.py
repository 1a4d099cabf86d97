from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.documents import services
from chinhquyen.documents.testing import Office, make_office, pdf_bytes


@pytest.fixture
def office(cast) -> Office:
    return make_office(cast)


def incoming_input(**overrides: object) -> services.IncomingInput:
    values: dict[str, object] = {
        "issuer_name": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "issuer_code": "000.00.00.H99",
        "code_number": "15",
        "code_notation": "QĐ-UBND",
        "issued_date": dt.date(2026, 3, 2),
        "document_type": "Quyết định",
        "subject": "Về việc giao chỉ tiêu biên chế công chức năm 2026",
        "signer_name": "Nguyễn Văn An",
        "signer_position": "Chủ tịch",
    }
    values.update(overrides)
    return services.IncomingInput(**values)  # type: ignore[arg-type]


def register(office: Office, *, scan: bool = True, **overrides: object):
    return services.register_incoming_document(
        actor=office.cast.clerk_a,
        agency=office.cast.agency_a,
        data=incoming_input(**overrides),
        source="paper" if scan else "electronic",
        scan=("scan.pdf", pdf_bytes(2)) if scan else None,
    ).document


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
