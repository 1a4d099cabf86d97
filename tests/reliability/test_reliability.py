"""Nothing lost, nothing duplicated, through kill -9 of every process and a hub outage.

Short form here (`make test`): RELIABILITY_PACKAGES (default 300) packages, a kill every 4–8 s
(at least 6). `make soak`: 10,000 packages, a kill every 5–30 s. The result is printed and
written to $RELIABILITY_DIR/result.json.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.reliability.harness import Cluster, chaos

pytestmark = pytest.mark.reliability

PACKAGES = int(os.environ.get("RELIABILITY_PACKAGES", "300"))
KILL_EVERY = tuple(float(x) for x in os.environ.get("RELIABILITY_KILL_EVERY", "4-8").split("-"))
RATE = float(os.environ.get("RELIABILITY_RATE", "6"))
MIN_KILLS = int(os.environ.get("RELIABILITY_MIN_KILLS", "6"))
SEED = int(os.environ.get("RELIABILITY_SEED", "20261128"))


def test_every_package_is_registered_exactly_once_through_crashes():
    rng = random.Random(SEED)
    root = Path(os.environ.get("RELIABILITY_DIR") or tempfile.mkdtemp(prefix="chinhquyen-reliability-"))
    cluster = Cluster(root)
    try:
        cluster.setup()
        cluster.start_all()
        duplicate_of = 5
        recall_first = PACKAGES // 2
        workload = cluster.enqueue(start=1, count=PACKAGES, rate=RATE, duplicate_of=duplicate_of, recall_first=recall_first)
        enqueue_seconds = PACKAGES / RATE
        chaos(cluster, until=time.monotonic() + enqueue_seconds, every=KILL_EVERY, rng=rng, min_kills=MIN_KILLS)
        deadline = time.monotonic() + enqueue_seconds + 120
        while workload.alive() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not workload.alive(), "the workload did not finish"
        assert workload.popen is not None and workload.popen.returncode == 0, (root / "workload.log").read_text()[-2000:]
        # Everyone is back: everything pending must arrive within a minute.
        for name in ("hub", "sender", "receiver"):
            if not cluster.procs[name].alive():
                cluster.procs[name].start()
        cluster.wait_for_hub()
        back = time.monotonic()
        while not cluster.converged(PACKAGES) and time.monotonic() - back < 60:
            time.sleep(1)
        converged_after = time.monotonic() - back
        result = cluster.check()
        result.update({"converged_after_seconds": round(converged_after, 1), "progress": cluster.progress(), "root": str(root)})
        printable = {k: (sorted(v) if isinstance(v, set) else v) for k, v in result.items()}
        (root / "result.json").write_text(json.dumps(printable, indent=1, default=str))
        print(
            "\nreliability:",
            json.dumps(
                {
                    k: printable[k]
                    for k in ("packages", "kills", "kills_by_target", "converged_after_seconds", "dead_letters", "evidence_ok")
                }
            ),
        )
        print("lost:", len(result["lost"]), "duplicated:", len(result["duplicated"]))
        assert result["packages"] == PACKAGES
        assert result["lost"] == [] and result["duplicated"] == [] and result["unexpected"] == []
        assert result["not_03"] == [], "every recipient's final status is 03"
        assert result["backwards"] == [], "statuses only move forward"
        assert result["dead_letters"] == 0 and result["invalid_or_failed"] == 0
        target = f"000.00.01.H99,2026/03/02,{recall_first}/REL-TEST"
        assert target in result["recalled"] and result["waiting"] == 0, "the recall that came first was applied when its document arrived"
        assert result["evidence_ok"], result["evidence"]
        assert result["kills"] >= MIN_KILLS
        assert converged_after < 60, f"pending work took {converged_after:.0f}s after the peers came back"
    finally:
        cluster.stop()
    if not os.environ.get("RELIABILITY_DIR"):
        shutil.rmtree(root, ignore_errors=True)  # kept when the run failed (the assertions raise first)
