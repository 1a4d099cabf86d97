"""`chinhquyen document_reminders [--now]`: queue (or run at once) the deadline reminders."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chinhquyen.documents.tasks import remind, send_deadline_reminders


class Command(BaseCommand):
    help = "Queue the reminders before and after handling deadlines (or run them now with --now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run in this process instead of queueing the task.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            counts = remind()
            self.stdout.write(f"Nhắc trước hạn / before: {counts['before']}; quá hạn / overdue: {counts['overdue']}")
            return
        result = send_deadline_reminders.enqueue()
        self.stdout.write(f"Đã xếp hàng / queued: {result.id}")
