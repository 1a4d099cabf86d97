"""Every environment variable the settings read is documented once in docs/configuration.md."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from chinhquyen.config import env

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_variable_read_is_documented_once():
    documented = re.findall(r"^\| `([A-Z_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(documented) == len(set(documented)), "a variable is documented twice"
    missing = set(env.DECLARED) - set(documented)
    assert not missing, f"read by the settings but not in docs/configuration.md: {sorted(missing)}"


def test_the_server_refuses_to_start_on_the_default_secret_key(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("TESTING", "false")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delitem(sys.modules, "pytest")
    sys.modules.pop("chinhquyen.config.settings_probe", None)
    spec = importlib.util.spec_from_file_location("chinhquyen.config.settings_probe", Path(env.__file__).with_name("settings.py"))
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        spec.loader.exec_module(module)


def test_email_url_selects_the_backend():
    from chinhquyen.config.settings import _email_settings

    smtp = _email_settings("submission://user:p%40ss@mail.example.gov.vn:587")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend") and smtp["EMAIL_USE_TLS"] and smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    with pytest.raises(ImproperlyConfigured):
        _email_settings("carrier-pigeon://x")
