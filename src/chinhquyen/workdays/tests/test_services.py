"""Importing, exporting, proposing, confirming and editing years; refusals leave the year unchanged."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import AuditEvent
from chinhquyen.workdays import services
from chinhquyen.workdays.engine import is_working_day, year_status
from chinhquyen.workdays.models import CalendarYear


def _file(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "year": 2026,
        "reference": "TB thử nghiệm",
        "days": [
            {"date": "2026-01-01", "kind": "holiday", "name": "Tết Dương lịch"},
            {"date": "2026-03-09", "kind": "holiday", "name": "Ngày thử"},
        ],
    }
    data.update(changes)
    return data


def _day(date: str, kind: str = "holiday", name: str = "Ngày thử") -> dict[str, str]:
    return {"date": date, "kind": kind, "name": name}


BAD_FILES = [
    pytest.param(json.dumps(_file(days=[_day("2026-03-09", kind="festival")])), "workdays.kind_unknown", "festival", id="unknown kind"),
    pytest.param(json.dumps(_file(days=[_day("2027-01-01")])), "workdays.date_outside_year", "2027-01-01", id="date outside the year"),
    pytest.param(
        json.dumps(_file(days=[_day("2026-03-09"), _day("2026-03-09")])), "workdays.date_duplicate", "2026-03-09", id="same day twice"
    ),
    pytest.param(json.dumps(_file(days=[_day("2026-02-30")])), "workdays.date_invalid", "2026-02-30", id="no such date"),
    pytest.param('{"year": 2026, "days": [', "workdays.file_malformed", "JSON", id="not JSON"),
    pytest.param(json.dumps({"year": 2026}), "workdays.file_malformed", "days", id="no days"),
    pytest.param(json.dumps([1, 2]), "workdays.file_malformed", "object", id="not an object"),
    pytest.param(
        json.dumps(_file(days=[{"date": "2026-03-09", "kind": "holiday"}])), "workdays.file_malformed", "name", id="day without a name"
    ),
    pytest.param(json.dumps(_file(year="2026")), "workdays.file_malformed", "year", id="year as text"),
    pytest.param(json.dumps(_file(year=1800)), "workdays.year_out_of_range", "1800", id="year out of range"),
    pytest.param(json.dumps(_file(extra=1)), "workdays.file_malformed", "extra", id="unknown key"),
    pytest.param(
        json.dumps(_file(days=[_day("2026-03-09", kind="swap_workday")])),
        "workdays.swap_not_weekend",
        "09/03/2026",
        id="swap workday on Monday",
    ),
    pytest.param(
        json.dumps(_file(days=[_day("2026-03-07", kind="swap_restday")])),
        "workdays.swap_not_weekday",
        "07/03/2026",
        id="swap restday on Saturday",
    ),
]


@pytest.mark.parametrize(("raw", "code", "mentioned"), BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_the_year_is_left_unchanged(raw: str, code: str, mentioned: str) -> None:
    before = services.export_year(year=2026)
    revision = CalendarYear.objects.get(year=2026).revision
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.import_year(data=raw)
    assert refused.value.code == code
    assert mentioned in refused.value.message
    assert services.export_year(year=2026) == before
    assert CalendarYear.objects.get(year=2026).revision == revision
    assert AuditEvent.objects.count() == events
    assert not is_working_day(dt.date(2026, 2, 17))


def test_import_replaces_the_whole_year_and_records_an_audit_event() -> None:
    services.import_year(data=json.dumps(_file()))
    assert is_working_day(dt.date(2026, 2, 17))  # Tết is no longer in the (test) file
    assert not is_working_day(dt.date(2026, 3, 9))
    assert not year_status(2026).confirmed
    event = AuditEvent.objects.filter(action="workdays.year_imported").latest("sequence")
    assert event.summary["year"] == 2026 and event.summary["days"] == 2


def test_export_then_import_gives_the_same_year() -> None:
    exported = services.export_year(year=2026)
    services.import_year(data=json.dumps(exported, ensure_ascii=False).encode())
    assert services.export_year(year=2026) == exported
    assert exported["confirmed"] is True and len(exported["days"]) == 17


def test_the_shipped_files_are_valid_and_name_their_notices() -> None:
    files = services.shipped_calendars()
    assert [f.year for f in files] == [2024, 2025, 2026]
    assert all(f.confirmed and f.notices and f.reference for f in files)


def test_propose_stores_an_unconfirmed_year_and_confirm_confirms_it(cast) -> None:  # type: ignore[no-untyped-def]
    services.propose_year(year=2027, actor=cast.leader_a)
    status = year_status(2027)
    assert status.source == "proposal" and not status.confirmed
    row = services.confirm_year(year=2027, actor=cast.leader_a)
    assert row.confirmed and row.confirmed_by == cast.leader_a and year_status(2027).confirmed
    assert AuditEvent.objects.filter(action="workdays.year_confirmed", object_id="2027").exists()


def test_a_confirmed_year_is_not_overwritten_by_a_proposal() -> None:
    before = services.export_year(year=2026)
    with pytest.raises(DomainError) as refused:
        services.propose_year(year=2026)
    assert refused.value.code == "workdays.year_confirmed"
    assert services.export_year(year=2026) == before


def test_confirming_a_year_that_is_not_stored_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        services.confirm_year(year=2031)
    assert refused.value.code == "workdays.year_missing"


def test_setting_a_day_changes_deadlines_at_once_and_is_audited() -> None:
    assert is_working_day(dt.date(2026, 3, 9))
    services.set_day_kind(day=dt.date(2026, 3, 9), kind="holiday", name="Ngày thử", legal_reference="QĐ thử")
    assert not is_working_day(dt.date(2026, 3, 9))
    services.set_day_kind(day=dt.date(2026, 3, 9), kind=None)
    assert is_working_day(dt.date(2026, 3, 9))
    assert AuditEvent.objects.filter(action="workdays.day_changed").count() == 2


def test_setting_a_day_of_a_year_not_stored_keeps_the_rest_of_the_proposal() -> None:
    services.set_day_kind(day=dt.date(2028, 3, 6), kind="holiday", name="Ngày thử")
    assert not is_working_day(dt.date(2028, 3, 6))
    assert not is_working_day(dt.date(2028, 1, 3))  # the proposal's compensation for Saturday 1/1/2028
    assert year_status(2028).source == "proposal"


def test_setting_an_unknown_kind_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        services.set_day_kind(day=dt.date(2026, 3, 9), kind="festival")
    assert refused.value.code == "workdays.kind_unknown"
    assert is_working_day(dt.date(2026, 3, 9))
