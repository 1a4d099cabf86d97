"""`chinhquyen load_demo_procedures`: the sample procedure catalogue (idempotent; procedures/demo.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.procedures.demo import load_demo_procedures


class Command(BaseCommand):
    help = "Load the sample procedures (sample data, not the national catalogue). Running it again changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_demo_procedures()
        self.stdout.write(
            f"Thủ tục mẫu / sample procedures: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
        )
