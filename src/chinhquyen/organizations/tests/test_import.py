"""Import of the agency tree: good files of each format, hostile ones refused whole with
Vietnamese messages and nothing saved, the command line, and the upload page."""

import datetime as dt
import io
import json
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from chinhquyen.core.models import AuditEvent, JobProgress, JobStatus
from chinhquyen.organizations import services
from chinhquyen.organizations.importers import import_agencies, infer_level_and_kind
from chinhquyen.organizations.models import Agency, AgencyKind, AgencyLevel, Role
from chinhquyen.organizations.tasks import IMPORT_KIND, run_agency_import

pytestmark = pytest.mark.django_db

HEADER = "code,name,short_name,level,kind,parent_code,valid_from,valid_to"
GOOD_CSV = f"""{HEADER}
000.00.00.H98,Ủy ban nhân dân tỉnh Mẫu,UBND,province,peoples_committee,,01/01/2020,
000.00.01.H98,Sở Nội vụ tỉnh Mẫu,SNV,province,department,000.00.00.H98,2020-01-01,
000.00.02.H98,Sở Kế hoạch và Đầu tư tỉnh Mẫu,SKHĐT,province,department,000.00.00.H98,01/01/2020,30/06/2025
000.00.31.H98,Ủy ban nhân dân huyện Mẫu Sơn,UBND,district,peoples_committee,000.00.00.H98,01/01/2020,30/06/2025
000.01.31.H98,Ủy ban nhân dân xã Mẫu Đơn,UBND,commune,peoples_committee,000.00.31.H98,01/01/2020,30/06/2025
"""
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _counts():
    return Agency.objects.count(), AuditEvent.objects.count()


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _refused(report):
    assert not report.ok
    return {(e.row, e.reason) for e in report.errors}


# --- Good files ----------------------------------------------------------------------------------


def test_a_good_csv_creates_the_tree_with_audit_events():
    before = AuditEvent.objects.filter(action="agency.created").count()
    report = import_agencies(GOOD_CSV.encode(), filename="cay.csv")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    commune = Agency.objects.get(code="000.01.31.H98")
    assert commune.parent.code == "000.00.31.H98" and commune.parent.parent.code == "000.00.00.H98"
    assert commune.valid_to == dt.date(2025, 6, 30) and commune.level == AgencyLevel.COMMUNE
    assert Agency.objects.get(code="000.00.02.H98").short_name == "SKHĐT"
    assert AuditEvent.objects.filter(action="agency.created").count() - before == 5


def test_a_csv_with_bom_semicolons_and_rows_in_any_order_is_read():
    lines = GOOD_CSV.strip().split("\n")
    reordered = [lines[0], *reversed(lines[1:])]
    data = ("\ufeff" + "\r\n".join(line.replace(",", ";") for line in reordered)).encode()
    report = import_agencies(data, filename="cay.csv")
    assert report.ok, report.errors
    assert report.created == 5


def test_importing_the_same_file_twice_changes_nothing():
    import_agencies(GOOD_CSV.encode(), filename="cay.csv")
    before = _counts()
    report = import_agencies(GOOD_CSV.encode(), filename="cay.csv")
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert _counts() == before


def test_a_changed_row_updates_the_existing_agency():
    import_agencies(GOOD_CSV.encode(), filename="cay.csv")
    changed = GOOD_CSV.replace("Sở Nội vụ tỉnh Mẫu,SNV", "Sở Nội vụ và Lao động tỉnh Mẫu,SNV")
    report = import_agencies(changed.encode(), filename="cay.csv")
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert Agency.objects.get(code="000.00.01.H98").name == "Sở Nội vụ và Lao động tỉnh Mẫu"
    assert AuditEvent.objects.filter(action="agency.updated").count() == 1


def test_a_parent_may_be_an_agency_already_in_the_database():
    services.create_agency(code="000.00.00.H97", name="Ủy ban nhân dân tỉnh Có Sẵn", level="province", valid_from=dt.date(2020, 1, 1))
    data = f"{HEADER}\n000.00.05.H97,Sở Tài chính tỉnh Có Sẵn,STC,province,department,000.00.00.H97,01/01/2021,\n"
    report = import_agencies(data.encode(), filename="x.csv")
    assert report.ok, report.errors
    assert Agency.objects.get(code="000.00.05.H97").parent.code == "000.00.00.H97"


