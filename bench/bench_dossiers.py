"""Benchmark of the one-stop shop (issue 8; BENCHMARKS.md W7 and W8).

    TESTING=1 .venv/bin/python bench/bench_dossiers.py [--tier S|M] [--database-url postgres://…/postgres]

- W7 intake: `POST /api/v1/dossiers/` through Django's test client (authentication, serializer,
  access, the service with its dossier code, appointment, first step, timeline event, audit
  event and queued notifications) — p50/p95/p99 over sequential intakes. Baseline: the same
  writes as raw SQL in one transaction (counter upsert, dossier, step and event rows).
- W7 dashboard: the on-time dashboard by agency × month over all dossiers
  (`selectors.on_time_dashboard`), cold (no cache) and warm (cached). Baseline: the same
  `GROUP BY` as raw SQL.
- W8 tracking: `GET /api/v1/public/dossiers/{code}/?id_number=…` (no login). Baseline: the
  unique-key lookup of the dossier and its events as raw SQL.

The dataset is generated here with a fixed seed: the sample catalogue (46 procedures), 30 agencies
(tier S) or 100 (tier M) with a counter officer each, and 10,000 / 100,000 dossiers received over
24 months, bulk-loaded (`bulk_create`, batches of 2,000), 3 timeline events each. Writes
bench/results/dossiers-<engine>-<tier>.json. Uses its own database: a throwaway SQLite file
under var/bench-dossiers/, or a database `bench_dossiers` created on the PostgreSQL server given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / "var" / "bench-dossiers"
SEED = 20260213
TIERS = {"S": {"dossiers": 10_000, "agencies": 30}, "M": {"dossiers": 100_000, "agencies": 100}}
GOALS = {"intake_p95_ms": 200, "dashboard_cold_ms": 1000, "dashboard_warm_ms": 100, "tracking_p95_ms": 30}


def setup_django(database_url: str | None) -> str:
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    WORK_DIR.mkdir(parents=True)
    os.environ.setdefault("TESTING", "1")
    os.environ["VAR_DIR"] = str(WORK_DIR)
    os.environ["DJANGO_SETTINGS_MODULE"] = "chinhquyen.config.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["DOSSIER_TRACKING_RATE"] = "1000000/min"
    os.environ["WORKDAYS_CACHE_SECONDS"] = "30"  # production's period (tests use 0)
    os.environ["EMAIL_URL"] = "locmem://"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    # Persistent connections, as a production deployment runs (docs/configuration.md); with 0 every
    # request would open a new connection, which the raw-SQL baseline does not pay.
    os.environ["DB_CONN_MAX_AGE"] = "60"
    if database_url:
        import psycopg

        parsed = urlparse(database_url)
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_dossiers")
            conn.execute("CREATE DATABASE bench_dossiers")
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path="/bench_dossiers"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "nproc": int(nproc) if nproc.isdigit() else os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def pct(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 3)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "samples": len(ordered)}


def timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


# --- dataset ----------------------------------------------------------------------------------------
def build(tier: str) -> dict[str, Any]:
    from django.db import transaction

    from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStep
    from chinhquyen.organizations import services as org
    from chinhquyen.organizations.models import AgencyKind, AgencyLevel, Role
    from chinhquyen.procedures.demo import SAMPLES, sample_spec
    from chinhquyen.procedures.models import Procedure
    from chinhquyen.procedures.services import save_procedure

    rng = random.Random(SEED)
    size = TIERS[tier]
    since = dt.date(2020, 1, 1)
    t0 = time.perf_counter()
    province = org.create_agency(
        code="000.00.00.H44",
        name="Ủy ban nhân dân tỉnh Phú Thọ",
        level=AgencyLevel.PROVINCE,
        kind=AgencyKind.PEOPLES_COMMITTEE,
        valid_from=since,
    )
    agencies = []
    for n in range(1, size["agencies"] + 1):
        commune = n > 20
        agencies.append(
            org.create_agency(
                code=f"000.{(n // 100):02d}.{n % 100:02d}.H44",
                name=f"{'Ủy ban nhân dân xã' if commune else 'Sở'} Thử {n}",
                level=AgencyLevel.COMMUNE if commune else AgencyLevel.PROVINCE,
                kind=AgencyKind.PEOPLES_COMMITTEE if commune else (AgencyKind.SERVICE_CENTER if n == 20 else AgencyKind.DEPARTMENT),
                parent=province,
                valid_from=since,
            )
        )
    officers = []
    for agency in agencies:
        officer = org.create_official(username=f"motcua.{agency.pk}", full_name="Cán bộ một cửa", password="Mat-khau-that-dai-2026")  # noqa: S106 - a throwaway bench account
        org.assign_role(official=officer, agency=agency, role=Role.COUNTER_OFFICER, valid_from=since)
        org.assign_role(official=officer, agency=agency, role=Role.PROCESSING_OFFICER, valid_from=since)
        officers.append(officer)
    codes = {a.code for a in agencies}
    for sample in SAMPLES:
        spec = sample_spec(sample, agency_codes=None)
        spec.instances = sorted(codes)[:20] if sample.agency != "commune" else sorted(codes)[20:] or sorted(codes)
        spec.valid_from = dt.date(2024, 1, 1)
        save_procedure(spec=spec, today=dt.date(2026, 1, 1))
    procedures = list(Procedure.objects.prefetch_related("versions"))
    versions = {p.pk: p.versions.get() for p in procedures}
    tz = dt.timezone(dt.timedelta(hours=7))
    start = dt.datetime(2024, 7, 1, 7, 30, tzinfo=tz)
    span = int((dt.datetime(2026, 6, 30, tzinfo=tz) - start).total_seconds())
    sequence: dict[tuple[int, dt.date], int] = {}
    statuses = (
        ["returned"] * 80
        + ["result_ready"] * 5
        + ["in_process"] * 8
        + ["supplement_requested"] * 3
        + ["refused"] * 2
        + ["stopped"] * 1
        + ["withdrawn"] * 1
    )
    timeliness = ["early"] * 70 + ["on_time"] * 27 + ["late"] * 3
    tracked: list[tuple[str, str]] = []
    batch_d: list[Dossier] = []
    created = 0
    with transaction.atomic():
        for i in range(size["dossiers"]):
            agency = agencies[rng.randrange(len(agencies))]
            procedure = procedures[rng.randrange(len(procedures))]
            received = start + dt.timedelta(seconds=rng.randrange(span))
            day = received.date()
            number = sequence[(agency.pk, day)] = sequence.get((agency.pk, day), 0) + 1
            due = received + dt.timedelta(days=rng.choice([1, 3, 5, 10, 15, 20]))
            status = rng.choice(statuses)
            finished = status in ("returned", "result_ready")
            verdict = rng.choice(timeliness) if finished else ""
            completed = due - dt.timedelta(hours=rng.randrange(1, 48)) if verdict in ("early", "on_time") else due + dt.timedelta(hours=5)
            id_number = f"0{rng.randrange(10**10, 10**11)}"
            code = f"{agency.code}-{day:%y%m%d}-{number:04d}"
            if i % 10 == 0:
                tracked.append((code, id_number))
            national = {
                "returned": 10,
                "result_ready": 9,
                "in_process": 4,
                "supplement_requested": 5,
                "refused": 3,
                "stopped": 8,
                "withdrawn": 7,
            }[status]
            batch_d.append(
                Dossier(
                    code=code,
                    procedure=procedure,
                    version=versions[procedure.pk],
                    receiving_agency=agency,
                    competent_agency=agency,
                    current_agency=agency,
                    channel=rng.choice(["counter"] * 7 + ["online"] * 3),
                    status=status,
                    national_status=national,
                    applicant_name="Nguyễn Văn An",
                    applicant_id_number=id_number,
                    received_at=received,
                    received_month=day.replace(day=1),
                    clock_started_at=received,
                    due_at=due,
                    original_due_at=due,
                    due_at_restart=due,
                    due_at_pause=due,
                    supplement_rule="restart",
                    processing_minutes=480,
                    completed_at=completed if finished else None,
                    returned_at=completed if status == "returned" else None,
                    timeliness=verdict,
                    index_timeliness=verdict,
                    digitized=rng.random() < 0.6,
                    lookup_secret="BEEF",  # noqa: S106 - not a password
                    is_sample=True,
                )
            )
            if len(batch_d) == 2000 or i == size["dossiers"] - 1:
                saved = Dossier.objects.bulk_create(batch_d)
                if not all(d.pk for d in saved):
                    saved = list(Dossier.objects.filter(code__in=[d.code for d in batch_d]))
                steps, events = [], []
                for d in saved:
                    steps.append(
                        DossierStep(
                            dossier=d,
                            position=1,
                            name="Tiếp nhận",
                            agency_id=d.receiving_agency_id,
                            role="counter_officer",
                            started_at=d.received_at,
                            due_at=d.due_at,
                            allotted_minutes=240,
                        )
                    )
                    events.append(
                        DossierEvent(
                            dossier=d, at=d.received_at, action="receive", to_status="received", national_status=2, due_after=d.due_at
                        )
                    )
                    events.append(
                        DossierEvent(
                            dossier=d,
                            at=d.received_at + dt.timedelta(hours=1),
                            action="hand_over",
                            from_status="received",
                            to_status="in_process",
                            national_status=4,
                            due_after=d.due_at,
                        )
                    )
                    events.append(
                        DossierEvent(
                            dossier=d,
                            at=d.completed_at or d.received_at + dt.timedelta(hours=2),
                            action="status",
                            from_status="in_process",
                            to_status=d.status,
                            national_status=d.national_status,
                            due_after=d.due_at,
                        )
                    )
                DossierStep.objects.bulk_create(steps)
                DossierEvent.objects.bulk_create(events)
                created += len(saved)
                batch_d = []
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # After a bulk load autovacuum would otherwise run during the measurements; a checkpoint
            # now keeps the load's dirty pages from being written during them.
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
    return {
        "seconds": round(time.perf_counter() - t0, 1),
        "dossiers": created,
        "agencies": len(agencies),
        "procedures": len(procedures),
        "officials": len(officers),
        "tracked": tracked,
        "officers": officers,
        "agency_list": agencies,
        "procedure_list": procedures,
    }


# --- workloads ----------------------------------------------------------------------------------------
def bench_intake(data: dict[str, Any], samples: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test import Client

    from chinhquyen.procedures.selectors import version_in_force

    rng = random.Random(SEED + 1)
    pairs = []
    for officer, agency in zip(data["officers"], data["agency_list"], strict=True):
        for procedure in data["procedure_list"]:
            if procedure.instances.filter(agency=agency).exists():
                pairs.append((officer, agency, procedure))
                break
    clients = {}
    bodies = {}
    for officer, agency, procedure in pairs:
        client = Client()
        client.force_login(officer)
        # Each test client builds its own middleware chain on its first request; with TESTING the
        # static-file middleware then scans every asset (≈ 3,000 files, 0.7–1.9 s). A server builds
        # the chain once per process at start-up, so it is built here, before anything is timed.
        client.handler.load_middleware()
        clients[officer.pk] = client
        version = version_in_force(procedure)
        bodies[officer.pk] = {
            "procedure_code": procedure.code,
            "receiving_agency": agency.code,
            "applicant": {"name": "Trần Thị Bình", "id_number": "001190012345", "phone": "0912345678", "email": "binh@example.test"},
            "components": [{"component": c.pk, "originals": c.originals, "copies": c.copies} for c in version.required_components.all()],
        }

    def intake(_i: int) -> None:
        officer, _agency, _procedure = pairs[rng.randrange(len(pairs))]
        response = clients[officer.pk].post("/api/v1/dossiers/", bodies[officer.pk], content_type="application/json")
        assert response.status_code == 201, response.content[:300]

    # Warm-up: 20 intakes (BENCHMARKS.md rule 2); the first request of each officer is measured.
    timed(intake, 20)
    system = timed(intake, samples)
    table = {name: connection.ops.quote_name(f"dossiers_{name}") for name in ("dossiercounter", "dossier", "dossierstep", "dossierevent")}
    sample_dossier = next(iter(pairs[0][2].dossiers.order_by("-pk").values()[:1]))
    agency_id = pairs[0][1].pk
    seq = [100000]

    def raw(_i: int) -> None:
        seq[0] += 1
        now = dt.datetime.now(dt.UTC)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table['dossiercounter']} (agency_id, day, last) VALUES (%s, %s, 1) ON CONFLICT (agency_id, day) DO UPDATE SET last = {table['dossiercounter']}.last + 1 RETURNING last",
                [agency_id, dt.date(2030, 1, 1)],
            )
            cursor.fetchone()
            columns = [k for k in sample_dossier if k != "id"]
            values = dict(sample_dossier, code=f"RAW-{seq[0]}", received_at=now)
            cursor.execute(
                f"INSERT INTO {table['dossier']} ({', '.join(connection.ops.quote_name(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id",
                [values[c] for c in columns],
            )
            (dossier_id,) = cursor.fetchone()
            cursor.execute(
                f"INSERT INTO {table['dossierstep']} (dossier_id, position, name, agency_id, role, started_at, due_at, allotted_minutes, timeliness, note) VALUES (%s, 1, 'x', %s, 'counter_officer', %s, %s, 240, '', '')",
                [dossier_id, agency_id, now, now],
            )
            cursor.execute(
                f"INSERT INTO {table['dossierevent']} (dossier_id, at, action, from_status, to_status, national_status, reason) VALUES (%s, %s, 'receive', '', 'received', 2, '')",
                [dossier_id, now],
            )

    timed(raw, 20)
    baseline = timed(raw, samples)
    result = {"system": pct(system), "raw_sql": pct(baseline)}
    result["r_sql_p95"] = round(result["system"]["p95_ms"] / result["raw_sql"]["p95_ms"], 2)
    return result


def bench_dashboard(repeat: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection

    from chinhquyen.dossiers.selectors import on_time_dashboard

    def cold(_i: int) -> None:
        cache.clear()
        on_time_dashboard()

    def warm(_i: int) -> None:
        on_time_dashboard()

    rows = len(on_time_dashboard(use_cache=False))
    cold_times = timed(cold, repeat)
    warm_times = timed(warm, repeat * 10)
    table = connection.ops.quote_name("dossiers_dossier")
    sql = (
        f"SELECT competent_agency_id, received_month, COUNT(*), "
        f"SUM(CASE WHEN status IN ('result_ready','returned') THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN status IN ('result_ready','returned') AND timeliness IN ('early','on_time') THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN status IN ('result_ready','returned') AND timeliness = 'late' THEN 1 ELSE 0 END) "
        f"FROM {table} GROUP BY competent_agency_id, received_month ORDER BY competent_agency_id, received_month"
    )

    def raw(_i: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    raw_times = timed(raw, repeat)
    result = {"rows": rows, "cold": pct(cold_times), "warm": pct(warm_times), "raw_sql": pct(raw_times)}
    result["r_sql_cold_p50"] = round(result["cold"]["p50_ms"] / result["raw_sql"]["p50_ms"], 2)
    return result


def bench_tracking(data: dict[str, Any], samples: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    rng = random.Random(SEED + 2)
    client = Client()
    tracked = data["tracked"]

    def lookup(_i: int) -> None:
        code, id_number = tracked[rng.randrange(len(tracked))]
        response = client.get(f"/api/v1/public/dossiers/{code}/", {"id_number": id_number})
        assert response.status_code == 200, response.content[:200]

    timed(lookup, 50)
    system = timed(lookup, samples)
    dossier = connection.ops.quote_name("dossiers_dossier")
    event = connection.ops.quote_name("dossiers_dossierevent")

    def raw(_i: int) -> None:
        code, _id_number = tracked[rng.randrange(len(tracked))]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, applicant_id_number, status, national_status, due_at FROM {dossier} WHERE code = %s", [code])
            row = cursor.fetchone()
            cursor.execute(f"SELECT at, to_status, national_status FROM {event} WHERE dossier_id = %s ORDER BY at, id", [row[0]])
            cursor.fetchall()

    timed(raw, 50)
    baseline = timed(raw, samples)
    result = {"system": pct(system), "raw_sql": pct(baseline)}
    result["r_sql_p95"] = round(result["system"]["p95_ms"] / result["raw_sql"]["p95_ms"], 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", choices=list(TIERS), default="S")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""), help="a PostgreSQL server URL; empty: SQLite")
    parser.add_argument("--intakes", type=int, default=300)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--dashboards", type=int, default=10)
    args = parser.parse_args()
    engine = setup_django(args.database_url or None)
    data = build(args.tier)
    # A web process does not hold the generator's objects: move them out of the collector's sight,
    # so a full collection during the measurements does not walk the bulk load's leftovers.
    gc.collect()
    gc.freeze()
    print(
        f"dataset: tier {args.tier}, {data['dossiers']} dossiers, {data['agencies']} agencies, {data['procedures']} procedures, built in {data['seconds']} s ({engine})"
    )
    intake = bench_intake(data, args.intakes)
    dashboard = bench_dashboard(args.dashboards)
    tracking = bench_tracking(data, args.lookups)
    checks = {
        "intake_p95_ms": (intake["system"]["p95_ms"], GOALS["intake_p95_ms"]),
        "dashboard_cold_ms": (dashboard["cold"]["p95_ms"], GOALS["dashboard_cold_ms"]),
        "dashboard_warm_ms": (dashboard["warm"]["p95_ms"], GOALS["dashboard_warm_ms"]),
        "tracking_p95_ms": (tracking["system"]["p95_ms"], GOALS["tracking_p95_ms"]),
    }
    print(f"{'workload':<34}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'n':>7}")
    for name, figures in [
        ("W7 intake (API)", intake["system"]),
        ("W7 intake, raw SQL", intake["raw_sql"]),
        ("W7 dashboard cold", dashboard["cold"]),
        ("W7 dashboard warm", dashboard["warm"]),
        ("W7 dashboard, raw GROUP BY", dashboard["raw_sql"]),
        ("W8 tracking (public API)", tracking["system"]),
        ("W8 tracking, raw SQL", tracking["raw_sql"]),
    ]:
        print(f"{name:<34}{figures['p50_ms']:>10}{figures['p95_ms']:>10}{figures['p99_ms']:>10}{figures['samples']:>7}")
    print(
        f"R_sql: intake p95 {intake['r_sql_p95']}, dashboard cold p50 {dashboard['r_sql_cold_p50']}, tracking p95 {tracking['r_sql_p95']}"
    )
    for name, (value, goal) in checks.items():
        print(f"goal {name}: {value} ≤ {goal}: {'met' if value <= goal else 'NOT met'}")
    results = {
        "benchmark": "dossiers",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "engine": engine,
        "tier": args.tier,
        "dataset": {k: v for k, v in data.items() if k in ("seconds", "dossiers", "agencies", "procedures", "officials")} | {"seed": SEED},
        "intake": intake,
        "dashboard": dashboard,
        "tracking": tracking,
        "goals": {k: {"value": v, "goal": g, "met": v <= g} for k, (v, g) in checks.items()},
    }
    out = ROOT / "bench" / "results" / f"dossiers-{engine}-{args.tier}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
