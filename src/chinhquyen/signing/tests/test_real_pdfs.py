"""The Government portal's signed PDFs (../shared/conformance/pdf) give what their README says."""

from __future__ import annotations

import pytest

from chinhquyen.signing.pki import load_certificate
from chinhquyen.signing.tests.conftest import CONFORMANCE, asn1
from chinhquyen.signing.validation import TrustMaterial, validate_pdf_bytes

pytestmark = pytest.mark.skipif(not CONFORMANCE.exists(), reason="../shared/conformance is not beside the clone")

FILES = {
    # file: (signer CN, timestamp genTime (UTC), root when trusted)
    "59-nd.signed.pdf": (
        "Cổng Thông tin điện tử Chính phủ",
        "2022-09-06T09:35:41+00:00",
        "Co quan chung thuc so chuyen dung Chinh phu (RootCA)",
    ),
    "47-cp.signed.pdf": ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "2024-04-16T03:46:14+00:00", "RootCA chuyên dùng Chính phủ G2"),
    "28-pt.signed.pdf": ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "2024-01-02T08:39:01+00:00", "RootCA chuyên dùng Chính phủ G2"),
    "163-tb-vpcp.signed.pdf": ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "2024-04-16T03:44:54+00:00", "RootCA chuyên dùng Chính phủ G2"),
}


def _trust(with_vgca: bool) -> TrustMaterial:
    folder = CONFORMANCE / "trust"
    roots = ["root-vgca-rootca-g2.pem", "root-vgca-rootca-g1.pem"] if with_vgca else []
    cas = ["ca-vgca-ca-co-quan-nha-nuoc-g2.pem", "ca-vgca-co-quan-chung-thuc-so-chinh-phu.pem"]
    return TrustMaterial(
        anchors=[asn1(load_certificate((folder / f).read_bytes())) for f in roots],
        intermediates=[asn1(load_certificate((folder / f).read_bytes())) for f in cas],
    )


@pytest.fixture(scope="module")
def reports() -> dict[tuple[str, bool], dict]:
    out = {}
    for with_vgca in (True, False):
        trust = _trust(with_vgca)
        for name in FILES:
            out[(name, with_vgca)] = validate_pdf_bytes((CONFORMANCE / "pdf" / name).read_bytes(), trust)
    return out


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("with_vgca", [True, False])
def test_real_pdf_is_intact_names_its_signer_and_takes_the_time_from_the_timestamp(reports, name, with_vgca):
    report = reports[(name, with_vgca)]
    assert len(report["signatures"]) == 1
    sig = report["signatures"][0]
    signer, gen_time, _root = FILES[name]
    assert sig["integrity"] == {"intact": True, "signature_valid": True}
    assert sig["coverage"] == "entire_file"
    assert sig["modifications"]["level"] == "none"
    assert sig["signer"]["common_name"] == signer
    assert sig["time"]["timestamp"] == gen_time
    # Quirk 1: the CMS signingTime is local time labelled UTC; it is never taken as the time of signing.
    assert sig["time"]["claimed"] != gen_time
    assert report["indication"] != "FAILED"


@pytest.mark.parametrize("name", FILES)
def test_chain_is_built_to_the_vgca_root_when_trusted_and_revocation_is_unknown_offline(reports, name):
    sig = reports[(name, True)]["signatures"][0]
    assert sig["chain"]["trusted"] is True
    assert sig["chain"]["anchor"] == FILES[name][2]
    assert sig["time"]["source"] == "timestamp"
    assert sig["revocation"]["status"] == "unknown"
    assert sig["indication"] == "INDETERMINATE" and sig["reason"] == "revocation_unknown"


@pytest.mark.parametrize("name", FILES)
def test_issuer_is_unknown_without_the_vgca_roots(reports, name):
    sig = reports[(name, False)]["signatures"][0]
    assert sig["chain"]["trusted"] is False
    assert sig["indication"] == "INDETERMINATE" and sig["reason"] == "no_chain"


def test_expired_2019_certificate_is_valid_at_the_time_of_signing(reports):
    sig = reports[("59-nd.signed.pdf", True)]["signatures"][0]
    codes = {w["code"] for w in sig["warnings"]}
    assert sig["certificate"] == {"valid_at_signing_time": True, "expired_now": True, "key_usage_ok": True}
    assert "certificate_expired_now" in codes
    assert "weak_algorithm_in_chain" in codes  # the G1 intermediate is signed with SHA-1


def test_expired_tsa_certificate_is_reported_with_its_own_status(reports):
    sig = reports[("163-tb-vpcp.signed.pdf", True)]["signatures"][0]
    codes = {w["code"] for w in sig["warnings"]}
    assert "tsa_certificate_expired_now" in codes
    assert "timestamp_before_claimed_time" in codes  # the TST is 51 s before the claimed time (quirk 2)
    assert "claimed_time_local_as_utc" in codes


def test_one_byte_changed_inside_the_signed_range_is_failed():
    data = bytearray((CONFORMANCE / "pdf" / "28-pt.signed.pdf").read_bytes())
    data[200_000] ^= 0x01  # inside [0 - 406313]
    report = validate_pdf_bytes(bytes(data), _trust(True))
    assert report["indication"] == "FAILED"
    assert report["signatures"][0]["reason"] == "hash_mismatch"
