"""Background jobs: a task exists only if the transaction that enqueued it commits."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from chinhquyen.core.tasks import queue_email


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_rolled_back_transaction_disappears():
    with pytest.raises(Boom), transaction.atomic():
        queue_email(to=["a@example.test"], subject="Văn bản đến", body="…")
        assert DBTaskResult.objects.count() == 1
        raise Boom
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_task_is_run_by_the_worker(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with transaction.atomic():
        task_id = queue_email(to=["lanhdao@example.test"], subject="Văn bản hỏa tốc", body="Số: 15/QĐ-UBND")
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    assert DBTaskResult.objects.get(id=task_id).status == "SUCCESSFUL"
    assert [m.subject for m in mail.outbox] == ["Văn bản hỏa tốc"]
