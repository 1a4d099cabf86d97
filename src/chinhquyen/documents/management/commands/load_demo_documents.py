"""`chinhquyen load_demo_documents`: a year of documents in the demo agencies (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.documents.demo import load_demo_documents


class Command(BaseCommand):
    help = "Add a year of demo documents to the demo agencies (run load_demo first). Running it again changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo_documents()
        if not result.changed:
            self.stdout.write("Văn bản demo đã có sẵn (hoặc chưa có cơ quan demo). / Demo documents already loaded (or no demo agencies).")
            return
        counts = ", ".join(f"{k}: {v}" for k, v in result.created.items())
        self.stdout.write(self.style.SUCCESS(f"Đã nạp văn bản demo / demo documents loaded ({counts})."))
