"""W4 (BENCHMARKS.md): accent-insensitive full-text search at scale, on the engine of DATABASE_URL.

    .venv/bin/python bench/bench_search.py --tier S            # SQLite in a temporary file
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_search.py --tier M

Builds a synthetic corpus in the search index (its own small generator: subjects of real
Vietnamese administrative words with tone marks drawn from a Zipf distribution, notations such as
`123/QĐ-UBND`, ten years of dates, 200 agencies, 2 % secret), then times each query class — a
rare, a medium and a very common word, two words, a phrase, a number/notation — newest first and
by relevance, for a province-wide official (every agency, no secrets) and for an official of one
agency searching the last year. For each: p50 and p95 of `core.search.search()` (parse, the
candidate query, rows, snippets), and in the same run the plain SQL it replaces: the same match
and constraints ordered by date, or ranked over **every** match (`ts_rank` / `bm25`) — the naive
plan W4 warns about. Results go to bench/results/search-<vendor>-<tier>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")
os.environ.setdefault("TESTING", "1")
_tmp = None
if "DATABASE_URL" not in os.environ:
    _tmp = tempfile.mkdtemp(prefix="bench-search-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from chinhquyen.core import search  # noqa: E402
from chinhquyen.core.search import sql  # noqa: E402
from chinhquyen.core.search.base import IndexEntry  # noqa: E402
from chinhquyen.core.search.postgres import tsquery_text  # noqa: E402
from chinhquyen.core.search.query import parse_query  # noqa: E402
from chinhquyen.core.search.sqlite import match_expression  # noqa: E402

TIERS = {"XS": 5_000, "S": 50_000, "M": 500_000, "L": 5_000_000}
AGENCIES = 200
KIND = "bench.document"

COMMON = "về việc của và các trên địa bàn tỉnh năm thực hiện công tác ban hành kế hoạch".split()
WORDS = (
    "quyết định phê duyệt chủ trương đầu tư xây dựng dự án giao chỉ tiêu phát triển kinh tế xã hội phòng chống thiên tai "
    "tìm kiếm cứu nạn thành lập tổ công tác rà soát thủ tục hành chính chuyển đổi số quý đôn đốc giải ngân vốn công hội nghị "
    "tổng kết cải cách cử cán bộ tham dự lớp bồi dưỡng nghiệp vụ văn thư danh mục kêu gọi điều chỉnh quy hoạch sử dụng đất "
    "tăng cường quản lý an toàn thực phẩm dịp tết nguyên đán chức năng nhiệm vụ quyền hạn văn phòng sở nội vụ tài chính "
    "giáo dục đào tạo y tế nông nghiệp môi trường tài nguyên giao thông vận tải công thương lao động thương binh du lịch "
    "thể thao khoa học công nghệ thông tin truyền thông tư pháp thanh tra dân tộc tôn giáo quốc phòng an ninh biên giới "
    "trường học bệnh viện trạm y tế cầu đường nông thôn mới giảm nghèo bền vững việc làm bảo hiểm xã hội hộ nghèo "
    "khen thưởng kỷ luật bổ nhiệm điều động luân chuyển tuyển dụng viên chức công chức biên chế tinh giản tổ chức bộ máy "
    "sáp nhập đơn vị hành chính cấp xã phường thị trấn huyện lịch tiếp công dân khiếu nại tố cáo phòng cháy chữa cháy "
    "dịch bệnh tiêm chủng vắc xin mưa lũ sạt lở hạn hán rét đậm rét hại chăn nuôi trồng trọt lâm nghiệp rừng phòng hộ"
).split()
PLACES = "Hòa Bình|Hoà Bình|Kỳ Sơn|Lạc Sơn|Mai Châu|Tân Lạc|Đà Bắc|Lương Sơn|Kim Bôi|Cao Phong|Yên Thủy|Lạc Thủy|Phú Thọ|Việt Trì|Thanh Sơn".split(
    "|"
)
SYLLABLES = "an bình cát dũng hưng khánh lâm minh nga phong quang sơn thắng uyên vinh xuân yên đông tây nam bắc hạ thượng trung".split()
ABBRS = ["QĐ", "KH", "TB", "BC", "TTr", "CV", "HD", "NQ", "GM", "CT"]
ORGS = ["UBND", "SNV", "STC", "SKHĐT", "SGDĐT", "SYT", "VP", "HĐND", "STNMT", "SXD"]


def make_vocabulary(rng: random.Random) -> list[str]:
    """The Zipf-ranked vocabulary: common words, domain words, place syllable pairs, then a long
    tail of rare made-up proper names (villages, projects)."""
    tail = sorted({f"{rng.choice(SYLLABLES).capitalize()}{rng.choice(SYLLABLES)}" for _ in range(6000)})
    rng.shuffle(tail)
    return COMMON + WORDS + tail


def corpus(n: int, seed: int = 4):
    rng = random.Random(seed)
    vocab = make_vocabulary(rng)
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(vocab))]
    cumulative = list(_accumulate(weights))
    start = dt.date(2016, 1, 1)
    for i in range(1, n + 1):
        date = start + dt.timedelta(days=int(3650 * i / n) + rng.randint(-3, 3))
        abbr, org = rng.choice(ABBRS), rng.choice(ORGS)
        code = f"{rng.randint(1, 999):02d}/{abbr}-{org}" if abbr != "CV" else f"{rng.randint(1, 999)}/{org}-VP"
        words = rng.choices(vocab, cum_weights=cumulative, k=rng.randint(8, 18))
        subject = f"Về việc {' '.join(words)} {rng.choice(PLACES)}"
        yield IndexEntry.build(
            KIND,
            i,
            rng.randrange(AGENCIES),
            fields={"code": code, "subject": subject, "issuer": f"Ủy ban nhân dân tỉnh {rng.choice(PLACES)}"},
            filters={"date": date, "secrecy": 1 if rng.random() < 0.02 else 0, "type": abbr},
        )


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def build(n: int) -> float:
    started = time.perf_counter()
    batch: list[IndexEntry] = []
    engine = search.engine()
    for entry in corpus(n):
        batch.append(entry)
        if len(batch) == 5000:
            with transaction.atomic():
                engine.upsert(batch, generation=1)
            batch = []
    if batch:
        with transaction.atomic():
            engine.upsert(batch, generation=1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE core_search_entry")
            cursor.execute("VACUUM ANALYZE core_search_tag")
        else:
            cursor.execute("INSERT INTO core_search_fts(core_search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def frequencies(sample: int = 20000) -> dict[str, int]:
    """Document frequency of each folded word, from the first `sample` entries (scaled)."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM core_search_entry ORDER BY id LIMIT %s", [sample])
        rows = cursor.fetchall()
    from chinhquyen.core.search.query import words

    for (content,) in rows:
        for w in set(words(json.loads(content)["subject"][0])):
            counts[w] = counts.get(w, 0) + 1
    return {w: c / len(rows) for w, c in counts.items()}


