"""`chinhquyen reports_refresh [--year YYYY]`: recompute the province's figures into the cache.

Run it from cron (or a systemd timer) more often than `REPORTS_CACHE_SECONDS` — every 4 minutes
with the default 300 s — so that the province's page and the public page read figures already
computed: the cold computation (seconds at tier M, docs/performance.md) then happens here and not
while an official waits. The pages still say when their figures were computed (ADR 0028).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from chinhquyen.reports import selectors, views


class Command(BaseCommand):
    help = "Recompute the province's indicators into the cache (the province's page and the public page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="the year (default: this year)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or timezone.localdate().year
        timings = selectors.refresh_province(year, table_codes=views.TABLE_CODES, rank_code=views.DEFAULT_RANK)
        self.stdout.write(f"{year}: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items()))
