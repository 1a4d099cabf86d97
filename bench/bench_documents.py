"""Benchmarks of the electronic office (issue 4; BENCHMARKS.md W1, W2, W3).

    TESTING=1 .venv/bin/python bench/bench_documents.py [--tier S] [--database-url postgres://…] [--samples 200]

In one run on this machine, against its own database (a throwaway SQLite file under
var/bench-documents/, or the PostgreSQL database given, which is emptied and migrated):

- W1, an official's inbox: the "all incoming" page of a clerk or a leader, filtered by status
  and/or a date range, newest first — page 1 and page 50 (keyset). System: the page through
  Django's test client (session, access rules in the query, keyset pagination, capped count,
  template). Baseline: the same two SQL statements (rows + capped count) issued directly.
- W2, a document's page: metadata, attachments, assignments, timeline. System: the page through
  the client, with its query count. Baseline: a primary-key lookup.
- W3, registration with numbers assigned, 8 concurrent client processes. System: the service
  `register_incoming_document` (validation, counter row lock, audit chain, timeline). Baseline: a
  raw counter transaction (`UPDATE … RETURNING` + `INSERT`). Both checked for 0 duplicate and
  0 missing numbers.

Prints a table and writes bench/results/documents-<engine>-<tier>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / "var" / "bench-documents"
W3_CLIENTS = 8


def ensure_pg_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist (a fresh pg-cluster has none)."""
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str | None, fresh: bool) -> None:
    if fresh and database_url and database_url.startswith("postgres"):
        ensure_pg_database(database_url)
    if fresh and not database_url:
        shutil.rmtree(WORK_DIR, ignore_errors=True)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TESTING", "1")
    os.environ["VAR_DIR"] = str(WORK_DIR)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "chinhquyen.config.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def machine() -> dict[str, Any]:
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model, "python": platform.python_version(), "platform": platform.platform()}


def pct(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)

    out = {"p50_ms": at(0.5), "p95_ms": at(0.95), "samples": len(ordered)}
    if len(ordered) >= 1000:
        out["p99_ms"] = at(0.99)
    return out


def timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def w1(info: Any, samples: int, rng: random.Random) -> dict[str, Any]:
    import datetime as dt

    from django.db import connection
    from django.test import Client

    from chinhquyen.documents import selectors
    from chinhquyen.documents.access import scope_of
    from chinhquyen.organizations.models import Account

    busiest = sorted(info.agency_ids, key=lambda a: -info.rows.get(f"docs_{a}", 0))[:5] or info.agency_ids[:5]
    cases = []
    for _ in range(samples):
        agency = rng.choice(busiest)
        who = info.clerks[agency] if rng.random() < 0.6 else info.leaders[agency]
        status = rng.choice(["", "completed", "in_progress", "assigned"])
        date_from = dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(0, 1500)) if rng.random() < 0.4 else None
        cases.append((agency, who, status, date_from))
    clients: dict[int, Client] = {}
    system1, system50, raw1, raw50 = [], [], [], []
    sql = (
        "SELECT id, arrival_number, arrival_at, code_number, code_notation, issuer_name, subject, status, due_at, urgency, secrecy "
        "FROM documents_incomingdocument WHERE agency_id = %s AND status <> 'received' AND arrival_at IS NOT NULL AND secrecy = '' {extra} "
        "ORDER BY arrival_at DESC, id DESC LIMIT 51"
    )
    count_sql = "SELECT COUNT(*) FROM (SELECT 1 FROM documents_incomingdocument WHERE agency_id = %s AND status <> 'received' AND arrival_at IS NOT NULL AND secrecy = '' {extra} LIMIT 10001) t"
    for agency, who, status, date_from in cases:
        client = clients.get(who)
        if client is None:
            client = clients[who] = Client()
            client.force_login(Account.objects.get(pk=who))
            # Each test client builds its own middleware chain on its first request (with TESTING
            # the static-file middleware scans every asset, 0.7–1.9 s); a server builds it once per
            # process at start-up, so it is built here, before anything is timed.
            client.handler.load_middleware()
        query = f"/documents/incoming/?list=all&status={status}" + (f"&from={date_from:%d/%m/%Y}" if date_from else "")
        extra, params = "", [agency]
        if status:
            extra += " AND status = %s"
            params.append(status)
        if date_from:
            extra += " AND arrival_at >= %s"
            params.append(dt.datetime.combine(date_from, dt.time(0), tzinfo=dt.timezone(dt.timedelta(hours=7))))
        # Page 50's cursor, found once (not timed) with OFFSET.
        scope = scope_of(Account.objects.get(pk=who))
        filters = selectors.IncomingFilters(status=status, date_from=date_from)
        qs, _ordering = selectors.incoming_list(scope, "all", filters)
        row = qs.order_by("-arrival_at", "-id").values_list("arrival_at", "id")[49 * 50 : 49 * 50 + 1]
        cursor_values = list(row)
        system1.append(timed(lambda: client.get(query)))  # noqa: B023 - called at once

        def raw(extra_sql: str = "", extra_params: list[Any] | None = None) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql.format(extra=extra + extra_sql), params + (extra_params or []))  # noqa: B023 - called at once
                cursor.fetchall()
                cursor.execute(count_sql.format(extra=extra), params)  # noqa: B023 - called at once
                cursor.fetchone()

        raw1.append(timed(raw))
        if cursor_values:
            at, pk = cursor_values[0]
            token = selectors._encode([at, pk])
            system50.append(timed(lambda: client.get(query + f"&cursor={token}")))  # noqa: B023 - called at once
            raw50.append(timed(lambda: raw(" AND (arrival_at < %s OR (arrival_at = %s AND id < %s))", [at, at, pk])))  # noqa: B023 - called at once
    out = {"page1": {"system": pct(system1), "baseline_sql": pct(raw1)}, "page50": {"system": pct(system50), "baseline_sql": pct(raw50)}}
    for page in ("page1", "page50"):
        out[page]["R_sql_p50"] = round(out[page]["system"]["p50_ms"] / max(out[page]["baseline_sql"]["p50_ms"], 0.001), 1)
    return out


def w2(info: Any, samples: int, rng: random.Random) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chinhquyen.documents.models import IncomingDocument
    from chinhquyen.organizations.models import Account

    lo, hi = info.document_ids
    ids = [rng.randint(lo, hi) for _ in range(samples)]
    docs = dict(IncomingDocument.objects.filter(pk__in=ids, secrecy="").values_list("pk", "agency_id"))
    clients: dict[int, Client] = {}
    system, raw, queries = [], [], []
    for pk in ids:
        agency = docs.get(pk)
        if agency is None:
            continue
        who = info.clerks[agency]
        client = clients.get(who)
        if client is None:
            client = clients[who] = Client()
            client.force_login(Account.objects.get(pk=who))
        client.get(f"/documents/incoming/{pk}/")  # the first opening writes the "viewed" event: warm it
        with CaptureQueriesContext(connection) as captured:
            system.append(timed(lambda: client.get(f"/documents/incoming/{pk}/")))  # noqa: B023
        queries.append(len(captured.captured_queries))

        def lookup() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM documents_incomingdocument WHERE id = %s", [pk])  # noqa: B023
                cursor.fetchone()

        raw.append(timed(lookup))
    return {
        "system": pct(system),
        "baseline_pk": pct(raw),
        "queries_max": max(queries),
        "queries_p50": statistics.median(queries),
        "R_sql_p50": round(statistics.median(system) / max(statistics.median(raw), 1e-6), 1),
    }


