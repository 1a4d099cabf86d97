"""`chinhquyen dossiers_remind`: mark the dossiers whose apology (form 04) is due soon, once each.

Run it from cron (or a systemd timer) every hour during working hours; the officers' queues and
the dossier pages show the prompt (Decree 61/2018 art. 19.9; ADR 0010).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.dossiers.services import raise_apology_prompts


class Command(BaseCommand):
    help = "Prompt, once per dossier, the apology and new appointment of dossiers that may be late."

    def handle(self, *args: Any, **options: Any) -> None:
        prompted = raise_apology_prompts()
        self.stdout.write(f"{len(prompted)} hồ sơ cần gửi văn bản xin lỗi / dossiers prompted for an apology.")