def test_a_good_xlsx_with_date_cells_is_imported():
    data = _xlsx(
        [
            HEADER.split(","),
            ["000.00.00.H98", "Ủy ban nhân dân tỉnh Mẫu", "UBND", "province", "peoples_committee", None, dt.datetime(2020, 1, 1), None],
            [
                "000.00.20.H98",
                "Trung tâm Phục vụ hành chính công tỉnh Mẫu",
                "TTPVHCC",
                "province",
                "service_center",
                "000.00.00.H98",
                "01/07/2020",
                None,
            ],
        ]
    )
    report = import_agencies(data, filename="cay.xlsx")
    assert report.ok, report.errors
    center = Agency.objects.get(code="000.00.20.H98")
    assert center.kind == AgencyKind.SERVICE_CENTER and center.valid_from == dt.date(2020, 7, 1)


def test_a_good_axis_json_list_is_imported_with_level_and_kind_inferred():
    items = [
        {"id": 10, "code": "000.00.00.H98", "name": "Ủy ban nhân dân tỉnh Mẫu", "pid": 0, "mail": ""},
        {"id": 11, "code": "000.00.01.H98", "name": "Văn phòng Ủy ban nhân dân tỉnh Mẫu", "pid": 10},
        {"id": 12, "code": "000.00.02.H98", "name": "Sở Nội vụ tỉnh Mẫu", "pid": "10"},
        {"id": 13, "code": "000.00.31.H98", "name": "UBND huyện Mẫu Sơn", "pid": 10},
        {"id": 14, "code": "000.01.31.H98", "name": "Ủy ban nhân dân xã Mẫu Đơn", "pid": 13},
        {"id": 15, "code": "000.00.20.H98", "name": "Trung tâm Phục vụ hành chính công tỉnh Mẫu", "pid": None},
    ]
    report = import_agencies(json.dumps({"data": items}, ensure_ascii=False).encode(), filename="agencies.json", today=dt.date(2026, 1, 1))
    assert report.ok, report.errors
    got = {a.code: (a.level, a.kind, a.parent.code if a.parent else None) for a in Agency.objects.all()}
    assert got == {
        "000.00.00.H98": ("province", "peoples_committee", None),
        "000.00.01.H98": ("province", "committee_office", "000.00.00.H98"),
        "000.00.02.H98": ("province", "department", "000.00.00.H98"),
        "000.00.31.H98": ("district", "peoples_committee", "000.00.00.H98"),
        "000.01.31.H98": ("commune", "peoples_committee", "000.00.31.H98"),
        "000.00.20.H98": ("province", "service_center", None),
    }
    assert Agency.objects.get(code="000.00.00.H98").valid_from == dt.date(2026, 1, 1)
    # Re-importing the undated list means "the agencies in force today": nothing changes.
    again = import_agencies(json.dumps(items).encode(), filename="agencies.json", today=dt.date(2026, 3, 1))
    assert again.ok and again.unchanged == 6 and again.created == 0


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("000.00.00.G22", "Văn phòng Chính phủ", (AgencyLevel.CENTRAL, AgencyKind.OTHER)),
        ("000.00.00.A53", "Tỉnh ủy Tây Ninh", (AgencyLevel.CENTRAL, AgencyKind.PARTY_BODY)),
        ("000.00.00.H41", "UBND tỉnh Nghệ An", (AgencyLevel.PROVINCE, AgencyKind.PEOPLES_COMMITTEE)),
        ("000.00.14.H20", "Sở Thông tin và Truyền thông tỉnh Đồng Tháp", (AgencyLevel.PROVINCE, AgencyKind.DEPARTMENT)),
        ("000.17.22.H56", "UBND phường Ba Đình", (AgencyLevel.COMMUNE, AgencyKind.PEOPLES_COMMITTEE)),
        ("000.00.40.H56", "Ủy ban nhân dân thị xã Nghi Sơn", (AgencyLevel.DISTRICT, AgencyKind.PEOPLES_COMMITTEE)),
    ],
)
def test_level_and_kind_are_inferred_from_the_name_and_code(code, name, expected):
    assert infer_level_and_kind(code, name) == expected


