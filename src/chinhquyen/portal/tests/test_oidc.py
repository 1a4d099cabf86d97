"""Sign-in over OpenID Connect against a small provider the test runs on 127.0.0.1 (discovery,
authorize, token with an RS256 id_token, JWKS), written here with the stdlib and cryptography."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Account, Applicant
from chinhquyen.portal.models import ProviderIdentity
from chinhquyen.portal.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CLIENT_ID = "cong-dvc-tinh"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    """The identity provider. `tamper` changes one thing in the next id_token to test each check."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, str] = {}  # code -> nonce
        self.tamper = ""
        self.subject = "vneid-1"
        self.id_number = "038090001111"
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": provider.issuer + "/authorize",
                            "token_endpoint": provider.issuer + "/token",
                            "jwks_uri": provider.issuer + "/jwks",
                        }
                    )
                elif url.path == "/jwks":
                    numbers = provider.key.public_key().public_numbers()
                    n = _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big"))
                    e = _b64(numbers.e.to_bytes(3, "big"))
                    self._json({"keys": [{"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig", "n": n, "e": e}]})
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
                    code = secrets.token_urlsafe(12)
                    provider.codes[code] = query["nonce"]
                    self.send_response(302)
                    self.send_header("Location", query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]}))
                    self.end_headers()
                else:
                    self._json({}, 404)

            def do_POST(self):
                body = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                nonce = provider.codes.pop(body.get("code", ""), None)
                if nonce is None or body.get("client_secret") != "s3cret":
                    self._json({"error": "invalid_grant"}, 400)
                    return
                self._json({"access_token": "x", "token_type": "Bearer", "id_token": provider.id_token(nonce)})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def id_token(self, nonce: str) -> str:
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": self.subject,
            "exp": int(time.time()) + 300,
            "iat": int(time.time()),
            "nonce": nonce,
            "id_number": self.id_number,
            "name": "Hoàng Thị Em",
        }
        if self.tamper == "audience":
            claims["aud"] = "someone-else"
        elif self.tamper == "issuer":
            claims["iss"] = "http://127.0.0.1:1"
        elif self.tamper == "expired":
            claims["exp"] = int(time.time()) - 10
        elif self.tamper == "nonce":
            claims["nonce"] = "replayed"
        header = _b64(json.dumps({"alg": "RS256", "kid": "k1", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(claims).encode())
        key = self.other_key if self.tamper == "signature" else self.key
        signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{header}.{payload}.{_b64(signature)}"


@pytest.fixture
def provider(settings):
    instance = Provider()
    settings.PORTAL_OIDC_ISSUER = instance.issuer
    settings.PORTAL_OIDC_CLIENT_ID = CLIENT_ID
    settings.PORTAL_OIDC_CLIENT_SECRET = "s3cret"
    yield instance
    instance.server.shutdown()
    instance.server.server_close()


def _sign_in(client):
    start = client.get("/dich-vu-cong/dang-nhap/dinh-danh/?next=/dich-vu-cong/ho-so-cua-toi/")
    assert start.status_code == 302
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlparse(back.headers["Location"])
    assert callback.path == "/dich-vu-cong/dang-nhap/dinh-danh/ve/"
    return client.get(f"{callback.path}?{callback.query}")


def test_sign_in_with_the_identity_provider_creates_and_logs_in_the_applicant(client, provider):
    assert "/dich-vu-cong/dang-nhap/dinh-danh/" in client.get("/dich-vu-cong/dang-nhap/").content.decode()
    response = _sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/dich-vu-cong/ho-so-cua-toi/"
    applicant = Applicant.objects.get(identity_number="038090001111")
    assert applicant.account.full_name == "Hoàng Thị Em"
    assert client.get("/dich-vu-cong/ho-so-cua-toi/").status_code == 200
    # a second sign-in finds the same applicant
    client.logout()
    assert _sign_in(client).status_code == 302
    assert Account.objects.filter(applicant__identity_number="038090001111").count() == 1


@pytest.mark.parametrize("tamper", ["signature", "audience", "issuer", "expired", "nonce"])
def test_an_untrustworthy_id_token_is_refused(client, provider, tamper):
    provider.tamper = tamper
    response = _sign_in(client)
    assert response.status_code == 400
    assert not Applicant.objects.filter(identity_number="038090001111").exists()
    assert client.get("/dich-vu-cong/ho-so-cua-toi/").status_code == 302


def test_a_forged_state_is_refused(client, provider):
    start = client.get("/dich-vu-cong/dang-nhap/dinh-danh/")
    back = urlparse(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    code = parse_qs(back.query)["code"][0]
    assert client.get(f"{back.path}?{urlencode({'code': code, 'state': 'forged'})}").status_code == 400


def test_off_when_not_configured(client, settings):
    settings.PORTAL_OIDC_ISSUER = ""
    assert client.get("/dich-vu-cong/dang-nhap/dinh-danh/").status_code == 404
    assert "dinh-danh" not in client.get("/dich-vu-cong/dang-nhap/").content.decode()


def _signed_in_account(client):
    return Account.objects.get(pk=client.session["_auth_user_id"])


def test_a_number_typed_at_sign_up_never_receives_the_providers_sign_in(client, provider):
    """Finding 5: whoever signs up first with a victim's number must not get the victim's sign-ins."""
    squatter = org.create_applicant(
        username="ke-gian@example.test",
        full_name="Kẻ Gian",
        password=PASSWORD,
        identity_number="038090001111",
        email="ke-gian@example.test",
    ).account
    assert _sign_in(client).status_code == 302
    victim = _signed_in_account(client)
    assert victim.pk != squatter.pk
    assert victim.applicant.identity_number == "038090001111"
    link = ProviderIdentity.objects.get(account=victim)
    assert (link.issuer, link.subject, link.identity_number) == (provider.issuer, "vneid-1", "038090001111")
    assert not ProviderIdentity.objects.filter(account=squatter).exists()  # the typed number stays unverified
    client.logout()
    assert _sign_in(client).status_code == 302
    assert _signed_in_account(client).pk == victim.pk


def test_the_account_is_found_by_issuer_and_subject_not_by_the_number(client, provider):
    assert _sign_in(client).status_code == 302
    first = _signed_in_account(client)
    client.logout()
    provider.id_number = "038090002222"  # the provider corrected the number: the same person, the same account
    assert _sign_in(client).status_code == 302
    assert _signed_in_account(client).pk == first.pk
    assert ProviderIdentity.objects.get(account=first).identity_number == "038090002222"
    client.logout()
    provider.subject, provider.id_number = "vneid-2", "038090001111"  # another subject is another person
    assert _sign_in(client).status_code == 302
    assert _signed_in_account(client).pk != first.pk


def test_a_deactivated_linked_account_is_not_signed_in_again(client, provider):
    assert _sign_in(client).status_code == 302
    account = _signed_in_account(client)
    client.logout()
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assert _sign_in(client).status_code == 403
    assert "_auth_user_id" not in client.session
    assert Account.objects.filter(applicant__identity_number="038090001111").count() == 1


def test_one_subject_links_to_one_account_only():
    from django.db import IntegrityError, transaction

    one = org.create_applicant(username="a@example.test", full_name="An", password=PASSWORD, email="a@example.test").account
    two = org.create_applicant(username="b@example.test", full_name="Bình", password=PASSWORD, email="b@example.test").account
    ProviderIdentity.objects.create(account=one, issuer="https://idp.test", subject="s-1", identity_number="038090001111")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderIdentity.objects.create(account=two, issuer="https://idp.test", subject="s-1", identity_number="038090001111")
