"""The document office's intake paths through the one upload policy (issue 16): the paper scan,
working files, drafts and the attachments of incoming packages refuse every hostile file with its
code and store nothing; a stored file is served as a sandboxed download."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core import uploads
from chinhquyen.core.errors import DomainError
from chinhquyen.core.testing_uploads import expected_code, files_under, hostile_corpus, zip_bomb_docx
from chinhquyen.documents import services
from chinhquyen.documents.models import Attachment, IncomingDocument, OutgoingDocument

from .conftest import incoming_input, register

pytestmark = pytest.mark.django_db

CORPUS = [*hostile_corpus(), ("zip bomb named .docx", "du-thao.docx", zip_bomb_docx(), "upload.too_large")]
IDS = [label for label, *_rest in CORPUS]


def _media():
    return files_under(settings.MEDIA_ROOT) if __import__("os").path.isdir(settings.MEDIA_ROOT) else []


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_a_paper_scan_refuses_every_hostile_file(office, local_scanner, label, name, content, code):
    with pytest.raises(DomainError) as refused:
        services.register_incoming_document(
            actor=office.cast.clerk_a, agency=office.cast.agency_a, data=incoming_input(), source="paper", scan=(name, content)
        )
    assert refused.value.code == expected_code(code, name, uploads.DOCUMENT_SCAN), label
    assert not IncomingDocument.objects.exists() and not Attachment.objects.exists() and _media() == []


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_an_incoming_package_s_attachments_refuse_every_hostile_file(office, local_scanner, label, name, content, code):
    with pytest.raises(DomainError) as refused:
        services.receive_incoming_document(agency=office.cast.agency_a, data=incoming_input(), files_in=[(name, content)])
    assert refused.value.code == expected_code(code, name, uploads.EXCHANGE_ATTACHMENT), label
    assert not IncomingDocument.objects.exists() and _media() == []


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_a_draft_refuses_every_hostile_file(office, local_scanner, label, name, content, code):
    cast = office.cast
    with pytest.raises(DomainError) as refused:
        services.create_draft(
            actor=cast.specialist_a,
            agency=cast.agency_a,
            document_type="Quyết định",
            subject="Về việc phê duyệt kế hoạch tuyển dụng công chức năm 2026",
            draft=(name, content),
            internal_recipients=[cast.agency_b],
        )
    assert refused.value.code == expected_code(code, name, uploads.DOCUMENT_DRAFT), label
    assert not OutgoingDocument.objects.exists() and _media() == []


def test_a_stored_file_is_served_sandboxed_and_html_never_inline(client, office):
    document = register(office)
    attachment = document.attachments.get()
    client.force_login(office.cast.clerk_a)
    shown = client.get(f"/documents/files/{attachment.pk}/")
    assert shown["Content-Disposition"].startswith("inline") and shown["Content-Security-Policy"].startswith("sandbox")
    assert shown["X-Content-Type-Options"] == "nosniff"
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    forced = client.get(f"/documents/files/{attachment.pk}/")
    assert forced["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(("label", "name", "content", "code"), CORPUS, ids=IDS)
def test_the_paper_intake_page_refuses_every_hostile_file_with_a_message(client, office, local_scanner, label, name, content, code):
    """Through the page: a 400 with the message beside the scan, never a 500 (an image bomb gave one), no job, no file."""
    from django.urls import reverse

    from chinhquyen.core.models import JobProgress
    from chinhquyen.documents.tests.test_intake import login

    login(client, office.cast.clerk_a)
    response = client.post(reverse("documents:intake"), {"scan": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, label
    assert 'data-testid="intake-error"' in response.content.decode()
    assert not JobProgress.objects.exists() and _media() == []
