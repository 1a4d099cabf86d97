"""`chinhquyen audit verify`: recompute the audit chain and name the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` recomputes the SHA-256 chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(f"Audit chain broken at {result.first_break} ({result.checked} events read)")
        self.stdout.write(f"Audit chain intact: {result.checked} events verified.")
