"""TOTP keys at rest: AES-256-GCM under a key derived from `OTP_ENCRYPTION_KEY` (default SECRET_KEY).

ASVS 4.0.3 V2.8.2 / V6.4.1: the shared secret of a time-based one-time password is a secret of the
account like a password, but cannot be hashed (the server must compute codes from it); so it is
encrypted, and a copy of the database alone gives no second factor.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_MAGIC = b"CQT1"  # version tag: magic | 12-byte nonce | AES-256-GCM ciphertext of the raw key


def _storage_key() -> bytes:
    secret = getattr(settings, "OTP_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"chinhquyen.organizations", info=b"totp-at-rest v1").derive(secret.encode())


def new_key() -> bytes:
    """20 random bytes (160 bits, RFC 4226's recommended length)."""
    return os.urandom(20)


def encrypt_key(key: bytes) -> bytes:
    nonce = os.urandom(12)
    return _MAGIC + nonce + AESGCM(_storage_key()).encrypt(nonce, key, _MAGIC)


def decrypt_key(blob: bytes) -> bytes:
    """The raw key; `ValueError` when the blob is not ours or the settings' key changed."""
    if not blob.startswith(_MAGIC):
        raise ValueError("not an encrypted TOTP key")
    try:
        return AESGCM(_storage_key()).decrypt(blob[4:16], blob[16:], _MAGIC)
    except Exception as exc:  # InvalidTag: OTP_ENCRYPTION_KEY / SECRET_KEY changed, or the blob was altered
        raise ValueError("the TOTP key cannot be decrypted") from exc


def base32(key: bytes) -> str:
    """The key as authenticator apps take it (RFC 4648 base32, no padding)."""
    return base64.b32encode(key).decode().rstrip("=")
