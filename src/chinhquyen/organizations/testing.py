"""The fixed cast shared by every permission test (STYLE.md): a clerk, a leader and a specialist
of agency A, a clerk of agency B, a counter officer, a citizen, an anonymous visitor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from chinhquyen.organizations import services
from chinhquyen.organizations.models import Account, Agency, AgencyKind, AgencyLevel, Applicant, Role

PASSWORD = "Mat-khau-that-dai-2026"
SINCE = dt.date(2020, 1, 1)


@dataclass
class Cast:
    province: Agency
    agency_a: Agency
    agency_b: Agency
    service_center: Agency
    clerk_a: Account
    leader_a: Account
    specialist_a: Account
    clerk_b: Account
    counter_officer: Account
    citizen: Applicant
    password: str = PASSWORD


def make_cast() -> Cast:
    province = services.create_agency(
        code="000.00.00.H99",
        name="Ủy ban nhân dân tỉnh Thử Nghiệm",
        short_name="UBND",
        level=AgencyLevel.PROVINCE,
        kind=AgencyKind.PEOPLES_COMMITTEE,
        valid_from=SINCE,
    )
    agency_a = services.create_agency(
        code="000.00.01.H99",
        name="Sở Nội vụ tỉnh Thử Nghiệm",
        short_name="SNV",
        level=AgencyLevel.PROVINCE,
        kind=AgencyKind.DEPARTMENT,
        parent=province,
        valid_from=SINCE,
    )
    agency_b = services.create_agency(
        code="000.00.02.H99",
        name="Sở Tài chính tỉnh Thử Nghiệm",
        short_name="STC",
        level=AgencyLevel.PROVINCE,
        kind=AgencyKind.DEPARTMENT,
        parent=province,
        valid_from=SINCE,
    )
    center = services.create_agency(
        code="000.00.03.H99",
        name="Trung tâm Phục vụ hành chính công tỉnh Thử Nghiệm",
        short_name="TTPVHCC",
        level=AgencyLevel.PROVINCE,
        kind=AgencyKind.SERVICE_CENTER,
        parent=province,
        valid_from=SINCE,
    )

    def official(username: str, name: str, agency: Agency, role: str) -> Account:
        account = services.create_official(username=username, full_name=name, password=PASSWORD)
        services.assign_role(official=account, agency=agency, role=role, valid_from=SINCE)
        return account

    return Cast(
        province=province,
        agency_a=agency_a,
        agency_b=agency_b,
        service_center=center,
        clerk_a=official("vanthu.a", "Nguyễn Thị Văn Thư", agency_a, Role.CLERK),
        leader_a=official("lanhdao.a", "Trần Văn Lãnh Đạo", agency_a, Role.LEADER),
        specialist_a=official("chuyenvien.a", "Lê Thị Chuyên Viên", agency_a, Role.SPECIALIST),
        clerk_b=official("vanthu.b", "Phạm Văn Thư", agency_b, Role.CLERK),
        counter_officer=official("motcua", "Hoàng Thị Một Cửa", center, Role.COUNTER_OFFICER),
        citizen=services.create_applicant(username="congdan", full_name="Đỗ Văn Dân", password=PASSWORD, identity_number="017090001234"),
    )


def enrol_totp(account: Account) -> str:
    """Give `account` a confirmed TOTP second factor, as if enrolled through the page; its base32 key."""
    from chinhquyen.organizations import totp
    from chinhquyen.organizations.models import TotpDevice

    key = totp.new_key()
    TotpDevice.objects.filter(user=account).delete()
    TotpDevice.objects.create(user=account, name="TOTP", confirmed=True, encrypted_key=totp.encrypt_key(key))
    return totp.base32(key)


def force_login_verified(client: Any, account: Account) -> None:
    """Log `account` into a test client with the second factor done, as after the TOTP page."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from chinhquyen.organizations.models import TotpDevice

    if not TotpDevice.objects.filter(user=account, confirmed=True).exists():
        enrol_totp(account)
    device = TotpDevice.objects.get(user=account, confirmed=True)
    client.force_login(account)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
