"""Dossier codes stay unique and gapless when several processes receive at once (STANDARDS §3.2; ADR 0011)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.tests.conftest import complete_components

PROCESSES = 4
PER_PROCESS = 6


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings.get("USER") or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{settings['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_codes_are_unique_and_sequential_under_concurrent_intake_from_several_processes(one_stop, tmp_path):
    job = {
        "count": PER_PROCESS,
        "officer": one_stop.cast.counter_officer.pk,
        "agency": one_stop.cast.service_center.pk,
        "procedure": one_stop.three_day.code,
        "components": [c.component_id for c in complete_components(one_stop.three_day)],
        "start_at": time.time() + 4,
    }
    env = {**os.environ, "DATABASE_URL": _database_url(), "VAR_DIR": str(tmp_path), "TESTING": "1"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "chinhquyen.dossiers.tests.intake_worker", json.dumps(job)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    codes = [code for output in outputs for code in output]
    assert len(codes) == len(set(codes)) == PROCESSES * PER_PROCESS
    prefixes = {code.rsplit("-", 1)[0] for code in codes}
    assert len(prefixes) == 1 or len(prefixes) == 2  # a run across local midnight starts a new day
    for prefix in prefixes:
        numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes if code.startswith(prefix + "-"))
        assert numbers == list(range(1, len(numbers) + 1)), "numbers are gapless from 0001"
    for output in outputs:  # each process saw its own numbers increase
        assert output == sorted(output)
    assert Dossier.objects.count() == PROCESSES * PER_PROCESS
