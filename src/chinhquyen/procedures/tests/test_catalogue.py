"""The catalogue: import from the national package JSON and Excel (all or nothing), versions, search, demo, API."""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.test import override_settings

from chinhquyen.core.models import JobProgress
from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import AgencyKind, AgencyLevel, Role
from chinhquyen.organizations.testing import SINCE
from chinhquyen.procedures.demo import SAMPLES, load_demo_procedures
from chinhquyen.procedures.importers import import_procedures
from chinhquyen.procedures.models import Procedure, ProcedureInstance, ProcedureVersion
from chinhquyen.procedures.selectors import search_procedures, version_in_force

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def package_record(code: str = "1.001193", **overrides):
    record = {
        "MATTHC": code,
        "TENTTHC": "Thủ tục đăng ký khai sinh",
        "CAPTHUCHIEN": [{"TENCAP": "Cấp Xã"}],
        "LOAITTHC": "1",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G09-HT", "TENLINHVUC": "Hộ tịch"}],
        "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": "Nộp hồ sơ"}, {"TENTRINHTU": "Trả kết quả"}]}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": 1,
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": "4",
                        "DONVITINH": "Giờ làm việc",
                        "MOTA": "Ngay trong ngày; nếu tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo",
                        "PHILEPHI": [{"MOTA": "Miễn lệ phí", "SOTIEN": "0", "DONVI": "Đồng"}],
                    }
                ],
            },
            {"KENH": 2, "THOIGIAN": [{"THOIGIANGIAIQUYET": "4", "DONVITINH": "Giờ làm việc", "MOTA": "", "PHILEPHI": []}]},
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {"TENGIAYTO": "Tờ khai đăng ký khai sinh", "TENMAUDON": "Tờ khai", "URL": "", "SOBANCHINH": "1", "SOBANSAO": "0"},
                    {"TENGIAYTO": "Giấy chứng sinh", "TENMAUDON": "", "URL": "", "SOBANCHINH": "1", "SOBANSAO": "0"},
                ],
            }
        ],
        "DOITUONGTHUCHIEN": [{"TENDOITUONG": "Công dân Việt Nam"}],
        "COQUANTHUCHIEN": [{"TENDONVI": "Ủy ban nhân dân phường", "MADONVI": "000.00.51.H99"}],
        "COQUANCOTHAMQUYEN": [{"TENDONVI": "Ủy ban nhân dân cấp xã"}],
        "KETQUATHUCHIEN": [{"TENKETQUA": "Giấy khai sinh"}],
        "CANCUPHAPLY": [{"SOVANBAN": "60/2014/QH13", "TENVANBAN": "Luật Hộ tịch"}],
        "YEUCAU": "Không",
        "TUKHOA": "khai sinh",
        "MOTA": "",
        "SOQUYETDINH": "1234/QĐ-UBND",
        "NGAYQUYETDINH": "01/07/2025",
        "MUCDODVC": "Toàn trình",
    }
    record.update(overrides)
    return record


@pytest.fixture
def commune(cast):
    return org.create_agency(
        code="000.00.51.H99", name="Ủy ban nhân dân phường Thử Nghiệm", short_name="UBND", level=AgencyLevel.COMMUNE,
        kind=AgencyKind.PEOPLES_COMMITTEE, parent=cast.province, valid_from=SINCE,
    )  # fmt: skip


def test_the_national_package_imports_with_times_fees_components_and_instances(commune):
    data = json.dumps({"data": [package_record(), package_record("2.000908", TENTTHC="Thủ tục chứng thực bản sao từ bản chính")]}).encode()
    report = import_procedures(data, filename="goi-tin.json")
    assert report.ok and report.created == 2
    procedure = Procedure.objects.get(code="1.001193")
    version = version_in_force(procedure, on=dt.date(2026, 1, 1))
    assert version.levels == ["commune"] and version.online_mode == "full" and version.decision_number == "1234/QĐ-UBND"
    counter = version.processing_time("counter")
    assert (counter.amount, counter.unit, counter.cutoff_time) == (4, "hour", dt.time(15, 0))
    assert [c.name for c in version.required_components.all()] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert ProcedureInstance.objects.get(procedure=procedure).code == "1.001193.000.00.51.H99"
    assert import_procedures(data, filename="goi-tin.json").unchanged == 2  # the same package again changes nothing


def test_a_bad_record_is_reported_with_its_line_and_nothing_is_half_imported(commune):
    records = [
        package_record(),
        package_record("1.00X", TENTTHC="Sai mã"),
        package_record("1.000894", CAPTHUCHIEN=[{"TENCAP": "Cấp Thiên hà"}]),
    ]
    report = import_procedures(json.dumps(records).encode(), filename="goi-tin.json")
    assert not report.ok
    assert {(e.row, e.code) for e in report.errors} == {("2", "1.00X"), ("3", "1.000894")}
    assert Procedure.objects.count() == 0 and ProcedureVersion.objects.count() == 0


def test_an_unknown_agency_refuses_the_whole_import(commune):
    records = [package_record(), package_record("1.000894", COQUANTHUCHIEN=[{"TENDONVI": "?", "MADONVI": "000.00.77.H99"}])]
    report = import_procedures(json.dumps(records).encode(), filename="goi-tin.json")
    assert [e.row for e in report.errors] == ["2"]
    assert Procedure.objects.count() == 0


