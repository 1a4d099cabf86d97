"""Limits on the public tracking (page, portal page, API) that hold across processes (ADR 0035).

An attacker who rotates `X-Forwarded-For`, spreads guesses over many addresses, or lands on a
second worker process must meet the same counters: they live in the shared cache (the database
cache here), key on `core.net.client_address`, and each dossier code has its own cap of wrong
keys whatever the address.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client

from chinhquyen.dossiers import services
from chinhquyen.dossiers.tests.conftest import CITIZEN, receive
from chinhquyen.dossiers.tests.test_concurrency import _database_url

pytestmark = pytest.mark.django_db

WRONG_ID = "017090009999"


def _portal(code, key):
    return "/dich-vu-cong/tra-cuu/", {"code": code, "key": key}


def _page(code, key):
    return "/tra-cuu-ho-so/", {"code": code, "id_number": key}


def _api(code, key):
    return f"/api/v1/public/dossiers/{code}/", {"id_number": key}


ENTRANCES = {"portal page": _portal, "public page": _page, "API": _api}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_a_rotating_forwarded_for_header_does_not_reset_the_address_limit(client, one_stop, fake_clock, settings, entrance):
    settings.DOSSIER_TRACKING_RATE = "3/min"
    settings.DOSSIER_TRACKING_FAILURES = "1000/h"
    url, params = ENTRANCES[entrance]("X-000000-0000", WRONG_ID)
    statuses = [client.get(url, params, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(client, one_stop, fake_clock, settings):
    settings.DOSSIER_TRACKING_RATE = "2/min"
    settings.DOSSIER_TRACKING_FAILURES = "1000/h"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    url, params = _api("X-000000-0000", WRONG_ID)
    one = [client.get(url, params, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code for _ in range(3)]
    other = client.get(url, params, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code
    assert one == [404, 404, 429] and other == 404


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_wrong_keys_from_many_addresses_close_the_dossiers_tracking(one_stop, fake_clock, settings, entrance):
    settings.DOSSIER_TRACKING_RATE = "1000/min"
    settings.DOSSIER_TRACKING_FAILURES = "5/h"
    dossier = receive(one_stop)
    for i in range(5):
        url, params = ENTRANCES[entrance](dossier.code, f"0170900{i:05d}")
        assert Client(REMOTE_ADDR=f"192.0.2.{i}").get(url, params).status_code == 404
    url, params = ENTRANCES[entrance](dossier.code, CITIZEN.id_number)
    closed = Client(REMOTE_ADDR="192.0.2.200").get(url, params)
    assert closed.status_code == 429  # even the right key, from a new address, until the window passes
    assert dossier.procedure.name not in closed.content.decode()
    other = receive(one_stop)
    url, params = ENTRANCES[entrance](other.code, CITIZEN.id_number)
    assert Client(REMOTE_ADDR="192.0.2.201").get(url, params).status_code == 200  # other dossiers stay open


def test_an_unknown_code_is_closed_after_the_same_number_of_wrong_keys(one_stop, fake_clock, settings):
    """The cap does not tell which codes exist: unknown codes are counted and closed alike."""
    settings.DOSSIER_TRACKING_RATE = "1000/min"
    settings.DOSSIER_TRACKING_FAILURES = "2/h"
    for i in range(2):
        Client(REMOTE_ADDR=f"192.0.2.{i}").get(*_api("X-000000-0000", WRONG_ID))
    assert Client(REMOTE_ADDR="192.0.2.99").get(*_api("X-000000-0000", WRONG_ID)).status_code == 429


def test_the_count_survives_a_new_cache_client(client, one_stop, fake_clock, settings):
    """Not process memory: a fresh cache connection (what another worker holds) sees the same count."""
    settings.DOSSIER_TRACKING_RATE = "3/min"
    settings.DOSSIER_TRACKING_FAILURES = "1000/h"
    url, params = _api("X-000000-0000", WRONG_ID)
    assert [client.get(url, params).status_code for _ in range(3)] == [404, 404, 404]
    caches.close_all()
    del caches["default"]  # the next access builds a new client from settings.CACHES
    assert "locmem" not in type(caches["default"]).__module__
    assert client.get(url, params).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_two_processes(one_stop, settings, tmp_path):
    """A second process (a second gunicorn worker) spends the same budget as this one."""
    settings.DOSSIER_TRACKING_RATE = "4/min"
    settings.DOSSIER_TRACKING_FAILURES = "1000/h"
    url, params = _api("X-000000-0000", WRONG_ID)
    script = (
        "import json, os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chinhquyen.config.settings'); django.setup();"
        "from django.test import Client; c = Client();"
        f"print(json.dumps([c.get({url!r}, {params!r}, HTTP_X_FORWARDED_FOR=f'203.0.113.{{i}}').status_code for i in range(3)]))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(tmp_path),
        "TESTING": "1",
        "DOSSIER_TRACKING_RATE": "4/min",
        "DOSSIER_TRACKING_FAILURES": "1000/h",
        "ALLOWED_HOSTS": "testserver",
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [404, 404, 404]
    here = [Client().get(url, params).status_code for _ in range(2)]
    assert here == [404, 429]
    assert connection.vendor in ("sqlite", "postgresql")


def test_the_receipt_secret_has_ten_characters_without_look_alikes(one_stop, fake_clock):
    secrets_seen = {receive(one_stop).lookup_secret for _ in range(5)}
    assert len(secrets_seen) == 5
    for secret in secrets_seen:
        assert len(secret) >= 8
        assert set(secret) <= set(services.LOOKUP_SECRET_ALPHABET)
    assert not set("01OIL") & set(services.LOOKUP_SECRET_ALPHABET)


def test_the_receipt_secret_opens_the_portal_tracking_typed_in_lower_case_with_spaces(client, one_stop, fake_clock):
    dossier = receive(one_stop)
    typed = f" {dossier.lookup_secret[:5].lower()} {dossier.lookup_secret[5:].lower()} "
    assert client.get(*_portal(dossier.code, typed)).status_code == 200


def test_a_wrong_secret_counts_toward_the_dossiers_cap(one_stop, fake_clock, settings):
    settings.DOSSIER_TRACKING_RATE = "1000/min"
    settings.DOSSIER_TRACKING_FAILURES = "3/h"
    dossier = receive(one_stop)
    for i in range(3):
        assert Client(REMOTE_ADDR=f"192.0.2.{i}").get(*_portal(dossier.code, f"ABCD{i}")).status_code == 404
    assert Client(REMOTE_ADDR="192.0.2.50").get(*_portal(dossier.code, dossier.lookup_secret)).status_code == 429


def test_the_migration_replaces_the_old_four_character_secrets(one_stop, fake_clock):
    """ADR 0035: old 4-hexadecimal secrets are replaced (they no longer open anything), not kept."""
    import importlib

    from django.apps import apps

    from chinhquyen.dossiers.models import Dossier

    old, new = receive(one_stop), receive(one_stop)
    Dossier.objects.filter(pk=old.pk).update(lookup_secret="BEEF")
    assert Client().get(*_portal(old.code, "BEEF")).status_code == 404  # refused even before the migration runs
    migration = importlib.import_module("chinhquyen.dossiers.migrations.0005_longer_lookup_secrets")
    migration.replace_short_secrets(apps, None)
    old.refresh_from_db()
    kept = Dossier.objects.get(pk=new.pk).lookup_secret
    assert len(old.lookup_secret) == 10 and set(old.lookup_secret) <= set(services.LOOKUP_SECRET_ALPHABET)
    assert kept == new.lookup_secret  # a secret already long enough is kept
    assert Client().get(*_portal(old.code, old.lookup_secret)).status_code == 200
