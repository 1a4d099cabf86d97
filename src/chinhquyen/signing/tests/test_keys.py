"""Keys: PKCS#12 stored encrypted; refusals; a key on a PKCS#11 token (SoftHSM2)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.signing import keys, pdf, pki, services
from chinhquyen.signing.models import KeyKind, SignatureRole, SigningKey
from chinhquyen.signing.tests.conftest import LEADER, PASSWORD
from chinhquyen.signing.validation import validate_pdf_bytes

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246813"


@pytest.mark.django_db
def test_pkcs12_is_stored_encrypted_and_never_in_plain_text(cast, demo):
    p12 = demo.personal[LEADER[0]].pkcs12(PASSWORD)
    key = services.import_pkcs12(data=p12, password=PASSWORD, role=SignatureRole.PERSONAL, actor=None, official=cast.leader_a)
    stored = bytes(SigningKey.objects.get(pk=key.pk).encrypted_pkcs12)
    assert p12 not in stored and stored[:4] == b"CQS1"
    assert keys.decrypt_at_rest(stored) == p12
    assert key.certificate.subject_common_name == f"{LEADER[1]} (DEMO)"
    assert key.certificate.can_sign_documents
    assert key.chain.count() == 2  # agency CA and root


@pytest.mark.django_db
def test_pkcs12_with_a_wrong_password_is_refused_and_nothing_is_stored(cast, demo):
    with pytest.raises(DomainError) as refused:
        services.import_pkcs12(
            data=demo.personal[LEADER[0]].pkcs12(PASSWORD), password="sai", role=SignatureRole.PERSONAL, actor=None, official=cast.leader_a
        )
    assert refused.value.code == "signing.wrong_password"
    assert not SigningKey.objects.exists()


@pytest.mark.django_db
def test_certificate_without_the_signing_key_usage_is_refused(cast, demo):
    encrypt_only = pki.issue(common_name="Chỉ để mã hóa", issuer=demo.agency_ca, key_usage="encrypt")
    with pytest.raises(DomainError) as refused:
        services.import_pkcs12(
            data=encrypt_only.pkcs12(PASSWORD), password=PASSWORD, role=SignatureRole.PERSONAL, actor=None, official=cast.leader_a
        )
    assert refused.value.code == "signing.certificate_not_for_signing"
    assert not SigningKey.objects.exists()


def test_rsa_keys_below_2048_bits_are_refused():
    with pytest.raises(ValueError):
        pki.new_key(bits=1024)


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory, demo):  # type: ignore[no-untyped-def]
    if not (shutil.which("softhsm2-util") and Path(SOFTHSM).exists()):
        pytest.skip("SoftHSM2 is not installed")
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read once, when the module is first loaded in this process
    run = lambda *args: subprocess.run(["softhsm2-util", *args], check=True, capture_output=True)  # noqa: E731
    run("--init-token", "--free", "--label", "chinhquyen-test", "--pin", PIN, "--so-pin", "13572468")
    key_file = base / "leader.key.pem"
    key_file.write_bytes(demo.personal[LEADER[0]].key_pem())
    run("--import", str(key_file), "--token", "chinhquyen-test", "--label", "lanhdao", "--id", "01", "--pin", PIN)
    key_file.unlink()
    return keys.TokenKey(
        module=SOFTHSM,
        token_label="chinhquyen-test",
        key_label="lanhdao",
        certificate=demo.personal[LEADER[0]].cert,
        chain=demo.personal[LEADER[0]].chain,
    )


def test_signing_through_a_softhsm2_token(softhsm_token, sample, trust):
    handle = softhsm_token.open(PIN)
    try:
        signed = pdf.sign_pdf(sample, handle.signer, pdf.SignRequest(field_name=pdf.PERSONAL_FIELD))
    finally:
        handle.close()
    report = validate_pdf_bytes(signed, trust)
    assert report["indication"] == "PASSED"
    assert report["signatures"][0]["signer"]["common_name"] == f"{LEADER[1]} (DEMO)"


def test_a_wrong_pin_is_refused(softhsm_token):
    with pytest.raises(DomainError) as refused:
        softhsm_token.open("000000")
    assert refused.value.code == "signing.wrong_pin"


@pytest.mark.django_db
def test_a_token_key_is_stored_without_its_pin_and_signs_through_the_services(cast, demo, softhsm_token, sample, signature_png):
    key = services.register_token_key(
        module=SOFTHSM, token_label="chinhquyen-test", key_label="lanhdao", certificate=demo.personal[LEADER[0]].pem,
        role=SignatureRole.PERSONAL, actor=None, official=cast.leader_a, chain=demo.agency_ca.pem,
    )  # fmt: skip
    assert key.kind == KeyKind.TOKEN and PIN not in str(SigningKey.objects.filter(pk=key.pk).values().get())
    signed = services.sign_personal(pdf_bytes=sample, signer=key, secret=PIN, actor=cast.leader_a, image=signature_png)
    assert signed.startswith(b"%PDF") and len(signed) > len(sample)
    with pytest.raises(DomainError) as refused:
        services.sign_personal(pdf_bytes=sample, signer=key, secret="111111", actor=cast.leader_a)
    assert refused.value.code == "signing.wrong_pin"
