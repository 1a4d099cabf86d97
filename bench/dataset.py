"""Deterministic benchmark datasets (BENCHMARKS.md rule 4), shared by every app's benchmarks.

    from bench.dataset import TIERS, load
    info = load("S")          # agencies, units, officials and roles, registers, documents

A fixed seed; realistic Vietnamese text (syllables with tone marks, Zipf-distributed); real-looking
numbers and notations (`123/QĐ-UBND`, `45/SNV-VP`); ten years of dates; urgency and secrecy in
realistic shares. Rows are written with multi-row INSERTs (`bulk_create` in batches), never one
ORM save per row. Dossiers come with the one-stop-shop benchmarks (`load(..., parts={"dossiers"})`
is the place to add them).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Any

SEED = 20260305
BATCH = 5000


@dataclass(frozen=True)
class Tier:
    documents: int
    dossiers: int
    officials: int
    agencies: int


TIERS = {
    "S": Tier(documents=50_000, dossiers=10_000, officials=800, agencies=30),
    "M": Tier(documents=500_000, dossiers=100_000, officials=2_000, agencies=100),
    "L": Tier(documents=5_000_000, dossiers=1_000_000, officials=8_000, agencies=300),
}

SYLLABLES = (
    "việc về của và các cho năm thực hiện công tác triển khai kế hoạch báo cáo tình hình quản lý nhà nước "
    "tỉnh huyện xã phường cán bộ công chức viên chức tuyển dụng đánh giá xếp loại chất lượng đề án chương trình "
    "phát triển kinh tế xã hội đầu tư xây dựng cơ bản đất đai tài nguyên môi trường giáo dục đào tạo y tế dân số "
    "chuyển đổi số dữ liệu dân cư cải cách hành chính thủ tục một cửa liên thông văn thư lưu trữ thi đua khen thưởng "
    "phòng chống thiên tai dịch bệnh an ninh trật tự quốc phòng tôn giáo dân tộc lao động việc làm bảo hiểm "
    "ngân sách tài chính kinh phí quyết toán thanh tra kiểm tra giải quyết khiếu nại tố cáo cử tri kiến nghị "
    "hội nghị sơ kết tổng kết hướng dẫn đôn đốc rà soát sắp xếp đơn vị hành chính bồi dưỡng nghiệp vụ"
).split()
TYPES = [  # (document type code, abbreviation, weight): công văn dominate real registers
    ("official_letter", "", 55),
    ("decision", "QĐ", 12),
    ("plan", "KH", 6),
    ("report", "BC", 8),
    ("notice", "TB", 6),
    ("invitation", "GM", 7),
    ("submission", "TTr", 3),
    ("guidance", "HD", 3),
]


def zipf_words(rng: random.Random, count: int) -> str:
    weights = [1 / (rank + 1) for rank in range(len(SYLLABLES))]
    return " ".join(rng.choices(SYLLABLES, weights=weights, k=count))


@dataclass
class Dataset:
    tier: str
    agency_ids: list[int] = field(default_factory=list)
    clerks: dict[int, int] = field(default_factory=dict)  # agency id → clerk account id
    leaders: dict[int, int] = field(default_factory=dict)
    specialists: dict[int, list[int]] = field(default_factory=dict)
    document_ids: tuple[int, int] = (0, 0)
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def load(tier: str = "S", *, seed: int = SEED, documents: int | None = None) -> Dataset:
    """Create the tier's rows in the configured database (migrated, empty of documents)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from chinhquyen.documents.models import (
        Assignment,
        AssignmentRole,
        DocumentEvent,
        IncomingDocument,
        IncomingStatus,
        NumberCounter,
        Register,
        SeriesPurpose,
    )
    from chinhquyen.documents.numbering import VIETNAM
    from chinhquyen.organizations.models import Account, Agency, AgencyKind, AgencyLevel, Role, RoleAssignment, Unit

    spec = TIERS[tier]
    total_docs = documents if documents is not None else spec.documents
    rng = random.Random(seed)
    started = time.perf_counter()
    info = Dataset(tier=tier)
    since = dt.date(2016, 1, 1)
    password = make_password("bench-password-2026")
    with transaction.atomic():
        province = Agency.objects.create(
            code="000.00.00.H98",
            name="Ủy ban nhân dân tỉnh Đo Kiểm",
            short_name="UBND",
            level=AgencyLevel.PROVINCE,
            kind=AgencyKind.PEOPLES_COMMITTEE,
            valid_from=since,
        )
        agencies = [
            Agency(
                code=f"000.00.{i:02d}.H98" if i < 100 else f"000.{i // 100:02d}.{i % 100:02d}.H98",
                name=f"Sở {zipf_words(rng, 2).title()} số {i} tỉnh Đo Kiểm",
                short_name=f"S{i:03d}",
                level=AgencyLevel.PROVINCE,
                kind=AgencyKind.DEPARTMENT,
                parent=province,
                valid_from=since,
            )
            for i in range(1, spec.agencies)
        ]
        Agency.objects.bulk_create(agencies, batch_size=BATCH)
        agencies = [province, *Agency.objects.filter(parent=province).order_by("pk")]
        info.agency_ids = [a.pk for a in agencies]
        units = Unit.objects.bulk_create(
            [
                Unit(agency=a, name=f"Phòng {zipf_words(rng, 2)} {k}", short_name=f"P{k}", valid_from=since)
                for a in agencies
                for k in range(1, 5)
            ],
            batch_size=BATCH,
        )
        units_of: dict[int, list[Unit]] = {}
        for unit in Unit.objects.filter(agency_id__in=info.agency_ids).order_by("pk"):
            units_of.setdefault(unit.agency_id, []).append(unit)
        per_agency = max(4, spec.officials // len(agencies))
        accounts = [
            Account(username=f"bench.{a.pk}.{k}", full_name=f"Cán bộ {k} {a.short_name}", password=password, kind="official")
            for a in agencies
            for k in range(per_agency)
        ]
        Account.objects.bulk_create(accounts, batch_size=BATCH)
        by_name = {acc.username: acc.pk for acc in Account.objects.filter(username__startswith="bench.")}
        roles = []
        for a in agencies:
            ids = [by_name[f"bench.{a.pk}.{k}"] for k in range(per_agency)]
            info.clerks[a.pk], info.leaders[a.pk] = ids[0], ids[1]
            info.specialists[a.pk] = ids[3:]
            roles += [
                RoleAssignment(official_id=ids[0], agency=a, role=Role.CLERK, valid_from=since),
                RoleAssignment(official_id=ids[1], agency=a, role=Role.LEADER, valid_from=since),
            ]
            roles.append(RoleAssignment(official_id=ids[2], agency=a, role=Role.UNIT_LEADER, unit=units_of[a.pk][0], valid_from=since))
            roles += [
                RoleAssignment(official_id=i, agency=a, role=Role.SPECIALIST, unit=units_of[a.pk][n % 4], valid_from=since)
                for n, i in enumerate(ids[3:])
            ]
        RoleAssignment.objects.bulk_create(roles, batch_size=BATCH)
        Register.objects.bulk_create(
            [
                Register(agency=a, direction="incoming", purpose=SeriesPurpose.ADMINISTRATIVE, name="Sổ đăng ký văn bản đến")
                for a in agencies
            ]
            + [
                Register(agency=a, direction="outgoing", purpose=SeriesPurpose.ADMINISTRATIVE, name="Sổ đăng ký văn bản đi")
                for a in agencies
            ]
            + [
                Register(agency=a, direction=d, purpose=SeriesPurpose.SECRET, name=f"Sổ {d} mật")
                for a in agencies
                for d in ("incoming", "outgoing")
            ]
            + [Register(agency=a, direction="outgoing", purpose=SeriesPurpose.COPY, name="Sổ bản sao") for a in agencies],
            batch_size=BATCH,
        )
        incoming_register = {
            r.agency_id: r
            for r in Register.objects.filter(agency_id__in=info.agency_ids, direction="incoming", purpose=SeriesPurpose.ADMINISTRATIVE)
        }
        # Ten years of documents; agencies Zipf-weighted (a few big departments get most of the mail).
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(agencies))]
        first = dt.datetime(2016, 1, 4, 8, tzinfo=VIETNAM)
        span = (dt.datetime(2026, 10, 30, 17, tzinfo=VIETNAM) - first).total_seconds()
        instants = sorted(first + dt.timedelta(seconds=rng.random() * span) for _ in range(total_docs))
        counters: dict[tuple[int, int], int] = {}
        now = dt.datetime(2026, 11, 1, tzinfo=VIETNAM)
        type_codes, abbrs, type_weights = zip(*[(t[0], t[1], t[2]) for t in TYPES], strict=True)
        batch: list[IncomingDocument] = []
        made = 0

        def flush() -> None:
            nonlocal batch, made
            IncomingDocument.objects.bulk_create(batch, batch_size=BATCH)
            made += len(batch)
            batch = []

        for at in instants:
            agency = rng.choices(agencies, weights=weights)[0]
            year = at.year
            key = (agency.pk, year)
            counters[key] = counters.get(key, 0) + 1
            index = rng.choices(range(len(type_codes)), weights=type_weights)[0]
            issuer = rng.choice(agencies)
            notation = f"{abbrs[index]}-{issuer.short_name}" if abbrs[index] else f"{issuer.short_name}-VP"
            age = (now - at).days
            if age > 60:
                status = IncomingStatus.COMPLETED if rng.random() < 0.97 else IncomingStatus.IN_PROGRESS
            else:
                status = rng.choice(
                    [
                        IncomingStatus.REGISTERED,
                        IncomingStatus.PRESENTED,
                        IncomingStatus.ASSIGNED,
                        IncomingStatus.IN_PROGRESS,
                        IncomingStatus.COMPLETED,
                    ]
                )
            urgency = rng.choices(["", "urgent", "very_urgent", "immediate"], weights=[92, 6, 1.5, 0.5])[0]
            assigned = status in (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS, IncomingStatus.COMPLETED)
            batch.append(
                IncomingDocument(
                    agency=agency,
                    register=incoming_register[agency.pk],
                    status=status,
                    source=rng.choice(["paper", "electronic", "electronic", "internal"]),
                    document_type=type_codes[index],
                    code_number=f"{rng.randint(1, 3000):02d}",
                    code_notation=notation,
                    issued_date=(at - dt.timedelta(days=rng.randint(1, 7))).date(),
                    subject=f"Về việc {zipf_words(rng, rng.randint(6, 18))}",
                    issuer_name=issuer.name,
                    issuer_code=issuer.code,
                    page_count=rng.randint(1, 12),
                    signer_name="Nguyễn Văn A",
                    signer_position="Giám đốc",
                    urgency=urgency,
                    urgency_rank={"": 0, "urgent": 1, "very_urgent": 2, "immediate": 3}[urgency],
                    secrecy="confidential" if rng.random() < 0.01 else "",
                    arrival_number=counters[key],
                    arrival_year=year,
                    arrival_at=at,
                    received_at=at,
                    registered_by_id=info.clerks[agency.pk],
                    presented_to_id=info.leaders[agency.pk] if status != IncomingStatus.REGISTERED else None,
                    lead_handler_id=rng.choice(info.specialists[agency.pk]) if assigned else None,
                    lead_unit=units_of[agency.pk][0] if assigned else None,
                    due_at=at + dt.timedelta(days=rng.randint(3, 20)) if assigned else None,
                    completed_at=at + dt.timedelta(days=rng.randint(1, 15)) if status == IncomingStatus.COMPLETED else None,
                )
            )
            if len(batch) >= BATCH:
                flush()
        flush()
        NumberCounter.objects.bulk_create(
            [NumberCounter(register=incoming_register[a], year=y, last_number=n) for (a, y), n in counters.items()], batch_size=BATCH
        )
        ids = list(
            IncomingDocument.objects.filter(agency_id__in=info.agency_ids)
            .order_by("pk")
            .values_list("pk", "agency_id", "lead_handler_id", "lead_unit_id", "arrival_at", "due_at", "status")
        )
        info.document_ids = (ids[0][0], ids[-1][0])
        assignments, events = [], []
        for pk, agency_id, handler, unit_id, at, due, status in ids:
            events.append(DocumentEvent(incoming_id=pk, kind="registered", actor_id=info.clerks[agency_id], at=at, text="Vào sổ"))
            if status != IncomingStatus.REGISTERED:
                events.append(
                    DocumentEvent(incoming_id=pk, kind="presented", actor_id=info.clerks[agency_id], at=at + dt.timedelta(minutes=30))
                )
            if handler:
                assignments.append(
                    Assignment(
                        document_id=pk,
                        unit_id=unit_id,
                        official_id=handler,
                        role=AssignmentRole.LEAD,
                        due_at=due,
                        assigned_by_id=info.leaders[agency_id],
                        assigned_at=at + dt.timedelta(hours=1),
                    )
                )
                events.append(
                    DocumentEvent(
                        incoming_id=pk,
                        kind="instructed",
                        actor_id=info.leaders[agency_id],
                        at=at + dt.timedelta(hours=1),
                        text="Giao xử lý",
                        new_due_at=due,
                    )
                )
            if len(events) >= BATCH * 3:
                DocumentEvent.objects.bulk_create(events, batch_size=BATCH)
                Assignment.objects.bulk_create(assignments, batch_size=BATCH)
                events, assignments = [], []
        DocumentEvent.objects.bulk_create(events, batch_size=BATCH)
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    info.rows = {"agencies": len(agencies), "units": len(units), "officials": len(accounts), "documents": made}
    info.seconds = time.perf_counter() - started
    return info


def describe(info: Dataset) -> dict[str, Any]:
    return {"tier": info.tier, "seed": SEED, "rows": info.rows, "build_seconds": round(info.seconds, 1)}