# --- Hostile files: refused whole, nothing saved ---------------------------------------------------


def _assert_refused_and_nothing_saved(data, filename, expected, *, seed=False):
    if seed:
        import_agencies(GOOD_CSV.encode(), filename="seed.csv")
    before = _counts()
    report = import_agencies(data, filename=filename)
    refused = _refused(report)
    assert expected <= refused, report.errors
    assert all(e.message for e in report.errors)
    assert _counts() == before
    return report


def test_a_malformed_code_is_refused_and_nothing_is_saved():
    bad = GOOD_CSV.replace("000.00.02.H98", "000.00.2.H98").replace(",000.00.02.H98,", ",000.00.2.H98,")
    report = _assert_refused_and_nothing_saved(bad.encode(), "x.csv", {(4, "agency.code_invalid")})
    assert "000.00.2.H98" in report.errors[0].message


def test_a_code_used_twice_on_overlapping_dates_in_the_file_is_refused():
    bad = GOOD_CSV + "000.00.01.H98,Sở Nội vụ (trùng),SNV,province,department,000.00.00.H98,01/01/2024,\n"
    _assert_refused_and_nothing_saved(bad.encode(), "x.csv", {(7, "agency.code_taken")})


def test_a_code_already_used_in_the_database_on_overlapping_dates_is_refused():
    data = f"{HEADER}\n000.00.01.H98,Sở khác,SK,province,department,000.00.00.H98,01/01/2024,\n"
    _assert_refused_and_nothing_saved(data.encode(), "x.csv", {(2, "agency.code_taken")}, seed=True)


def test_a_reused_code_on_non_overlapping_dates_is_accepted():
    data = GOOD_CSV + "000.00.02.H98,Sở Tài chính tỉnh Mẫu,STC,province,department,000.00.00.H98,01/07/2025,\n"
    report = import_agencies(data.encode(), filename="x.csv")
    assert report.ok, report.errors
    assert report.created == 6
    assert Agency.objects.filter(code="000.00.02.H98").count() == 2


def test_a_cycle_in_the_file_is_refused():
    data = f"""{HEADER}
000.00.01.H98,Cơ quan A,A,province,other,000.00.02.H98,01/01/2020,
000.00.02.H98,Cơ quan B,B,province,other,000.00.03.H98,01/01/2020,
000.00.03.H98,Cơ quan C,C,province,other,000.00.01.H98,01/01/2020,
"""
    report = _assert_refused_and_nothing_saved(data.encode(), "x.csv", {(2, "agency.cycle"), (3, "agency.cycle"), (4, "agency.cycle")})
    assert len(report.errors) == 3


def test_a_cycle_through_the_database_is_refused_by_the_service():
    import_agencies(GOOD_CSV.encode(), filename="seed.csv")
    # The province placed under its own district: the district is in the database only.
    data = f"{HEADER}\n000.00.00.H98,Ủy ban nhân dân tỉnh Mẫu,UBND,province,peoples_committee,000.00.31.H98,01/01/2020,\n"
    before = _counts()
    report = import_agencies(data.encode(), filename="x.csv")
    assert not report.ok and _counts() == before
    assert [(e.row, e.reason) for e in report.errors] == [(2, "agency.cycle")]


def test_an_unknown_parent_is_refused():
    bad = GOOD_CSV.replace("000.00.31.H98,01/01/2020,30/06/2025\n", "000.00.77.H98,01/01/2020,30/06/2025\n")
    _assert_refused_and_nothing_saved(bad.encode(), "x.csv", {(6, "import.parent_unknown")})


def test_a_bad_date_is_refused():
    bad = GOOD_CSV.replace("2020-01-01", "31/02/2020")
    report = _assert_refused_and_nothing_saved(bad.encode(), "x.csv", {(3, "import.date_invalid")})
    assert "31/02/2020" in report.errors[0].message


