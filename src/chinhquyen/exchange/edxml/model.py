"""The values an edXML package or status message carries, in our names (GLOSSARY: Package,
StatusMessage, ExchangeStatus). The edXML element names stay in `build.py` and `parse.py`.

Every value is what it means, not how it is written: dates are `datetime.date`, timestamps naive
`datetime.datetime` in Vietnamese local time (edXML carries no zone), numbers are `int`, and an
attachment holds the file itself (the zip-then-base64 transfer encoding is the codec's business).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import mimetypes
from dataclasses import dataclass, field, replace

#: The namespace of QCVN 102:2016 (STANDARDS §1.1, §1.2).
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
#: W3C XML-DSig.
DS_NS = "http://www.w3.org/2000/09/xmldsig#"

DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"


class BusinessType(enum.IntEnum):
    """`Bussiness/BussinessDocType` (STANDARDS §1.4): what the package does to the document."""

    NEW = 0
    RECALL = 1
    UPDATE = 2
    REPLACE = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class ExchangeStatus(enum.StrEnum):
    """Status codes of a status message (STANDARDS §1.8, §13.4); values keep the two-digit codes."""

    ARRIVED = "01"
    REJECTED = "02"
    REGISTERED = "03"
    ASSIGNED = "04"
    PROCESSING = "05"
    COMPLETED = "06"
    RECALL_REQUESTED = "13"
    RECALL_ACCEPTED = "15"
    RECALL_REFUSED = "16"


#: 14 appears once in a vendor sample for "accepted": read as 15, never sent (§13.4).
STATUS_ALIASES = {"14": ExchangeStatus.RECALL_ACCEPTED}

#: Default descriptions (the receiver may send its own).
STATUS_DESCRIPTIONS = {
    ExchangeStatus.ARRIVED: "Đã đến",
    ExchangeStatus.REJECTED: "Từ chối tiếp nhận",
    ExchangeStatus.REGISTERED: "Đã tiếp nhận, vào sổ",
    ExchangeStatus.ASSIGNED: "Lãnh đạo đã phân công xử lý",
    ExchangeStatus.PROCESSING: "Đang xử lý",
    ExchangeStatus.COMPLETED: "Hoàn thành",
    ExchangeStatus.RECALL_REQUESTED: "Yêu cầu lấy lại văn bản",
    ExchangeStatus.RECALL_ACCEPTED: "Đồng ý lấy lại, cập nhật",
    ExchangeStatus.RECALL_REFUSED: "Từ chối lấy lại, cập nhật",
}


@dataclass(frozen=True)
class Organ:
    """An agency as edXML describes it (`From`, `To`): its code and contact details."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class DocumentType:
    type: int = 1
    type_detail: int = 0
    type_name: str = ""


@dataclass(frozen=True)
class Signer:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class TraceHeader:
    organ_id: str
    timestamp: dt.datetime


@dataclass(frozen=True)
class Receiver:
    """A recipient added (1) or removed (0) by an update; the meaning of 0/1 is unverified (§1.4)."""

    organ_id: str
    receiver_type: int


@dataclass(frozen=True)
class Replacement:
    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Business:
    """What the package does (§1.4, §1.9): new, recall, update (with flags) or replace."""

    doc_type: BusinessType = BusinessType.NEW
    document_id: str = ""
    reason: str = ""
    paper: bool = False
    document_info_changed: bool = False
    receivers_changed: bool = False
    receivers: tuple[Receiver, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    staff: StaffInfo = field(default_factory=StaffInfo)


@dataclass(frozen=True)
class ResponseFor:
    """The document a message answers: its sender, "số/ký hiệu", issue date and DocumentId."""

    organ_id: str
    code: str = ""
    promulgation_date: dt.date | None = None
    document_id: str = ""


def guess_content_type(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


@dataclass(frozen=True)
class Attachment:
    """One file of a package. `content_id` links the manifest reference and the encoded file."""

    content_id: str
    name: str
    data: bytes = field(repr=False)
    description: str = ""

    @property
    def content_type(self) -> str:
        """The file's own type, from its name (on the wire every file is `application/zip`)."""
        return guess_content_type(self.name)

    @property
    def size(self) -> int:
        return len(self.data)

    @functools.cached_property
    def sha256(self) -> str:
        # Computed once: the receiver reports it in the metadata and hands it to the handlers.
        return hashlib.sha256(self.data).hexdigest()


def make_document_id(organ_id: str, promulgation_date: dt.date, code_number: str, code_notation: str) -> str:
    """`OrganId,yyyy/MM/dd,Số/Ký hiệu` (STANDARDS §1.3 item 1.14, §1.7)."""
    return f"{organ_id},{promulgation_date.strftime(DATE_FORMAT)},{full_code(code_number, code_notation)}"


def full_code(code_number: str, code_notation: str) -> str:
    if code_number and code_notation:
        return f"{code_number}/{code_notation}"
    return code_number or code_notation


@dataclass(frozen=True)
class Package:
    """A document package: the metadata of one official document and its files."""

    sender: Organ
    recipients: tuple[Organ, ...]
    code_number: str
    code_notation: str
    promulgation_date: dt.date
    subject: str
    place: str = ""
    document_type: DocumentType = field(default_factory=DocumentType)
    content: str = ""
    signer: Signer = field(default_factory=Signer)
    due_date: dt.date | None = None
    to_places: tuple[str, ...] = ()
    priority: int = 0
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: tuple[str, ...] = ()
    steering_type: int = 0
    response_for: tuple[ResponseFor, ...] = ()
    trace_headers: tuple[TraceHeader, ...] = ()
    business: Business = field(default_factory=Business)
    attachments: tuple[Attachment, ...] = ()
    document_id: str = ""

    @property
    def effective_document_id(self) -> str:
        return self.document_id or make_document_id(self.sender.organ_id, self.promulgation_date, self.code_number, self.code_notation)

    def completed(self) -> Package:
        """This package with the identifiers the builder fills in (what parsing it gives back)."""
        document_id = self.effective_document_id
        return replace(self, document_id=document_id, business=replace(self.business, document_id=self.business.document_id or document_id))


@dataclass(frozen=True)
class StatusMessage:
    """A status message (§1.8): a receiver tells the sender where its document stands."""

    sender: Organ
    response_for: ResponseFor
    status_code: ExchangeStatus
    timestamp: dt.datetime
    description: str = ""
    staff: StaffInfo = field(default_factory=StaffInfo)


@dataclass(frozen=True)
class SignatureReport:
    """What the codec found about the XML signature of a message."""

    present: bool
    valid: bool | None = None
    reason: str = ""
    signer: str = ""
    algorithm: str = ""
    #: DER of the certificates the valid signature carried, the signer's first: whether they lead
    #: to a trusted root is looked at by the receiver (`inbound`), where the trust anchors are.
    certificates: tuple[bytes, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class ParsedMessage:
    """A parsed package or status message, with its signature report and the SHA-256 of its bytes."""

    message: Package | StatusMessage
    signature: SignatureReport
    sha256: str
    size: int

    @property
    def is_status(self) -> bool:
        return isinstance(self.message, StatusMessage)
