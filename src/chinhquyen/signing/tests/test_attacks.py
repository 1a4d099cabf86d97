"""The attack corpus, built here from our own signed PDFs (no third-party attack files).

Incremental saving, signature wrapping, universal forgery, shadow attacks (Mainka et al., USENIX
Security 2019 and NDSS 2021), DocMDP violations, bad signers, truncation. None comes out PASSED,
none crashes the validator, each names its reason.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign.fields import MDPPerm

from chinhquyen.signing import keys, pdf, pki
from chinhquyen.signing.validation import REASONS, validate_pdf_bytes


def _append(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_content(writer: IncrementalPdfFileWriter, ops: bytes) -> None:
    ref = writer.add_object(generic.StreamObject(stream_data=ops))
    writer.add_stream_to_page(0, ref)


def _incremental_content(data: bytes) -> bytes:
    # A revision that paints new text over page 1 ("Số tiền: 900.000.000 đồng"): content changed after signing.
    return _append(data, lambda w: _page_content(w, b"q 1 1 1 rg 50 700 300 40 re f Q BT /F1 12 Tf 60 710 Td (900.000.000) Tj ET"))


def _replace_value(data: bytes, field: str, value: str) -> bytes:
    def change(writer: IncrementalPdfFileWriter) -> None:
        for ref in writer.root["/AcroForm"]["/Fields"]:
            obj = ref.get_object()
            if str(obj.get("/T")) == field:
                obj[pdf_name("/V")] = pdf_string(value)
                appearance, _w, _h = pdf.text_xobject(writer, [value], size=13)
                obj[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance})
                writer.update_container(obj)

    return _append(data, change)


def _with_overlay_field(sample: bytes, signer: keys.LoadedSigner) -> bytes:
    """Shadow "hide": the signed revision carries a text field whose appearance is a white box over the text."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        pdf.add_text_field(writer, "GhiChu", pdf.Box(0, 60, 560, 400, 620), page_index=0)
        field = writer.root["/AcroForm"]["/Fields"][-1].get_object()
        cover = writer.add_object(
            generic.StreamObject(
                {
                    pdf_name("/Type"): pdf_name("/XObject"),
                    pdf_name("/Subtype"): pdf_name("/Form"),
                    pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, 340, 60)]),
                },
                stream_data=b"1 1 1 rg 0 0 340 60 re f",
            )
        )
        field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): cover})
        writer.update_container(field)

    prepared = _append(sample, change)
    return pdf.sign_pdf(prepared, signer, pdf.SignRequest(field_name=pdf.PERSONAL_FIELD))


def _reveal(data: bytes) -> bytes:
    """Shadow "hide" completed: the overlay field is 'filled' with an empty value, uncovering what was under it."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        for ref in writer.root["/AcroForm"]["/Fields"]:
            obj = ref.get_object()
            if str(obj.get("/T")) == "GhiChu":
                obj[pdf_name("/V")] = pdf_string(" ")
                appearance, _w, _h = pdf.text_xobject(writer, [" "], size=10)
                obj[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance})
                writer.update_container(obj)

    return _append(data, change)


def _hide_and_replace(data: bytes) -> bytes:
    """Shadow "hide-and-replace": the page's content stream is swapped for another object in a new revision."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        page_ref = writer.find_page_for_modification(0)[0]
        page = page_ref.get_object()
        page[pdf_name("/Contents")] = writer.add_object(
            generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (QUYET DINH GIA MAO) Tj ET")
        )
        writer.update_container(page)

    return _append(data, change)