def test_an_end_before_the_start_is_refused():
    bad = GOOD_CSV.replace("01/01/2020,30/06/2025\n000.00.31", "01/01/2020,30/06/2019\n000.00.31")
    _assert_refused_and_nothing_saved(bad.encode(), "x.csv", {(4, "validity.order")})


def test_an_unknown_level_or_kind_is_refused():
    bad = GOOD_CSV.replace(",district,", ",county,").replace("SNV,province,department", "SNV,province,ministry")
    _assert_refused_and_nothing_saved(bad.encode(), "x.csv", {(5, "agency.level_invalid"), (3, "agency.kind_invalid")})


def test_a_child_outliving_its_parent_rolls_back_the_rows_already_saved():
    # Every row is well formed; the service refuses the last one, after the others were saved
    # in the same transaction: nothing of the file remains.
    bad = GOOD_CSV + "000.02.31.H98,Ủy ban nhân dân xã Quá Hạn,UBND,commune,peoples_committee,000.00.31.H98,01/01/2020,\n"
    report = _assert_refused_and_nothing_saved(bad.encode(), "x.csv", {(7, "agency.parent_not_valid")})
    assert report.created == 0


def test_a_file_not_in_utf8_is_refused():
    data = GOOD_CSV.encode("cp1258", errors="replace")
    report = _assert_refused_and_nothing_saved(data, "x.csv", {(None, "import.encoding")})
    assert "UTF-8" in report.errors[0].message


def test_a_utf16_file_is_refused():
    _assert_refused_and_nothing_saved(GOOD_CSV.encode("utf-16"), "x.csv", {(None, "import.encoding")})


def test_a_wrong_header_is_refused_naming_the_columns():
    bad = GOOD_CSV.replace("parent_code", "cap_tren").replace("valid_from", "tu_ngay")
    report = _assert_refused_and_nothing_saved(bad.encode(), "x.csv", {(1, "import.header")})
    assert "valid_from" in report.errors[0].message and "cap_tren" in report.errors[0].message


@pytest.mark.parametrize(("data", "filename"), [(b"", "x.csv"), (b"  \n", "x.csv"), (HEADER.encode() + b"\n", "x.csv"), (b"[]", "x.json")])
def test_an_empty_file_is_refused(data, filename):
    _assert_refused_and_nothing_saved(data, filename, {(None, "import.empty")})


def test_a_bad_xlsx_is_refused():
    _assert_refused_and_nothing_saved(b"PK\x03\x04 not really a zip", "x.xlsx", {(None, "import.malformed")})


def test_an_xlsx_that_inflates_too_much_is_refused(monkeypatch):
    from chinhquyen.organizations import importers

    monkeypatch.setattr(importers, "MAX_XLSX_UNCOMPRESSED", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 100_000)
    _assert_refused_and_nothing_saved(buffer.getvalue(), "x.xlsx", {(None, "import.too_large")})


def test_a_too_large_file_is_refused_before_reading(monkeypatch):
    from chinhquyen.organizations import importers

    monkeypatch.setattr(importers, "MAX_BYTES", 100)
    _assert_refused_and_nothing_saved(GOOD_CSV.encode(), "x.csv", {(None, "import.too_large")})


def test_a_bad_xlsx_row_is_refused_with_its_spreadsheet_row_number():
    data = _xlsx([HEADER.split(","), ["000.00.00.H98", "", "", "province", "", None, "01/01/2020", None]])
    _assert_refused_and_nothing_saved(data, "x.xlsx", {(2, "agency.name_required")})


def test_malformed_json_and_a_wrong_shape_are_refused():
    _assert_refused_and_nothing_saved(b'[{"id": 1, "code": ', "x.json", {(None, "import.malformed")})
    _assert_refused_and_nothing_saved(b'{"agencies": []}', "x.json", {(None, "import.header")})
    items = [
        {"id": 1, "code": "000.00.00.H98", "name": "UBND tỉnh Mẫu", "pid": None},
        {"id": 2, "code": "000.00.01.H98", "name": "Sở X", "pid": 99},
    ]
    _assert_refused_and_nothing_saved(json.dumps(items).encode(), "x.json", {(2, "import.parent_unknown")})
    items = [
        {"id": 1, "code": "000.00.00.H98", "name": "UBND tỉnh Mẫu", "pid": None},
        {"id": 1, "code": "000.00.01.H98", "name": "Sở", "pid": 1},
    ]
    _assert_refused_and_nothing_saved(json.dumps(items).encode(), "x.json", {(2, "import.id")})


