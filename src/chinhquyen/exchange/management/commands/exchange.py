"""`chinhquyen exchange …`: the delivery worker and the directory.

chinhquyen exchange worker [--once] [--max-seconds N]   send the outbox and fetch the inbox, in a loop
chinhquyen exchange deliver                             (the same as `worker`)
chinhquyen exchange push-directory [--on DATE]          send this deployment's agencies to the hub,
                                                        each received by this deployment's connector
chinhquyen exchange export-directory OUT.json           the same list as a file for `hub agencies import`
chinhquyen exchange summary                             counts of the outbox and the inbox
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from chinhquyen.exchange.delivery import run_worker
from chinhquyen.exchange.models import Inbox, Outbox
from chinhquyen.exchange.transports import AgencyEntry, TransportError, get_transport
from chinhquyen.exchange.transports.hub import HubTransport


def directory(on: dt.date) -> list[AgencyEntry]:
    """This deployment's agencies in force on `on`, for the hub's directory."""
    from chinhquyen.organizations.models import Agency

    agencies = Agency.objects.valid_on(on).select_related("parent").order_by("code")
    return [
        AgencyEntry(code=a.code, name=a.name, parent_code=a.parent.code if a.parent else "", connector=settings.EXCHANGE_HUB_CONNECTOR)
        for a in agencies
    ]


class Command(BaseCommand):
    help = "Document exchange: the delivery worker and the hub directory (issue 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("worker", "deliver"):
            w = sub.add_parser(name, help="Send what is due and fetch what waits, in a loop.")
            w.add_argument("--once", action="store_true", help="one pass, then stop")
            w.add_argument("--max-seconds", type=float, default=None, help="stop after this long")
        p = sub.add_parser("push-directory", help="Send the agencies of this deployment to the hub.")
        p.add_argument("--on", type=dt.date.fromisoformat, default=None)
        e = sub.add_parser("export-directory", help="Write the agencies as JSON for `hub agencies import`.")
        e.add_argument("out")
        e.add_argument("--on", type=dt.date.fromisoformat, default=None)
        sub.add_parser("summary", help="Counts of the outbox and inbox by state.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action in {"worker", "deliver"}:
            stats = run_worker(once=options["once"], max_seconds=options["max_seconds"])
            self.stdout.write(f"passes {stats.passes}, sent {stats.sent}, fetched {stats.fetched}, errors {len(stats.errors)}")
        elif action == "push-directory":
            entries = directory(options["on"] or timezone.localdate())
            transport = get_transport("hub")
            assert isinstance(transport, HubTransport)
            try:
                result = transport.push_agencies(entries)
            except TransportError as exc:
                raise CommandError(f"{exc.code}: {exc}") from None
            self.stdout.write(f"{len(entries)} agencies sent: {result}")
        elif action == "export-directory":
            entries = directory(options["on"] or timezone.localdate())
            Path(options["out"]).write_text(
                json.dumps([e.__dict__ for e in entries], ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
            self.stdout.write(f"{len(entries)} agencies written to {options['out']}")
        else:
            for model in (Outbox, Inbox):
                counts = dict(model.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
                self.stdout.write(f"{model.__name__.lower()}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
