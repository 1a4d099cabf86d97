"""The actions an official takes on a dossier, shared by the pages and the API.

`perform_action` checks that the official may act (access.require_action), parses the few
inputs of the action and calls one service. The names are the API's (`POST
/api/v1/dossiers/{code}/<action>/`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.dossiers import services
from chinhquyen.dossiers.access import require_action
from chinhquyen.dossiers.models import Dossier, PaymentMethod, ReturnMethod
from chinhquyen.organizations.models import Account, Agency
from chinhquyen.workdays import engine

#: API name → (service, access action). The access action says who may do it (access.may_act).
ACTIONS: dict[str, str] = {
    "receive": "receive",
    "hand-over": "hand_over",
    "request-supplement": "request_supplement",
    "receive-supplement": "receive_supplement",
    "request-payment": "request_payment",
    "record-payment": "record_payment",
    "apologize": "apologize",
    "stop": "stop",
    "refuse": "refuse",
    "withdraw": "withdraw",
    "upload-result": "upload_result",
    "result-ready": "mark_result_ready",
    "return-result": "return_result",
}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    return str(value).strip() if value is not None else ""


def _int(data: Mapping[str, Any], key: str) -> int:
    raw = _text(data, key).replace(".", "").replace(",", "")
    if not raw.isdigit():
        raise DomainError("invalid", _("“%(value)s” is not a whole number.") % {"value": raw}, fields={key: [_("A whole number.")]})
    return int(raw)


def _bool(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    return value is True or str(value).lower() in {"1", "true", "on", "yes"}


def _items(data: Mapping[str, Any]) -> list[str]:
    value = data.get("items", [])
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if hasattr(data, "getlist"):
        values = data.getlist("items")  # type: ignore[attr-defined]
        if len(values) > 1:
            return [str(v).strip() for v in values if str(v).strip()]
    return [str(v).strip() for v in value if str(v).strip()] if isinstance(value, list) else []


def _when(data: Mapping[str, Any], key: str) -> dt.datetime:
    raw = _text(data, key)
    value = parse_datetime(raw) if raw else None
    if value is None:
        raise DomainError("invalid", _("Give a date and time (YYYY-MM-DDTHH:MM)."), fields={key: [_("A date and time.")]})
    return engine.working_calendar().localize(value)


def perform_action(
    *, official: Account, dossier: Dossier, action: str, data: Mapping[str, Any], files: Mapping[str, Any] | None = None
) -> Dossier:
    """Check the official may do `action` on `dossier`, then do it. Raises DomainError (PermissionDenied included)."""
    if action not in ACTIONS:
        raise DomainError("dossier.unknown_action", _("Unknown action “%(action)s”.") % {"action": action})
    access_action = ACTIONS[action]
    if (
        action == "refuse"
        and (dossier.status in ("submitted", "received", "pending_transfer") or not dossier.is_received)
        and dossier.current_agency_id == dossier.receiving_agency_id
    ):
        access_action = "refuse_at_counter"
    require_action(official, dossier, access_action)
    files = files or {}
    if action == "receive":
        services.receive_submitted_dossier(officer=official, dossier=dossier, note=_text(data, "note"))
    elif action == "hand-over":
        to_agency = None
        code = _text(data, "to_agency")
        if code:
            to_agency = Agency.objects.filter(code=code, valid_to__isnull=True).first()
            if to_agency is None:
                raise DomainError(
                    "dossier.agency_unknown",
                    _("No agency in force has the code %(code)s.") % {"code": code},
                    fields={"to_agency": [_("Unknown agency.")]},
                )
        services.hand_over(officer=official, dossier=dossier, to_agency=to_agency, to_role=_text(data, "to_role"), note=_text(data, "note"))
    elif action == "request-supplement":
        services.request_supplement(
            officer=official,
            dossier=dossier,
            items=_items(data),
            reason=_text(data, "reason"),
            confirm_second=_bool(data, "confirm_second"),
        )
    elif action == "receive-supplement":
        services.receive_supplement(officer=official, dossier=dossier, note=_text(data, "note"))
    elif action == "request-payment":
        services.request_payment(officer=official, dossier=dossier, amount=_int(data, "amount"), reason=_text(data, "reason"))
    elif action == "record-payment":
        services.record_payment(
            officer=official, dossier=dossier, amount=_int(data, "amount"), method=_text(data, "method") or PaymentMethod.CASH
        )
    elif action == "apologize":
        services.apologize_and_extend(officer=official, dossier=dossier, new_due_at=_when(data, "new_due_at"), reason=_text(data, "reason"))
    elif action == "stop":
        services.stop_dossier(officer=official, dossier=dossier, reason=_text(data, "reason"))
    elif action == "refuse":
        services.refuse_dossier(officer=official, dossier=dossier, reason=_text(data, "reason"))
    elif action == "withdraw":
        services.withdraw_dossier(officer=official, dossier=dossier, reason=_text(data, "reason"))
    elif action == "upload-result":
        upload = files.get("file")
        if upload is None:
            raise DomainError("dossier.file_missing", _("Choose the result file."), fields={"file": [_("Required.")]})
        services.upload_result(officer=official, dossier=dossier, file=upload)
    elif action == "result-ready":
        services.mark_result_ready(officer=official, dossier=dossier, note=_text(data, "note"))
    elif action == "return-result":
        services.return_result(
            officer=official, dossier=dossier, method=_text(data, "method") or ReturnMethod.COUNTER, note=_text(data, "note")
        )
    return Dossier.objects.select_related("procedure", "version", "receiving_agency", "competent_agency", "current_agency").get(
        pk=dossier.pk
    )


def allowed_actions(official: Account, dossier: Dossier) -> list[str]:
    """The actions the dossier page offers now: allowed by the state machine and by access — only those."""
    from chinhquyen.dossiers.access import may_act, scope_of
    from chinhquyen.dossiers.models import TRANSITIONS, allowed_before_reception

    scope = scope_of(official)
    out = []
    for name, service_action in ACTIONS.items():
        state_action = {"stop": "stop", "refuse": "refuse", "withdraw": "withdraw", "apologize": "apologize"}.get(name, service_action)
        if dossier.status not in TRANSITIONS[state_action][0] or not allowed_before_reception(state_action, dossier):
            continue
        if name == "upload-result" and dossier.result_file:
            continue
        if name == "apologize" and dossier.apology_sent_at is not None:
            continue
        access_action = service_action
        if (
            name == "refuse"
            and (dossier.status in ("submitted", "received", "pending_transfer") or not dossier.is_received)
            and dossier.current_agency_id == dossier.receiving_agency_id
        ):
            access_action = "refuse_at_counter"
        if may_act(official, dossier, access_action, scope):
            out.append(name)
    return out
