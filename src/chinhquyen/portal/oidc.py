"""Sign-in through a national identity provider over OpenID Connect (authorization code flow, VNeID-style).

Configured by PORTAL_OIDC_ISSUER / _CLIENT_ID / _CLIENT_SECRET (empty issuer: off). The id_token
is checked here, with no JWT library: RS256 only, the key from the provider's JWKS by `kid`, and
`iss`, `aud`, `exp` and the `nonce` this session sent.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError

TIMEOUT = 10


def _b64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def enabled() -> bool:
    return bool(settings.PORTAL_OIDC_ISSUER)


def discovery() -> dict[str, Any]:
    url = settings.PORTAL_OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def _refuse(reason: str) -> DomainError:
    return DomainError("oidc.invalid_token", _("The identity provider's answer could not be trusted: %(reason)s") % {"reason": reason})


def verify_id_token(token: str, *, jwks: dict[str, Any], nonce: str, now: float | None = None) -> dict[str, Any]:
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64(header_b64))
        claims = json.loads(_b64(payload_b64))
        signature = _b64(signature_b64)
    except ValueError as exc:
        raise _refuse("malformed") from exc
    if header.get("alg") != "RS256":
        raise _refuse("algorithm")
    keys = [k for k in jwks.get("keys", []) if k.get("kty") == "RSA" and k.get("kid") == header.get("kid")]
    if not keys:
        raise _refuse("unknown key")
    key = rsa.RSAPublicNumbers(int.from_bytes(_b64(keys[0]["e"]), "big"), int.from_bytes(_b64(keys[0]["n"]), "big")).public_key()
    try:
        key.verify(signature, f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise _refuse("signature") from exc
    if claims.get("iss") != settings.PORTAL_OIDC_ISSUER:
        raise _refuse("issuer")
    audience = claims.get("aud")
    if settings.PORTAL_OIDC_CLIENT_ID not in (audience if isinstance(audience, list) else [audience]):
        raise _refuse("audience")
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= (now or time.time()):
        raise _refuse("expired")
    if not nonce or claims.get("nonce") != nonce:
        raise _refuse("nonce")
    return claims  # type: ignore[no-any-return]


def exchange_code(*, code: str, redirect_uri: str, nonce: str) -> dict[str, Any]:
    """The token endpoint's id_token for `code`, verified; its claims."""
    config = discovery()
    response = requests.post(
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": settings.PORTAL_OIDC_CLIENT_ID,
            "client_secret": settings.PORTAL_OIDC_CLIENT_SECRET,
        },
        timeout=TIMEOUT,
    )
    if response.status_code != 200 or "id_token" not in response.json():
        raise DomainError("oidc.token_refused", _("The identity provider refused the sign-in."))
    jwks = requests.get(config["jwks_uri"], timeout=TIMEOUT).json()
    return verify_id_token(response.json()["id_token"], jwks=jwks, nonce=nonce)