def test_messages_are_translated_into_the_active_language():
    from django.utils import translation

    with translation.override("vi"):
        report = import_agencies(b"", filename="x.csv")
        assert report.errors[0].message == translation.gettext("The file is empty.")
    with translation.override("en"):
        assert import_agencies(b"", filename="x.csv").errors[0].message == "The file is empty."


def test_a_dry_run_checks_everything_and_saves_nothing():
    before = _counts()
    report = import_agencies(GOOD_CSV.encode(), filename="x.csv", dry_run=True)
    assert report.ok and report.dry_run and report.created == 5
    assert _counts() == before


# --- Progress -------------------------------------------------------------------------------------


def test_progress_is_reported_while_checking_and_saving():
    calls = []
    rows = [HEADER, "000.00.00.H98,Ủy ban nhân dân tỉnh Mẫu,UBND,province,peoples_committee,,01/01/2020,"]
    rows += [f"000.00.{n:02d}.H98,Cơ quan số {n},,province,other,000.00.00.H98,01/01/2020," for n in range(1, 100)]
    report = import_agencies("\n".join(rows).encode(), filename="x.csv", progress=lambda d, t, p: calls.append((d, t, p)))
    assert report.ok and report.created == 100
    assert (100, 100, "checking") in calls and (100, 100, "saving") in calls
    assert len(calls) > 20


# --- Command line ---------------------------------------------------------------------------------


def test_the_command_imports_a_file(tmp_path):
    path = tmp_path / "cay.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    out = StringIO()
    call_command("agencies", "import", str(path), stdout=out)
    assert "created 5" in out.getvalue()
    assert Agency.objects.filter(code__endswith=".H98").count() == 5


def test_the_command_dry_run_saves_nothing(tmp_path):
    path = tmp_path / "cay.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    out = StringIO()
    call_command("agencies", "import", str(path), "--dry-run", stdout=out)
    assert "dry-run" in out.getvalue() and not Agency.objects.exists()


