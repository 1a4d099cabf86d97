"""Export of the agency tree (xlsx, CSV, axis JSON) as of a day, and the round trip back."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from chinhquyen.core.models import AuditEvent
from chinhquyen.organizations.demo import load_demo
from chinhquyen.organizations.exporters import agencies_for_export, export_agencies
from chinhquyen.organizations.importers import import_agencies
from chinhquyen.organizations.models import Agency, AgencySuccession, RoleAssignment, Unit, UnitMembership

pytestmark = pytest.mark.django_db

DAY_2019 = dt.date(2019, 6, 1)
DAY_2026 = dt.date(2026, 1, 1)


def _snapshot():
    return sorted(
        (
            a.code,
            a.name,
            a.short_name,
            a.level,
            a.kind,
            a.parent.code if a.parent else "",
            a.valid_from,
            a.valid_to,
            a.administrative_unit_code,
            a.code_verified,
            a.legal_reference,
        )
        for a in Agency.objects.select_related("parent")
    )


def _wipe():
    """Empty the agency tables (the demo's people and history go too)."""
    for model in (UnitMembership, RoleAssignment, Unit, AgencySuccession):
        model.objects.all().delete()
    while Agency.objects.exists():
        Agency.objects.filter(children__isnull=True).delete()


@pytest.fixture
def demo():
    load_demo()


def test_csv_export_as_of_2019_has_hoa_binh_and_its_districts_only(demo):
    data = export_agencies("csv", as_of=DAY_2019)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    codes = {r["code"] for r in rows}
    assert "000.00.00.H28" in codes and "000.00.33.H28" in codes
    assert not any(c.endswith(".H44") for c in codes)
    assert sum(1 for r in rows if r["level"] == "district") == 11
    first = rows[0]
    assert first["code"] == "000.00.00.H28" and first["parent_code"] == "" and first["valid_from"] == "2016-01-01"


def test_parents_come_before_their_children(demo):
    for day in (None, DAY_2019, DAY_2026):
        seen_ids: set[int] = set()
        for agency in agencies_for_export(as_of=day):
            assert agency.parent_id is None or agency.parent_id in seen_ids
            seen_ids.add(agency.pk)


def test_xlsx_export_has_the_header_and_date_cells(demo):
    workbook = openpyxl.load_workbook(io.BytesIO(export_agencies("xlsx", as_of=DAY_2026)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:8] == ("code", "name", "short_name", "level", "kind", "parent_code", "valid_from", "valid_to")
    assert rows[1][0] == "000.00.00.H44" and rows[1][6] == dt.datetime(2025, 7, 1)
    assert not any(r[3] == "district" for r in rows[1:])


def test_json_export_is_the_axis_shape(demo):
    items = json.loads(export_agencies("json", as_of=DAY_2026))
    by_id = {i["id"]: i for i in items}
    for item in items:
        assert {"id", "code", "name", "pid"} <= set(item)
        assert item["pid"] is None or item["pid"] in by_id
    root = next(i for i in items if i["pid"] is None)
    assert root["code"] == "000.00.00.H44"
    department = next(i for i in items if i["code"] == "000.00.02.H44")
    assert by_id[department["pid"]]["code"] == "000.00.00.H44"


def test_a_csv_cell_that_looks_like_a_formula_is_protected_and_comes_back_intact():
    import_agencies(
        b'code,name,level,valid_from\n000.00.00.H98,=HYPERLINK("x"),province,01/01/2020\n',
        filename="x.csv",
    )
    data = export_agencies("csv", as_of=DAY_2026)
    assert b"'=HYPERLINK" in data
    _wipe()
    report = import_agencies(data, filename="back.csv")
    assert report.ok, report.errors
    assert Agency.objects.get(code="000.00.00.H98").name == '=HYPERLINK("x")'


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip_of_the_whole_history(demo, fmt):
    before = _snapshot()
    data = export_agencies(fmt, as_of=None)
    _wipe()
    assert not Agency.objects.exists()
    report = import_agencies(data, filename=f"cay.{fmt}")
    assert report.ok, report.errors[:5]
    assert report.created == len(before)
    assert _snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_re_importing_an_export_into_the_same_database_changes_nothing(demo, fmt):
    before = (_snapshot(), AuditEvent.objects.count())
    report = import_agencies(export_agencies(fmt, as_of=DAY_2026), filename=f"cay.{fmt}")
    assert report.ok and report.created == 0 and report.updated == 0
    assert (_snapshot(), AuditEvent.objects.count()) == before


def test_the_export_command_writes_each_format(demo, tmp_path):
    for fmt in ("xlsx", "csv", "json"):
        target = tmp_path / f"cay.{fmt}"
        call_command("agencies", "export", "--format", fmt, "--as-of", "01/06/2019", str(target))
        assert target.stat().st_size > 1000
    rows = list(csv.DictReader(io.StringIO((tmp_path / "cay.csv").read_text(encoding="utf-8-sig"))))
    assert {r["code"] for r in rows} >= {"000.00.00.H28", "000.00.33.H28"}
    call_command("agencies", "export", "--format", "json", "--all", str(tmp_path / "all.json"))
    assert len(json.loads((tmp_path / "all.json").read_text())) == Agency.objects.count()


def test_the_export_page_downloads_a_file_for_a_province_admin(client, demo):
    from chinhquyen.organizations.models import Account

    client.force_login(Account.objects.get(username="quantri.tinh"))
    response = client.get("/agencies/export/?format=csv&as_of=2019-06-01")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="agencies-2019-06-01.csv"'
    assert "000.00.33.H28" in response.content.decode("utf-8-sig")
    client.force_login(Account.objects.get(username="vanthu.snv"))
    assert client.get("/agencies/export/?format=csv").status_code == 403