def worker(mode: str, clerk: int, agency: int, count: int) -> None:
    """W3 client process: `count` registrations through the service, or raw counter transactions."""
    import datetime as dt

    from django.db import connection, transaction

    from chinhquyen.documents import services
    from chinhquyen.documents.models import Register
    from chinhquyen.organizations.models import Account, Agency

    latencies = []
    started = time.time()
    if mode == "system":
        actor, target = Account.objects.get(pk=clerk), Agency.objects.get(pk=agency)
        for i in range(count):
            data = services.IncomingInput(
                issuer_name="Sở Tài chính tỉnh Đo Kiểm",
                code_number=f"{10 + i}",
                code_notation="STC-NS",
                issued_date=dt.date(2026, 10, 1),
                document_type="Công văn",
                subject=f"Về việc đo kiểm số {i}",
            )
            latencies.append(timed(lambda: services.register_incoming_document(actor=actor, agency=target, data=data, source="electronic")))  # noqa: B023
    elif mode == "same-writes":
        latencies = same_writes(clerk, agency, count)
    else:
        register = Register.objects.get(agency_id=agency, direction="outgoing", purpose="copy")
        year = 2026
        upsert = "INSERT INTO documents_numbercounter (register_id, year, last_number) VALUES (%s, %s, 0) ON CONFLICT DO NOTHING"
        for _ in range(count):

            def one() -> None:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(upsert, [register.pk, year])
                    cursor.execute(
                        "UPDATE documents_numbercounter SET last_number = last_number + 1 WHERE register_id = %s AND year = %s RETURNING last_number",
                        [register.pk, year],
                    )
                    number = cursor.fetchone()[0]
                    cursor.execute(
                        "INSERT INTO bench_raw_number (register_id, year, number) VALUES (%s, %s, %s)", [register.pk, year, number]
                    )

            latencies.append(timed(one))
    print(json.dumps({"latencies": latencies, "start": started, "end": time.time()}))