def test_the_command_refuses_a_bad_file_listing_rows(tmp_path):
    path = tmp_path / "cay.csv"
    path.write_text(GOOD_CSV.replace("000.00.01.H98,", "000.00.1.H98,"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("agencies", "import", str(path), stderr=err)
    assert "row 3" in err.getvalue() and not Agency.objects.exists()


def test_the_command_draws_a_progress_bar_on_large_files(tmp_path, capsys):
    rows = [HEADER, "000.00.00.H98,Ủy ban nhân dân tỉnh Mẫu,UBND,province,peoples_committee,,01/01/2020,"]
    rows += [f"000.{n // 99:02d}.{n % 99 + 1:02d}.H98,Cơ quan số {n},,province,other,000.00.00.H98,01/01/2020," for n in range(1, 300)]
    path = tmp_path / "lon.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    call_command("agencies", "import", str(path), stdout=StringIO())
    err = capsys.readouterr().err
    assert "300/300 saving" in err and "[" + "#" * 30 + "]" in err


# --- The upload page ----------------------------------------------------------------------------


@pytest.fixture
def province_admin(cast):
    services.assign_role(official=cast.leader_a, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=dt.date(2020, 1, 1))
    return cast.leader_a


def _login_without_second_factor(client, account):
    client.force_login(account)


def _upload(client, data, name):
    return client.post("/agencies/import/", {"file": _named(data, name)})


def _named(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_only_a_province_admin_may_open_the_import_page(client, cast):
    assert client.get("/agencies/import/").status_code == 302  # anonymous → login
    client.force_login(cast.clerk_a)
    assert client.get("/agencies/import/").status_code == 403
    assert client.post("/agencies/import/", {"file": _named(GOOD_CSV.encode(), "x.csv")}).status_code == 403
    assert not JobProgress.objects.exists()


@override_settings(TASKS=IMMEDIATE)
def test_upload_runs_the_task_and_the_page_shows_the_report(client, province_admin):
    client.force_login(province_admin)
    page = client.get("/agencies/import/")
    assert page.status_code == 200 and "<progress" not in page.content.decode()
    response = _upload(client, GOOD_CSV.encode(), "cay.csv")
    assert response.status_code == 302
    job = JobProgress.objects.get(kind=IMPORT_KIND)
    assert response["Location"] == f"/agencies/import/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.report["created"] == 5
    assert Agency.objects.filter(code__endswith=".H98").count() == 5
    assert AuditEvent.objects.filter(action="agency.created", actor_username=province_admin.username).count() == 5
    html = client.get(response["Location"]).content.decode()
    assert "<progress" in html and 'value="100"' in html and 'hx-trigger="every' not in html
    fragment = client.get(f"/agencies/import/{job.pk}/progress/").content.decode()
    assert "5" in fragment and "<html" not in fragment


@override_settings(TASKS=IMMEDIATE)
def test_a_refused_upload_shows_each_refused_row_and_saves_nothing(client, province_admin):
    client.force_login(province_admin)
    before = Agency.objects.count()
    bad = GOOD_CSV.replace("000.00.01.H98,", "000.00.1.H98,").replace("31/02", "31/02")
    response = _upload(client, bad.encode(), "cay.csv")
    job = JobProgress.objects.get(kind=IMPORT_KIND)
    assert job.status == JobStatus.FAILED and job.report["ok"] is False
    assert Agency.objects.count() == before
    html = client.get(response["Location"]).content.decode()
    assert "000.00.1.H98" in html and "<table" in html


def test_a_queued_job_polls_its_fragment_and_the_worker_finishes_it(client, province_admin):
    """With the database backend the upload only enqueues; the page polls; the worker runs it."""
    client.force_login(province_admin)
    response = _upload(client, GOOD_CSV.encode(), "cay.csv")
    job = JobProgress.objects.get(kind=IMPORT_KIND)
    assert job.status == JobStatus.QUEUED and not Agency.objects.filter(code__endswith=".H98").exists()
    fragment = client.get(f"/agencies/import/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment and "<label" in fragment
    from django_tasks_db.models import DBTaskResult

    task_row = DBTaskResult.objects.get()
    assert task_row.args_kwargs["args"][0] == job.pk
    # What the worker does with the row: call the task with its arguments.
    run_agency_import(*task_row.args_kwargs["args"])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and Agency.objects.filter(code__endswith=".H98").count() == 5
    html = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every' not in html


def test_an_upload_with_a_wrong_extension_is_refused_by_the_form(client, province_admin):
    client.force_login(province_admin)
    response = _upload(client, b"MZ...", "virus.exe")
    assert response.status_code == 400 and not JobProgress.objects.exists()


def test_another_admin_cannot_see_my_import(client, province_admin, cast):
    job = JobProgress.objects.create(kind=IMPORT_KIND, created_by=province_admin)
    services.assign_role(official=cast.clerk_b, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=dt.date(2020, 1, 1))
    client.force_login(cast.clerk_b)
    assert client.get(f"/agencies/import/{job.pk}/").status_code == 403
    assert client.get(f"/agencies/import/{job.pk}/progress/").status_code == 403
    assert client.get("/agencies/import/999999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_progress_written_inside_the_import_transaction_is_visible_outside():
    from django.db import connection, connections, transaction

    from chinhquyen.organizations.tasks import JobReporter

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: progress inside the transaction is not published")
    job = JobProgress.objects.create(kind=IMPORT_KIND)
    reporter = JobReporter(job.pk)
    observer = connections.create_connection("default")
    try:
        with transaction.atomic():
            reporter(5, 10, "saving")
            with observer.cursor() as cursor:
                cursor.execute("SELECT done, total, phase FROM core_jobprogress WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (5, 10, "saving")
    finally:
        reporter.close()
        observer.close()
