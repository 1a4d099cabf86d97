"""Forms 01–07 as PDF: HTML templates rendered by WeasyPrint, in Vietnamese (UI.md: Noto Serif).

Two sets (STANDARDS §3.3, §13.2.3): Circular 03/2025/TT-VPCP (Phụ lục I, forms 01–07) for
dossiers received from 01/07/2025, and Circular 01/2018/TT-VPCP (forms 01–06) for older ones —
the 2018 set has no stop notice, numbers the control slip 05 and the tracking book 06. Slips
print on A5, the tracking book on A4 (Circular 01/2018 art. 9). The official field lists of the
2025 forms were not available (§13.2.3): the layouts follow the data needs of §3.3.

The receipt carries a QR code of the public tracking URL (`DOSSIER_TRACKING_URL`), as a PNG so
the PDF holds it as an image.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError, NotFound
from chinhquyen.dossiers.models import Dossier, FormSet, PauseKind
from chinhquyen.workdays import engine


@dataclass(frozen=True)
class FormSpec:
    number: str
    title: str
    page: str = "A5"


#: form → set → (number, title as the circular names it, page size). None: not in that set.
FORMS: dict[str, dict[str, FormSpec | None]] = {
    "receipt": {
        FormSet.CIRCULAR_03_2025: FormSpec("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        FormSet.CIRCULAR_01_2018: FormSpec("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    },
    "supplement_request": {
        FormSet.CIRCULAR_03_2025: FormSpec("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        FormSet.CIRCULAR_01_2018: FormSpec("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    },
    "refusal": {
        FormSet.CIRCULAR_03_2025: FormSpec("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        FormSet.CIRCULAR_01_2018: FormSpec("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    },
    "apology": {
        FormSet.CIRCULAR_03_2025: FormSpec("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
        FormSet.CIRCULAR_01_2018: FormSpec("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    },
    "stop_notice": {
        FormSet.CIRCULAR_03_2025: FormSpec("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
        FormSet.CIRCULAR_01_2018: None,
    },
    "control_slip": {
        FormSet.CIRCULAR_03_2025: FormSpec("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
        FormSet.CIRCULAR_01_2018: FormSpec("05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    },
    "tracking_book": {
        FormSet.CIRCULAR_03_2025: FormSpec("07", "SỔ THEO DÕI HỒ SƠ", "A4 landscape"),
        FormSet.CIRCULAR_01_2018: FormSpec("06", "SỔ THEO DÕI HỒ SƠ", "A4 landscape"),
    },
}
CIRCULAR = {FormSet.CIRCULAR_03_2025: "Thông tư số 03/2025/TT-VPCP", FormSet.CIRCULAR_01_2018: "Thông tư số 01/2018/TT-VPCP"}
DOSSIER_FORMS = ("receipt", "supplement_request", "refusal", "apology", "stop_notice", "control_slip")
#: An online dossier not yet received has only the counter's answers: a supplement or a refusal.
BEFORE_RECEPTION_FORMS = ("supplement_request", "refusal")


def forms_for(dossier: Dossier) -> tuple[str, ...]:
    return DOSSIER_FORMS if dossier.is_received else BEFORE_RECEPTION_FORMS


TIMELINESS_VI = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
RETURN_METHOD_VI = {"counter": "Bộ phận Một cửa", "post": "Dịch vụ bưu chính công ích", "online": "Trực tuyến"}
UNIT_VI = {"day": "ngày làm việc", "hour": "giờ làm việc"}


def processing_time_text(dossier: Dossier) -> str:
    time = dossier.version.processing_time(dossier.channel)
    if time is None:
        return ""
    amount = f"{time.amount.normalize():f}".replace(".", ",")
    return f"{amount.zfill(2) if amount.isdigit() else amount} {UNIT_VI[time.unit]}"


def tracking_url(dossier: Dossier) -> str:
    return settings.DOSSIER_TRACKING_URL.format(code=dossier.code)


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return engine.working_calendar().localize(value) if value else None


def long_date(day: dt.date) -> str:
    """`ngày 05 tháng 3 năm 2026` (UI.md: dates in documents)."""
    return f"ngày {day.day:02d} tháng {day.month} năm {day.year}"


def form_spec(form: str, form_set: str) -> FormSpec:
    if form not in FORMS:
        raise NotFound("form.unknown", _("Unknown form “%(form)s”.") % {"form": form})
    spec = FORMS[form].get(form_set)
    if spec is None:
        raise DomainError("form.not_in_set", _("The %(set)s set has no such form.") % {"set": CIRCULAR[FormSet(form_set)]})
    return spec


def _dossier_context(dossier: Dossier) -> dict[str, Any]:
    steps = list(dossier.steps.select_related("agency", "handler", "handed_over_by").order_by("position"))  # type: ignore[attr-defined]
    pauses = list(dossier.pauses.all())  # type: ignore[attr-defined]
    supplement = next((p for p in reversed(pauses) if p.kind == PauseKind.SUPPLEMENT), None)
    apology_event = dossier.events.filter(action="apologize").first()  # type: ignore[attr-defined]
    url = tracking_url(dossier)
    return {
        "dossier": dossier,
        "components": list(dossier.components.select_related("required_component").order_by("pk")),  # type: ignore[attr-defined]
        "steps": [
            {
                "step": s,
                "started": _local(s.started_at),
                "finished": _local(s.finished_at),
                "due": _local(s.due_at),
                "result": TIMELINESS_VI.get(s.timeliness, ""),
            }
            for s in steps
        ],
        "received": _local(dossier.received_at),
        "due": _local(dossier.due_at),
        "original_due": _local(dossier.original_due_at),
        "apology_before": _local(apology_event.due_before) if apology_event else None,
        "supplement": supplement,
        "tracking_url": url,
        "qr": qr_data_uri(url),
        "timeliness": TIMELINESS_VI.get(dossier.timeliness, ""),
        "fees": list(dossier.version.fees.all()),  # type: ignore[attr-defined]
        "return_method_vi": RETURN_METHOD_VI.get(dossier.return_method, ""),
        "processing_time": processing_time_text(dossier),
    }


def render_html(form: str, *, dossier: Dossier | None = None, form_set: str | None = None, extra: dict[str, Any] | None = None) -> str:
    chosen = form_set or (dossier.form_set if dossier else FormSet.CIRCULAR_03_2025)
    spec = form_spec(form, chosen)
    context: dict[str, Any] = {
        "spec": spec,
        "form": form,
        "form_set": chosen,
        "circular": CIRCULAR[FormSet(chosen)],
        "today": long_date(engine.working_calendar().localize(dt.datetime.now(dt.UTC)).date()),
    }
    if dossier is not None:
        context.update(_dossier_context(dossier))
        context["agency"] = (
            dossier.receiving_agency if form in ("receipt", "supplement_request", "refusal", "control_slip") else dossier.competent_agency
        )
    context.update(extra or {})
    with translation.override("vi"):
        return render_to_string(f"dossiers/forms/{form}.html", context)


def render_pdf(form: str, *, dossier: Dossier | None = None, form_set: str | None = None, extra: dict[str, Any] | None = None) -> bytes:
    from weasyprint import HTML

    html = render_html(form, dossier=dossier, form_set=form_set, extra=extra)
    return HTML(string=html, base_url=str(settings.MEDIA_ROOT)).write_pdf()  # type: ignore[no-any-return]


def render_tracking_book(
    *, dossiers: list[Dossier], agency: Any, date_from: dt.date, date_to: dt.date, form_set: str = FormSet.CIRCULAR_03_2025
) -> bytes:
    rows = [
        {
            "dossier": d,
            "received": _local(d.received_at),
            "due": _local(d.due_at),
            "returned": _local(d.returned_at),
            "method": RETURN_METHOD_VI.get(d.return_method, ""),
        }
        for d in dossiers
    ]
    return render_pdf(
        "tracking_book", form_set=form_set, extra={"rows": rows, "agency": agency, "date_from": date_from, "date_to": date_to}
    )
