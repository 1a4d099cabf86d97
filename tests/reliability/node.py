"""One process of a deployment in the reliability suite: `worker` or `enqueue`.

    python tests/reliability/node.py worker               the delivery worker with the test handlers
    python tests/reliability/node.py enqueue --count N    the workload: N packages from A to B

Run with DATABASE_URL pointing at the deployment's own database (the harness sets it).
The test handler records each registration in `reliability_registration` (no unique key, so a
duplicate would show) inside the inbox transaction, and answers 03 at once; the status handler
records every status received in `reliability_status`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")

SENDER = "000.00.01.H99"
RECEIVER = "000.00.02.H99"
NOTATION = "REL-TEST"


def _worker(seconds: float) -> None:
    from django.db import connection

    from chinhquyen.exchange import registry, services
    from chinhquyen.exchange.delivery import run_worker

    def on_document(document: registry.InboundDocument) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reliability_registration (document_id, inbound_id, business_type, pid) VALUES (%s, %s, %s, %s)",
                [document.document_id, document.inbound_id, document.business_type, os.getpid()],
            )
        if document.business_type == "new":
            services.report_status(inbound=document.inbound_id, code="03")

    def on_status(status: registry.InboundStatus) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reliability_status (document_id, from_code, status_code, applied, inbound_id) VALUES (%s, %s, %s, %s, %s)",
                [status.document_id, status.from_code, status.status_code, 1 if status.applied else 0, status.inbound_id],
            )

    registry.register_inbound_handler(on_document)
    registry.register_status_handler(on_status)
    stats = run_worker(max_seconds=seconds)
    print(
        f"worker {os.getpid()}: {stats.passes} passes, sent {stats.sent}, fetched {stats.fetched}, errors {len(stats.errors)}", flush=True
    )


def _enqueue(start: int, count: int, rate: float, duplicate_of: int | None, recall_first: int | None) -> None:
    from django.db import transaction

    from chinhquyen.exchange import services
    from chinhquyen.exchange.testing import sample_package

    def package(number: int):  # type: ignore[no-untyped-def]
        return sample_package(sender=SENDER, recipients=[RECEIVER], number=str(number), notation=NOTATION)

    if recall_first is not None:
        # A status before its document: the recall request of a package queued later.
        target = package(recall_first)
        services.request_recall(
            document_id=target.effective_document_id, sender=target.sender, recipients=[RECEIVER], code=f"{recall_first}/{NOTATION}"
        )
    pause = 1.0 / rate if rate > 0 else 0.0
    for number in range(start, start + count):
        with transaction.atomic():
            services.queue_package(package=package(number))
            if duplicate_of is not None and number == duplicate_of:
                services.queue_package(package=package(number))  # the same package sent twice
        if pause:
            time.sleep(pause)
    print(f"enqueued {count} packages from {start}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["worker", "enqueue"])
    parser.add_argument("--seconds", type=float, default=3600.0)
    parser.add_argument("--start", type=int, default=1)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--duplicate-of", type=int, default=None)
    parser.add_argument("--recall-first", type=int, default=None)
    args = parser.parse_args()
    import django

    django.setup()
    if args.action == "worker":
        _worker(args.seconds)
    else:
        _enqueue(args.start, args.count, args.rate, args.duplicate_of, args.recall_first)


if __name__ == "__main__":
    main()