def _workbook(procedures, components, steps=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "procedures"
    sheet.append(
        [
            "code",
            "name",
            "field_code",
            "field",
            "levels",
            "type",
            "online_mode",
            "supplement_rule",
            "counter_time",
            "online_time",
            "time_unit",
            "cutoff",
            "fee",
            "agencies",
            "valid_from",
        ]
    )
    for row in procedures:
        sheet.append(row)
    sheet2 = workbook.create_sheet("components")
    sheet2.append(["procedure_code", "name", "form", "originals", "copies", "required"])
    for row in components:
        sheet2.append(row)
    sheet3 = workbook.create_sheet("steps")
    sheet3.append(["procedure_code", "name", "handler", "role", "allotment", "unit"])
    for row in steps:
        sheet3.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_workbook_imports_and_a_bad_row_is_reported_by_sheet_and_row(commune):
    good = _workbook(
        [
            [
                "1.000894",
                "Thủ tục đăng ký kết hôn",
                "G09-HT",
                "Hộ tịch",
                "Cấp xã",
                "1",
                "một phần",
                "pause",
                4,
                4,
                "giờ",
                "15:00",
                0,
                "000.00.51.H99",
                dt.date(2025, 7, 1),
            ]
        ],
        [["1.000894", "Tờ khai đăng ký kết hôn", "", 1, 0, "có"]],
        [
            ["1.000894", "Tiếp nhận", "receiving", "counter_officer", 1, "giờ"],
            ["1.000894", "Giải quyết", "competent", "processing_officer", 3, "giờ"],
        ],
    )
    report = import_procedures(good, filename="danh-muc.xlsx")
    assert report.ok and report.created == 1, report.as_dict()
    version = Procedure.objects.get(code="1.000894").versions.get()
    assert version.supplement_rule == "pause" and version.online_mode == "partial" and version.steps.count() == 2
    bad = _workbook(
        [
            ["1.000895", "Thủ tục mới", "", "Hộ tịch", "Cấp xã", "1", "", "", 3, "", "ngày", "", "", "", ""],
            ["1.000896", "Thủ tục lỗi", "", "Hộ tịch", "Cấp xã", "1", "", "", "ba", "", "", "", "", "", ""],
        ],
        [["1.000897", "Giấy tờ của thủ tục không có", "", 1, 0, ""]],
    )
    report = import_procedures(bad, filename="danh-muc.xlsx")
    assert {e.row for e in report.errors} == {"procedures:3", "components:2"}
    assert not Procedure.objects.filter(code="1.000895").exists()


def test_a_changed_procedure_becomes_a_new_version_and_old_versions_stay(commune):
    import_procedures(json.dumps([package_record()]).encode(), filename="a.json")
    changed = package_record(NGAYQUYETDINH="01/03/2026", SOQUYETDINH="99/QĐ-UBND")
    changed["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] = "8"
    report = import_procedures(json.dumps([changed]).encode(), filename="b.json")
    assert report.updated == 1
    procedure = Procedure.objects.get(code="1.001193")
    old, new = procedure.versions.order_by("number")
    assert (old.valid_to, new.valid_from) == (dt.date(2026, 2, 28), dt.date(2026, 3, 1))
    assert version_in_force(procedure, on=dt.date(2026, 2, 1)).processing_time("counter").amount == 4
    assert version_in_force(procedure, on=dt.date(2026, 3, 2)).processing_time("counter").amount == 8


def test_search_ignores_accents_and_case(commune):
    import_procedures(json.dumps([package_record()]).encode(), filename="a.json")
    assert [p.code for p in search_procedures(q="dang ky KHAI sinh")] == ["1.001193"]
    assert [p.code for p in search_procedures(q="Đăng ký khai sinh")] == ["1.001193"]
    assert list(search_procedures(q="ket hon")) == []


def test_the_demo_catalogue_has_40_procedures_in_8_fields_marked_as_samples(cast):
    out = StringIO()
    call_command("load_demo", stdout=out)  # loads the province and, through load_demo_procedures, the catalogue
    assert f"{len(SAMPLES)} created" in out.getvalue() and len(SAMPLES) >= 40
    assert Procedure.objects.filter(is_sample=True).count() >= 40
    assert Procedure.objects.values("field").distinct().count() >= 8
    assert {lvl for v in ProcedureVersion.objects.all() for lvl in v.levels} == {"province", "commune"}
    assert Procedure.objects.filter(code="1.001193", name__icontains="khai sinh").exists()
    assert ProcedureInstance.objects.filter(procedure__code="1.001193").count() == 13
    assert load_demo_procedures() == {"created": 0, "updated": 0, "unchanged": len(SAMPLES)}


@override_settings(TASKS=IMMEDIATE)
def test_the_import_page_runs_in_the_background_and_reports_refusals(client, cast, commune):
    admin = org.create_official(username="quantri", full_name="Quản Trị", password=cast.password)
    org.assign_role(official=admin, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=SINCE)
    client.force_login(admin)
    upload = io.BytesIO(json.dumps([package_record("1.00Y")]).encode())
    upload.name = "goi-tin.json"
    response = client.post("/procedures/import/", {"file": upload})
    assert response.status_code in (302, 200), response.content[:500]
    job = JobProgress.objects.get(kind="procedures.import_procedures")
    assert job.status == "failed" and job.report["errors"][0]["row"] == "1"
    page = client.get(f"/procedures/import/{job.pk}/progress/")
    assert "1.00Y" in page.content.decode()


def test_the_api_searches_and_describes_a_procedure(client, cast, commune):
    import_procedures(json.dumps([package_record()]).encode(), filename="a.json")
    client.force_login(cast.counter_officer)
    found = client.get("/api/v1/procedures/", {"q": "khai sinh"}).json()
    assert [p["code"] for p in found] == ["1.001193"]
    detail = client.get("/api/v1/procedures/1.001193/").json()
    assert [c["name"] for c in detail["required_components"]] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert {"id", "name", "originals", "copies"} <= set(detail["required_components"][0])
    assert client.get("/api/v1/procedures/9.999999/").status_code == 404
    client.logout()
    assert client.get("/api/v1/procedures/").status_code in (401, 403)
