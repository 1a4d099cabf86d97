"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from chinhquyen.organizations.testing import Cast, make_cast

#: `media` (MEDIA_ROOT of the test's own) and `local_scanner` (a clamd of ours) for the upload tests.
pytest_plugins = ["chinhquyen.core.testing_uploads"]


@pytest.fixture
def cast(db: None) -> Cast:
    """The shared personas (STYLE.md): clerk/leader/specialist of A, clerk of B, counter officer, citizen."""
    return make_cast()


@pytest.fixture(autouse=True)
def _audit_guards(request: pytest.FixtureRequest) -> object:
    """Keep the audit table's append-only triggers in place during each database test.

    SQLite's flush (the teardown of transactional tests) empties tables with DELETE, which the
    trigger refuses; PostgreSQL's uses TRUNCATE, which row triggers do not see. So on SQLite the
    triggers are lifted for the flush only and put back before the next test.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    transactional = bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    from chinhquyen.core import dbguards

    if connection.vendor == "sqlite":
        dbguards.set_guards(connection, enabled=True)
    _restore_migration_data()
    yield
    if transactional and connection.vendor == "sqlite":
        dbguards.set_guards(connection, enabled=False)


def _restore_migration_data() -> None:
    """Put back what data migrations load (the shipped working calendars) after a transactional
    test's flush emptied the tables; every test sees the database as `migrate` leaves it."""
    from chinhquyen.workdays import engine, services
    from chinhquyen.workdays.models import CalendarYear

    if not CalendarYear.objects.exists():
        services.load_shipped_calendars()
        engine.invalidate_cache()
