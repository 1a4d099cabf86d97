"""Background tasks of core. A task loads what it needs by id and calls one function.

Tasks are enqueued with django-tasks-db inside the transaction of the change that causes them
(the outbox pattern, DESIGN.md): a change that rolls back leaves no task behind, and a change
that commits always has its task, which the worker (`chinhquyen db_worker`) runs.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one e-mail through the configured EMAIL_URL; retried by re-enqueueing on failure."""
    return send_mail(subject, body, None, to, fail_silently=False)


def queue_email(*, to: list[str], subject: str, body: str) -> str:
    """Queue an e-mail in the current transaction; returns the task id."""
    return send_email.enqueue(to=to, subject=subject, body=body).id
