"""`chinhquyen load_demo`: load the demo province (idempotent; docs/demo.md)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from chinhquyen.organizations.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo province (Hòa Bình → Phú Thọ) and its demo officials. Running it again changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        call_command("load_demo_procedures", stdout=self.stdout)  # the sample catalogue (procedures app, issue 8)
        call_command("load_demo_documents", stdout=self.stdout)  # a year of documents (documents app, issue 4)
        if not result.changed:
            self.stdout.write("Dữ liệu demo đã có sẵn, không thay đổi gì. / The demo province is already loaded: nothing changed.")
            return
        counts = ", ".join(f"{what}: {count}" for what, count in result.created.items())
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu demo / demo province loaded ({counts})."))
