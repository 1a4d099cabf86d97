"""Portal tests reuse the one-stop fixtures (a small catalogue, agencies, counter officers)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.cache import cache

from chinhquyen.core.testing_uploads import real_pdf, real_png
from chinhquyen.dossiers.tests.conftest import fake_clock, one_stop  # noqa: F401 (fixtures)
from chinhquyen.organizations import services as org

PASSWORD = "Mat-khau-rat-dai-2026!"
PDF = real_pdf()
PNG = real_png()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _clear_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(db):
    applicant = org.create_applicant(
        username="an@example.test",
        full_name="Nguyễn Văn An",
        password=PASSWORD,
        identity_number="017090001234",
        email="an@example.test",
        phone="0912345678",
    )
    return applicant.account


@pytest.fixture
def other_citizen(db):
    applicant = org.create_applicant(
        username="binh@example.test",
        full_name="Trần Thị Bình",
        password=PASSWORD,
        identity_number="017090005678",
        email="binh@example.test",
    )
    return applicant.account


def shown(msgid: str, **params: object) -> str:
    """`msgid` as the page shows it: in the site's language (the catalogue may translate it), HTML-escaped."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.html import escape

    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(msgid)
    return str(escape(text % params if params else text))
