"""`core.rows`, the plain statements on the exchange's hot path, on the exchange's own models: a key
the database gives and one the row brings, a unique constraint, `auto_now` (both engines)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chinhquyen.core.rows import insert_ignoring, insert_row, update_row
from chinhquyen.exchange.models import Inbox, InboxPayload, InboxState, Outbox, RecipientStatus

pytestmark = pytest.mark.django_db


def _inbox(**fields: object) -> Inbox:
    values: dict[str, object] = {
        "transport": "hub",
        "remote_id": "r-1",
        "kind": "package",
        "recipient_code": "000.00.02.H99",
        "sender_code": "000.00.01.H99",
        "document_id": "000.00.01.H99,2026/03/05,15/QĐ-UBND",
        "business_type": "new",
        "sha256": "a" * 64,
        "metadata": {"subject": "Về việc thử", "attachments": [{"size": 3}]},
        "state": InboxState.RECEIVED,
    }
    values.update(fields)
    return Inbox(**values)


def test_insert_row_writes_what_create_would():
    before = timezone.now()
    row = insert_row(_inbox())
    assert row.pk is not None and not row._state.adding
    stored = Inbox.objects.get(pk=row.pk)
    assert stored.metadata == {"subject": "Về việc thử", "attachments": [{"size": 3}]}  # JSON, Vietnamese kept
    assert stored.document_id == "000.00.01.H99,2026/03/05,15/QĐ-UBND"
    assert stored.received_at >= before  # auto_now_add
    assert stored.reported_status == ""  # the field's default


def test_insert_row_takes_a_key_the_row_brings():
    row = insert_row(_inbox())
    payload = insert_row(InboxPayload(inbox=row, data=b"\x00edXML\xff"))
    assert payload.pk == row.pk
    assert bytes(InboxPayload.objects.get(pk=row.pk).data) == b"\x00edXML\xff"
    with pytest.raises(ValueError, match="new rows only"):
        insert_row(Inbox.objects.get(pk=row.pk))  # a database-given key already set


def test_insert_ignoring_keeps_the_row_already_there():
    first = RecipientStatus(document_id="d-1", recipient_code="000.00.02.H99", status_code="03")
    assert insert_ignoring(first, ["document_id", "recipient_code"]) and first.pk is not None
    again = RecipientStatus(document_id="d-1", recipient_code="000.00.02.H99")
    assert not insert_ignoring(again, ["document_id", "recipient_code"]) and again.pk is None
    assert list(RecipientStatus.objects.values_list("status_code", flat=True)) == ["03"]
    other = RecipientStatus(document_id="d-1", recipient_code="000.00.03.H99")
    assert insert_ignoring(other, ["document_id", "recipient_code"])
    assert RecipientStatus.objects.count() == 2


def test_update_row_writes_only_the_named_fields():
    row = insert_row(_inbox())
    row.state, row.error = InboxState.FAILED, "handler: lỗi"
    row.document_id = "changed in memory only"
    assert update_row(row, ["state", "error"]) == 1
    stored = Inbox.objects.get(pk=row.pk)
    assert (stored.state, stored.error) == (InboxState.FAILED, "handler: lỗi")
    assert stored.document_id == "000.00.01.H99,2026/03/05,15/QĐ-UBND"
    gone = Inbox(pk=row.pk + 1000, state=InboxState.RECEIVED)
    assert update_row(gone, ["state"]) == 0


def test_update_row_sets_auto_now_and_json_fields():
    status = RecipientStatus(document_id="d-2", recipient_code="000.00.02.H99")
    insert_ignoring(status, ["document_id", "recipient_code"])
    RecipientStatus.objects.filter(pk=status.pk).update(updated_at=timezone.now() - dt.timedelta(days=1))
    status.status_code = "05"
    update_row(status, ["status_code", "updated_at"])
    stored = RecipientStatus.objects.get(pk=status.pk)
    assert stored.status_code == "05" and stored.updated_at > timezone.now() - dt.timedelta(minutes=5)
    out = Outbox(
        kind="status",
        transport="hub",
        sender_code="a",
        recipient_codes=["b"],
        document_id="d",
        sha256="0" * 64,
        size=1,
        next_attempt_at=timezone.now(),
    )
    insert_row(out)
    out.remote_ids = ["x-1", "x-2"]
    update_row(out, ["remote_ids"])
    assert Outbox.objects.get(pk=out.pk).remote_ids == ["x-1", "x-2"]