def _set_contents(data: bytes, replacement: bytes | None) -> bytes:
    """Universal forgery: /Contents emptied, zeroed or made garbage, at the same length (offsets unchanged)."""
    match = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", data)
    assert match
    start, end = match.span(1)
    length = end - start
    if replacement is None:
        new = b"0" * length
    else:
        new = (replacement * (length // len(replacement) + 1))[:length]
    return data[:start] + new + data[end:]


def _byte_range(data: bytes, values: list[int]) -> bytes:
    match = re.search(rb"/ByteRange\s*\[([^\]]*)\]", data)
    assert match
    start, end = match.span(1)
    text = " ".join(str(v) for v in values).encode()
    return data[:start] + text.ljust(end - start) + data[end:]


def _wrapped(data: bytes) -> bytes:
    """Signature wrapping: keep the signed bytes, shorten /Contents and hide a new revision inside its gap."""
    match = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", data)
    assert match
    start, end = match.span(1)
    hex_value = data[start:end].rstrip(b"0")
    hex_value += b"0" * (len(hex_value) % 2)
    payload = b">\n99 0 obj (injected) endobj\n%"
    filler = end - start - len(hex_value) - len(payload)
    return data[:start] + hex_value + payload + b" " * filler + data[end:]


def _certified(sample: bytes, signer: keys.LoadedSigner) -> bytes:
    # A certification signature that allows no change at all (DocMDP P=1).
    return pdf.sign_pdf(sample, signer, pdf.SignRequest(field_name="ChungThuc", certify=True, docmdp=MDPPerm.NO_CHANGES))


@pytest.fixture(scope="module")
def corpus(issued, sample, demo, personal_signer, organization_signer) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    personal = issued.personal
    untrusted_root = pki.issue(common_name="Kẻ giả mạo", ca=True)
    untrusted = pki.issue(common_name="Người ký giả", issuer=untrusted_root)
    expired = pki.issue(
        common_name="Chứng thư hết hạn",
        issuer=demo.agency_ca,
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=400),
        days=30,
        crl_url=pki.DEMO_CRL_URL,
    )
    revoked = pki.issue(common_name="Chứng thư bị thu hồi", issuer=demo.agency_ca, crl_url=pki.DEMO_CRL_URL)

    def signed_by(issued_cert: pki.Issued) -> bytes:
        signer = keys.LoadedSigner(cert=issued_cert.cert, key=issued_cert.key, chain=issued_cert.chain)
        return pdf.sign_pdf(sample, signer, pdf.SignRequest(field_name="T"))

    overlay = _with_overlay_field(sample, personal_signer)
    certified = _certified(sample, personal_signer)
    return {
        "incremental_saving": _incremental_content(issued.issued),
        "shadow_hide": _reveal(overlay),
        "shadow_replace": _replace_value(issued.issued, "SoKyHieu", "99/QĐ-UBND"),
        "shadow_hide_and_replace": _hide_and_replace(personal),
        "byte_range_wrapping": _wrapped(personal),
        "byte_range_outside_file": _byte_range(personal, [0, 10, 10**9, 10]),
        "byte_range_shifted": _byte_range(personal, [0, 100, 200, 300]),
        "contents_zeroed": _set_contents(personal, None),
        "contents_garbage": _set_contents(personal, b"deadbeef"),
        "contents_missing": re.sub(rb"/Contents(\s*<[0-9a-fA-F]+>)", rb"/Xontents\1", personal, count=1),
        # pyHanko refuses to sign after P=1, so the violating revision (a new signature field) is appended by hand.
        "docmdp_violation": _append(
            certified, lambda w: fields.append_signature_field(w, fields.SigFieldSpec("Them", on_page=0, box=(10, 10, 100, 40)))
        ),
        "untrusted_signer": signed_by(untrusted),
        "expired_signer": signed_by(expired),
        "revoked_signer": signed_by(revoked),
        "truncated": issued.issued[: len(issued.issued) - 2000],
        "_revoked_cert": revoked.cert.public_bytes(serialization.Encoding.DER),
    }


EXPECTED_REASONS = {
    "incremental_saving": {"modified_after_signing"},
    "shadow_hide": {"shadow_change"},
    "shadow_replace": {"shadow_change"},
    "shadow_hide_and_replace": {"modified_after_signing"},
    "byte_range_wrapping": {"byte_range_invalid", "signature_malformed", "hash_mismatch", "malformed"},
    "byte_range_outside_file": {"byte_range_invalid"},
    "byte_range_shifted": {"byte_range_invalid", "hash_mismatch"},
    "contents_zeroed": {"signature_malformed"},
    "contents_garbage": {"signature_malformed"},
    "contents_missing": {"signature_malformed", "no_signatures", "malformed", "hash_mismatch"},
    "docmdp_violation": {"docmdp_violation", "modified_after_signing"},
    "untrusted_signer": {"no_chain"},
    "expired_signer": {"expired_no_poe"},
    "revoked_signer": {"revoked"},
    "truncated": {"malformed", "byte_range_invalid", "hash_mismatch", "signature_malformed"},
}


@pytest.fixture(scope="module")
def revoked_trust(trust, demo, corpus):  # type: ignore[no-untyped-def]
    from cryptography import x509

    from chinhquyen.signing.validation import TrustMaterial

    revoked = x509.load_der_x509_certificate(corpus["_revoked_cert"])
    crl = pki.make_crl(demo.agency_ca, revoked=[(revoked, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))])
    return TrustMaterial(anchors=trust.anchors, intermediates=trust.intermediates, crls=[crl])


@pytest.mark.parametrize("attack", sorted(EXPECTED_REASONS))
def test_attack_is_not_passed_and_names_its_reason(corpus, revoked_trust, attack):
    report = validate_pdf_bytes(corpus[attack], revoked_trust)
    assert report["indication"] != "PASSED"
    assert report["reason"] in EXPECTED_REASONS[attack], report
    assert report["reason_text"] == REASONS[report["reason"]]


def test_the_failed_attacks_are_failed_not_merely_indeterminate(corpus, revoked_trust):
    for attack in ("incremental_saving", "shadow_hide", "shadow_replace", "shadow_hide_and_replace", "docmdp_violation", "revoked_signer"):
        assert validate_pdf_bytes(corpus[attack], revoked_trust)["indication"] == "FAILED", attack


def test_five_valid_signatures_all_pass(sample, personal_signer, organization_signer, trust):
    data = sample
    for n in range(5):
        signer = personal_signer if n % 2 == 0 else organization_signer
        data = pdf.sign_pdf(data, signer, pdf.SignRequest(field_name=f"ChuKy{n}"))
    report = validate_pdf_bytes(data, trust)
    assert [s["indication"] for s in report["signatures"]] == ["PASSED"] * 5
    assert report["indication"] == "PASSED"
