"""`chinhquyen check --deploy` is clean with the production settings of docs/operations/deployment.md.

The test reads the settings block from the page itself (so the page and the check cannot drift
apart), fills the `<…>` placeholders with random values, and runs Django's deployment checks in
a fresh process with exactly those variables (issue 16; ADR 0037).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations" / "deployment.md"
MARKER = "<!-- production-settings"
#: Paths the settings create at start; the test points them into its own directory.
PATH_VARIABLES = ("VAR_DIR", "STATIC_ROOT", "MEDIA_ROOT", "CHINHQUYEN_HOME")


def production_settings() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    assert MARKER in text, "docs/operations/deployment.md lost its production settings block"
    block = re.search(r"```sh\n(.*?)```", text[text.index(MARKER) :], flags=re.S)
    assert block is not None
    variables: dict[str, str] = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        variables[name] = re.sub(r"<[^>]*>", lambda _m: secrets.token_urlsafe(48), value)
    return variables


def test_the_production_settings_are_the_ones_a_province_must_set():
    settings = production_settings()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "TRUSTED_PROXIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DATABASE_URL"):
        assert name in settings, name
    assert settings["DEBUG"] == "false"


def test_django_deployment_checks_are_clean_with_the_documented_production_settings(tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    env.update(production_settings())
    for name in PATH_VARIABLES:
        env[name] = str(tmp_path / name.lower())
    result = subprocess.run(
        [sys.executable, "-m", "chinhquyen.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def _settings_with(monkeypatch, **variables: str):  # type: ignore[no-untyped-def]
    import importlib.util

    from chinhquyen.config import env as env_module

    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "chinhquyen.config.settings_proxy_probe", Path(env_module.__file__).with_name("settings.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_forwarded_https_header_is_honoured_only_when_a_proxy_is_trusted(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert _settings_with(monkeypatch).SECURE_PROXY_SSL_HEADER is None
    with_proxy = _settings_with(monkeypatch, TRUSTED_PROXIES="10.0.0.5")
    assert with_proxy.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert "chinhquyen.core.middleware.TrustedProxyMiddleware" == with_proxy.MIDDLEWARE[0]


def test_with_production_settings_the_cookies_are_bound_to_the_host(tmp_path):
    """ASVS 4.0.3 V3.4.4: the `__Host-` prefix (the browser then requires Secure, Path=/ and no
    Domain). Plain-http demos (`SECURE_COOKIES=false`) keep Django's names, which a browser would
    refuse with the prefix."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    env.update(production_settings())
    for name in PATH_VARIABLES:
        env[name] = str(tmp_path / name.lower())
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'chinhquyen.config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH)"
    )
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "None", "/"]
