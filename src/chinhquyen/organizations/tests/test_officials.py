"""Officials, roles in several agencies, delegations, applicants."""

import datetime as dt

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.organizations import services
from chinhquyen.organizations.models import Account, AccountKind, Official, Role
from chinhquyen.organizations.selectors import delegations_to, roles_of
from chinhquyen.organizations.tests.factories import PASSWORD, make_agency, make_official

pytestmark = pytest.mark.django_db
D = dt.date


def test_an_official_may_hold_roles_in_several_agencies(cast):
    services.assign_role(official=cast.clerk_a, agency=cast.agency_b, role=Role.SPECIALIST, valid_from=D(2024, 1, 1))
    held = {(a.agency.code, a.role) for a in roles_of(cast.clerk_a)}
    assert held == {(cast.agency_a.code, Role.CLERK), (cast.agency_b.code, Role.SPECIALIST)}


def test_the_same_role_cannot_overlap_itself_in_one_agency(cast):
    with pytest.raises(DomainError) as exc:
        services.assign_role(official=cast.clerk_a, agency=cast.agency_a, role=Role.CLERK, valid_from=D(2024, 1, 1))
    assert exc.value.code == "role.overlap"


def test_roles_end_with_their_validity(cast):
    official = make_official()
    services.assign_role(official=official, agency=cast.agency_a, role=Role.SPECIALIST, valid_from=D(2020, 1, 1), valid_to=D(2021, 1, 1))
    assert list(roles_of(official, on=D(2020, 6, 1)))
    assert not list(roles_of(official, on=D(2022, 1, 1)))


def test_an_applicant_cannot_hold_a_role(cast):
    with pytest.raises(DomainError) as exc:
        services.assign_role(official=cast.citizen.account, agency=cast.agency_a, role=Role.CLERK, valid_from=D(2024, 1, 1))
    assert exc.value.code == "role.not_official"


def test_officials_and_applicants_are_separate_account_kinds(cast):
    assert cast.citizen.account.kind == AccountKind.APPLICANT
    assert not Official.objects.filter(pk=cast.citizen.account.pk).exists()
    assert Official.objects.filter(pk=cast.clerk_a.pk).exists()


def test_a_real_account_needs_a_password_of_at_least_12_characters():
    with pytest.raises(DomainError) as exc:
        services.create_official(username="ngan", full_name="Mật khẩu ngắn", password="Ngan@2026")
    assert exc.value.code == "account.password_weak"
    assert not Account.objects.filter(username="ngan").exists()


def test_a_taken_username_is_refused():
    make_official("trung")
    with pytest.raises(DomainError) as exc:
        make_official("TRUNG")
    assert exc.value.code == "account.username_taken"


def test_a_leader_delegates_for_a_period(cast):
    delegation = services.create_delegation(
        leader=cast.leader_a,
        delegate=cast.specialist_a,
        agency=cast.agency_a,
        starts_on=D(2026, 3, 2),
        ends_on=D(2026, 3, 6),
        reason="Đi công tác",
    )
    assert list(delegations_to(cast.specialist_a, on=D(2026, 3, 4))) == [delegation]
    assert not list(delegations_to(cast.specialist_a, on=D(2026, 3, 7)))


def test_only_a_leader_can_delegate_and_only_inside_the_agency(cast):
    with pytest.raises(DomainError) as exc:
        services.create_delegation(
            leader=cast.clerk_a, delegate=cast.specialist_a, agency=cast.agency_a, starts_on=D(2026, 3, 2), ends_on=D(2026, 3, 6)
        )
    assert exc.value.code == "delegation.not_leader"
    with pytest.raises(DomainError) as exc:
        services.create_delegation(
            leader=cast.leader_a, delegate=cast.clerk_b, agency=cast.agency_a, starts_on=D(2026, 3, 2), ends_on=D(2026, 3, 6)
        )
    assert exc.value.code == "delegation.delegate_outside"


def test_a_unit_must_lie_within_its_agency_period(cast):
    closed = make_agency(valid_from=D(2010, 1, 1), valid_to=D(2019, 12, 31))
    with pytest.raises(DomainError) as exc:
        services.create_unit(agency=closed, name="Phòng Hành chính", valid_from=D(2018, 1, 1))
    assert exc.value.code == "unit.agency_not_valid"


def test_an_applicant_identity_number_has_12_digits():
    with pytest.raises(DomainError) as exc:
        services.create_applicant(username="dan2", full_name="Công dân", password=PASSWORD, identity_number="12345")
    assert exc.value.code == "applicant.identity_invalid"
