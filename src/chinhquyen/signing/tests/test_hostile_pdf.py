"""Hostile PDFs (issue 16, finding 10; ADR 0039): page trees that loop or never end are refused
with a code within 5 seconds by signing and by the signature check (the upload check:
documents/tests/test_hostile_intake.py)."""

from __future__ import annotations

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.core.limits import time_limit
from chinhquyen.core.tests import hostile
from chinhquyen.signing import pdf
from chinhquyen.signing.validation import PASSED, validate_pdf_bytes

HOSTILE = {
    "a page tree whose /Parent points back into itself": hostile.pdf_parent_cycle,
    "a page that is its own parent": hostile.pdf_self_parent,
    "a /Pages node among its own kids": hostile.pdf_kids_cycle,
    "a page tree 5000 levels deep": hostile.pdf_deep_tree,
    "a truncated PDF": hostile.pdf_truncated,
}


def _sign_as_the_service_does(data: bytes, signer) -> bytes:  # type: ignore[no-untyped-def]
    reader = pdf.open_pdf(data)
    box = pdf.personal_box(data, reader, None)
    return pdf.sign_pdf(data, signer, pdf.SignRequest(field_name=pdf.PERSONAL_FIELD, box=box))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_signing_refuses_each_hostile_pdf_with_a_code_within_five_seconds(name, personal_signer):
    with pytest.raises(DomainError) as refused, time_limit(5):
        _sign_as_the_service_does(HOSTILE[name](), personal_signer)
    assert refused.value.code == "signing.pdf_malformed", refused.value.code
    assert refused.value.message


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_an_invisible_signature_with_a_label_refuses_each_hostile_pdf(name, personal_signer):
    request = pdf.SignRequest(field_name="PhuLuc", label=pdf.Label(lines=["01/QĐ-UBND", "{time}"]))
    with pytest.raises(DomainError) as refused, time_limit(5):
        pdf.sign_pdf(HOSTILE[name](), personal_signer, request)
    assert refused.value.code == "signing.pdf_malformed"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_signature_check_reports_each_hostile_pdf_within_five_seconds(name, trust):
    with time_limit(5):
        report = validate_pdf_bytes(HOSTILE[name](), trust)
    assert report["indication"] != PASSED
    assert report["reason"] == "malformed"


def test_the_valid_sample_of_the_corpus_signs(personal_signer):
    signed = _sign_as_the_service_does(hostile.pdf_valid(), personal_signer)
    assert signed.startswith(b"%PDF-")