def query_classes(freq: dict[str, float], rng: random.Random) -> dict[str, list[str]]:
    by = sorted(freq.items(), key=lambda kv: kv[1])
    rare = [w for w, f in by if f <= 0.001 and not w.isdigit()] or [w for w, _f in by[:50]]
    medium = [w for w, f in by if 0.005 <= f <= 0.03 and not w.isdigit()]
    common = [w for w, f in by if f >= 0.25 and not w.isdigit()]
    pick = lambda pool, k=12: [rng.choice(pool) for _ in range(k)]  # noqa: E731
    return {
        "rare word": pick(rare),
        "medium word": pick(medium),
        "very common word": pick(common),
        "two words": [f"{a} {b}" for a, b in zip(pick(common), pick(medium), strict=True)],
        "phrase": ['"về việc"', '"ủy ban nhân dân"', '"phòng chống thiên tai"', '"chủ trương đầu tư"'] * 3,
        "notation": [f"{rng.randint(1, 999)}/{rng.choice(ABBRS[:-1])}-{rng.choice(ORGS)}" for _ in range(12)],
    }


def scenarios(n: int) -> dict[str, dict]:
    last_year = dt.date(2025, 12, 31)
    return {
        "province official, all agencies": {
            "access": search.Access.for_agencies(*range(AGENCIES)),
            "date_from": None,
            "date_to": None,
            "agency_ids": (),
        },
        "one agency, last 12 months": {
            "access": search.Access.for_agencies(17),
            "date_from": last_year - dt.timedelta(days=365),
            "date_to": last_year,
            "agency_ids": (17,),
        },
    }


