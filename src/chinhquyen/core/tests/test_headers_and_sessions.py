"""Security headers and sessions (issue 16, finding 13; ADR 0037).

Officials' pages carry a strict Content-Security-Policy, nothing a logged-in user sees is kept
by a cache, `X-Forwarded-Proto` counts only from a trusted proxy, and a session ends after an
idle period and after an absolute limit, each with an audit event.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client, override_settings

from chinhquyen.core.models import AuditEvent
from chinhquyen.core.sessions import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def _logged_in(client: Client, account) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(account)
    return client


@pytest.mark.parametrize("path", ["/accounts/login/", "/"])
def test_officials_pages_send_a_strict_content_security_policy(client, cast, path):
    _logged_in(client, cast.clerk_a) if path == "/" else None
    response = client.get(path)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(directive, []), directive
        assert "'unsafe-eval'" not in policy.get(directive, []), directive


def test_the_portal_keeps_its_no_script_policy_through_the_same_mechanism(client, db):
    policy = _directives(client.get("/dich-vu-cong/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


#: Templates rendered only into PDF by WeasyPrint on the server, never served to a browser.
PRINT_ONLY = ("dossiers/templates/dossiers/forms/", "documents/templates/documents/register_print.html", "_pdf.html")


def test_templates_hold_no_inline_script_handler_or_style():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        name = str(template.relative_to(root))
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(name)
        elif not any(p in name for p in PRINT_ONLY) and re.search(r"<style|\sstyle\s*=", text):
            offenders.append(name)
    assert not offenders, f"inline script, event handler or style (blocked by the CSP): {offenders}"


def test_a_logged_in_users_responses_are_not_kept_by_caches(client, cast):
    response = _logged_in(client, cast.clerk_a).get("/")
    assert response.status_code == 200
    cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_the_public_dossier_tracking_page_is_not_kept_by_caches(client, db):
    response = client.get("/tra-cuu-ho-so/", {"code": "X", "id_number": "001099000001"})
    cache_control = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= cache_control


@override_settings(TRUSTED_PROXIES=["10.0.0.5"], SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), SECURE_SSL_REDIRECT=True)
def test_a_forwarded_https_header_counts_only_from_a_trusted_proxy(client, db):
    # From the trusted proxy the request is HTTPS: no redirect.
    trusted = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.0.0.5")
    assert trusted.status_code == 200
    # A client that writes the header itself is still on plain HTTP: redirected to HTTPS.
    spoofed = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.7")
    assert spoofed.status_code == 301 and spoofed["Location"].startswith("https://")


def _age_session(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_an_idle_session_is_logged_out_with_an_audit_event_and_a_message(client, cast):
    _logged_in(client, cast.clerk_a)
    assert client.get("/").status_code == 200
    _age_session(client, SESSION_LAST_SEEN_KEY, 31 * 60)

    response = client.get("/", follow=True)

    assert response.redirect_chain and "/accounts/login/" in response.redirect_chain[-1][0]
    assert not response.wsgi_request.user.is_authenticated
    assert any("30" in str(m) for m in response.context["messages"])
    event = AuditEvent.objects.filter(action="auth.session_expired").latest("sequence")
    assert event.actor_id == cast.clerk_a.pk and event.summary["reason"] == "idle"


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30, SESSION_COOKIE_AGE=8 * 3600)
def test_a_session_ends_after_the_absolute_limit_even_when_active(client, cast):
    _logged_in(client, cast.clerk_a)
    assert client.get("/").status_code == 200
    _age_session(client, SESSION_STARTED_KEY, 8 * 3600 + 60)

    response = client.get("/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    event = AuditEvent.objects.filter(action="auth.session_expired").latest("sequence")
    assert event.summary["reason"] == "absolute"


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_an_active_session_stays_logged_in(client, cast):
    _logged_in(client, cast.clerk_a)
    assert client.get("/").status_code == 200
    _age_session(client, SESSION_LAST_SEEN_KEY, 29 * 60)
    assert client.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action="auth.session_expired").exists()


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_an_idle_htmx_request_gets_a_401_not_a_page(client, cast):
    _logged_in(client, cast.clerk_a)
    client.get("/")
    _age_session(client, SESSION_LAST_SEEN_KEY, 31 * 60)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 401


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_an_idle_citizen_signs_in_again_on_the_portal(client, cast):
    _logged_in(client, cast.citizen.account)
    client.get("/dich-vu-cong/ho-so-cua-toi/")
    _age_session(client, SESSION_LAST_SEEN_KEY, 31 * 60)
    response = client.get("/dich-vu-cong/ho-so-cua-toi/")
    assert response.status_code == 302 and response["Location"].startswith("/dich-vu-cong/dang-nhap/")
    assert AuditEvent.objects.filter(action="auth.session_expired", actor_id=cast.citizen.account.pk).exists()


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=0)
def test_an_idle_limit_of_zero_turns_the_idle_limit_off(client, cast):
    _logged_in(client, cast.clerk_a)
    client.get("/")
    _age_session(client, SESSION_LAST_SEEN_KEY, 24 * 3600)
    assert client.get("/").status_code == 200
