"""Reference data of the electronic office (Decree 30/2020/NĐ-CP; STANDARDS §2).

- the 29 administrative document types and their abbreviations (art. 7, Phụ lục III.I);
- the three copy kinds (Phụ lục III.I: SY, TrS, SL);
- urgency and secrecy (art. 4, Phụ lục I III.2);
- number and notation rules (Phụ lục I II.3) with their validation;
- the lengths of the metadata fields of Phụ lục VI Part II.

These are law, not configuration: they live in code (a table would be emptied by every
transactional test's flush and edited by nobody). The abbreviations of an agency and of its units
are configuration: `Agency.short_name`, `Unit.short_name` (Phụ lục I II.3: set by the head).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """The 29 administrative document types (Decree 30/2020 art. 7; Phụ lục III.I)."""

    RESOLUTION = "resolution", "Nghị quyết"
    DECISION = "decision", "Quyết định"
    DIRECTIVE = "directive", "Chỉ thị"
    STATUTE = "statute", "Quy chế"
    REGULATION = "regulation", "Quy định"
    COMMUNIQUE = "communique", "Thông cáo"
    NOTICE = "notice", "Thông báo"
    GUIDANCE = "guidance", "Hướng dẫn"
    PROGRAMME = "programme", "Chương trình"
    PLAN = "plan", "Kế hoạch"
    SCHEME = "scheme", "Phương án"
    PROPOSAL = "proposal", "Đề án"
    PROJECT = "project", "Dự án"
    REPORT = "report", "Báo cáo"
    MINUTES = "minutes", "Biên bản"
    SUBMISSION = "submission", "Tờ trình"
    CONTRACT = "contract", "Hợp đồng"
    OFFICIAL_LETTER = "official_letter", "Công văn"
    TELEGRAM = "telegram", "Công điện"
    MEMORANDUM = "memorandum", "Bản ghi nhớ"
    AGREEMENT = "agreement", "Bản thỏa thuận"
    POWER_OF_ATTORNEY = "power_of_attorney", "Giấy ủy quyền"
    INVITATION = "invitation", "Giấy mời"
    INTRODUCTION = "introduction", "Giấy giới thiệu"
    LEAVE_PERMIT = "leave_permit", "Giấy nghỉ phép"
    DISPATCH_SLIP = "dispatch_slip", "Phiếu gửi"
    TRANSFER_SLIP = "transfer_slip", "Phiếu chuyển"
    NOTICE_SLIP = "notice_slip", "Phiếu báo"
    PUBLIC_LETTER = "public_letter", "Thư công"


#: Abbreviations of Phụ lục III.I, in the law's order. Công văn and thư công have none: a công
#: văn's notation is `<agency>-<drafting unit>` (Phụ lục I II.3).
ABBREVIATIONS: dict[str, str] = {
    DocumentType.RESOLUTION: "NQ",
    DocumentType.DECISION: "QĐ",
    DocumentType.DIRECTIVE: "CT",
    DocumentType.STATUTE: "QC",
    DocumentType.REGULATION: "QyĐ",
    DocumentType.COMMUNIQUE: "TC",
    DocumentType.NOTICE: "TB",
    DocumentType.GUIDANCE: "HD",
    DocumentType.PROGRAMME: "CTr",
    DocumentType.PLAN: "KH",
    DocumentType.SCHEME: "PA",
    DocumentType.PROPOSAL: "ĐA",
    DocumentType.PROJECT: "DA",
    DocumentType.REPORT: "BC",
    DocumentType.MINUTES: "BB",
    DocumentType.SUBMISSION: "TTr",
    DocumentType.CONTRACT: "HĐ",
    DocumentType.OFFICIAL_LETTER: "",
    DocumentType.TELEGRAM: "CĐ",
    DocumentType.MEMORANDUM: "BGN",
    DocumentType.AGREEMENT: "BTT",
    DocumentType.POWER_OF_ATTORNEY: "GUQ",
    DocumentType.INVITATION: "GM",
    DocumentType.INTRODUCTION: "GGT",
    DocumentType.LEAVE_PERMIT: "GNP",
    DocumentType.DISPATCH_SLIP: "PG",
    DocumentType.TRANSFER_SLIP: "PC",
    DocumentType.NOTICE_SLIP: "PB",
    DocumentType.PUBLIC_LETTER: "",
}
assert len(ABBREVIATIONS) == 29 == len(DocumentType.values)


class CopyKind(models.TextChoices):
    """Copy kinds (bản sao), with the abbreviations of Phụ lục III.I."""

    CERTIFIED = "certified", "Bản sao y"
    EXTRACT = "extract", "Bản trích sao"
    DUPLICATE = "duplicate", "Bản sao lục"


COPY_ABBREVIATIONS = {CopyKind.CERTIFIED: "SY", CopyKind.EXTRACT: "TrS", CopyKind.DUPLICATE: "SL"}


class Urgency(models.TextChoices):
    """Mức độ khẩn (art. 4, Phụ lục I III.2): three levels only. Empty = ordinary."""

    NORMAL = "", _("Ordinary")
    URGENT = "urgent", "Khẩn"
    VERY_URGENT = "very_urgent", "Thượng khẩn"
    IMMEDIATE = "immediate", "Hỏa tốc"


#: Sort key: the most urgent first (hỏa tốc, thượng khẩn, khẩn, ordinary).
URGENCY_RANK = {Urgency.IMMEDIATE: 3, Urgency.VERY_URGENT: 2, Urgency.URGENT: 1, Urgency.NORMAL: 0}


class Secrecy(models.TextChoices):
    """Độ mật (art. 4, Phụ lục I III.2). Secret documents have their own registers and series (art. 15.2, 16.3, 22.4)."""

    NONE = "", _("Not secret")
    CONFIDENTIAL = "confidential", "Mật"
    SECRET = "secret", "Tối mật"
    TOP_SECRET = "top_secret", "Tuyệt mật"


def type_by_name_or_abbreviation(value: str) -> str | None:
    """`"Quyết định"`, `"quyết định"`, `"QĐ"`, `"decision"` → `"decision"`; unknown → None."""
    wanted = unicodedata.normalize("NFC", value.strip())
    if not wanted:
        return None
    for code, label in DocumentType.choices:
        if wanted == code or wanted.casefold() == str(label).casefold():
            return str(code)
    for code, abbreviation in ABBREVIATIONS.items():
        if abbreviation and wanted == abbreviation:
            return str(code)
    # Abbreviations are case-sensitive in the law (QyĐ, CTr); accept an all-caps spelling too.
    for code, abbreviation in ABBREVIATIONS.items():
        if abbreviation and wanted.upper() == abbreviation.upper():
            return str(code)
    return None


# --- Number and notation (Phụ lục I II.3) --------------------------------------------------------
#: The number: order of registration in the year, Arabic digits, leading zero below 10.
NUMBER_RE = re.compile(r"^(0[1-9]|[1-9]\d+)$")
#: The notation of an administrative document: groups separated by "-", no spaces, upper case
#: with the law's mixed-case abbreviations (TTr, QyĐ, CTr, TrS). A legal normative document
#: (VBQPPL) puts the year first: `20/2020/QĐ-TTg` → notation `2020/QĐ-TTg`.
NOTATION_RE = re.compile(r"^(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)+$")
#: Number and notation written together (STANDARDS §2.3).
FULL_RE = re.compile(r"^(0[1-9]|[1-9]\d+)/[A-ZĐ][A-Za-zĐđ]*(-[A-ZĐ0-9][A-Za-zĐđ0-9]*)+$")


def format_number(number: int) -> str:
    """`5` → `"05"`, `15` → `"15"` (Phụ lục I II.3: a leading zero below 10)."""
    if number < 1:
        raise ValueError("a document number starts at 1")
    return f"{number:02d}"


def build_notation(*, document_type: str, agency_abbreviation: str, unit_abbreviation: str = "") -> str:
    """The notation the system gives an outgoing document (Phụ lục I II.3).

    A named type: `<type>-<agency>` (`QĐ-UBND`). A công văn (and a thư công, which has no
    abbreviation either): `<agency>-<drafting unit>` (`UBND-VP`).
    """
    abbreviation = ABBREVIATIONS[DocumentType(document_type)]
    if abbreviation:
        return f"{abbreviation}-{agency_abbreviation}"
    if not unit_abbreviation:
        return agency_abbreviation
    return f"{agency_abbreviation}-{unit_abbreviation}"


def is_valid_number(value: str) -> bool:
    return bool(NUMBER_RE.match(value))


def is_valid_notation(value: str) -> bool:
    return bool(NOTATION_RE.match(value))


def written(code_number: str, code_notation: str) -> str:
    """`Số: 15/QĐ-UBND` as the law writes it (no spaces around "/")."""
    if not code_number:
        return ""
    return f"{code_number}/{code_notation}" if code_notation else code_number


# --- Phụ lục VI Part II: metadata lengths -----------------------------------------------------
@dataclass(frozen=True)
class FieldLength:
    name: str  # the law's (and edXML's) English field name
    length: int


#: Field → (Phụ lục VI name, maximum length). The model fields use these lengths.
METADATA_LENGTHS: dict[str, FieldLength] = {
    "issuer_code": FieldLength("OrganId", 13),
    "type_name": FieldLength("TypeName", 100),
    "code_number": FieldLength("CodeNumber", 11),
    "code_notation": FieldLength("CodeNotation", 30),
    "issuer_name": FieldLength("OrganName", 200),
    "subject": FieldLength("Subject", 500),
    "language": FieldLength("Language", 30),
    "page_count": FieldLength("PageAmount", 3),
    "description": FieldLength("Description", 500),
    "signer_position": FieldLength("Position", 100),
    "signer_name": FieldLength("FullName", 50),
    "recipient_code": FieldLength("OrganId", 13),
    "recipient_name": FieldLength("OrganName", 200),
    "issued_amount": FieldLength("IssuedAmount", 3),
    "arrival_number": FieldLength("ArrivalNumber", 10),
    "to_places": FieldLength("ToPlaces", 1000),
}
