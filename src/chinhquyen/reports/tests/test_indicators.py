"""Each indicator on the small world of conftest.py, with its exact expected value, and the period
and agency filters."""

from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.reports import indicators
from chinhquyen.reports.indicators import Period

pytestmark = pytest.mark.django_db

MARCH = Period.month(2026, 3)
FEBRUARY = Period.month(2026, 2)


def _pair(code, agency_ids, period):
    value = indicators.get(code).compute(agency_ids, period)
    return value.numerator, value.denominator, value.ratio


def test_every_indicator_has_a_definition_a_title_and_a_unique_code():
    assert len(indicators.REGISTRY) == len({i.code for i in indicators.REGISTRY.values()})
    for indicator in indicators.REGISTRY.values():
        assert indicator.title and len(str(indicator.definition)) > 40 and indicator.legal_reference
    assert all(indicators.get(c).estimate for c in ("766_CKMB", "766_TDGQ", "766_DVCTT", "766_TTTT", "766_MDHL", "766_MDSH"))


def test_office_indicators_count_the_worlds_documents(office_world):
    a, b = office_world.cast.agency_a.pk, office_world.cast.agency_b.pk
    assert _pair("VB_DI_DIEN_TU", None, MARCH) == (1, 2, 50.0)
    assert _pair("VB_DI_HAI_CHU_KY", [a], MARCH) == (1, 2, 50.0)
    assert _pair("VB_DEN_DIEN_TU", [a], MARCH) == (2, 3, 66.7)
    assert _pair("VB_DEN_DIEN_TU", [b], MARCH) == (2, 2, 100.0)  # the two internal deliveries
    assert _pair("VB_DEN_DIEN_TU", None, MARCH) == (4, 5, 80.0)
    assert _pair("VB_DEN_VAO_SO_KIP_THOI", [a], MARCH) == (2, 3, 66.7)  # the one registered 3 days later is late
    assert _pair("VB_DEN_TRINH_KIP_THOI", [a], MARCH) == (1, 2, 50.0)  # one presented two working days later
    assert _pair("VB_DEN_DUNG_HAN", [a], MARCH) == (1, 2, 50.0)  # one completed in time, one open past its deadline


def test_office_indicators_follow_the_period_and_the_agency_filter(office_world):
    a, b = office_world.cast.agency_a.pk, office_world.cast.agency_b.pk
    assert _pair("VB_DI_DIEN_TU", None, FEBRUARY) == (0, 0, None)
    assert _pair("VB_DI_DIEN_TU", [b], MARCH) == (0, 0, None)
    assert _pair("VB_DEN_DIEN_TU", [a], Period(dt.date(2026, 3, 3), dt.date(2026, 3, 31))) == (0, 0, None)
    by_agency = indicators.get("VB_DEN_DIEN_TU").by_agency(None, MARCH)
    assert {k: (v.numerator, v.denominator) for k, v in by_agency.items()} == {a: (2, 3), b: (2, 2)}


def test_exchange_counts_packages_by_direction(exchange_world, cast):
    year = Period.year(dt.date.today().year)
    assert indicators.get("TRUC_GUI").compute([cast.agency_a.pk], year).numerator == 2
    assert indicators.get("TRUC_GUI").compute([cast.agency_b.pk], year).numerator == 0  # its 01 statuses are not documents
    assert indicators.get("TRUC_NHAN").compute([cast.agency_b.pk], year).numerator == 2
    assert indicators.get("TRUC_NHAN").compute(None, Period.year(2020)).numerator == 0
    assert indicators.get("TRUC_GUI").records([cast.agency_a.pk], year).count() == 2


