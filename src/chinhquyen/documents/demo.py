"""A year of documents for the demo province (issue 4 §10), through the services.

`load_demo_documents()` fills the three demo agencies of `organizations.demo` (Sở Nội vụ, phường
Hòa Bình, the service centre) with incoming documents registered over the last twelve months —
instructed, in progress, completed, some overdue, a few urgent — and outgoing documents issued
to one another, so every list has something to show. Deterministic (fixed seed) and idempotent:
a second run finds its marker and changes nothing. Every subject and number is made up.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from chinhquyen.documents import services
from chinhquyen.documents.models import IncomingDocument, IncomingStatus, OutgoingStatus
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.reference import ABBREVIATIONS, DocumentType
from chinhquyen.organizations.models import Account, Agency, Role, RoleAssignment
from chinhquyen.workdays import engine

MARKER = "Dữ liệu demo"
SEED = 2026
#: Demo agencies (code) → username suffix of their officials (organizations.demo).
AGENCIES = {"000.00.02.H44": "snv", "000.00.51.H44": "phuonghb", "000.00.20.H44": "ttpvhcc"}
#: Outside issuers (names of real bodies; numbers made up).
OUTSIDE = [
    ("Bộ Nội vụ", "000.00.00.G09", "BNV"),
    ("Văn phòng Chính phủ", "000.00.00.G01", "VPCP"),
    ("Ủy ban nhân dân tỉnh Phú Thọ", "000.00.00.H44", "UBND"),
    ("Sở Tài chính tỉnh Phú Thọ", "000.00.05.H44", "STC"),
    ("Sở Y tế tỉnh Phú Thọ", "000.00.16.H44", "SYT"),
    ("Sở Giáo dục và Đào tạo tỉnh Phú Thọ", "000.00.15.H44", "SGDĐT"),
]
TOPICS = [
    "tuyển dụng công chức cấp xã năm {y}",
    "báo cáo tình hình thực hiện nhiệm vụ quý {q} năm {y}",
    "kế hoạch cải cách hành chính năm {y}",
    "triển khai Đề án 06 về phát triển ứng dụng dữ liệu dân cư",
    "tổ chức Hội nghị sơ kết công tác thi đua, khen thưởng",
    "rà soát, sắp xếp đơn vị hành chính cấp xã",
    "đánh giá, xếp loại chất lượng cán bộ, công chức năm {y}",
    "phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão",
    "thực hiện chế độ, chính sách đối với người có công",
    "kiểm tra công tác văn thư, lưu trữ năm {y}",
    "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "cử cán bộ tham gia lớp bồi dưỡng kiến thức quản lý nhà nước",
    "góp ý dự thảo Nghị quyết của Hội đồng nhân dân tỉnh",
    "giải quyết kiến nghị của cử tri trước kỳ họp",
    "bố trí kinh phí thực hiện chuyển đổi số năm {y}",
]
INCOMING_PER_AGENCY = 30
OUTGOING_PER_AGENCY = 8


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def _people(agency: Agency) -> dict[str, Account]:
    today = timezone.localdate()
    out: dict[str, Account] = {}
    for assignment in RoleAssignment.objects.valid_on(today).filter(agency=agency).select_related("official").order_by("pk"):
        out.setdefault(str(assignment.role), assignment.official)
    return out


def _working_instant(rng: random.Random, day: dt.date, agency: Agency) -> dt.datetime:
    while not engine.is_working_day(day, agency=agency.pk):
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(rng.choice([8, 9, 10, 14, 15]), rng.randrange(60)), tzinfo=VIETNAM)


def _subject(rng: random.Random, day: dt.date) -> str:
    return "Về việc " + rng.choice(TOPICS).format(y=day.year, q=(day.month - 1) // 3 + 1)


def load_demo_documents(*, now: dt.datetime | None = None) -> DemoResult:
    """Create the demo documents if they are not there yet (one transaction per agency)."""
    result = DemoResult()
    now = now or timezone.now()
    agencies = {a.code: a for a in Agency.objects.filter(code__in=list(AGENCIES), valid_to__isnull=True)}
    if not agencies or IncomingDocument.objects.filter(description=MARKER).exists():
        return result
    rng = random.Random(SEED)
    today = now.astimezone(VIETNAM).date()
    for code in AGENCIES:
        agency = agencies.get(code)
        if agency is None:
            continue
        people = _people(agency)
        clerk, leader = people.get(Role.CLERK), people.get(Role.LEADER)
        specialist = people.get(Role.SPECIALIST)
        unit_leader = people.get(Role.UNIT_LEADER)
        if not (clerk and leader and specialist):
            continue
        unit = RoleAssignment.objects.filter(official=specialist, agency=agency, unit__isnull=False).values_list("unit", flat=True).first()
        from chinhquyen.organizations.models import Unit

        lead_unit = Unit.objects.filter(pk=unit).first() if unit else None
        with transaction.atomic():
            for i in range(INCOMING_PER_AGENCY):
                days_ago = int(335 * i / (INCOMING_PER_AGENCY - 10)) if i < INCOMING_PER_AGENCY - 10 else 340 + (i % 10) * 2
                at = _working_instant(rng, today - dt.timedelta(days=365 - days_ago), agency)
                if at > now:
                    at = now - dt.timedelta(hours=1)
                name, issuer_code, short = rng.choice(OUTSIDE)
                doc_type = rng.choice(
                    [DocumentType.OFFICIAL_LETTER] * 5
                    + [DocumentType.DECISION, DocumentType.PLAN, DocumentType.NOTICE, DocumentType.INVITATION, DocumentType.REPORT]
                )
                abbreviation = ABBREVIATIONS[doc_type]
                notation = f"{abbreviation}-{short}" if abbreviation else f"{short}-VP"
                issued = at.date() - dt.timedelta(days=rng.randint(1, 6))
                urgency = "urgent" if rng.random() < 0.06 else ("immediate" if rng.random() < 0.02 else "")
                data = services.IncomingInput(
                    issuer_name=name,
                    issuer_code=issuer_code,
                    code_number=f"{rng.randint(1, 2400):02d}",
                    code_notation=notation,
                    issued_date=issued,
                    document_type=doc_type,
                    subject=_subject(rng, issued),
                    signer_name=rng.choice(["Nguyễn Văn Hùng", "Trần Thị Thu", "Lê Quang Minh", "Phạm Thị Hà"]),
                    signer_position=rng.choice(["Giám đốc", "Phó Giám đốc", "Chủ tịch", "Phó Chủ tịch"]),
                    urgency=urgency,
                    description=MARKER,
                )
                document = services.register_incoming_document(actor=clerk, agency=agency, data=data, source="electronic", at=at).document
                result.created["incoming"] = result.created.get("incoming", 0) + 1
                # The last ten are recent: two to present, two to instruct, four in progress, two done.
                recent_index = i - (INCOMING_PER_AGENCY - 10)
                recent = recent_index >= 0
                fate = recent_index / 10 if recent else rng.random()
                if recent and fate < 0.2:
                    continue  # still to present
                services.present_document(actor=clerk, document=document, leader=leader, at=at + dt.timedelta(minutes=30))
                if recent and fate < 0.4:
                    continue  # waiting for the leader's instruction
                instructed_at = at + dt.timedelta(hours=2)
                services.instruct_document(
                    actor=leader,
                    document=document,
                    instruction=rng.choice(
                        ["Giao phòng chủ trì tham mưu, báo cáo kết quả.", "Nghiên cứu, đề xuất.", "Triển khai thực hiện theo quy định."]
                    ),
                    lead_unit=lead_unit,
                    lead_handler=specialist,
                    due_days=rng.choice([3, 5, 7, 10, 15]),
                    at=instructed_at,
                )
                if recent and fate < 0.8:
                    continue  # in progress (some already overdue)
                if not recent and fate < 0.12:
                    continue  # old and never finished: overdue
                document.refresh_from_db()
                done_at = min(now, instructed_at + dt.timedelta(days=rng.randint(1, 12)))
                services.record_progress(
                    actor=specialist, document=document, text="Đang tổng hợp, dự thảo văn bản.", at=done_at - dt.timedelta(hours=3)
                )
                services.complete_document(actor=specialist, document=document, summary="Đã hoàn thành, báo cáo lãnh đạo.", at=done_at)
            for i in range(OUTGOING_PER_AGENCY):
                at = _working_instant(rng, today - dt.timedelta(days=360 - 45 * i), agency)
                if at > now:
                    at = now - dt.timedelta(hours=2)
                others = [a for c, a in agencies.items() if c != code]
                doc_type = rng.choice([DocumentType.OFFICIAL_LETTER] * 3 + [DocumentType.DECISION, DocumentType.REPORT, DocumentType.PLAN])
                from chinhquyen.documents.testing import pdf_bytes

                draft = services.create_draft(
                    actor=specialist,
                    agency=agency,
                    document_type=doc_type,
                    subject=_subject(rng, at.date()),
                    draft=("du-thao.pdf", pdf_bytes(rng.randint(1, 4))),
                    internal_recipients=rng.sample(others, k=min(len(others), rng.randint(1, 2))),
                    external_recipients=[("000.00.00.G09", "Bộ Nội vụ")] if rng.random() < 0.3 else [],
                    at=at,
                )
                result.created["outgoing"] = result.created.get("outgoing", 0) + 1
                services.submit_draft(actor=specialist, document=draft, at=at)
                draft.refresh_from_db()
                if draft.status == OutgoingStatus.IN_REVIEW and unit_leader is not None:
                    services.review_draft(actor=unit_leader, document=draft, accept=True, at=at + dt.timedelta(hours=1))
                if i == OUTGOING_PER_AGENCY - 1:
                    continue  # one waits for approval
                services.approve_document(actor=leader, document=draft, at=at + dt.timedelta(hours=2))
                if i == OUTGOING_PER_AGENCY - 2:
                    continue  # one waits to be issued
                services.issue_document(actor=clerk, document=draft, at=at + dt.timedelta(hours=3))
            # What arrived from the other demo agencies and was not registered yet stays in "to register";
            # register the older ones.
            for received in IncomingDocument.objects.filter(
                agency=agency, status=IncomingStatus.RECEIVED, received_at__lt=now - dt.timedelta(days=20)
            ):
                services.register_received_document(
                    actor=clerk, document=received, at=(received.received_at or now) + dt.timedelta(hours=1)
                )
    return result
