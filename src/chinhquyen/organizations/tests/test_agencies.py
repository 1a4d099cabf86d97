"""Agencies over time: the tree as of a date, successions, and the rules that refuse bad input."""

import datetime as dt

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.core.models import AuditEvent
from chinhquyen.organizations import services
from chinhquyen.organizations.models import Agency, AgencyLevel, AgencySuccession, SuccessionKind
from chinhquyen.organizations.selectors import agency_tree, current_successors
from chinhquyen.organizations.tests.factories import make_agency

pytestmark = pytest.mark.django_db
D = dt.date


def _codes(day):
    return {a.code for a in Agency.objects.valid_on(day)}


def test_the_tree_as_of_a_date_shows_only_agencies_in_force_then():
    province = make_agency(code="000.00.00.H28", level=AgencyLevel.PROVINCE, valid_from=D(2000, 1, 1))
    district = make_agency(
        code="000.00.51.H28",
        name="UBND huyện Kỳ Sơn",
        level=AgencyLevel.DISTRICT,
        parent=province,
        valid_from=D(2000, 1, 1),
        valid_to=D(2019, 12, 31),
    )
    city = make_agency(
        code="000.00.48.H28", name="UBND thành phố Hòa Bình", level=AgencyLevel.DISTRICT, parent=province, valid_from=D(2000, 1, 1)
    )
    assert _codes(D(2019, 6, 1)) == {province.code, district.code, city.code}
    assert _codes(D(2020, 6, 1)) == {province.code, city.code}
    roots = agency_tree(as_of=D(2019, 6, 1))
    assert [r.agency.code for r in roots] == ["000.00.00.H28"]
    assert {c.agency.name for c in roots[0].children} == {"UBND huyện Kỳ Sơn", "UBND thành phố Hòa Bình"}


def test_validity_bounds_are_inclusive():
    agency = make_agency(valid_from=D(2020, 1, 1), valid_to=D(2020, 12, 31))
    assert agency.is_valid_on(D(2020, 1, 1)) and agency.is_valid_on(D(2020, 12, 31))
    assert not agency.is_valid_on(D(2021, 1, 1)) and not agency.is_valid_on(D(2019, 12, 31))


def test_the_successor_of_a_closed_district_is_found_through_later_changes():
    province = make_agency(code="000.00.00.H28", valid_from=D(2000, 1, 1))
    ky_son = make_agency(code="000.00.51.H28", level=AgencyLevel.DISTRICT, parent=province, valid_from=D(2000, 1, 1))
    city = make_agency(code="000.00.48.H28", level=AgencyLevel.DISTRICT, parent=province, valid_from=D(2000, 1, 1))
    services.record_succession(predecessors=[ky_son], successors=[city], kind=SuccessionKind.MERGER, effective_date=D(2020, 1, 1))
    ky_son.refresh_from_db()
    assert ky_son.valid_to == D(2019, 12, 31)
    assert current_successors(ky_son, on=D(2024, 1, 1)) == [city]
    # 2025: the district level ends; the city's work passes to a ward under the new province.
    new_province = make_agency(code="000.00.00.H44", valid_from=D(2025, 7, 1))
    ward = make_agency(code="000.01.00.H44", level=AgencyLevel.COMMUNE, parent=new_province, valid_from=D(2025, 7, 1))
    services.record_succession(predecessors=[city], successors=[ward], kind=SuccessionKind.MERGER, effective_date=D(2025, 7, 1))
    services.record_succession(predecessors=[province], successors=[new_province], kind=SuccessionKind.MERGER, effective_date=D(2025, 7, 1))
    assert current_successors(ky_son, on=D(2026, 1, 1)) == [ward]
    assert current_successors(province, on=D(2026, 1, 1)) == [new_province]
    # Before the 2025 change the answer is still the city.
    assert current_successors(ky_son, on=D(2025, 6, 30)) == [city]


def test_a_split_gives_several_successors():
    old = make_agency(valid_from=D(2010, 1, 1))
    a, b = make_agency(valid_from=D(2021, 1, 1)), make_agency(valid_from=D(2021, 1, 1))
    services.record_succession(predecessors=[old], successors=[a, b], kind=SuccessionKind.SPLIT, effective_date=D(2021, 1, 1))
    assert current_successors(old, on=D(2022, 1, 1)) == sorted([a, b], key=lambda x: x.code)


def test_closing_an_agency_closes_its_subordinates():
    parent = make_agency(valid_from=D(2010, 1, 1))
    child = make_agency(parent=parent, valid_from=D(2010, 1, 1))
    services.close_agency(agency=parent, last_day=D(2025, 6, 30))
    child.refresh_from_db()
    assert child.valid_to == D(2025, 6, 30)


