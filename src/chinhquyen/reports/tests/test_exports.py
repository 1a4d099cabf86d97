"""The yearly report opens in Excel and as a PDF with its Vietnamese headings and figures; the open
data follows the documented schema (docs/open-data.md)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from chinhquyen.reports import exports

pytestmark = pytest.mark.django_db


def test_the_yearly_excel_report_has_the_headings_and_the_figures(office_world):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(exports.yearly_excel(2026)))
    sheet = workbook["Chỉ số toàn tỉnh"]
    assert sheet["A1"].value == "BÁO CÁO CHỈ SỐ CHÍNH QUYỀN ĐIỆN TỬ NĂM 2026"
    assert [c.value for c in sheet[4]] == exports.REPORT_HEADINGS
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["VB_DEN_DIEN_TU"][2:5] == (4, 5, 80.0)
    assert rows["VB_DI_DIEN_TU"][2:5] == (1, 2, 50.0)
    by_agency = workbook["Theo cơ quan"]
    header = [c.value for c in by_agency[1]]
    assert header[:2] == exports.AGENCY_HEADINGS
    agency_a = next(r for r in by_agency.iter_rows(min_row=2, values_only=True) if r[0] == office_world.cast.agency_a.code)
    assert agency_a[header.index("VB_DEN_DIEN_TU")] == 66.7


def test_the_yearly_pdf_report_is_a4_in_vietnamese(office_world):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(exports.yearly_pdf(2026)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "BÁO CÁO CHỈ SỐ CHÍNH QUYỀN ĐIỆN TỬ NĂM 2026" in text.upper()
    assert "Tử số" in text and "Căn cứ pháp lý" in text and "VB_DEN_DIEN_TU" in text
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1


def test_the_open_data_follows_its_schema_in_json_and_csv(office_world):
    response = Client().get("/chi-so/", {"year": 2026, "dinh-dang": "json"})
    data = json.loads(response.content)
    assert data["schema"] == "chinhquyen.reports.open-data/1"
    assert data["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert all(set(row) == set(exports.COLUMNS) for row in data["rows"])
    assert {i["code"] for i in data["indicators"]} == {r["indicator_code"] for r in data["rows"]}
    assert not any(r["indicator_code"].startswith("766_") for r in data["rows"])  # estimates are not published
    province = {r["indicator_code"]: r for r in data["rows"] if r["scope"] == "province"}
    assert (province["VB_DEN_DIEN_TU"]["numerator"], province["VB_DEN_DIEN_TU"]["denominator"], province["VB_DEN_DIEN_TU"]["ratio"]) == (
        4,
        5,
        80.0,
    )
    response = Client().get("/chi-so/", {"year": 2026, "dinh-dang": "csv"})
    body = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == exports.COLUMNS and len(rows) == len(data["rows"])
    agency_b = next(r for r in rows if r["agency_code"] == office_world.cast.agency_b.code and r["indicator_code"] == "VB_DEN_DIEN_TU")
    assert (agency_b["numerator"], agency_b["denominator"], agency_b["ratio"]) == ("2", "2", "100.0")
