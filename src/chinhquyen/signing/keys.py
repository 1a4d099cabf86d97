"""Signers: a key from a PKCS#12 file or from a PKCS#11 token (`TokenKey`), ready to sign.

The base contract is pyHanko's `Signer`. Two providers:

- `LoadedSigner`: a key in memory (from a PKCS#12 file). pyHanko's `SimpleSigner` re-parses the
  private key at each signature; this one keeps the parsed key (DESIGN.md: 3–4× faster), so a
  caller that signs many files keeps one `LoadedSigner`.
- `TokenKey.open(pin)`: a pyHanko `PKCS11Signer` on a token session (SoftHSM2 in the tests and
  the demo, a USB token's PKCS#11 module in an office). The session is closed by `close()`.

Secrets (PKCS#12 passwords, PINs) are used and dropped: never stored, never logged.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.sign import signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import process_pss_params

from chinhquyen.core.errors import DomainError
from chinhquyen.signing.pki import certificate_facts

_MAGIC = b"CQS1"  # version tag of the stored format: magic | 12-byte nonce | AES-256-GCM ciphertext


def _storage_key() -> bytes:
    secret = settings.SIGNING_KEY_ENCRYPTION_KEY or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"chinhquyen.signing", info=b"pkcs12-at-rest v1").derive(secret.encode())


def encrypt_at_rest(data: bytes) -> bytes:
    """Encrypt a PKCS#12 file for storage (AES-256-GCM, key from the settings)."""
    nonce = os.urandom(12)
    return _MAGIC + nonce + AESGCM(_storage_key()).encrypt(nonce, data, _MAGIC)


def decrypt_at_rest(blob: bytes) -> bytes:
    blob = bytes(blob)
    if not blob.startswith(_MAGIC):
        raise DomainError("signing.key_unreadable", _("The stored key cannot be read."))
    try:
        return AESGCM(_storage_key()).decrypt(blob[4:16], blob[16:], _MAGIC)
    except Exception:
        # InvalidTag: the settings' key changed, or the blob was altered.
        raise DomainError("signing.key_unreadable", _("The stored key cannot be read (was SIGNING_KEY_ENCRYPTION_KEY changed?)."))


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _prefer_pss() -> bool:
    return settings.SIGNING_RSA_PADDING.lower() == "pss"


def check_signing_certificate(cert: x509.Certificate) -> None:
    """Refuse a certificate whose key usage does not allow signing documents (RFC 5280 §4.2.1.3)."""
    facts = certificate_facts(cert)
    if not facts.can_sign_documents:
        raise DomainError(
            "signing.certificate_not_for_signing",
            _("This certificate is not meant for signing (its key usage has neither digital signature nor non-repudiation)."),
        )
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
        raise DomainError("signing.weak_key", _("RSA keys shorter than 2048 bits are refused (Circular 15/2025)."))
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.key_size < 256:
        raise DomainError("signing.weak_key", _("ECDSA keys shorter than 256 bits are refused (Circular 15/2025)."))


class LoadedSigner(signers.SimpleSigner):
    """A `SimpleSigner` that keeps the parsed private key between signatures."""

    def __init__(self, *, cert: x509.Certificate, key: Any, chain: list[x509.Certificate], prefer_pss: bool | None = None) -> None:
        self._key = key
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        super().__init__(
            signing_cert=_asn1_cert(cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
            prefer_pss=_prefer_pss() if prefer_pss is None else prefer_pss,
        )
        self.x509_certificate = cert
        self.x509_chain = chain

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism["algorithm"].native
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if algo == "rsassa_pkcs1v15" or algo.endswith("_rsa"):
            return self._key.sign(data, padding.PKCS1v15(), hash_algo)  # type: ignore[no-any-return]
        if algo == "rsassa_pss":
            # The PSS parameters announced in the CMS (hash, MGF1, salt length) are the ones to use.
            pss, pss_hash = process_pss_params(mechanism["parameters"])
            return self._key.sign(data, pss, pss_hash)  # type: ignore[no-any-return]
        if algo == "ecdsa" or algo.endswith("_ecdsa"):
            return self._key.sign(data, ec.ECDSA(hash_algo))  # type: ignore[no-any-return]
        return super().sign_raw(data, digest_algorithm)

    @property
    def signer(self) -> LoadedSigner:
        """The pyHanko signer (itself; a `TokenSigner` wraps one)."""
        return self

    def close(self) -> None:
        """Nothing to release (symmetry with token signers)."""


def load_pkcs12(data: bytes, password: str) -> tuple[x509.Certificate, Any, list[x509.Certificate]]:
    """(certificate, private key, chain) from a PKCS#12 file; a clear refusal for a wrong password."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError:
        raise DomainError("signing.wrong_password", _("The password of the key file is wrong, or the file is not a PKCS#12 file."))
    if key is None or cert is None:
        raise DomainError("signing.pkcs12_incomplete", _("The key file holds no private key with its certificate."))
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise DomainError("signing.unsupported_key", _("Only RSA and ECDSA keys are supported."))
    return cert, key, list(extra or [])


def signer_from_pkcs12(data: bytes, password: str) -> LoadedSigner:
    cert, key, chain = load_pkcs12(data, password)
    check_signing_certificate(cert)
    return LoadedSigner(cert=cert, key=key, chain=chain)


@dataclass
class TokenKey:
    """A key on a PKCS#11 token: module path, token label, key label (the PIN is asked each time)."""

    module: str
    token_label: str
    key_label: str
    certificate: x509.Certificate | None = None
    chain: list[x509.Certificate] = field(default_factory=list)

    def open(self, pin: str) -> TokenSigner:
        """Log in with `pin` and return a signer; refuses a wrong PIN or a missing token/key."""
        import pkcs11  # python-pkcs11, installed with pyhanko[pkcs11]
        from pyhanko.sign import pkcs11 as hanko_pkcs11

        try:
            session = hanko_pkcs11.open_pkcs11_session(
                self.module, token_criteria=hanko_pkcs11.TokenCriteria(label=self.token_label), user_pin=pin
            )
        except pkcs11.exceptions.PinIncorrect:
            raise DomainError("signing.wrong_pin", _("The PIN of the token is wrong."))
        except pkcs11.exceptions.PinLocked:
            raise DomainError("signing.pin_locked", _("The token's PIN is locked."))
        except Exception as exc:  # a missing module or token: say which, not the PIN
            raise DomainError("signing.token_unavailable", _("The token cannot be opened: %(error)s") % {"error": type(exc).__name__})
        try:
            signer = hanko_pkcs11.PKCS11Signer(
                session,
                key_label=self.key_label,
                signing_cert=_asn1_cert(self.certificate) if self.certificate else None,
                cert_label=None if self.certificate else self.key_label,
                ca_chain=[_asn1_cert(c) for c in self.chain],
                prefer_pss=_prefer_pss(),
            )
        except Exception:
            session.close()
            raise
        return TokenSigner(signer=signer, session=session)


@dataclass
class TokenSigner:
    signer: Any
    session: Any

    def close(self) -> None:
        self.session.close()


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