def test_a_code_used_by_two_agencies_valid_on_the_same_day_is_refused():
    make_agency(code="000.00.05.H28", valid_from=D(2015, 1, 1), valid_to=D(2020, 12, 31))
    before = (Agency.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        make_agency(code="000.00.05.H28", valid_from=D(2020, 12, 31))
    assert exc.value.code == "agency.code_taken"
    assert (Agency.objects.count(), AuditEvent.objects.count()) == before


def test_a_code_may_be_reused_after_the_first_agency_closed():
    make_agency(code="000.00.05.H28", valid_from=D(2015, 1, 1), valid_to=D(2020, 12, 31))
    assert make_agency(code="000.00.05.H28", valid_from=D(2021, 1, 1)).pk


@pytest.mark.parametrize(
    "code",
    ["H28", "000.00.00.H2", "00.00.00.H28", "000.00.00.H28x", "000-00-00-H28", "000.00.00.28H", "000.00.00.Đ28", "٠٠٠.00.00.H28", ""],
)
def test_a_malformed_code_is_refused_with_a_message(code):
    with pytest.raises(DomainError) as exc:
        services.create_agency(code=code, name="Cơ quan", level="province", valid_from=D(2020, 1, 1))
    assert exc.value.code == "agency.code_invalid"
    assert "000.00.00.H28" in exc.value.message
    assert Agency.objects.count() == 0


def test_a_cycle_in_the_tree_is_refused():
    a = make_agency(valid_from=D(2010, 1, 1))
    b = make_agency(parent=a, valid_from=D(2010, 1, 1))
    c = make_agency(parent=b, valid_from=D(2010, 1, 1))
    with pytest.raises(DomainError) as exc:
        services.update_agency(agency=a, parent=c)
    assert exc.value.code == "agency.cycle"
    a.refresh_from_db()
    assert a.parent is None
    with pytest.raises(DomainError):
        services.update_agency(agency=a, parent=a)


def test_an_end_before_the_start_is_refused():
    with pytest.raises(DomainError) as exc:
        make_agency(valid_from=D(2020, 1, 1), valid_to=D(2019, 1, 1))
    assert exc.value.code == "validity.order"
    assert "valid_to" in exc.value.fields


def test_a_subordinate_cannot_outlive_its_managing_body():
    parent = make_agency(valid_from=D(2010, 1, 1), valid_to=D(2025, 6, 30))
    with pytest.raises(DomainError) as exc:
        make_agency(parent=parent, valid_from=D(2010, 1, 1))
    assert exc.value.code == "agency.parent_not_valid"


def test_an_agency_cannot_sit_above_its_managing_body():
    commune = make_agency(level=AgencyLevel.COMMUNE, valid_from=D(2010, 1, 1))
    with pytest.raises(DomainError) as exc:
        make_agency(level=AgencyLevel.PROVINCE, parent=commune, valid_from=D(2010, 1, 1))
    assert exc.value.code == "agency.level_above_parent"


def test_shortening_an_agency_below_its_subordinates_is_refused_and_changes_nothing():
    parent = make_agency(valid_from=D(2010, 1, 1))
    make_agency(parent=parent, valid_from=D(2010, 1, 1))
    with pytest.raises(DomainError) as exc:
        services.update_agency(agency=parent, valid_to=D(2020, 1, 1))
    assert exc.value.code == "agency.children_outlive"
    parent.refresh_from_db()
    assert parent.valid_to is None


def test_a_failed_succession_leaves_the_predecessor_open():
    old = make_agency(valid_from=D(2010, 1, 1))
    later = make_agency(valid_from=D(2030, 1, 1))
    with pytest.raises(DomainError):
        services.record_succession(predecessors=[old], successors=[later], kind=SuccessionKind.MERGER, effective_date=D(2025, 7, 1))
    old.refresh_from_db()
    assert old.valid_to is None and AgencySuccession.objects.count() == 0


def test_each_change_writes_an_audit_event_with_before_and_after():
    agency = make_agency(name="Sở Cũ", valid_from=D(2010, 1, 1))
    services.update_agency(agency=agency, name="Sở Mới")
    event = AuditEvent.objects.filter(action="agency.updated").get()
    assert event.summary["before"]["name"] == "Sở Cũ" and event.summary["after"]["name"] == "Sở Mới"
    assert event.agency_id == agency.pk


def test_a_lower_case_code_is_stored_in_upper_case():
    assert make_agency(code="000.00.07.h28", valid_from=D(2010, 1, 1)).code == "000.00.07.H28"


def test_names_are_stored_in_nfc():
    import unicodedata

    agency = make_agency(name=unicodedata.normalize("NFD", "Sở Nội vụ"), valid_from=D(2010, 1, 1))
    assert agency.name == unicodedata.normalize("NFC", "Sở Nội vụ")
