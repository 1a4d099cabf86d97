"""Deny by default: every URL needs a login, except an explicit allow-list (STYLE.md)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

#: Paths anyone may open. Keep short; each entry is a decision.
ALLOW_ANONYMOUS = {
    "accounts/login/",  # the login page itself
    "accounts/second-factor/",  # redirects to login when no password step was done
    "i18n/setlang/",  # choosing the language
    "healthz",  # the load balancer's health check
    ".well-known/security.txt",  # RFC 9116: where to report a vulnerability (docs/security.md)
    "api/v1/auth/token/",  # exchanging a password for a token
    "api/v1/schema/",  # the OpenAPI description (no data)
    "api/v1/docs/",  # the browsable API docs (no data)
    "api/v1/public/dossiers/x/",  # dossier tracking API: code + the applicant's ID number, rate-limited
    "chi-so/",  # the published e-government figures (issue 10); their definitions and open data below it
    "tra-cuu-ho-so/",  # the dossier tracking page the receipt's QR code opens, rate-limited
}
_PUBLIC_PREFIXES = ("static/", "media/", "dich-vu-cong/")  # the portal: its own login; portal/tests/test_access.py


def _walk(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(pattern: str) -> str:
    # Regex groups first (DRF routers: `(?P<pk>[^/.]+)`), then the anchors, which regex routes
    # put in the middle of the joined pattern.
    path = re.sub(r"\(\?P<[^>]+>(?:\[[^\]]*\]|[^)])*\)", "1", pattern)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\.", ".").replace("\\", "")
    path = re.sub(r"<int:[^>]+>", "1", path)
    path = re.sub(r"<(?:str|slug):[^>]+>", "x", path)
    path = re.sub(r"<path:[^>]+>", "x/y", path)
    path = re.sub(r"<[^>]+>", "1", path)
    path = re.sub(r"\([^)]*\)[?*+]?", "", path)
    return path.replace("?", "")


def _all_paths():
    return sorted({_concrete(p) for p in _walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_urls():
    paths = _all_paths()
    assert "accounts/login/" in paths and "agencies/" in paths and "api/v1/agencies/" in paths
    assert len(paths) > 20  # the admin's URLs too


@pytest.mark.django_db
@pytest.mark.parametrize("path", _all_paths())
def test_every_url_needs_a_login_except_the_allow_list(client, path):
    if path in ALLOW_ANONYMOUS or path.startswith(_PUBLIC_PREFIXES):
        return
    for method in ("get", "post"):
        response = getattr(client, method)("/" + path)
        if path.startswith("api/"):
            assert response.status_code in {401, 403}, f"{method.upper()} /{path} answered {response.status_code} to an anonymous client"
        else:
            assert response.status_code in {301, 302, 401, 403, 405}, f"{method.upper()} /{path} answered {response.status_code}"
            if response.status_code in {301, 302}:
                final = getattr(client, method)("/" + path, follow=True)
                assert final.redirect_chain and "/accounts/login/" in final.redirect_chain[-1][0], f"/{path} led to {final.redirect_chain}"
