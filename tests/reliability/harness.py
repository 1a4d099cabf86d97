"""Two deployments and a hub, each in its own processes and database, on 127.0.0.1.

Every process is started in its own session so that kill -9 hits it and its children (the hub's
gunicorn workers), and `Cluster.stop()` kills whatever is still running, even after a failure.
All waits are bounded in time.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NODE = Path(__file__).with_name("node.py")
SENDER = "000.00.01.H99"
RECEIVER = "000.00.02.H99"
_RANK = {"01": 1, "02": 2, "03": 2, "04": 3, "05": 4, "06": 5}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "DATABASE_URL", "TESTING", "EXCHANGE_", "HUB_"))}
    env.update(
        {"SECRET_KEY": "reliability-suite-key", "DEBUG": "false", "PYTHONHASHSEED": "0", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
    )
    return env


@dataclass
class Proc:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        with self.log.open("ab") as log:
            log.write(f"\n--- start #{self.starts} at {time.time():.1f}\n".encode())
            self.popen = subprocess.Popen(self.argv, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        if self.popen is None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


@dataclass
class Cluster:
    root: Path
    hub_port: int = field(default_factory=free_port)
    procs: dict[str, Proc] = field(default_factory=dict)
    kills: list[tuple[float, str]] = field(default_factory=list)

    # --- setup -----------------------------------------------------------------------------
    def deployment_env(self, name: str, connector: str) -> dict[str, str]:
        env = _base_env()
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "chinhquyen.config.settings",
                "VAR_DIR": str(self.root / name),
                "DATABASE_URL": f"sqlite:///{self.root / name / 'db.sqlite3'}",
                "EXCHANGE_TRANSPORT": "hub",
                "EXCHANGE_HUB_URL": f"http://127.0.0.1:{self.hub_port}/hub/api/v1/",
                "EXCHANGE_HUB_CONNECTOR": connector,
                "EXCHANGE_HUB_SECRET": f"{connector}-secret-0123456789",
                "EXCHANGE_RETRY_BASE_SECONDS": "1",
                "EXCHANGE_RETRY_MAX_SECONDS": "4",
                "EXCHANGE_POLL_SECONDS": "1",
                "EXCHANGE_HTTP_TIMEOUT_SECONDS": "10",
            }
        )
        return env

    def hub_env(self) -> dict[str, str]:
        env = _base_env()
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "chinhquyen.config.hub_settings",
                "VAR_DIR": str(self.root / "hub"),
                "HUB_DATABASE_URL": f"sqlite:///{self.root / 'hub' / 'hub.sqlite3'}",
            }
        )
        return env

    def run(self, argv: list[str], env: dict[str, str], timeout: float = 180) -> str:
        done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, timeout=timeout, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout.decode()[-2000:]}\n{done.stderr.decode()[-4000:]}")
        return done.stdout.decode()

    def setup(self) -> None:
        for name in ("a", "b", "hub"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        py = sys.executable
        env_a = self.deployment_env("a", "dep-a")
        self.run([py, "-m", "chinhquyen.manage", "migrate", "--no-input", "-v0"], env_a)
        shutil.copy(self.root / "a" / "db.sqlite3", self.root / "b" / "db.sqlite3")
        for name in ("a", "b"):
            with sqlite3.connect(self.root / name / "db.sqlite3") as db:
                db.execute(
                    "CREATE TABLE reliability_registration (id INTEGER PRIMARY KEY, document_id TEXT, inbound_id INTEGER, business_type TEXT, pid INTEGER)"
                )
                db.execute(
                    "CREATE TABLE reliability_status (id INTEGER PRIMARY KEY, document_id TEXT, from_code TEXT, status_code TEXT, applied INTEGER, inbound_id INTEGER)"
                )
        hub_env = self.hub_env()
        self.run([py, "-m", "chinhquyen.manage", "migrate", "--no-input", "-v0"], hub_env)
        for connector in ("dep-a", "dep-b"):
            self.run(
                [py, "-m", "chinhquyen.manage", "hub", "connector", "add", connector, "--secret", f"{connector}-secret-0123456789"], hub_env
            )
        directory = self.root / "hub" / "directory.json"
        directory.write_text(
            json.dumps([{"code": SENDER, "name": "Sở A", "connector": "dep-a"}, {"code": RECEIVER, "name": "Sở B", "connector": "dep-b"}]),
            encoding="utf-8",
        )
        self.run([py, "-m", "chinhquyen.manage", "hub", "agencies", "import", str(directory)], hub_env)
        self.procs["hub"] = Proc(
            "hub",
            [py, "-m", "chinhquyen.manage", "hub", "serve", "--port", str(self.hub_port), "--workers", "2", "--no-migrate"],
            hub_env,
            self.root / "hub.log",
        )
        self.procs["sender"] = Proc("sender", [py, str(NODE), "worker"], self.deployment_env("a", "dep-a"), self.root / "sender.log")
        self.procs["receiver"] = Proc("receiver", [py, str(NODE), "worker"], self.deployment_env("b", "dep-b"), self.root / "receiver.log")

    # --- processes ---------------------------------------------------------------------------
    def wait_for_hub(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.hub_port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if not self.procs["hub"].alive():
                raise RuntimeError("the hub exited:\n" + (self.root / "hub.log").read_text()[-3000:])
            time.sleep(0.2)
        raise TimeoutError("the hub did not come up")

    def start_all(self) -> None:
        self.procs["hub"].start()
        self.wait_for_hub()
        self.procs["sender"].start()
        self.procs["receiver"].start()

    def enqueue(self, *, start: int, count: int, rate: float, duplicate_of: int | None = None, recall_first: int | None = None) -> Proc:
        argv = [sys.executable, str(NODE), "enqueue", "--start", str(start), "--count", str(count), "--rate", str(rate)]
        if duplicate_of is not None:
            argv += ["--duplicate-of", str(duplicate_of)]
        if recall_first is not None:
            argv += ["--recall-first", str(recall_first)]
        proc = Proc("workload", argv, self.deployment_env("a", "dep-a"), self.root / "workload.log")
        self.procs["workload"] = proc
        proc.start()
        return proc

    def kill_and_restart(self, name: str, down_seconds: float) -> None:
        proc = self.procs[name]
        proc.kill()
        self.kills.append((time.time(), name))
        time.sleep(down_seconds)
        proc.start()
        if name == "hub":
            self.wait_for_hub()

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.kill()

    # --- the checker -------------------------------------------------------------------------
    def db(self, name: str) -> sqlite3.Connection:
        connection = sqlite3.connect(f"file:{self.root / name / 'db.sqlite3'}?mode=ro", uri=True, timeout=30)
        return connection

    def progress(self) -> dict[str, int]:
        with self.db("a") as a, self.db("b") as b:
            return {
                "a_pending": a.execute("SELECT COUNT(*) FROM exchange_outbox WHERE state != 'sent'").fetchone()[0],
                "b_pending": b.execute("SELECT COUNT(*) FROM exchange_outbox WHERE state != 'sent'").fetchone()[0],
                "registered": b.execute("SELECT COUNT(DISTINCT document_id) FROM reliability_registration").fetchone()[0],
                "statuses_03": a.execute("SELECT COUNT(*) FROM exchange_recipientstatus WHERE status_code = '03'").fetchone()[0],
                "documents": a.execute("SELECT COUNT(DISTINCT document_id) FROM exchange_outbox WHERE kind = 'package'").fetchone()[0],
            }

    def converged(self, expected: int) -> bool:
        p = self.progress()
        return (
            p["documents"] == expected
            and p["registered"] == expected
            and p["statuses_03"] == expected
            and not p["a_pending"]
            and not p["b_pending"]
        )

    def check(self) -> dict[str, object]:
        with self.db("a") as a, self.db("b") as b:
            committed = {row[0] for row in a.execute("SELECT document_id FROM exchange_outbox WHERE kind = 'package'")}
            counts = dict(b.execute("SELECT document_id, COUNT(*) FROM reliability_registration GROUP BY document_id").fetchall())
            dead = (
                a.execute("SELECT COUNT(*) FROM exchange_outbox WHERE state = 'dead'").fetchone()[0]
                + b.execute("SELECT COUNT(*) FROM exchange_outbox WHERE state = 'dead'").fetchone()[0]
            )
            backwards = []
            history: dict[str, list[str]] = {}
            for document_id, code in a.execute("SELECT document_id, status_code FROM reliability_status WHERE applied = 1 ORDER BY id"):
                history.setdefault(document_id, []).append(code)
            for document_id, codes in history.items():
                ranks = [_RANK.get(c, 0) for c in codes if c in _RANK]
                if any(later <= earlier for earlier, later in itertools.pairwise(ranks)):
                    backwards.append((document_id, codes))
            final = dict(a.execute("SELECT document_id, status_code FROM exchange_recipientstatus").fetchall())
            recalled = {
                row[0] for row in b.execute("SELECT document_id FROM exchange_inbox WHERE kind = 'package' AND recall_status = '13'")
            }
            waiting = b.execute("SELECT COUNT(*) FROM exchange_inbox WHERE state = 'waiting'").fetchone()[0]
            invalid = b.execute("SELECT COUNT(*) FROM exchange_inbox WHERE state IN ('invalid', 'failed')").fetchone()[0]
        verify = subprocess.run(
            [sys.executable, "-m", "chinhquyen.manage", "hub", "verify-log"],
            cwd=REPO,
            env=self.hub_env(),
            capture_output=True,
            timeout=300,
            check=False,
        )
        return {
            "packages": len(committed),
            "lost": sorted(committed - set(counts)),
            "duplicated": sorted(d for d, n in counts.items() if n > 1),
            "unexpected": sorted(set(counts) - committed),
            "not_03": sorted(d for d in committed if final.get(d) != "03"),
            "backwards": backwards,
            "dead_letters": dead,
            "recalled": recalled,
            "waiting": waiting,
            "invalid_or_failed": invalid,
            "evidence_ok": verify.returncode == 0,
            "evidence": (verify.stdout + verify.stderr).decode().strip()[-300:],
            "kills": len(self.kills),
            "kills_by_target": {name: sum(1 for _t, n in self.kills if n == name) for name in ("sender", "hub", "receiver")},
        }


def chaos(
    cluster: Cluster, *, until: float, every: tuple[float, float], rng: random.Random, min_kills: int, long_hub_outage: float = 8.0
) -> None:
    """Kill -9 a random process every `every` seconds (one long hub outage among them) until
    `until` (a monotonic time) and at least `min_kills` kills."""
    targets = ["sender", "hub", "receiver"]
    outage_done = False
    while time.monotonic() < until or len(cluster.kills) < min_kills:
        time.sleep(rng.uniform(*every))
        target = targets[len(cluster.kills) % 3] if len(cluster.kills) < 3 else rng.choice(targets)
        down = rng.uniform(0.3, 2.0)
        if target == "hub" and not outage_done and len(cluster.kills) >= 3:
            down, outage_done = long_hub_outage, True
        cluster.kill_and_restart(target, down)
