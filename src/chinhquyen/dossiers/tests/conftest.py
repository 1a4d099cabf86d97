"""Fixtures of the dossier tests: the shared cast, plus a commune, processing officers and a small catalogue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chinhquyen.dossiers import clock
from chinhquyen.dossiers.services import ApplicantData, ComponentData, receive_dossier
from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Account, Agency, AgencyKind, AgencyLevel, Role
from chinhquyen.organizations.testing import PASSWORD, SINCE, Cast
from chinhquyen.procedures.models import Channel, Procedure, StepHandler, SupplementRule, TimeUnit
from chinhquyen.procedures.services import ComponentSpec, FeeSpec, ProcedureSpec, StepSpec, TimeSpec, save_procedure

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


class FakeClock:
    """Sets what `dossiers.clock.now()` returns (in this process, the live server's thread included)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.value = at(2026, 2, 13, 9, 0)
        monkeypatch.setattr(clock, "now", lambda: self.value)

    def set(self, value: dt.datetime) -> dt.datetime:
        self.value = value
        return value


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return FakeClock(monkeypatch)


@dataclass
class OneStop:
    cast: Cast
    commune: Agency
    processing_a: Account
    commune_counter: Account
    commune_processing: Account
    commune_leader: Account
    three_day: Procedure  # province level, Sở Nội vụ (agency A), restart rule
    three_day_pause: Procedure  # the same with the pause rule
    same_day: Procedure  # commune level, 4 working hours, 15:00 cutoff
    inter: Procedure  # province level with a coordinating step at the commune


def _official(username: str, name: str, agency: Agency, role: str) -> Account:
    account = org.create_official(username=username, full_name=name, password=PASSWORD)
    org.assign_role(official=account, agency=agency, role=role, valid_from=SINCE)
    return account


def three_day_spec(code: str, rule: str = SupplementRule.RESTART, instances: list[str] | None = None) -> ProcedureSpec:
    return ProcedureSpec(
        code=code,
        name="Thủ tục cấp giấy phép lao động cho người lao động nước ngoài",
        field_code="H99-LD",
        field_name="Lao động, việc làm",
        levels=["province"],
        online_mode="full",
        supplement_rule=rule,
        times=[TimeSpec(Channel.COUNTER, Decimal("3")), TimeSpec(Channel.ONLINE, Decimal("3"))],
        fees=[FeeSpec("Lệ phí 600.000 đồng", 600000)],
        components=[
            ComponentSpec("Văn bản đề nghị cấp giấy phép lao động", 1, 0),
            ComponentSpec("Giấy chứng nhận sức khỏe", 1, 0),
            ComponentSpec("Ảnh màu 4x6", 2, 0, mandatory=False),
        ],
        steps=[
            StepSpec("Tiếp nhận và chuyển hồ sơ", Decimal("0.5"), TimeUnit.WORKING_DAY, StepHandler.RECEIVING, "counter_officer"),
            StepSpec("Thẩm định hồ sơ", Decimal("1.5"), TimeUnit.WORKING_DAY, StepHandler.COMPETENT, "processing_officer"),
            StepSpec("Ký duyệt kết quả", Decimal("0.5"), TimeUnit.WORKING_DAY, StepHandler.COMPETENT, "leader"),
            StepSpec("Trả kết quả", Decimal("0.5"), TimeUnit.WORKING_DAY, StepHandler.RECEIVING, "counter_officer"),
        ],
        instances=instances if instances is not None else ["000.00.01.H99"],
        result="Giấy phép lao động",
        legal_basis=[{"number": "Bộ luật Lao động 2019", "title": ""}],
        valid_from=dt.date(2025, 7, 1),
    )


@pytest.fixture
def one_stop(cast: Cast) -> OneStop:
    commune = org.create_agency(
        code="000.00.51.H99",
        name="Ủy ban nhân dân phường Thử Nghiệm",
        short_name="UBND",
        level=AgencyLevel.COMMUNE,
        kind=AgencyKind.PEOPLES_COMMITTEE,
        parent=cast.province,
        valid_from=SINCE,
    )
    processing_a = _official("xuly.a", "Vũ Thị Xử Lý", cast.agency_a, Role.PROCESSING_OFFICER)
    commune_counter = _official("motcua.xa", "Đinh Văn Một Cửa", commune, Role.COUNTER_OFFICER)
    commune_processing = _official("xuly.xa", "Bùi Thị Xử Lý", commune, Role.PROCESSING_OFFICER)
    commune_leader = _official("lanhdao.xa", "Quách Văn Chủ Tịch", commune, Role.LEADER)
    save_procedure(spec=three_day_spec("1.000459"))
    save_procedure(spec=three_day_spec("1.000460", SupplementRule.PAUSE))
    same_day = ProcedureSpec(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field_code="H99-HT",
        field_name="Hộ tịch",
        levels=["commune"],
        online_mode="full",
        times=[TimeSpec(Channel.COUNTER, Decimal("4"), TimeUnit.WORKING_HOUR, dt.time(15, 0))],
        components=[ComponentSpec("Tờ khai đăng ký khai sinh", 1, 0), ComponentSpec("Giấy chứng sinh", 1, 0)],
        instances=["000.00.51.H99"],
        valid_from=dt.date(2025, 7, 1),
    )
    save_procedure(spec=same_day)
    inter = three_day_spec("2.000908")
    inter.steps.insert(
        2,
        StepSpec(
            "Xác nhận của Ủy ban nhân dân phường",
            Decimal("0.5"),
            TimeUnit.WORKING_DAY,
            StepHandler.COORDINATING,
            "processing_officer",
            "000.00.51.H99",
        ),
    )
    inter.times = [TimeSpec(Channel.COUNTER, Decimal("3.5"))]
    inter.name = "Thủ tục liên thông có bước tại cấp xã"
    save_procedure(spec=inter)
    return OneStop(
        cast=cast,
        commune=commune,
        processing_a=processing_a,
        commune_counter=commune_counter,
        commune_processing=commune_processing,
        commune_leader=commune_leader,
        three_day=Procedure.objects.get(code="1.000459"),
        three_day_pause=Procedure.objects.get(code="1.000460"),
        same_day=Procedure.objects.get(code="1.001193"),
        inter=Procedure.objects.get(code="2.000908"),
    )


def complete_components(procedure: Procedure) -> list[ComponentData]:
    version = procedure.versions.order_by("-number").first()
    return [ComponentData(c.pk, c.originals, c.copies) for c in version.required_components.all() if c.mandatory]


CITIZEN = ApplicantData(
    name="Nguyễn Văn An", id_number="017090001234", phone="0912345678", email="an@example.test", address="Tổ 5, phường Thử Nghiệm"
)


def receive(
    one_stop: OneStop, procedure: Procedure | None = None, *, officer: Account | None = None, agency: Agency | None = None, **kwargs
):
    procedure = procedure or one_stop.three_day
    return receive_dossier(
        officer=officer or one_stop.cast.counter_officer,
        procedure_code=procedure.code,
        applicant=kwargs.pop("applicant", CITIZEN),
        components=kwargs.pop("components", complete_components(procedure)),
        receiving_agency=agency or one_stop.cast.service_center,
        **kwargs,
    ).dossier
