"""The result file is validated by the signing app before it is attached (issue 8: "a signed PDF
when the signing issue is there"; Decree 45/2020 art. 25): a broken or altered signature is
refused, a result returned online must be signed, a paper result's scan may be unsigned."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfWriter

from chinhquyen.core.errors import DomainError
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, ReturnMethod
from chinhquyen.dossiers.tests.conftest import receive
from chinhquyen.signing import keys, pki, testing
from chinhquyen.signing import services as signing
from chinhquyen.signing.models import ValidationReport

pytestmark = pytest.mark.django_db

AGENCY = ("000.00.01.H99", "Sở Nội vụ tỉnh Thử Nghiệm")


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_pki() -> pki.DemoPki:
    return pki.build_demo_pki(people=[], agencies=[AGENCY])


@pytest.fixture(scope="module")
def sample() -> bytes:
    return testing.sample_pdf()


@pytest.fixture
def signed_result(demo_pki, sample, one_stop) -> bytes:
    signing.add_trust_anchor(data=demo_pki.root.pem, actor=None)
    signing.import_ca_certificates(data=demo_pki.agency_ca.pem)
    signing.import_crl(data=demo_pki.crl)
    issued = demo_pki.organization[AGENCY[0]]
    signer = keys.LoadedSigner(cert=issued.cert, key=issued.key, chain=issued.chain)
    return signing.sign_attachment(
        pdf_bytes=sample, signer=signer, actor=one_stop.cast.clerk_a, number_notation="15/GP-SNV"
    )  # a clerk applies the seal


def _in_process(one_stop, return_method=ReturnMethod.COUNTER):
    dossier = receive(one_stop, return_method=return_method)
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    return Dossier.objects.get(pk=dossier.pk)


def _upload(one_stop, dossier, data, name="ket-qua.pdf"):
    return services.upload_result(officer=one_stop.processing_a, dossier=dossier, file=ContentFile(data, name=name))


def test_a_signed_result_is_attached_with_its_validation_report(one_stop, fake_clock, signed_result, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = _in_process(one_stop, ReturnMethod.ONLINE)
    _upload(one_stop, dossier, signed_result)
    dossier.refresh_from_db()
    assert dossier.result_file.read() == signed_result
    assert dossier.result_report.indication in ("PASSED", "INDETERMINATE")
    assert dossier.result_report.signature_count == 1
    assert dossier.result_report.subject_type == "dossiers.Dossier" and dossier.result_report.subject_id == str(dossier.pk)


def test_a_result_returned_online_must_be_signed(one_stop, fake_clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = _in_process(one_stop, ReturnMethod.ONLINE)
    with pytest.raises(DomainError) as error:
        _upload(one_stop, dossier, blank_pdf())
    assert error.value.code == "dossier.result_unsigned"
    dossier.refresh_from_db()
    assert not dossier.result_file and dossier.result_report is None


def test_a_paper_results_scan_may_be_unsigned(one_stop, fake_clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = _in_process(one_stop, ReturnMethod.COUNTER)
    _upload(one_stop, dossier, blank_pdf())
    dossier.refresh_from_db()
    assert dossier.result_file and dossier.result_report.reason == "no_signatures"


def test_an_altered_signed_result_is_refused(one_stop, fake_clock, signed_result, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = _in_process(one_stop, ReturnMethod.COUNTER)
    # change one byte inside the signed range (the PDF header's version): the hash no longer matches
    altered = b"%PDF-1.9" + signed_result[len(b"%PDF-1.x") :]
    assert altered != signed_result
    with pytest.raises(DomainError) as error:
        _upload(one_stop, dossier, altered)
    assert error.value.code == "dossier.result_signature_invalid"
    dossier.refresh_from_db()
    assert not dossier.result_file
    # the refused file's report is kept as evidence of the check
    assert ValidationReport.objects.filter(subject_type="dossiers.Dossier", indication="FAILED").count() == 1


@pytest.mark.parametrize(
    ("data", "code"), [(b"%PDF-1.4 not really", "upload.unreadable"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "upload.content_mismatch")]
)
def test_a_result_that_is_not_a_readable_pdf_is_refused(one_stop, fake_clock, data, code, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = _in_process(one_stop)
    with pytest.raises(DomainError) as error:
        _upload(one_stop, dossier, data)
    assert error.value.code == code
    assert not Dossier.objects.get(pk=dossier.pk).result_file


def test_a_result_on_a_dossier_in_the_wrong_state_is_refused_before_any_validation(one_stop, fake_clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = receive(one_stop)  # received, not handed over: no result yet
    with pytest.raises(DomainError) as error:
        _upload(one_stop, dossier, blank_pdf())
    assert error.value.code == "dossier.wrong_state"
    assert not ValidationReport.objects.exists()


def test_a_result_over_the_size_limit_is_refused_unread(one_stop, fake_clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SIGNING_MAX_PDF_BYTES = 100
    dossier = _in_process(one_stop)
    with pytest.raises(DomainError) as error:
        _upload(one_stop, dossier, blank_pdf())
    assert error.value.code == "upload.too_large"
    assert not ValidationReport.objects.exists()