def naive_sql(q: str, scenario: dict, order: str) -> tuple[str, list]:
    """The plain SQL: the same match and constraints, ordered by date or ranked over every match."""
    parsed = parse_query(q)
    constraints = search.base.Constraints(
        access=scenario["access"], agency_ids=scenario["agency_ids"], date_from=scenario["date_from"], date_to=scenario["date_to"]
    )
    if connection.vendor == "postgresql":
        cond, params = sql.where(constraints)
        orderby = "e.doc_date DESC" if order == "newest" else "ts_rank(e.tsv, to_tsquery('simple', %s)) DESC"
        extra = [tsquery_text(parsed)] if order != "newest" else []
        return (
            f"SELECT e.id FROM core_search_entry e WHERE e.tsv @@ to_tsquery('simple', %s) AND {cond} ORDER BY {orderby} LIMIT 20",
            [tsquery_text(parsed), *params, *extra],
        )
    cond, params = sql.where(constraints, key="core_search_fts.rowid")
    orderby = "e.doc_date DESC" if order == "newest" else "bm25(core_search_fts) ASC"
    return (
        f"SELECT e.id FROM core_search_fts JOIN core_search_entry e ON e.id = core_search_fts.rowid WHERE core_search_fts MATCH %s AND {cond} ORDER BY {orderby} LIMIT 20",
        [match_expression(parsed), *params],
    )


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tier", choices=sorted(TIERS), default="S")
    parser.add_argument("--count", type=int, help="override the tier's size")
    args = parser.parse_args()
    n = args.count or TIERS[args.tier]
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_search_entry WHERE kind = %s", [KIND])
        have = cursor.fetchone()[0]
    build_seconds = None
    if have != n:
        with transaction.atomic():
            search.engine().delete_stale(KIND, 10**15)
        build_seconds = build(n)
        print(f"indexed {n} entries in {build_seconds:.0f} s ({n / build_seconds:.0f}/s) on {connection.vendor}", flush=True)
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    rng = random.Random(11)
    classes = query_classes(frequencies(), rng)
    results = []
    for scenario_name, scenario in scenarios(n).items():
        for order in ("newest", "relevance"):
            for name, queries in classes.items():
                ours, naive_times, hits = [], [], []
                for q in queries:

                    def run(q=q, scenario=scenario, order=order, hits=hits):
                        page = search.search(
                            q,
                            access=scenario["access"],
                            agency_ids=scenario["agency_ids"],
                            date_from=scenario["date_from"],
                            date_to=scenario["date_to"],
                            order=order,
                            limit=20,
                        )
                        hits.append(len(page.hits))

                    run()  # warm
                    ours.append(timed(run))
                    text, params = naive_sql(q, scenario, order)

                    def raw(text=text, params=params):
                        with connection.cursor() as cursor:
                            cursor.execute(text, params)
                            cursor.fetchall()

                    raw()
                    naive_times.append(timed(raw))
                row = {
                    "scenario": scenario_name,
                    "order": order,
                    "class": name,
                    "p50_ms": round(statistics.median(ours), 1),
                    "p95_ms": round(pct(ours, 0.95), 1),
                    "plain_sql_p50_ms": round(statistics.median(naive_times), 1),
                    "plain_sql_p95_ms": round(pct(naive_times, 0.95), 1),
                    "ratio_p95": round(pct(ours, 0.95) / max(pct(naive_times, 0.95), 0.01), 2),
                    "mean_hits": round(statistics.fmean(hits), 1),
                }
                results.append(row)
                print(
                    f"{scenario_name:<34} {order:<9} {name:<17} p50 {row['p50_ms']:>7} ms  p95 {row['p95_ms']:>7} ms   plain SQL p95 {row['plain_sql_p95_ms']:>8} ms  ratio {row['ratio_p95']}",
                    flush=True,
                )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"search-{connection.vendor}-{args.tier}.json").write_text(
        json.dumps(
            {
                "vendor": connection.vendor,
                "entries": n,
                "build_seconds": build_seconds,
                "queries_started_utc": started.isoformat(timespec="seconds"),
                "queries_finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                # the machine is shared: the 1/5/15-minute load averages before and after the queries
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "cpus": os.cpu_count(),
                "results": results,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"load average before the queries {load_before}, after {os.getloadavg()} ({os.cpu_count()} CPUs)")
    worst = max(r["p95_ms"] for r in results)
    print(f"worst p95: {worst} ms ({'within' if worst <= 300 else 'ABOVE'} the 300 ms goal)")


if __name__ == "__main__":
    main()
