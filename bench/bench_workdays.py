"""Benchmark of the working-calendar engine (issue 3; BENCHMARKS.md rules).

    TESTING=1 .venv/bin/python bench/bench_workdays.py [--samples 20000] [--repeats 5]

Measures, in one run on this machine:

- the engine through the public function `add_working_time` (cache check, agency look-up, the
  year tables), and through a `WorkingCalendar` held by the caller;
- the baseline: a naive day-by-day loop (`workdays.reference.NaiveCalendar`) on the same inputs;
- a floor: the least work any implementation does per call (convert the start to local time and
  build one aware datetime);
- `working_time_between`.

Every engine result is checked against the baseline's. Prints a table and writes
bench/results/workdays.json (machine, dataset, figures, ratios). Uses its own throwaway SQLite
database under var/bench-workdays/ (the shipped 2024–2026 calendars come from the migrations).
Goal (issue 3): ≥ 100,000 due-time computations per second in one process, N ≤ 60 days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / "var" / "bench-workdays"
RESULTS = ROOT / "bench" / "results" / "workdays.json"
GOAL_PER_SECOND = 100_000
SEED = 20260213


def setup_django() -> None:
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    WORK_DIR.mkdir(parents=True)
    os.environ.setdefault("TESTING", "1")
    os.environ["VAR_DIR"] = str(WORK_DIR)
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "chinhquyen.config.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # The production cache period (engine.py); tests use 0, which re-checks the database each call.
    settings.WORKDAYS_CACHE_SECONDS = 30


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


def dataset(count: int, tz: dt.tzinfo) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    first = dt.datetime(2024, 1, 1, tzinfo=tz)
    span_minutes = int((dt.datetime(2026, 10, 31, tzinfo=tz) - first).total_seconds() // 60)
    samples = []
    for _ in range(count):
        start = first + dt.timedelta(minutes=rng.randrange(span_minutes))
        if rng.random() < 0.75:
            amount = {"days": rng.randint(1, 60)}
        else:
            amount = {"hours": rng.randint(1, 16)}
        cutoff = dt.time(15) if rng.random() < 0.2 else None
        samples.append({"start": start, "cutoff": cutoff, **amount})
    return samples


def throughput(fn: Callable[[dict[str, Any]], object], samples: list[dict[str, Any]], repeats: int) -> tuple[float, list[float]]:
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for sample in samples:
            fn(sample)
        rates.append(len(samples) / (time.perf_counter() - t0))
    return statistics.median(rates), rates


def latencies(fn: Callable[[dict[str, Any]], object], samples: list[dict[str, Any]]) -> dict[str, float]:
    clock = time.perf_counter_ns
    times = []
    for sample in samples:
        t0 = clock()
        fn(sample)
        times.append(clock() - t0)
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] / 1000

    return {"p50_us": pct(0.50), "p95_us": pct(0.95), "p99_us": pct(0.99), "samples": len(times)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--baseline-samples", type=int, default=4_000, help="the naive loop is slow: fewer samples")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    setup_django()
    from chinhquyen.workdays import engine
    from chinhquyen.workdays.reference import NaiveCalendar

    calendar = engine.working_calendar()
    tz = calendar.tz
    kinds = {dt.date.fromordinal(o): k for year in range(2023, 2029) for o, k in calendar.data.kinds(year).items()}
    naive = NaiveCalendar(kinds, calendar.hours, tz)
    day_length = dt.timedelta(microseconds=calendar.hours.day_length)
    samples = dataset(args.samples, tz)
    baseline_samples = samples[: args.baseline_samples]

    def via_function(s: dict[str, Any]) -> object:
        return engine.add_working_time(s["start"], days=s.get("days"), hours=s.get("hours"), cutoff=s["cutoff"])

    def via_calendar(s: dict[str, Any]) -> object:
        return calendar.add(s["start"], days=s.get("days"), hours=s.get("hours"), cutoff=s["cutoff"])

    def via_naive(s: dict[str, Any]) -> object:
        amount = day_length * s["days"] if "days" in s else dt.timedelta(hours=s["hours"])
        return naive.add(s["start"], amount, cutoff=s["cutoff"])

    def floor(s: dict[str, Any]) -> object:
        local = s["start"].astimezone(tz)
        return dt.datetime.fromordinal(local.toordinal()).replace(tzinfo=tz) + dt.timedelta(microseconds=local.minute)

    ends = [via_calendar(s) for s in samples]

    def between(i: int) -> object:
        return engine.working_time_between(samples[i]["start"], ends[i])

    index_samples = [{"i": i} for i in range(len(samples))]

    # Correctness first: the engine and the naive loop agree on every baseline sample.
    mismatches = sum(via_function(s) != via_naive(s) for s in baseline_samples)

    for fn in (via_function, via_calendar, floor):  # warm-up: year tables built, caches hot
        for s in samples[:2000]:
            fn(s)

    results: dict[str, Any] = {}
    for name, fn, data in (
        ("engine: add_working_time()", via_function, samples),
        ("engine: WorkingCalendar.add()", via_calendar, samples),
        ("engine: working_time_between()", lambda s: between(s["i"]), index_samples),
        ("baseline: naive day-by-day loop", via_naive, baseline_samples),
        ("floor: convert + build one datetime", floor, samples),
    ):
        rate, rates = throughput(fn, data, args.repeats)
        results[name] = {"per_second": rate, "repeat_rates": rates, **latencies(fn, data)}

    engine_rate = results["engine: add_working_time()"]["per_second"]
    baseline_rate = results["baseline: naive day-by-day loop"]["per_second"]
    floor_rate = results["floor: convert + build one datetime"]["per_second"]
    ratios = {
        "engine_vs_naive": engine_rate / baseline_rate,
        "engine_vs_floor": engine_rate / floor_rate,
        "goal_per_second": GOAL_PER_SECOND,
        "goal_met": engine_rate >= GOAL_PER_SECOND,
    }
    report = {
        "benchmark": "workdays",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "dataset": {
            "seed": SEED,
            "samples": len(samples),
            "baseline_samples": len(baseline_samples),
            "starts": "uniform minutes 2024-01-01..2026-10-31 (Asia/Ho_Chi_Minh)",
            "amounts": "75% 1–60 working days, 25% 1–16 working hours; 20% with a 15:00 cutoff",
            "calendar": "shipped 2024–2026 (confirmed), default hours Mon–Fri 07:30–11:30, 13:00–17:00",
        },
        "repeats": args.repeats,
        "mismatches_vs_naive": mismatches,
        "figures": results,
        "ratios": ratios,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    m = report["machine"]
    print(f"machine: {m['nproc']} × {m['cpu_model']}, Python {m['python']}")
    print(f"{'workload':<36} {'per second':>12} {'p50 µs':>8} {'p95 µs':>8} {'p99 µs':>8} {'n':>7}")
    for name, r in results.items():
        print(f"{name:<36} {r['per_second']:>12,.0f} {r['p50_us']:>8.1f} {r['p95_us']:>8.1f} {r['p99_us']:>8.1f} {r['samples']:>7}")
    print(f"engine / naive loop: {ratios['engine_vs_naive']:.1f}×   engine / floor: {ratios['engine_vs_floor']:.2f}")
    print(f"goal ≥ {GOAL_PER_SECOND:,}/s: {'met' if ratios['goal_met'] else 'NOT met'}; mismatches vs naive: {mismatches}")
    print(f"written: {RESULTS.relative_to(ROOT)}")
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
