"""`chinhquyen workdays …` (output in the default language, Vietnamese)."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chinhquyen.workdays.engine import year_status
from chinhquyen.workdays.services import export_year


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_prints_the_due_time_in_iso_8601_with_the_offset() -> None:
    assert run("add", "--from", "2026-02-13T10:00", "--days", "1")[0].strip() == "2026-02-23T10:00:00+07:00"


def test_add_takes_hours_a_cutoff_and_pauses() -> None:
    assert run("add", "--from", "2026-03-02T16:00", "--hours", "2")[0].strip() == "2026-03-03T08:30:00+07:00"
    assert run("add", "--from", "2026-03-02T15:30", "--days", "1", "--cutoff", "15:00")[0].strip() == "2026-03-03T17:00:00+07:00"
    out = run("add", "--from", "2026-03-02T10:00", "--days", "3", "--pause", "2026-03-03T10:00/2026-03-04T10:00")[0]
    assert out.strip() == "2026-03-06T10:00:00+07:00"


def test_add_uses_the_working_hours_of_the_agency_given(cast) -> None:  # type: ignore[no-untyped-def]
    from chinhquyen.workdays.services import set_working_hours

    set_working_hours(agency=cast.agency_a, weekdays=range(5), periods=[("08:00", "12:00"), ("13:30", "17:30")])
    out = run("add", "--from", "2026-03-02T12:00", "--hours", "1", "--agency", cast.agency_a.code)[0]
    assert out.strip() == "2026-03-02T14:30:00+07:00"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["add", "--from", "13/02/2026", "--days", "1"], "workdays.instant_invalid"),
        (["add", "--from", "2026-02-13T10:00", "--days", "1.5"], "workdays.amount_invalid"),
        (["add", "--from", "2026-02-13T10:00"], "workdays.amount_missing"),
        (["add", "--from", "2026-02-13T10:00", "--days", "1", "--cutoff", "3pm"], "workdays.cutoff_invalid"),
        (["add", "--from", "2026-02-13T10:00", "--days", "1", "--agency", "000.00.99.H99"], "workdays.agency_unknown"),
    ],
)
def test_add_refuses_bad_input_with_the_error_code(args: list[str], code: str) -> None:
    with pytest.raises(CommandError, match=re.escape(f"[{code}]")):
        run(*args)


def test_between_prints_working_minutes_and_days() -> None:
    # Friday 13/02 10:00–17:00 (5:30), Tết, Monday 23/02 (8:00), Tuesday 24/02 07:30–13:30 (4:30).
    out = run("between", "2026-02-13T10:00", "2026-02-24T13:30")[0]
    assert out.strip() == "1080 phút (2 ngày làm việc và 02:00)"


def test_show_lists_the_days_of_a_year_and_its_working_day_count() -> None:
    out, err = run("show", "2026")
    assert "2026-04-27 Mon compensation" in out
    assert "9441/TB-BNV" in out
    assert "Số ngày làm việc: 249" in out
    assert err == ""


def test_show_warns_about_a_year_in_use_that_is_not_confirmed() -> None:
    run("propose", "2027")
    out, err = run("show", "2027")
    assert "chưa được quản trị viên xác nhận" in err
    assert "2027-02-06" in out


def test_show_warns_about_a_year_with_no_calendar() -> None:
    assert "chưa có lịch năm 2029" in run("show", "2029")[1]


def test_propose_prints_and_stores_a_proposal_and_dry_run_stores_nothing() -> None:
    out = run("propose", "2030", "--dry-run")[0]
    assert json.loads(out)["year"] == 2030
    assert year_status(2030).source == "rules"
    run("propose", "2030")
    assert year_status(2030).source == "proposal"
    assert "Đã xác nhận lịch năm 2030" in run("confirm", "2030")[0]
    assert year_status(2030).confirmed


def test_export_then_import_round_trips_through_a_file(tmp_path: Path) -> None:
    target = tmp_path / "2026.json"
    run("export", "2026", "--output", str(target))
    before = export_year(year=2026)
    assert json.loads(target.read_text(encoding="utf-8")) == before
    assert "2026" in run("import", str(target))[0]
    assert export_year(year=2026) == before


def test_import_refuses_a_bad_file_and_leaves_the_year_unchanged(tmp_path: Path) -> None:
    before = export_year(year=2026)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"year": 2026, "days": [{"date": "2026-05-05", "kind": "holiday", "name": "A"}] * 2}), encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape("[workdays.date_duplicate]")):
        run("import", str(bad))
    assert export_year(year=2026) == before
