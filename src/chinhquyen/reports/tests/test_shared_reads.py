"""The dashboard's reads are shared (one GROUP BY per table and period, not one per indicator) and
give the same figures as each indicator computed alone."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Role
from chinhquyen.organizations.testing import PASSWORD, SINCE
from chinhquyen.reports import indicators, selectors
from chinhquyen.reports.indicators import Period

pytestmark = pytest.mark.django_db

FEBRUARY = Period.month(2026, 2)
DOSSIER_CODES = [c for c, i in indicators.REGISTRY.items() if isinstance(i, (indicators._DossierIndicator, indicators.Group766))]


def _plain(value):
    return (value.numerator, value.denominator, value.ratio, value.points, value.counters)


def test_shared_reads_give_the_figures_of_each_indicator_alone_with_one_dossier_read(dossier_world, one_stop):
    alone = {code: _plain(indicators.get(code).compute(None, FEBRUARY)) for code in DOSSIER_CODES}
    with CaptureQueriesContext(connection) as queries, indicators.shared_reads():
        shared = {code: _plain(indicators.get(code).compute(None, FEBRUARY)) for code in DOSSIER_CODES}
        table = {code: selectors.by_agency(indicators.get(code), None, FEBRUARY) for code in DOSSIER_CODES}
    assert shared == alone
    assert table["HS_TIEP_NHAN"][one_stop.cast.agency_a.pk].numerator == 5
    # one read of the counters, and one of the fee counters over the dossiers that have a payment
    assert sum("dossiers_dossier" in q["sql"] for q in queries.captured_queries) == 2


def test_the_trend_of_a_dossier_figure_is_each_month_computed_alone(dossier_world, one_stop):
    a = one_stop.cast.agency_a.pk
    for code in ("HS_DUNG_HAN", "HS_TIEP_NHAN", "766_TDGQ"):
        indicator = indicators.get(code)
        for agency_ids in (None, [a], [one_stop.cast.agency_b.pk]):
            trend = selectors.trend(indicator, agency_ids, 2026).data
            expected = [(f"{m.start:%m}", _plain(indicator.compute(agency_ids, m))) for m in Period.year(2026).months()]
            assert [(label, _plain(v)) for label, v in trend] == expected
    assert _plain(dict(selectors.trend(indicators.get("HS_DUNG_HAN"), [a], 2026).data)["02"])[:3] == (2, 3, 66.7)


def test_the_refresh_job_fills_the_cache_the_province_page_reads(office_world, settings, client):
    settings.REPORTS_CACHE_SECONDS = 300
    cache.clear()
    try:
        call_command("reports_refresh", "--year", "2026", stdout=io.StringIO())
        with CaptureQueriesContext(connection) as queries:
            province = selectors.figures(None, Period.year(2026))
        # read from the cache the job filled (the shared database cache's own table, no other: ADR 0035)
        assert not [q["sql"] for q in queries.captured_queries if "chinhquyen_cache" not in q["sql"]]
        assert {f.indicator.code: f.value.numerator for f in province.data}["VB_DI_DIEN_TU"] == 1
        admin = org.create_official(username="quantri.tinh", full_name="Quản Trị Tỉnh", password=PASSWORD)
        org.assign_role(official=admin, agency=office_world.cast.province, role=Role.PROVINCE_ADMIN, valid_from=SINCE)
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/reports/?year=2026")
        assert page.status_code == 200 and "VB_DI_DIEN_TU" in page.content.decode()
        tables = ("documents_outgoingdocument", "documents_incomingdocument", "dossiers_dossier")
        assert not [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in tables)]
    finally:
        cache.clear()