def same_writes(clerk: int, agency: int, count: int) -> list[float]:
    """W3's second baseline (PostgreSQL): the statements a registration must make, written by hand
    and sent directly — the clerk check, the registers, the duplicate check, then in one
    transaction the document row, its search entry (text, words, access tags), the number (the
    counter row), the number written on the document, the timeline event, and the audit event with
    the chain head — in the statements our PostgreSQL path sends (the number taken and written in
    one, the audit event and the head moved in one). Everything a statement needs is prepared before the loop (the values, the
    folded search text, the tags), so what is timed is the database work and the round trips: the
    ceiling a registration could reach without any of our Python. The counter-only transaction is
    BENCHMARKS.md's baseline; this one shows how much of the gap is the work the law asks for
    (the register, the audit trail, the search index) rather than our code."""
    import datetime as dt
    import json as _json

    from django.db import connection, transaction
    from django.utils import timezone

    from chinhquyen.core.audit import compute_hash
    from chinhquyen.core.models import AuditEvent
    from chinhquyen.core.search import sql as search_sql
    from chinhquyen.core.search.postgres import _TSV
    from chinhquyen.documents import search as document_search
    from chinhquyen.documents.models import DocumentEvent, IncomingDocument, Register

    register = Register.objects.get(agency_id=agency, direction="incoming", purpose="administrative")
    now = timezone.now()
    template = IncomingDocument(
        agency_id=agency,
        source="electronic",
        received_at=now,
        issuer_name="Sở Tài chính tỉnh Đo Kiểm",
        code_number="1",
        code_notation="STC-NS",
        issued_date=dt.date(2026, 10, 1),
        document_type="CV",
        subject="Về việc đo kiểm",
        register=register,
        arrival_year=2026,
        arrival_at=now,
        registered_by_id=clerk,
        status="registered",
    )
    fields = [f for f in IncomingDocument._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
    number_at, subject_at = (
        fields.index(IncomingDocument._meta.get_field("code_number")),
        fields.index(IncomingDocument._meta.get_field("subject")),
    )
    insert_document = (
        f"INSERT INTO {IncomingDocument._meta.db_table} ({', '.join(f.column for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id"
    )
    template.pk = 1
    entry = document_search.incoming_entry(template, new=True)
    from chinhquyen.core import search

    engine = search.engine()
    texts = engine.weighted_texts(entry)
    content = engine.content_json(entry)
    tags = sorted(entry.tags | {search_sql.grant_tag(g) for g in entry.grants})
    words = sorted({w for w in (texts["A"] + " " + texts["B"]).split() if 3 <= len(w) <= 40 and not w.isdigit()})
    insert_entry = (
        f"INSERT INTO {search_sql.ENTRY} (id, kind, object_id, agency_id, secrecy, doc_type, doc_date, title, content, generation, tsv) "
        f"VALUES ((%s::bigint << {search_sql.SERIAL_BITS}) | (nextval('core_search_serial') & {search_sql.SERIAL_MASK}), "
        f"%s, %s, %s, %s, %s, %s, %s, %s, %s, {_TSV}) RETURNING id"
    )
    event_fields = [f for f in DocumentEvent._meta.concrete_fields if not f.primary_key]
    insert_event = f"INSERT INTO {DocumentEvent._meta.db_table} ({', '.join(f.column for f in event_fields)}) VALUES ({', '.join(['%s'] * len(event_fields))})"
    audit_fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    insert_audit = f"INSERT INTO {AuditEvent._meta.db_table} ({', '.join(f.column for f in audit_fields)}) VALUES ({', '.join(['%s'] * len(audit_fields))})"
    # The rows the first registration of a year (or of the platform) creates, made before timing.
    from chinhquyen.core.audit import GENESIS_HASH
    from chinhquyen.core.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH})
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO documents_numbercounter (register_id, year, last_number) VALUES (%s, 2026, 0) ON CONFLICT DO NOTHING",
            [register.pk],
        )
    latencies = []
    for i in range(count):

        def one(i: int = i) -> None:
            params = list(values)
            params[number_at], params[subject_at] = f"{10 + i}", f"Về việc đo kiểm số {i}"
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM organizations_roleassignment WHERE official_id = %s AND agency_id = %s AND role = 'clerk' "
                    "AND valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s) LIMIT 1",
                    [clerk, agency, now.date(), now.date()],
                )
                cursor.fetchall()
                cursor.execute("SELECT id, direction, purpose FROM documents_register WHERE agency_id = %s AND active", [agency])
                cursor.fetchall()
                cursor.execute(
                    "SELECT id, issuer_name FROM documents_incomingdocument WHERE agency_id = %s AND status <> 'cancelled' "
                    "AND code_number = %s AND code_notation = %s ORDER BY id LIMIT 50",
                    [agency, params[number_at], "STC-NS"],
                )
                cursor.fetchall()
                with transaction.atomic():
                    cursor.execute(insert_document, params)
                    document_id = cursor.fetchone()[0]
                    cursor.execute(
                        insert_entry,
                        [
                            *(search_sql.day_of(entry.date), entry.kind, document_id, agency, entry.secrecy, entry.doc_type, entry.date),
                            *(params[subject_at], content, 1, texts["A"], texts["B"], texts["C"], texts["D"]),
                        ],
                    )
                    entry_id = cursor.fetchone()[0]
                    cursor.execute(f"INSERT INTO {search_sql.WORD} (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", [words])
                    cursor.execute(
                        f"INSERT INTO {search_sql.TAG} (tag, entry_id) VALUES {', '.join(['(%s, %s)'] * len(tags))}",
                        [v for tag in tags for v in (tag, entry_id)],
                    )
                    cursor.execute(
                        "WITH n AS (UPDATE documents_numbercounter SET last_number = last_number + 1 WHERE register_id = %s AND year = 2026 "
                        "RETURNING last_number) UPDATE documents_incomingdocument SET arrival_year = 2026, arrival_number = n.last_number "
                        "FROM n WHERE documents_incomingdocument.id = %s RETURNING n.last_number",
                        [register.pk, document_id],
                    )
                    number = cursor.fetchone()[0]
                    event = DocumentEvent(
                        incoming_id=document_id,
                        kind="registered",
                        actor_id=clerk,
                        at=now,
                        text=f"Đăng ký số đến {number}",
                        data={"arrival_number": number},
                    )
                    cursor.execute(insert_event, [f.get_db_prep_save(getattr(event, f.attname), connection) for f in event_fields])
                    cursor.execute("SELECT last_sequence, last_hash FROM core_auditchainhead WHERE id = 1 FOR UPDATE")
                    sequence, previous = cursor.fetchone()
                    audit = AuditEvent(
                        sequence=sequence + 1,
                        occurred_at=now,
                        actor_id=clerk,
                        actor_username="",
                        agency_id=agency,
                        action="incoming.registered",
                        object_type="incomingdocument",
                        object_id=str(document_id),
                        summary=_json.loads(_json.dumps({"arrival_number": number, "year": 2026})),
                        request_id="",
                        client_address="",
                        previous_hash=previous,
                    )
                    audit.hash = compute_hash(audit)
                    cursor.execute(
                        f"WITH e AS ({insert_audit} RETURNING id) UPDATE core_auditchainhead SET last_sequence = %s, last_hash = %s WHERE id = 1",
                        [*(f.get_db_prep_save(getattr(audit, f.attname), connection) for f in audit_fields), audit.sequence, audit.hash],
                    )

        latencies.append(timed(one))
    return latencies


