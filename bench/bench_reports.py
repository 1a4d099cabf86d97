"""Benchmark of the indicators (issue 10, item 5): the province dashboard over tier S/M data.

    TESTING=1 .venv/bin/python bench/bench_reports.py [--tier S|M] [--database-url postgres://…/postgres]

- Dashboard cold: `GET /reports/?year=2026` as a province administrator through Django's test
  client (session, middleware, access, every indicator for the province, the agency × indicator
  table, the ranking, the 12-month trend, the survey by level, the template) with the cache
  cleared before each request. Warm: the same request with the figures in the cache
  (`REPORTS_CACHE_SECONDS` = 300, production's default). Goal: ≤ 1 s cold, ≤ 100 ms warm on
  PostgreSQL at tier M.
- Baseline: the raw `GROUP BY`s behind the same figures for the same year, as SQL in one run
  (outgoing documents by agency with their signed file, incoming by agency, handling deadlines,
  dossiers by competent agency, packages by sender and recipient, the survey) — what the page could
  not do with less than one grouped scan per table.
- The refresh job (`chinhquyen reports_refresh`, run from cron more often than the cache lasts):
  what the cold computation costs once it is off the request.
- Also each indicator alone, cold (`compute` for the province + `by_agency`), to show where the
  cold time goes.

Dataset: `bench/dataset.py` for the tier (agencies, units, officials, incoming documents with their
assignments and events), then here, with a fixed seed: outgoing documents (a fifth of the
incoming count; 5 % directives) with their main file and, for the signed ones, a validation report;
the 46 sample procedures and the tier's dossiers over the dataset's agencies; edXML packages in
and out; a survey answer per agency for 2025 and 2026. Writes bench/results/reports.json (and
reports-<engine>-<tier>.json). Uses its own database: a SQLite file under var/bench-reports/, or
a database `bench_reports_<tier>` created on the PostgreSQL server given; `--reuse` measures
again on the dataset the last run of the tier built (after a change of the code).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / "var" / "bench-reports"
SEED = 20261128
YEAR = 2026
GOALS = {"dashboard_cold_ms": 1000, "dashboard_warm_ms": 100}


def setup_django(database_url: str | None, tier: str, *, reuse: bool = False) -> str:
    """Django on a database of its own for the tier: `bench_reports_<tier>` on the PostgreSQL server
    given, or a SQLite file under var/bench-reports/ (rebuilt unless `reuse`)."""
    name = f"bench_reports_{tier.lower()}"
    sqlite = WORK_DIR / f"{name}.sqlite3"
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    if not reuse:
        for path in (sqlite, sqlite.with_suffix(".sqlite3-wal"), sqlite.with_suffix(".sqlite3-shm")):
            path.unlink(missing_ok=True)
    os.environ.setdefault("TESTING", "1")
    os.environ["VAR_DIR"] = str(WORK_DIR)
    os.environ["DJANGO_SETTINGS_MODULE"] = "chinhquyen.config.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["WORKDAYS_CACHE_SECONDS"] = "30"  # production's period (tests use 0)
    os.environ["REPORTS_CACHE_SECONDS"] = "300"  # production's default (tests use 0)
    os.environ["EMAIL_URL"] = "locmem://"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ["DB_CONN_MAX_AGE"] = "60"  # persistent connections, as production runs
    if database_url:
        import psycopg

        parsed = urlparse(database_url)
        if not reuse:
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name}")
                conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite}"
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
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


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def pct(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 3)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "max_ms": round(ordered[-1], 3), "samples": len(ordered)}


def timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


# --- dataset ----------------------------------------------------------------------------------------
def build(tier: str) -> dict[str, Any]:
    from bench import dataset
    from django.db import connection, transaction

    from chinhquyen.documents.models import Attachment, AttachmentKind, OutgoingDocument
    from chinhquyen.documents.numbering import VIETNAM
    from chinhquyen.dossiers.models import Dossier, Rating
    from chinhquyen.exchange.models import Inbox, Outbox
    from chinhquyen.organizations import services as org
    from chinhquyen.organizations.models import Agency, Role
    from chinhquyen.procedures.demo import SAMPLES, sample_spec
    from chinhquyen.procedures.models import Procedure
    from chinhquyen.procedures.services import save_procedure
    from chinhquyen.reports.models import SurveyResponse
    from chinhquyen.signing.models import ValidationReport

    t0 = time.perf_counter()
    info = dataset.load(tier)
    t_documents = time.perf_counter() - t0
    spec = dataset.TIERS[tier]
    rng = random.Random(SEED)
    agencies = list(Agency.objects.filter(pk__in=info.agency_ids).order_by("pk"))
    province = agencies[0]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(agencies))]
    first = dt.datetime(2016, 1, 4, 8, tzinfo=VIETNAM)
    span = (dt.datetime(2026, 10, 30, 17, tzinfo=VIETNAM) - first).total_seconds()
    counts: dict[str, int] = {}
    BATCH = 5000

    # Outgoing documents: issued (94 %), recalled (1 %), still in the workflow (5 %); the final main
    # file signed by the organisation (60 %), personally only (20 %) or not (20 %); a signed file
    # validated valid (90 %), indeterminate (7 %) or invalid (3 %).
    outgoing_total = spec.documents // 5
    with transaction.atomic():
        made = 0
        while made < outgoing_total:
            size = min(BATCH, outgoing_total - made)
            docs = []
            for _ in range(size):
                agency = rng.choices(agencies, weights=weights)[0]
                at = first + dt.timedelta(seconds=rng.random() * span)
                status = rng.choices(["issued", "recalled", "to_approve"], weights=[94, 1, 5])[0]
                docs.append(
                    OutgoingDocument(
                        agency=agency,
                        drafter_id=info.specialists[agency.pk][0],
                        document_type="directive" if rng.random() < 0.05 else rng.choice(["decision", "official_letter", "plan", "report"]),
                        subject=f"Về việc {dataset.zipf_words(rng, rng.randint(6, 14))}",
                        status=status,
                        issued_at=at if status != "to_approve" else None,
                        issued_date=at.date() if status != "to_approve" else None,
                    )
                )
            docs = OutgoingDocument.objects.bulk_create(docs, batch_size=BATCH)
            if not all(d.pk for d in docs):  # SQLite before RETURNING: read them back
                docs = list(OutgoingDocument.objects.order_by("-pk")[:size])[::-1]
            files, signed_kind = [], []
            for d in docs:
                label = rng.choices(["organisation signature", "personal signature", ""], weights=[60, 20, 20])[0]
                files.append(
                    Attachment(
                        agency_id=d.agency_id,
                        outgoing=d,
                        kind=AttachmentKind.MAIN,
                        version=2 if label else 1,
                        file=f"documents/bench/{d.pk}.pdf",
                        name="van-ban.pdf",
                        content_type="application/pdf",
                        size=120_000,
                        sha256=f"{d.pk:064x}",
                        comment=label,
                    )
                )
                signed_kind.append(bool(label))
            files = Attachment.objects.bulk_create(files, batch_size=BATCH)
            if not all(f.pk for f in files):
                files = list(Attachment.objects.order_by("-pk")[: len(files)])[::-1]
            reports = [
                ValidationReport(
                    subject_type="documents.Attachment",
                    subject_id=str(f.pk),
                    file_sha256=f.sha256,
                    file_name=f.name,
                    file_size=f.size,
                    indication=rng.choices(["PASSED", "INDETERMINATE", "FAILED"], weights=[90, 7, 3])[0],
                    signature_count=2,
                    trust_fingerprint="bench",
                )
                for f, signed in zip(files, signed_kind, strict=True)
                if signed
            ]
            ValidationReport.objects.bulk_create(reports, batch_size=BATCH)
            counts["validation_reports"] = counts.get("validation_reports", 0) + len(reports)
            made += size
    counts["outgoing_documents"] = made

    # The one-stop shop: the 46 sample procedures, the tier's dossiers over 07/2024–10/2026.
    since = dt.date(2016, 1, 1)
    codes = sorted(a.code for a in agencies[1:])
    for sample in SAMPLES:
        spec_p = sample_spec(sample, agency_codes=None)
        spec_p.instances = codes[: len(codes) // 2] if sample.agency != "commune" else codes[len(codes) // 2 :]
        spec_p.valid_from = dt.date(2024, 1, 1)
        save_procedure(spec=spec_p, today=dt.date(2026, 1, 1))
    procedures = list(Procedure.objects.prefetch_related("versions"))
    versions = {p.pk: p.versions.get() for p in procedures}
    start = dt.datetime(2024, 7, 1, 7, 30, tzinfo=VIETNAM)
    dossier_span = int((dt.datetime(2026, 10, 31, tzinfo=VIETNAM) - start).total_seconds())
    statuses = ["returned"] * 80 + ["result_ready"] * 5 + ["in_process"] * 10 + ["refused"] * 3 + ["withdrawn"] * 2
    timeliness = ["early"] * 70 + ["on_time"] * 27 + ["late"] * 3
    sequence: dict[tuple[int, dt.date], int] = {}
    with transaction.atomic():
        batch: list[Dossier] = []
        for i in range(spec.dossiers):
            agency = agencies[1 + rng.randrange(len(agencies) - 1)]
            procedure = procedures[rng.randrange(len(procedures))]
            received = start + dt.timedelta(seconds=rng.randrange(dossier_span))
            day = received.date()
            number = sequence[(agency.pk, day)] = sequence.get((agency.pk, day), 0) + 1
            due = received + dt.timedelta(days=rng.choice([1, 3, 5, 10, 15, 20]))
            status = rng.choice(statuses)
            finished = status in ("returned", "result_ready")
            verdict = rng.choice(timeliness) if finished else ""
            completed = due - dt.timedelta(hours=rng.randrange(1, 48)) if verdict in ("early", "on_time") else due + dt.timedelta(hours=5)
            batch.append(
                Dossier(
                    code=f"{agency.code}-{day:%y%m%d}-{number:04d}",
                    procedure=procedure,
                    version=versions[procedure.pk],
                    receiving_agency=agency,
                    competent_agency=agency,
                    current_agency=agency,
                    channel=rng.choice(["counter"] * 7 + ["online"] * 3),
                    status=status,
                    national_status={"returned": 10, "result_ready": 9, "in_process": 4, "refused": 3, "withdrawn": 7}[status],
                    applicant_name="Nguyễn Văn An",
                    applicant_id_number=f"0{rng.randrange(10**10, 10**11)}",
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
            if len(batch) == 2000 or i == spec.dossiers - 1:
                Dossier.objects.bulk_create(batch)
                batch = []
        # Two in five resolved dossiers rated (Circular 03/2025 levels).
        levels = [("very_satisfied", 4), ("satisfied", 3), ("acceptable", 2), ("not_satisfied", 1)]
        finished_ids = Dossier.objects.filter(status__in=["returned", "result_ready"]).values_list("pk", "completed_at")
        ratings = []
        for pk, completed_at in finished_ids.iterator():
            if rng.random() < 0.4:
                level, points = rng.choices(levels, weights=[55, 35, 7, 3])[0]
                ratings.append(Rating(dossier_id=pk, level=level, points=points, rated_at=completed_at or start))
        Rating.objects.bulk_create(ratings, batch_size=BATCH)
    counts["dossiers"] = spec.dossiers
    counts["ratings"] = len(ratings)

    # Packages through the axis (one per 25 documents), sent and received in the year.
    packages = max(200, spec.documents // 25)
    with transaction.atomic():
        out_rows, in_rows = [], []
        year_start = dt.datetime(YEAR, 1, 1, 8, tzinfo=VIETNAM)
        for n in range(packages):
            sender, recipient = rng.choices(agencies, weights=weights, k=2)
            at = year_start + dt.timedelta(seconds=rng.random() * 300 * 86400)
            out_rows.append(
                Outbox(
                    kind="package",
                    transport="bench",
                    sender_code=sender.code,
                    recipient_codes=[recipient.code],
                    document_id=f"{sender.code},{at:%Y/%m/%d},{n}/UBND-VP",
                    payload=b"",
                    sha256="0" * 64,
                    size=0,
                    state=rng.choices(["sent", "failed"], weights=[97, 3])[0],
                    next_attempt_at=at,
                    sent_at=at,
                )
            )
            in_rows.append(
                Inbox(
                    transport="bench",
                    remote_id=f"bench-{n}",
                    kind="package",
                    recipient_code=recipient.code,
                    sender_code=sender.code,
                    document_id=f"{sender.code},{at:%Y/%m/%d},{n}/UBND-VP",
                    sha256=f"{n:064x}",
                    payload=b"",
                    state=rng.choices(["handled", "invalid"], weights=[98, 2])[0],
                )
            )
        Outbox.objects.bulk_create(out_rows, batch_size=BATCH)
        Inbox.objects.bulk_create(in_rows, batch_size=BATCH)  # received_at: now (auto_now_add), in the year
    counts["packages"] = packages

    # The province administrator who opens the dashboard, and a survey answer per agency.
    admin = org.create_official(username="bench.quantri.tinh", full_name="Quản trị tỉnh", password="Mat-khau-that-dai-2026")  # noqa: S106 - a throwaway bench account
    org.assign_role(official=admin, agency=province, role=Role.PROVINCE_ADMIN, valid_from=since)
    now = dt.datetime.now(dt.UTC)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                agency=a,
                year=year,
                officials=(officials := rng.randint(20, 300)),
                computers=int(officials * rng.uniform(0.7, 1.0)),
                servers=rng.randint(0, 6),
                network_points=officials + rng.randint(0, 40),
                broadband_lines=rng.randint(1, 4),
                video_endpoints=rng.randint(0, 3),
                email_accounts=officials,
                directives_issued=(issued := rng.randint(0, 12)),
                directives_published=rng.randint(0, issued),
                iso_9001=rng.random() < 0.8,
                filled_by=admin,
                filled_at=now,
            )
            for a in agencies
            for year in (YEAR - 1, YEAR)
        ]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
    return {
        "seconds": round(time.perf_counter() - t0, 1),
        "documents_seconds": round(t_documents, 1),
        "agencies": len(agencies),
        "incoming_documents": info.rows.get("documents"),
        "officials": info.rows.get("officials"),
        **counts,
        "procedures": len(procedures),
        "admin": admin,
    }


# --- workloads ----------------------------------------------------------------------------------------
def bench_dashboard(admin: Any, repeat: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(admin)
    url = f"/reports/?year={YEAR}"

    def get(_i: int) -> None:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]

    def cold(_i: int) -> None:
        cache.clear()
        get(_i)

    cache.clear()
    get(0)  # the first request of the process (imports, template compilation) is not measured
    cold_times = timed(cold, repeat)
    warm_times = timed(get, repeat * 10)
    return {"cold": pct(cold_times), "warm": pct(warm_times), "first_request_excluded": True}


RAW = {
    # One scan of the year's outgoing documents for the three signature figures.
    "outgoing by agency: organisation, both, valid final file": """
        SELECT o.agency_id, COUNT(*),
               SUM(CASE WHEN EXISTS (SELECT 1 FROM documents_attachment a WHERE a.outgoing_id = o.id AND a.kind = 'main'
                                     AND a.comment = 'organisation signature') THEN 1 ELSE 0 END),
               SUM(CASE WHEN EXISTS (SELECT 1 FROM documents_attachment a WHERE a.outgoing_id = o.id AND a.kind = 'main'
                                     AND a.comment = 'organisation signature')
                         AND EXISTS (SELECT 1 FROM documents_attachment a WHERE a.outgoing_id = o.id AND a.kind = 'main'
                                     AND a.comment = 'personal signature') THEN 1 ELSE 0 END),
               SUM(CASE WHEN (SELECT r.indication FROM signing_validationreport r
                              WHERE r.subject_type = 'documents.Attachment'
                                AND r.subject_id = (SELECT CAST(a.id AS varchar) FROM documents_attachment a
                                                    WHERE a.outgoing_id = o.id AND a.kind = 'main' ORDER BY a.version DESC, a.id DESC LIMIT 1)
                              ORDER BY r.validated_at DESC, r.id DESC LIMIT 1) = 'PASSED' THEN 1 ELSE 0 END)
        FROM documents_outgoingdocument o
        WHERE o.status IN ('issued', 'recalled') AND o.issued_at >= %(since)s AND o.issued_at < %(until)s
        GROUP BY o.agency_id""",
    # Decree 30 art. 22/24: registered, presented the same or the next working day (the calendar is applied in Python).
    "incoming by agency and (arrival, registration) day": """
        SELECT agency_id, CAST(received_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date), CAST(arrival_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date), COUNT(*)
        FROM documents_incomingdocument
        WHERE arrival_at IS NOT NULL AND received_at >= %(since)s AND received_at < %(until)s
        GROUP BY 1, 2, 3""",
    "incoming by agency and (arrival, presentation) day": """
        SELECT agency_id, CAST(received_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date), CAST(presented_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date), COUNT(*)
        FROM documents_incomingdocument
        WHERE presented_at IS NOT NULL AND received_at >= %(since)s AND received_at < %(until)s
        GROUP BY 1, 2, 3""",
    "incoming by agency, electronic": """
        SELECT agency_id, COUNT(*), SUM(CASE WHEN source IN ('electronic', 'internal') THEN 1 ELSE 0 END)
        FROM documents_incomingdocument
        WHERE status <> 'cancelled' AND received_at >= %(since)s AND received_at < %(until)s
        GROUP BY agency_id""",
    "handling deadlines by agency": """
        SELECT agency_id, COUNT(*), SUM(CASE WHEN status = 'completed' AND completed_at <= due_at THEN 1 ELSE 0 END)
        FROM documents_incomingdocument
        WHERE status <> 'cancelled' AND (status = 'completed' OR due_at < %(now)s)
          AND due_at >= %(since)s AND due_at < %(until)s
        GROUP BY agency_id""",
    "dossiers by competent agency": """
        SELECT competent_agency_id, COUNT(d.id),
               SUM(CASE WHEN status IN ('result_ready', 'returned') THEN 1 ELSE 0 END),
               SUM(CASE WHEN status IN ('result_ready', 'returned') AND timeliness IN ('early', 'on_time') THEN 1 ELSE 0 END),
               SUM(CASE WHEN channel = 'online' THEN 1 ELSE 0 END),
               SUM(CASE WHEN digitized THEN 1 ELSE 0 END), AVG(r.points)
        FROM dossiers_dossier d LEFT JOIN dossiers_rating r ON r.dossier_id = d.id
        WHERE received_month >= %(month_since)s AND received_month <= %(month_until)s
          AND received_at >= %(since)s AND received_at < %(until)s
        GROUP BY competent_agency_id""",
    "packages sent by sender": """
        SELECT sender_code, COUNT(*) FROM exchange_outbox
        WHERE kind = 'package' AND state = 'sent' AND sent_at >= %(since)s AND sent_at < %(until)s GROUP BY sender_code""",
    "packages received by recipient": """
        SELECT recipient_code, COUNT(*) FROM exchange_inbox
        WHERE kind = 'package' AND state <> 'invalid' AND received_at >= %(since)s AND received_at < %(until)s GROUP BY recipient_code""",
    "survey of the year": """
        SELECT agency_id, computers, officials, directives_issued, directives_published FROM reports_surveyresponse WHERE year = %(year)s""",
}


def bench_raw(repeat: int) -> dict[str, Any]:
    from django.db import connection

    from chinhquyen.reports.indicators import Period

    period = Period.year(YEAR)
    params: dict[str, Any] = {
        "since": period.since,
        "until": period.until,
        "now": dt.datetime.now(dt.UTC),
        "month_since": period.start,
        "month_until": period.end.replace(day=1),
        "year": YEAR,
    }

    def run(sql: str) -> None:
        if connection.vendor != "postgresql":  # SQLite: Vietnam is UTC+7 all year
            sql = re.sub(r"CAST\((\w+) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date\)", r"date(\1, '+7 hours')", sql)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    each = {}
    for name, sql in RAW.items():
        run(sql)
        each[name] = pct(timed(lambda _i, s=sql: run(s), repeat))

    def all_of_them(_i: int) -> None:
        for sql in RAW.values():
            run(sql)

    return {"all": pct(timed(all_of_them, repeat)), "each": each}


def bench_refresh(repeat: int) -> dict[str, Any]:
    """The scheduled job (`chinhquyen reports_refresh`): the cold computation moved off the request."""
    from chinhquyen.reports import selectors, views

    def run(_i: int) -> None:
        selectors.refresh_province(YEAR, table_codes=views.TABLE_CODES, rank_code=views.DEFAULT_RANK)

    return pct(timed(run, repeat))


def bench_indicators(repeat: int) -> dict[str, Any]:
    """Each indicator alone, cold: the province's figure and one value per agency."""
    from chinhquyen.reports import indicators
    from chinhquyen.reports.indicators import Period

    period = Period.year(YEAR)
    out = {}
    for code, indicator in indicators.REGISTRY.items():

        def run(_i: int, i: Any = indicator) -> None:
            i.compute(None, period)
            i.by_agency(None, period)

        run(0)
        out[code] = pct(timed(run, repeat))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tier", choices=["S", "M"], default="S")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""), help="a PostgreSQL server URL; empty: SQLite")
    parser.add_argument("--dashboards", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="measure again on the dataset the last run of this tier and engine built")
    args = parser.parse_args()
    engine = setup_django(args.database_url or None, args.tier, reuse=args.reuse)
    load_before = load_average()
    saved = WORK_DIR / f"dataset-{engine}-{args.tier}.json"
    if args.reuse:
        from chinhquyen.organizations.models import Account

        data = json.loads(saved.read_text(encoding="utf-8")) | {"reused": True}
        admin = Account.objects.get(username="bench.quantri.tinh")
    else:
        data = build(args.tier)
        admin = data.pop("admin")
        saved.write_text(json.dumps(data), encoding="utf-8")
    gc.collect()
    gc.freeze()
    print(f"dataset: tier {args.tier}, {json.dumps(data, ensure_ascii=False)} ({engine})")
    load_start = load_average()
    started = dt.datetime.now(dt.UTC)
    dashboard = bench_dashboard(admin, args.dashboards)
    raw = bench_raw(args.dashboards)
    refresh = bench_refresh(3)
    per_indicator = bench_indicators(3)
    load_end = load_average()
    dashboard["r_sql_cold_p50"] = round(dashboard["cold"]["p50_ms"] / raw["all"]["p50_ms"], 2)
    checks = {
        "dashboard_cold_ms": (dashboard["cold"]["p95_ms"], GOALS["dashboard_cold_ms"]),
        "dashboard_warm_ms": (dashboard["warm"]["p95_ms"], GOALS["dashboard_warm_ms"]),
    }
    print(f"{'workload':<44}{'p50 ms':>10}{'p95 ms':>10}{'n':>6}")
    for name, figures in [
        ("province dashboard, cold (page)", dashboard["cold"]),
        ("province dashboard, warm (page)", dashboard["warm"]),
        ("raw GROUP BYs of the same figures", raw["all"]),
        ("refresh job (reports_refresh)", refresh),
    ]:
        print(f"{name:<44}{figures['p50_ms']:>10}{figures['p95_ms']:>10}{figures['samples']:>6}")
    for code, figures in sorted(per_indicator.items(), key=lambda kv: -kv[1]["p50_ms"]):
        print(f"  indicator {code:<32}{figures['p50_ms']:>10}{figures['p95_ms']:>10}{figures['samples']:>6}")
    print(f"R_sql (cold p50 / raw p50): {dashboard['r_sql_cold_p50']}; load average {load_start} → {load_end}")
    for name, (value, goal) in checks.items():
        print(f"goal {name}: {value} ≤ {goal}: {'met' if value <= goal else 'NOT met'}")
    results = {
        "benchmark": "reports",
        "run_at": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average": {"before_build": load_before, "start": load_start, "end": load_end},
        "engine": engine,
        "tier": args.tier,
        "dataset": data | {"seed": SEED, "year": YEAR},
        "dashboard": dashboard,
        "raw_group_by": raw,
        "refresh_job": refresh,
        "indicators_cold": per_indicator,
        "goals": {k: {"value": v, "goal": g, "met": v <= g} for k, (v, g) in checks.items()},
    }
    text = json.dumps(results, indent=2, ensure_ascii=False, default=str)
    for name in (f"reports-{engine}-{args.tier}.json", "reports.json"):
        out = ROOT / "bench" / "results" / name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
