"""The demo province: Hòa Bình as it was (2019), after Kỳ Sơn's merger (2020), and the new
Phú Thọ after the reorganisation of 1 July 2025 (STANDARDS §8)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from chinhquyen.core.models import AuditEvent
from chinhquyen.organizations.demo import OFFICIALS, load_demo
from chinhquyen.organizations.models import (
    Account,
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Role,
    RoleAssignment,
    Unit,
    UnitMembership,
)
from chinhquyen.organizations.selectors import agency_tree, current_successors

pytestmark = pytest.mark.django_db

DAY_2019 = dt.date(2019, 6, 1)
DAY_2020 = dt.date(2020, 6, 1)
DAY_2026 = dt.date(2026, 1, 1)


@pytest.fixture
def demo():
    load_demo()


def _root(day, code):
    roots = {node.agency.code: node for node in agency_tree(as_of=day)}
    return roots.get(code)


def _districts(node):
    return sorted(child.agency.name for child in node.children if child.agency.level == AgencyLevel.DISTRICT)


def test_in_2019_hoa_binh_has_the_city_and_ten_districts_and_phu_tho_does_not_exist(demo):
    hoa_binh = _root(DAY_2019, "000.00.00.H28")
    assert hoa_binh is not None
    districts = _districts(hoa_binh)
    assert len(districts) == 11
    assert "Ủy ban nhân dân huyện Kỳ Sơn" in districts
    assert "Ủy ban nhân dân thành phố Hòa Bình" in districts
    assert not Agency.objects.valid_on(DAY_2019).filter(code__endswith=".H44").exists()
    # The office, the departments of §8.1 and the service centre hang under the UBND.
    kinds = {child.agency.kind for child in hoa_binh.children}
    assert {AgencyKind.COMMITTEE_OFFICE, AgencyKind.DEPARTMENT, AgencyKind.SERVICE_CENTER} <= kinds
    departments = [c.agency.name for c in hoa_binh.children if c.agency.kind == AgencyKind.DEPARTMENT]
    assert "Sở Kế hoạch và Đầu tư tỉnh Hòa Bình" in departments and "Sở Thông tin và Truyền thông tỉnh Hòa Bình" in departments


def test_in_2020_ky_son_is_gone_into_the_city(demo):
    hoa_binh = _root(DAY_2020, "000.00.00.H28")
    districts = _districts(hoa_binh)
    assert len(districts) == 10
    assert "Ủy ban nhân dân huyện Kỳ Sơn" not in districts
    city = next(c for c in hoa_binh.children if c.agency.name == "Ủy ban nhân dân thành phố Hòa Bình")
    wards = {c.agency.name for c in city.children}
    assert "Ủy ban nhân dân phường Kỳ Sơn" in wards and "Ủy ban nhân dân xã Mông Hóa" in wards


def test_in_2026_there_is_no_district_no_hoa_binh_and_the_new_phu_tho_has_the_merged_departments(demo):
    assert not Agency.objects.valid_on(DAY_2026).filter(level=AgencyLevel.DISTRICT).exists()
    assert not Agency.objects.valid_on(DAY_2026).filter(code__endswith=".H28").exists()
    assert _root(DAY_2026, "000.00.00.H28") is None
    phu_tho = _root(DAY_2026, "000.00.00.H44")
    assert phu_tho is not None and phu_tho.agency.name == "Ủy ban nhân dân tỉnh Phú Thọ"
    names = {c.agency.name for c in phu_tho.children}
    assert {
        "Sở Tài chính tỉnh Phú Thọ",
        "Sở Nông nghiệp và Môi trường tỉnh Phú Thọ",
        "Sở Khoa học và Công nghệ tỉnh Phú Thọ",
        "Sở Xây dựng tỉnh Phú Thọ",
        "Sở Nội vụ tỉnh Phú Thọ",
        "Sở Dân tộc và Tôn giáo tỉnh Phú Thọ",
        "Trung tâm Phục vụ hành chính công tỉnh Phú Thọ",
    } <= names
    # Departments that were merged away have no successor of their own name any more.
    assert not any("Kế hoạch và Đầu tư" in n or "Thông tin và Truyền thông" in n or "Giao thông" in n for n in names)
    # Communes sit directly under the province (two-level local government).
    communes = [c for c in phu_tho.children if c.agency.level == AgencyLevel.COMMUNE]
    assert len(communes) >= 10 and all(not c.children for c in communes)


def test_the_2025_department_mergers_follow_standards_8_2(demo):
    def predecessors(code):
        successor = Agency.objects.get(code=code, valid_from=dt.date(2025, 7, 1))
        return sorted(s.predecessor.name for s in AgencySuccession.objects.filter(successor=successor))

    assert predecessors("000.00.05.H44") == ["Sở Kế hoạch và Đầu tư tỉnh Hòa Bình", "Sở Tài chính tỉnh Hòa Bình"]
    assert predecessors("000.00.14.H44") == ["Sở Khoa học và Công nghệ tỉnh Hòa Bình", "Sở Thông tin và Truyền thông tỉnh Hòa Bình"]
    assert predecessors("000.00.02.H44") == ["Sở Lao động - Thương binh và Xã hội tỉnh Hòa Bình", "Sở Nội vụ tỉnh Hòa Bình"]
    assert predecessors("000.00.00.H44") == ["Ủy ban nhân dân tỉnh Hòa Bình"]
    province_merger = AgencySuccession.objects.get(successor__code="000.00.00.H44")
    assert "202/2025/QH15" in province_merger.legal_reference


def test_hoa_binh_code_is_retired_on_1_july_2025(demo):
    hoa_binh = Agency.objects.get(code="000.00.00.H28")
    assert hoa_binh.valid_to == dt.date(2025, 6, 30)
    assert hoa_binh.code_verified and hoa_binh.administrative_unit_code == "17"
    assert Agency.objects.get(code="000.00.00.H44").valid_from == dt.date(2025, 7, 1)


def test_the_current_successor_of_ky_son_goes_through_the_city_then_the_2025_wards(demo):
    ky_son = Agency.objects.get(name="Ủy ban nhân dân huyện Kỳ Sơn")
    assert ky_son.valid_to == dt.date(2019, 12, 31)
    city = Agency.objects.get(name="Ủy ban nhân dân thành phố Hòa Bình")
    assert current_successors(ky_son, on=DAY_2020) == [city]
    assert "830/NQ-UBTVQH14" in AgencySuccession.objects.get(predecessor=ky_son).legal_reference
    now = {a.name for a in current_successors(ky_son, on=DAY_2026)}
    assert "Ủy ban nhân dân phường Kỳ Sơn" in now and "Ủy ban nhân dân phường Hòa Bình" in now
    assert all(a.code.endswith(".H44") for a in current_successors(ky_son, on=DAY_2026))


def test_a_district_closed_in_2025_has_the_new_commune_as_successor(demo):
    mai_chau = Agency.objects.get(name="Ủy ban nhân dân huyện Mai Châu")
    assert mai_chau.valid_to == dt.date(2025, 6, 30)
    assert current_successors(mai_chau, on=DAY_2019) == [mai_chau]
    assert [a.name for a in current_successors(mai_chau, on=DAY_2026)] == ["Ủy ban nhân dân xã Mai Châu"]
    # And an old township, through the same reorganisation.
    township = Agency.objects.get(name="Ủy ban nhân dân thị trấn Mai Châu")
    assert [a.name for a in current_successors(township, on=DAY_2026)] == ["Ủy ban nhân dân xã Mai Châu"]


def test_there_are_at_least_twenty_communes_under_the_districts_and_codes_below_level_1_are_demo(demo):
    communes = Agency.objects.valid_on(DAY_2019).filter(level=AgencyLevel.COMMUNE, parent__level=AgencyLevel.DISTRICT)
    assert communes.count() >= 20
    assert not Agency.objects.exclude(code__startswith="000.00.00.").filter(code_verified=True).exists()
    assert set(Agency.objects.filter(code_verified=True).values_list("code", flat=True)) == {"000.00.00.H28", "000.00.00.H44"}


def test_codes_are_unique_among_agencies_valid_on_the_same_day(demo):
    for day in (DAY_2019, DAY_2020, dt.date(2025, 6, 30), dt.date(2025, 7, 1), DAY_2026):
        codes = list(Agency.objects.valid_on(day).values_list("code", flat=True))
        assert len(codes) == len(set(codes)), day


def test_load_demo_twice_changes_nothing(demo):
    models = (Agency, AgencySuccession, Unit, Account, RoleAssignment, UnitMembership, AuditEvent)
    before = {m.__name__: m.objects.count() for m in models}
    result = load_demo()
    assert not result.changed
    assert {m.__name__: m.objects.count() for m in models} == before


def test_the_command_says_when_nothing_changed():
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)
    assert "nothing changed" not in first.getvalue()
    assert "nothing changed" in second.getvalue()


def test_demo_accounts_json_lists_each_login_with_the_demo_password(demo, settings):
    out = StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    accounts = json.loads(out.getvalue())
    assert len(accounts) == len(OFFICIALS)
    for entry in accounts:
        assert set(entry) == {"username", "password", "agency_code", "roles"}
        assert entry["password"] == settings.DEMO_PASSWORD
        assert entry["username"].isascii()
        assert Agency.objects.valid_on(DAY_2026).filter(code=entry["agency_code"]).exists()
        account = Account.objects.get(username=entry["username"])
        assert account.is_demo and account.check_password(settings.DEMO_PASSWORD)
    by_name = {e["username"]: e for e in accounts}
    assert by_name["vanthu.snv"]["roles"] == ["clerk"] and by_name["vanthu.snv"]["agency_code"] == "000.00.02.H44"
    assert by_name["quantri.tinh"]["roles"] == ["province_admin"]


def test_demo_accounts_table_is_readable(demo):
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert "motcua.ttpvhcc" in out.getvalue() and "Trung tâm Phục vụ hành chính công tỉnh Phú Thọ" in out.getvalue()


def test_every_agency_role_is_held_in_three_agencies_valid_today_and_a_province_admin_exists(demo):
    today = dt.date(2026, 6, 1)
    valid = RoleAssignment.objects.valid_on(today).filter(agency__in=Agency.objects.valid_on(today), official__is_demo=True)
    for role in Role.values:
        agencies = set(valid.filter(role=role).values_list("agency_id", flat=True))
        # The province administrator's role is province-wide: one account, held at the UBND.
        assert len(agencies) >= (1 if role == Role.PROVINCE_ADMIN else 3), role
    kinds = set(valid.values_list("agency__kind", flat=True))
    assert {AgencyKind.DEPARTMENT, AgencyKind.PEOPLES_COMMITTEE, AgencyKind.SERVICE_CENTER} <= kinds
    assert valid.filter(agency__level=AgencyLevel.COMMUNE).exists()
    # The unit leaders and specialists belong to a unit of their agency.
    for assignment in valid.filter(role__in=[Role.UNIT_LEADER, Role.SPECIALIST]):
        assert assignment.unit is not None and assignment.unit.agency_id == assignment.agency_id
        assert UnitMembership.objects.filter(official=assignment.official, unit=assignment.unit).exists()


def test_a_changed_demo_password_is_applied_on_the_next_load(demo, settings):
    settings.DEMO_PASSWORD = "Mat-khau-demo-moi-2027"
    result = load_demo()
    assert result.created == {"passwords reset": len(OFFICIALS)}
    assert Account.objects.get(username="lanhdao.snv").check_password("Mat-khau-demo-moi-2027")
    assert not load_demo().changed


def test_a_demo_clerk_can_log_in_and_sees_the_agency(demo, client, settings):
    response = client.post("/accounts/login/", {"username": "vanthu.phuonghb", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    assert "Ủy ban nhân dân phường Hòa Bình" in client.get("/").content.decode()