def w3(info: Any, per_client: int, database_url: str | None) -> dict[str, Any]:
    from django.db import connection

    from chinhquyen.documents.models import IncomingDocument, Register

    agency = info.agency_ids[-1]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_number")
        cursor.execute("CREATE TABLE bench_raw_number (register_id integer, year integer, number integer)")
    out: dict[str, Any] = {"clients": W3_CLIENTS, "per_client": per_client}
    # The same writes in plain SQL are written for PostgreSQL (W3's goal is measured there).
    modes = ("baseline", "same-writes", "system") if connection.vendor == "postgresql" else ("baseline", "system")
    for mode in modes:
        before = IncomingDocument.objects.filter(agency_id=agency).count()
        env = {**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"]}
        t0 = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker", mode, str(info.clerks[agency]), str(agency), str(per_client)],
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(W3_CLIENTS)
        ]
        latencies: list[float] = []
        starts, ends = [], []
        for proc in procs:
            stdout, _ = proc.communicate(timeout=1800)
            if proc.returncode != 0:
                raise SystemExit(f"W3 {mode} worker failed")
            result = json.loads(stdout.strip().splitlines()[-1])
            latencies += result["latencies"]
            starts.append(result["start"])
            ends.append(result["end"])
        # The rate over the window where clients were registering (process start-up left out).
        wall = max(ends) - min(starts)
        del t0
        total = W3_CLIENTS * per_client
        if mode in ("system", "same-writes"):
            numbers = list(
                IncomingDocument.objects.filter(agency_id=agency, arrival_year=2026)
                .order_by("arrival_number")
                .values_list("arrival_number", flat=True)
            )
            new = numbers[len(numbers) - total :]
            expected_start = numbers[0] if numbers else 1
            dup = len(numbers) - len(set(numbers))
            missing = (numbers[-1] - expected_start + 1 - len(set(numbers))) if numbers else 0
            assert IncomingDocument.objects.filter(agency_id=agency).count() - before == total
            del new
        else:
            register = Register.objects.get(agency_id=agency, direction="outgoing", purpose="copy")
            with connection.cursor() as cursor:
                cursor.execute("SELECT number FROM bench_raw_number WHERE register_id = %s ORDER BY number", [register.pk])
                numbers = [r[0] for r in cursor.fetchall()]
            dup = len(numbers) - len(set(numbers))
            missing = numbers[-1] - len(set(numbers)) if numbers else 0
        out[mode] = {**pct(latencies), "per_second": round(total / wall, 1), "duplicates": dup, "missing": missing}
    out["system_share_of_raw_rate"] = round(out["system"]["per_second"] / out["baseline"]["per_second"], 3)
    if "same-writes" in out:
        out["same_writes_share_of_raw_rate"] = round(out["same-writes"]["per_second"] / out["baseline"]["per_second"], 3)
        out["system_share_of_same_writes_rate"] = round(out["system"]["per_second"] / out["same-writes"]["per_second"], 3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="S", choices=["S", "M", "L"])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--w3-per-client", type=int, default=100)
    parser.add_argument("--documents", type=int, default=None, help="override the tier's document count")
    parser.add_argument("--worker", nargs=4, metavar=("MODE", "CLERK", "AGENCY", "COUNT"))
    args = parser.parse_args()
    if args.worker:
        setup_django(os.environ["DATABASE_URL"], fresh=False)
        mode, clerk, agency, count = args.worker
        worker(mode, int(clerk), int(agency), int(count))
        return 0
    setup_django(args.database_url, fresh=True)
    from bench.dataset import describe, load
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = WORK_DIR / "media"
    settings.ALLOWED_HOSTS = ["*"]
    info = load(args.tier, documents=args.documents)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from chinhquyen.documents.models import IncomingDocument

    for agency_id, n in IncomingDocument.objects.values_list("agency_id").annotate(
        n=__import__("django.db.models", fromlist=["Count"]).Count("id")
    ):
        info.rows[f"docs_{agency_id}"] = n
    rng = random.Random(20260305)
    report: dict[str, Any] = {
        "benchmark": "documents",
        "engine": connection.vendor,
        "machine": machine(),
        "dataset": describe(info),
        "notes": "W1/W2 measured one request at a time through Django's test client (no HTTP server, no concurrency); W3 with 8 client processes.",
    }
    report["W1"] = w1(info, args.samples, rng)
    report["W2"] = w2(info, args.samples, rng)
    report["W3"] = w3(info, args.w3_per_client, args.database_url)
    for key in list(info.rows):
        if key.startswith("docs_"):
            del info.rows[key]
    report["dataset"] = describe(info)
    results = ROOT / "bench" / "results" / f"documents-{connection.vendor}-{args.tier}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"\nElectronic office benchmark — {connection.vendor}, tier {args.tier} ({info.rows.get('documents')} documents, built in {info.seconds:.0f} s)"
    )
    print(f"{'workload':44} {'p50 ms':>9} {'p95 ms':>9} {'n':>6}  ratio")
    for page in ("page1", "page50"):
        s, b = report["W1"][page]["system"], report["W1"][page]["baseline_sql"]
        print(
            f"{'W1 inbox ' + page + ' (page)':44} {s['p50_ms']:9} {s['p95_ms']:9} {s['samples']:6}  R_sql {report['W1'][page]['R_sql_p50']}"
        )
        print(f"{'W1 inbox ' + page + ' (raw SQL)':44} {b['p50_ms']:9} {b['p95_ms']:9} {b['samples']:6}")
    s, b = report["W2"]["system"], report["W2"]["baseline_pk"]
    print(
        f"{'W2 document page':44} {s['p50_ms']:9} {s['p95_ms']:9} {s['samples']:6}  R_sql {report['W2']['R_sql_p50']}, queries ≤ {report['W2']['queries_max']}"
    )
    print(f"{'W2 primary-key lookup':44} {b['p50_ms']:9} {b['p95_ms']:9} {b['samples']:6}")
    for mode in ("system", "same-writes", "baseline"):
        if mode not in report["W3"]:
            continue
        r = report["W3"][mode]
        print(
            f"{'W3 register, 8 clients (' + mode + ')':44} {r['p50_ms']:9} {r['p95_ms']:9} {r['samples']:6}  {r['per_second']}/s dup {r['duplicates']} missing {r['missing']}"
        )
    print(f"W3 system / raw rate: {report['W3']['system_share_of_raw_rate']}")
    if "same-writes" in report["W3"]:
        print(
            f"W3 same writes in plain SQL / raw rate: {report['W3']['same_writes_share_of_raw_rate']}; "
            f"system / same writes: {report['W3']['system_share_of_same_writes_rate']}"
        )
    print(f"written: {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