def test_dossier_indicators_reuse_the_one_stop_counters(dossier_world, one_stop):
    a = one_stop.cast.agency_a.pk
    assert indicators.get("HS_TIEP_NHAN").compute([a], FEBRUARY).numerator == 5
    on_time = indicators.get("HS_DUNG_HAN").compute([a], FEBRUARY)
    assert (on_time.numerator, on_time.denominator, on_time.ratio) == (2, 3, 66.7)
    assert on_time.counters == {"resolved_early": 1, "resolved_on_time": 1, "resolved_late": 1}
    assert set(on_time.records_query) == {dossier_world["early"], dossier_world["on_time"]}
    assert _pair("HS_TRUC_TUYEN", [a], FEBRUARY) == (1, 5, 20.0)
    assert _pair("HS_SO_HOA", [a], FEBRUARY) == (0, 5, 0.0)
    rating = indicators.get("HS_DANH_GIA").compute([a], FEBRUARY)
    assert (rating.numerator, rating.denominator) == (2.5, 2)  # (4 + 1) / 2
    assert indicators.get("HS_TIEP_NHAN").compute([a], MARCH).numerator == 0
    assert indicators.get("HS_TIEP_NHAN").compute([one_stop.cast.agency_b.pk], FEBRUARY).numerator == 0


def test_procedures_offered_online_count_full_and_partial(one_stop):
    value = indicators.get("TTHC_TRUC_TUYEN").compute([one_stop.cast.agency_a.pk], MARCH)
    # three province procedures of agency A, all full online in the fixture catalogue
    assert (value.numerator, value.denominator, value.counters) == (3, 3, {"full": 3, "partial": 0})


def test_decision_766_groups_are_estimates_with_their_counters(dossier_world, one_stop):
    a = [one_stop.cast.agency_a.pk]
    tdgq = indicators.get("766_TDGQ").compute(a, FEBRUARY)
    # (3 resolved − 1 late under the index + 2 still within time) / 5 received × 20
    assert tdgq.points == 16.0 and tdgq.max_points == 20 and not tdgq.note
    mdhl = indicators.get("766_MDHL").compute(a, FEBRUARY)
    # (3 resolved − 1 late − 1 not satisfied) / 3 = 33.3 %; min(6, 6 × rate / 90 %) = 2.22; PAKN not held
    assert mdhl.points == 2.22 and mdhl.max_points == 6 and "6/18" in mdhl.note
    mdsh = indicators.get("766_MDSH").compute(a, FEBRUARY)
    assert mdsh.points == 0.0 and mdsh.max_points == 10
    dvctt = indicators.get("766_DVCTT").compute(a, FEBRUARY)
    assert dvctt.points is None and dvctt.counters["online"] == 1 and dvctt.counters["metrics"][0]["unknown"]
    ckmb = indicators.get("766_CKMB").compute(a, FEBRUARY)
    assert ckmb.points is None and all(m["unknown"] for m in ckmb.counters["metrics"])
    tttt = indicators.get("766_TTTT").compute(a, FEBRUARY)
    assert tttt.points is None and tttt.counters["with_payment"] == 0  # no fee paid yet: nothing to estimate


def test_a_merged_agency_keeps_its_figures_and_rolls_up_to_its_successor_on_request(office_world, dossier_world, one_stop):
    from chinhquyen.organizations import services as org
    from chinhquyen.reports import selectors

    cast = office_world.cast
    a, b = cast.agency_a.pk, cast.agency_b.pk
    org.record_succession(predecessors=[cast.agency_b], successors=[cast.agency_a], kind="merger", effective_date=dt.date(2026, 7, 1))
    indicator = indicators.get("VB_DEN_DIEN_TU")
    own = selectors.by_agency(indicator, None, MARCH)
    assert {k: (v.numerator, v.denominator) for k, v in own.items()} == {a: (2, 3), b: (2, 2)}
    rolled = selectors.by_agency(indicator, None, MARCH, roll_up=True)
    assert {k: (v.numerator, v.denominator, v.ratio) for k, v in rolled.items()} == {a: (4, 5, 80.0)}
    value = selectors.compute(indicator, [a], MARCH, roll_up=True)
    assert (value.numerator, value.denominator) == (4, 5)
    assert (selectors.compute(indicator, [a], MARCH).numerator, selectors.compute(indicator, [a], MARCH).denominator) == (2, 3)
    # dossier figures roll up through the one-stop counters (B had none: A's stay)
    received = selectors.by_agency(indicators.get("HS_TIEP_NHAN"), [a], FEBRUARY, roll_up=True)
    assert received[a].numerator == 5
