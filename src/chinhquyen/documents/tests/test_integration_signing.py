"""Signing wired into the office (issue 6 item 8): the leader's personal signature at approval, the
number and date then the organisation signature at issue, incoming PDFs validated before anyone
handles them, reports seen only by who may see the document. Real keys (DEMO PKI, built once per
session), real signatures, validated by `signing`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chinhquyen.core.errors import DomainError
from chinhquyen.documents import hooks, services
from chinhquyen.documents.integrations import install
from chinhquyen.documents.integrations import signing as wiring
from chinhquyen.documents.models import Attachment, OutgoingStatus
from chinhquyen.documents.testing import PASSWORD as LOGIN_PASSWORD
from chinhquyen.documents.testing import pdf_bytes

KEY_PASSWORD = "mat-khau-khoa-ky"
LEADER_NAME = "Trần Văn Lãnh Đạo"
AGENCY = ("000.00.01.H99", "Sở Nội vụ tỉnh Thử Nghiệm")


@pytest.fixture(scope="session")
def demo_pki():
    from chinhquyen.signing import pki

    return pki.build_demo_pki(people=[("lanhdao.a", LEADER_NAME, AGENCY[1])], agencies=[AGENCY])


@pytest.fixture(scope="session")
def decision_pdf() -> bytes:
    from chinhquyen.signing import testing

    return testing.sample_pdf(signer_name=LEADER_NAME)


@pytest.fixture
def wired():
    """The integrations as `DocumentsConfig.ready()` installs them (other tests may have swapped the provider)."""
    previous = hooks.signing_provider()
    hooks.set_signing_provider(wiring.Provider())
    install()
    yield
    hooks.set_signing_provider(previous)


@pytest.fixture
def keys(cast, demo_pki, wired):
    from chinhquyen.signing import services as signing
    from chinhquyen.signing.models import SignatureRole

    assert cast.agency_a.code == AGENCY[0]
    signing.add_trust_anchor(data=demo_pki.root.pem, actor=None)
    signing.import_ca_certificates(data=demo_pki.agency_ca.pem)
    signing.import_crl(data=demo_pki.crl)
    personal = signing.import_pkcs12(
        data=demo_pki.personal["lanhdao.a"].pkcs12(KEY_PASSWORD),
        password=KEY_PASSWORD,
        role=SignatureRole.PERSONAL,
        actor=None,
        official=cast.leader_a,
    )
    organization = signing.import_pkcs12(
        data=demo_pki.organization[AGENCY[0]].pkcs12(KEY_PASSWORD),
        password=KEY_PASSWORD,
        role=SignatureRole.ORGANIZATION,
        actor=None,
        agency=cast.agency_a,
    )
    return personal, organization


def _to_approve(office, draft: bytes):
    cast = office.cast
    document = services.create_draft(
        actor=cast.specialist_a,
        agency=cast.agency_a,
        document_type="Quyết định",
        subject="Về việc phê duyệt kế hoạch chuyển đổi số năm 2026",
        draft=("quyet-dinh.pdf", draft),
    )
    services.submit_draft(actor=cast.specialist_a, document=document)
    document.refresh_from_db()
    if document.status == OutgoingStatus.IN_REVIEW:
        services.review_draft(actor=office.unit_leader_x, document=document, accept=True)
    document.refresh_from_db()
    return document


def _validate(attachment: Attachment) -> dict:
    from chinhquyen.signing.trust import current_trust
    from chinhquyen.signing.validation import validate_pdf_bytes

    with attachment.file.open("rb") as fh:
        return validate_pdf_bytes(fh.read(), current_trust())


def _report_of(attachment: Attachment):
    from chinhquyen.signing.models import ValidationReport

    return ValidationReport.objects.get(subject_type="documents.Attachment", subject_id=str(attachment.pk), superseded_by__isnull=True)


def test_approval_signs_personally_and_issue_numbers_then_seals_both_passed(office, keys, decision_pdf):
    cast = office.cast
    document = _to_approve(office, decision_pdf)
    with pytest.raises(DomainError) as refused, wiring.signing_secret(""):
        services.approve_document(actor=cast.leader_a, document=document)
    assert refused.value.code == "documents.signing_secret_required"
    with pytest.raises(DomainError) as refused, wiring.signing_secret("sai-mat-khau"):
        services.approve_document(actor=cast.leader_a, document=document)
    document.refresh_from_db()
    assert document.status != OutgoingStatus.APPROVED  # a wrong password approves nothing

    with wiring.signing_secret(KEY_PASSWORD):
        services.approve_document(actor=cast.leader_a, document=document)
    signed = services.current_version(document)
    assert signed is not None and signed.comment == "personal signature"
    report = _validate(signed)
    assert report["indication"] == "PASSED"
    assert [(s["role"], s["indication"]) for s in report["signatures"]] == [("personal", "PASSED")]
    assert _report_of(signed).indication == "PASSED"  # stored: the page shows it

    with pytest.raises(DomainError) as refused:  # the leader is not the clerk
        with wiring.signing_secret(KEY_PASSWORD):
            services.issue_document(actor=cast.leader_a, document=document)
    with wiring.signing_secret(KEY_PASSWORD):
        issued = services.issue_document(actor=cast.clerk_a, document=document)
    final = services.current_version(issued)
    assert final is not None and final.comment == "organisation signature"
    report = _validate(final)
    assert report["indication"] == "PASSED"
    personal, organization = report["signatures"]
    assert (personal["role"], personal["indication"]) == ("personal", "PASSED")
    assert (organization["role"], organization["indication"]) == ("organization", "PASSED")
    assert personal["modifications"]["level"] == "form_filling"
    from pyhanko.pdf_utils.reader import PdfFileReader

    with final.file.open("rb") as fh:
        import io

        fields = {
            str(f.get_object()["/T"]): str(f.get_object().get("/V", ""))
            for f in PdfFileReader(io.BytesIO(fh.read())).root["/AcroForm"]["/Fields"]
        }
    assert fields["SoKyHieu"] == issued.written_number


def test_a_non_clerk_cannot_apply_the_organisation_signature(office, keys, decision_pdf):
    from chinhquyen.core.errors import PermissionDenied

    cast = office.cast
    document = _to_approve(office, decision_pdf)
    with wiring.signing_secret(KEY_PASSWORD):
        services.approve_document(actor=cast.leader_a, document=document)
    for actor in (cast.leader_a, cast.specialist_a, cast.clerk_b):
        with pytest.raises(PermissionDenied), wiring.signing_secret(KEY_PASSWORD):
            services.issue_document(actor=actor, document=document)
    # The provider itself refuses too (signing checks the clerk role), whoever calls it.
    request = services._signing_request(document, cast.leader_a, services.current_version(document), numbered=True)
    request = hooks.SigningRequest(**{**request.__dict__, "code_number": "01", "code_notation": "QĐ-SNV", "issued_date": dt.date.today()})
    with pytest.raises(DomainError) as refused, wiring.signing_secret(KEY_PASSWORD):
        wiring.Provider().sign_organization(request)
    assert refused.value.code == "signing.not_clerk"


def test_a_leader_without_a_key_approves_an_unsigned_document_and_the_page_says_so(office, wired, decision_pdf, client):
    cast = office.cast
    document = _to_approve(office, decision_pdf)
    client.force_login(cast.leader_a)
    page = client.get(reverse("documents:outgoing_detail", args=[document.pk])).content.decode()
    assert 'data-testid="unsigned-note"' in page
    response = client.post(reverse("documents:outgoing_action", args=[document.pk, "approve"]), {"accept": "1"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    assert services.current_version(document).comment == ""  # no signed version
    issued = services.issue_document(actor=cast.clerk_a, document=document)
    assert issued.code_number and services.current_version(issued).version == 1


def test_the_approval_page_asks_the_password_and_signs(office, keys, decision_pdf, client):
    cast = office.cast
    document = _to_approve(office, decision_pdf)
    client.force_login(cast.leader_a)
    page = client.get(reverse("documents:outgoing_detail", args=[document.pk])).content.decode()
    assert 'name="signing_secret"' in page and 'type="password"' in page
    client.post(reverse("documents:outgoing_action", args=[document.pk, "approve"]), {"accept": "1", "signing_secret": KEY_PASSWORD})
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    page = client.get(reverse("documents:outgoing_detail", args=[document.pk])).content.decode()
    assert 'data-testid="signature" data-role="personal" data-indication="PASSED"' in page
    assert KEY_PASSWORD not in page


def test_incoming_pdfs_are_validated_before_registration_and_the_report_follows_document_access(office, keys, demo_pki, client):
    from chinhquyen.signing import services as signing
    from chinhquyen.signing.access import access_report_for_official

    cast = office.cast
    # A PDF the sender signed (the DEMO leader's key), received electronically: validated on arrival.
    signed = signing.sign_personal(
        pdf_bytes=pdf_bytes(1, text="Cong van den"), signer=keys[0], actor=cast.leader_a, secret=KEY_PASSWORD, with_number_fields=False
    )
    from chinhquyen.documents.tests.conftest import incoming_input

    received = services.receive_incoming_document(agency=cast.agency_a, data=incoming_input(), files_in=[("cv.pdf", signed)])
    main = received.attachments.get()
    report = _report_of(main)
    assert received.status == "received" and report.indication == "PASSED"  # before anyone registers it

    # A paper scan: validated when registered (no signature: the page says so).
    scan = services.register_incoming_document(
        actor=cast.clerk_a, agency=cast.agency_a, data=incoming_input(code_number="16"), scan=("scan.pdf", pdf_bytes(2))
    ).document
    assert _report_of(scan.attachments.get()).signature_count == 0

    # A tampered PDF is red.
    tampered = bytearray(signed)
    at = tampered.find(b"Cong van den")
    tampered[at] = ord("X")
    bad = services.receive_incoming_document(
        agency=cast.agency_a, data=incoming_input(code_number="17"), files_in=[("x.pdf", bytes(tampered))]
    )
    assert _report_of(bad.attachments.get()).indication == "FAILED"

    client.force_login(cast.clerk_a)
    page = client.get(reverse("documents:incoming_detail", args=[received.pk])).content.decode()
    assert 'data-indication="PASSED"' in page and reverse("signing:report", args=[report.pk]) in page
    assert client.get(reverse("signing:report", args=[report.pk])).status_code == 200
    page = client.get(reverse("documents:incoming_detail", args=[bad.pk])).content.decode()
    assert 'data-indication="FAILED"' in page

    # Who cannot see the document cannot see its report.
    assert access_report_for_official(user=cast.clerk_a, report_id=report.pk) == report
    from chinhquyen.core.errors import NotFound

    for outsider in (cast.clerk_b, office.specialist_y):
        with pytest.raises(NotFound):
            access_report_for_official(user=outsider, report_id=report.pk)
    client.force_login(cast.clerk_b)
    assert client.get(reverse("signing:report", args=[report.pk])).status_code == 404
    assert LOGIN_PASSWORD  # the office's login password is not the key's
