"""The audit chain: written with each change, verified, and every kind of tampering caught."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from chinhquyen.core.audit import record_event, verify_chain
from chinhquyen.core.models import AuditChainHead, AuditEvent


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            record_event(action="test.event", object_type="thing", object_id=i, summary={"after": {"value": i, "tên": "Hòa Bình"}})


def _tamper(sql: str, params: list | None = None) -> None:
    """Change the table behind the application's back, as a database owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
        else:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])


def _verify_command() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_untouched_chain_verifies():
    _write(5)
    result = verify_chain()
    assert result.ok and result.checked == 5
    assert "5 events verified" in _verify_command()


@pytest.mark.django_db
def test_events_are_linked_by_sha256():
    _write(3)
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[1].previous_hash == events[0].hash and events[2].previous_hash == events[1].hash
    assert AuditChainHead.objects.get().last_hash == events[2].hash


@pytest.mark.django_db(transaction=True)
def test_record_event_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        record_event(action="test.event")


@pytest.mark.django_db
def test_the_database_refuses_updates_and_deletes_of_audit_rows():
    _write(1)
    for statement in ("UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


@pytest.mark.django_db
def test_verify_catches_a_modified_row():
    _write(5)
    _tamper("UPDATE core_auditevent SET summary = %s WHERE sequence = 3", ['{"after": {"value": 999}}'])
    result = verify_chain()
    assert not result.ok and result.first_break.sequence == 3
    with pytest.raises(CommandError, match="#3"):
        _verify_command()


@pytest.mark.django_db
def test_verify_catches_a_deleted_row():
    _write(5)
    _tamper("DELETE FROM core_auditevent WHERE sequence = 2")
    result = verify_chain()
    assert not result.ok and result.first_break.sequence == 3


@pytest.mark.django_db
def test_verify_catches_a_deleted_tail():
    _write(5)
    _tamper("DELETE FROM core_auditevent WHERE sequence = 5")
    result = verify_chain()
    assert not result.ok and result.first_break.sequence is None
    assert "head" in str(result.first_break)


@pytest.mark.django_db
def test_verify_catches_an_inserted_row():
    _write(4)
    third = AuditEvent.objects.get(sequence=3)
    # A forged row pushed in as #3, with the old #3 and #4 renumbered: the links no longer hold.
    _tamper("UPDATE core_auditevent SET sequence = sequence + 100 WHERE sequence >= 3")
    _tamper("UPDATE core_auditevent SET sequence = sequence - 99 WHERE sequence >= 103")
    AuditEvent.objects.create(
        sequence=3, occurred_at=third.occurred_at, action="forged", previous_hash=AuditEvent.objects.get(sequence=2).hash, hash="f" * 64
    )
    result = verify_chain()
    assert not result.ok
    assert result.first_break.sequence in {3, 4}


@pytest.mark.django_db
def test_verify_catches_reordered_rows():
    _write(4)
    _tamper("UPDATE core_auditevent SET sequence = -1 WHERE sequence = 2")
    _tamper("UPDATE core_auditevent SET sequence = 2 WHERE sequence = 3")
    _tamper("UPDATE core_auditevent SET sequence = 3 WHERE sequence = -1")
    result = verify_chain()
    assert not result.ok and result.first_break.sequence in {2, 3}
