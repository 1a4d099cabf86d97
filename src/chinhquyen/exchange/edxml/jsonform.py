"""The JSON form of a message (snake_case, issue 7): what `chinhquyen edxml parse --json` prints,
what the inbox stores as metadata, and — with file contents added — what `edxml build` reads."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from chinhquyen.exchange.edxml.errors import CodecError
from chinhquyen.exchange.edxml.model import (
    Attachment,
    Business,
    BusinessType,
    DocumentType,
    Organ,
    Package,
    ParsedMessage,
    Receiver,
    Replacement,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusMessage,
    TraceHeader,
)
from chinhquyen.exchange.edxml.parse import parse_date, parse_status_code, parse_timestamp


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _response_for(r: ResponseFor) -> dict[str, Any]:
    return {"organ_id": r.organ_id, "code": r.code, "promulgation_date": _iso(r.promulgation_date), "document_id": r.document_id}


def package_json(p: Package) -> dict[str, Any]:
    b = p.business
    return {
        "kind": "package",
        "from": asdict(p.sender),
        "to": [asdict(o) for o in p.recipients],
        "document_id": p.effective_document_id,
        "code_number": p.code_number,
        "code_notation": p.code_notation,
        "promulgation_date": _iso(p.promulgation_date),
        "place": p.place,
        "document_type": asdict(p.document_type),
        "subject": p.subject,
        "content": p.content,
        "signer": asdict(p.signer),
        "due_date": _iso(p.due_date),
        "to_places": list(p.to_places),
        "priority": p.priority,
        "sphere_of_promulgation": p.sphere_of_promulgation,
        "typer_notation": p.typer_notation,
        "promulgation_amount": p.promulgation_amount,
        "page_amount": p.page_amount,
        "appendixes": list(p.appendixes),
        "steering_type": p.steering_type,
        "response_for": [_response_for(r) for r in p.response_for],
        "trace_headers": [{"organ_id": t.organ_id, "timestamp": _iso(t.timestamp)} for t in p.trace_headers],
        "business": {
            "doc_type": b.doc_type.label,
            "doc_type_code": int(b.doc_type),
            "document_id": b.document_id,
            "reason": b.reason,
            "paper": b.paper,
            "document_info_changed": b.document_info_changed,
            "receivers_changed": b.receivers_changed,
            "receivers": [asdict(r) for r in b.receivers],
            "replacements": [{"document_id": r.document_id, "organ_ids": list(r.organ_ids)} for r in b.replacements],
            "staff_info": asdict(b.staff),
        },
        "attachments": [
            {
                "content_id": a.content_id,
                "name": a.name,
                "description": a.description,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in p.attachments
        ],
    }


def status_json(s: StatusMessage) -> dict[str, Any]:
    return {
        "kind": "status",
        "from": asdict(s.sender),
        "status_code": s.status_code.value,
        "description": s.description,
        "timestamp": _iso(s.timestamp),
        "response_for": _response_for(s.response_for),
        "staff_info": asdict(s.staff),
    }


def message_json(parsed: ParsedMessage) -> dict[str, Any]:
    body = status_json(parsed.message) if isinstance(parsed.message, StatusMessage) else package_json(parsed.message)
    body["signature"] = {
        "present": parsed.signature.present,
        "valid": parsed.signature.valid,
        "reason": parsed.signature.reason,
        "signer": parsed.signature.signer,
    }
    body["sha256"] = parsed.sha256
    body["size"] = parsed.size
    return body


# --- JSON spec → model (edxml build) --------------------------------------------------------


def _bad(field: str, message: str) -> CodecError:
    return CodecError(
        "edxml.invalid_value",
        _("The spec is not valid: %(field)s: %(message)s") % {"field": field, "message": message},
        fields={field: message},
    )


def _organ(data: Any, field: str) -> Organ:
    if not isinstance(data, dict) or not data.get("organ_id"):
        raise _bad(field, "an object with organ_id is required")
    known = {k: str(v) for k, v in data.items() if k in Organ.__dataclass_fields__}
    return Organ(**known)


def _optional_date(value: Any, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return parse_date(str(value), field)


def _timestamp(value: Any, field: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return parse_timestamp(str(value), field)


def _response_for_spec(data: Any, field: str) -> ResponseFor:
    if not isinstance(data, dict):
        raise _bad(field, "an object is required")
    return ResponseFor(
        organ_id=str(data.get("organ_id", "")),
        code=str(data.get("code", "")),
        promulgation_date=_optional_date(data.get("promulgation_date"), field),
        document_id=str(data.get("document_id", "")),
    )


def _attachment(data: Any, index: int, base_dir: Path | None) -> Attachment:
    field = f"attachments[{index}]"
    if not isinstance(data, dict) or not data.get("name"):
        raise _bad(field, "an object with name is required")
    if "data_base64" in data:
        content = base64.b64decode(str(data["data_base64"]))
    elif "path" in data:
        path = Path(str(data["path"]))
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        content = path.read_bytes()
    elif "text" in data:
        content = str(data["text"]).encode()
    else:
        raise _bad(field, "give path, data_base64 or text")
    return Attachment(
        content_id=str(data.get("content_id") or f"cid:{index + 1}"),
        name=str(data["name"]),
        data=content,
        description=str(data.get("description", "")),
    )


def package_from_spec(spec: dict[str, Any], *, base_dir: Path | None = None) -> Package:
    """A `Package` from the JSON form (the keys of `package_json`; files by path or base64)."""
    business = spec.get("business") or {}
    doc_type_value = business.get("doc_type", "new")
    try:
        doc_type = BusinessType[str(doc_type_value).upper()] if not str(doc_type_value).isdigit() else BusinessType(int(doc_type_value))
    except (KeyError, ValueError):
        raise _bad("business.doc_type", "new, recall, update or replace") from None
    promulgation_date = _optional_date(spec.get("promulgation_date"), "promulgation_date")
    if promulgation_date is None:
        raise _bad("promulgation_date", "required")
    if not spec.get("subject"):
        raise _bad("subject", "required")
    recipients = spec.get("to") or []
    if not isinstance(recipients, list) or not recipients:
        raise _bad("to", "at least one recipient")
    kind = spec.get("document_type") or {}
    return Package(
        sender=_organ(spec.get("from"), "from"),
        recipients=tuple(_organ(o, f"to[{i}]") for i, o in enumerate(recipients)),
        code_number=str(spec.get("code_number", "")),
        code_notation=str(spec.get("code_notation", "")),
        promulgation_date=promulgation_date,
        subject=str(spec["subject"]),
        place=str(spec.get("place", "")),
        document_type=DocumentType(
            type=int(kind.get("type", 1)), type_detail=int(kind.get("type_detail", 0)), type_name=str(kind.get("type_name", ""))
        ),
        content=str(spec.get("content", "")),
        signer=Signer(**{k: str(v) for k, v in (spec.get("signer") or {}).items() if k in Signer.__dataclass_fields__}),
        due_date=_optional_date(spec.get("due_date"), "due_date"),
        to_places=tuple(str(p) for p in spec.get("to_places") or ()),
        priority=int(spec.get("priority", 0)),
        sphere_of_promulgation=str(spec.get("sphere_of_promulgation", "")),
        typer_notation=str(spec.get("typer_notation", "")),
        promulgation_amount=None if spec.get("promulgation_amount") is None else int(spec["promulgation_amount"]),
        page_amount=None if spec.get("page_amount") is None else int(spec["page_amount"]),
        appendixes=tuple(str(a) for a in spec.get("appendixes") or ()),
        steering_type=int(spec.get("steering_type", 0)),
        response_for=tuple(_response_for_spec(r, "response_for") for r in spec.get("response_for") or ()),
        trace_headers=tuple(
            TraceHeader(organ_id=str(t.get("organ_id", "")), timestamp=_timestamp(t.get("timestamp"), "trace_headers"))
            for t in spec.get("trace_headers") or ()
        ),
        business=Business(
            doc_type=doc_type,
            document_id=str(business.get("document_id", "")),
            reason=str(business.get("reason", "")),
            paper=bool(business.get("paper", False)),
            document_info_changed=bool(business.get("document_info_changed", False)),
            receivers_changed=bool(business.get("receivers_changed", False)),
            receivers=tuple(
                Receiver(organ_id=str(r["organ_id"]), receiver_type=int(r.get("receiver_type", 1))) for r in business.get("receivers") or ()
            ),
            replacements=tuple(
                Replacement(document_id=str(r["document_id"]), organ_ids=tuple(str(o) for o in r.get("organ_ids") or ()))
                for r in business.get("replacements") or ()
            ),
            staff=StaffInfo(**{k: str(v) for k, v in (business.get("staff_info") or {}).items() if k in StaffInfo.__dataclass_fields__}),
        ),
        attachments=tuple(_attachment(a, i, base_dir) for i, a in enumerate(spec.get("attachments") or ())),
        document_id=str(spec.get("document_id", "")),
    )


def status_from_spec(spec: dict[str, Any]) -> StatusMessage:
    if not spec.get("status_code"):
        raise _bad("status_code", "required")
    if not spec.get("timestamp"):
        raise _bad("timestamp", "required")
    return StatusMessage(
        sender=_organ(spec.get("from"), "from"),
        response_for=_response_for_spec(spec.get("response_for"), "response_for"),
        status_code=parse_status_code(str(spec["status_code"])),
        timestamp=_timestamp(spec["timestamp"], "timestamp"),
        description=str(spec.get("description", "")),
        staff=StaffInfo(**{k: str(v) for k, v in (spec.get("staff_info") or {}).items() if k in StaffInfo.__dataclass_fields__}),
    )
