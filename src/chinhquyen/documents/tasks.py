"""Background work of the electronic office: reminders before and after a handling deadline.

`send_deadline_reminders` is a django-tasks task; `chinhquyen document_reminders` enqueues it
(run it from cron or a systemd timer every hour in working hours). Each assignment is reminded
once before its deadline (`AgencyRules.reminder_days_before` working days ahead) and once when it
has passed; a granted extension clears both marks (services.decide_extension).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from chinhquyen.documents import services
from chinhquyen.documents.models import Assignment, EventKind, IncomingStatus
from chinhquyen.organizations.models import Role
from chinhquyen.workdays import engine

OPEN = (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)


def remind(now: dt.datetime | None = None, *, batch: int = 500) -> dict[str, int]:
    """Send the due reminders; returns how many of each kind. Safe to run concurrently (rows are locked)."""
    now = now or timezone.now()
    counts = {"before": 0, "overdue": 0}
    rules_cache: dict[int, int] = {}
    candidates = (
        Assignment.objects.filter(active=True, done_at__isnull=True, due_at__isnull=False, document__status__in=OPEN)
        .filter(reminded_overdue_at__isnull=True)
        .select_related("document", "official")
        .order_by("due_at")
    )
    # One window for the whole run: anything due within the longest lead time of any agency.
    horizon = engine.add_working_time(now, days=5)
    for assignment in candidates.filter(due_at__lte=horizon)[:batch]:
        document = assignment.document
        days = rules_cache.setdefault(document.agency_id, services.rules_of(document.agency_id).reminder_days_before)
        assert assignment.due_at is not None
        overdue = assignment.due_at <= now
        if not overdue:
            if assignment.reminded_before_at is not None:
                continue
            if engine.working_time_between(now, assignment.due_at, agency=document.agency_id) > dt.timedelta(hours=8 * days):
                continue
        with transaction.atomic():
            locked = Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
            if locked is None or (locked.reminded_overdue_at if overdue else locked.reminded_before_at) is not None:
                continue
            people = [assignment.official] if assignment.official else []
            if assignment.unit_id:
                people += services._holders(document.agency_id, Role.UNIT_LEADER, unit_ids=[assignment.unit_id])
            if overdue:
                people += services._holders(document.agency_id, Role.LEADER) if assignment.role == "lead" else []
                text = _("Overdue since %(due)s: %(subject)s")
                locked.reminded_overdue_at = now
            else:
                text = _("Due on %(due)s: %(subject)s")
                locked.reminded_before_at = now
            locked.save(update_fields=["reminded_overdue_at", "reminded_before_at"])
            message = text % {"due": timezone.localtime(assignment.due_at).strftime("%d/%m/%Y %H:%M"), "subject": document.subject}
            services._notify(people, document, message, now)
            services._event(document, EventKind.REMINDED, None, now, message, data={"assignment": assignment.pk, "overdue": overdue})
            counts["overdue" if overdue else "before"] += 1
    return counts


@task()
def send_deadline_reminders() -> dict[str, int]:
    return remind()
