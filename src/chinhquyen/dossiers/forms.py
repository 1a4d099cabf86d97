"""The forms of the one-stop pages: every value the counter, the actions and the statistics read (ADR 0041)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.forms import CountField, DayField, IdField, ShortText
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.models import ApplicantKind, FormSet, PaymentMethod, ReturnMethod

_COMPONENT_KEY = re.compile(r"^component_(\d{1,18})$")


class CounterIntakeForm(forms.Form):
    """The counter's intake page. The components come as `component_<id>` ticks with
    `originals_<id>` and `copies_<id>` counts; their scans as files `file_<id>` (checked by the
    upload policy in the service)."""

    procedure_code = forms.CharField(label=_("Procedure"), max_length=20)
    receiving_agency = IdField(label=_("Receiving agency"))
    competent_agency = ShortText(label=_("Competent agency"), max_length=40)
    return_method = forms.ChoiceField(label=_("Result collected"), choices=ReturnMethod.choices, required=False)
    applicant_kind = forms.ChoiceField(label=_("Applicant kind"), choices=ApplicantKind.choices, required=False)
    applicant_name = forms.CharField(label=_("Applicant"), max_length=255)
    applicant_id_number = forms.CharField(label=_("ID or tax number"), max_length=20)
    applicant_phone = ShortText(label=_("Phone"), max_length=20)
    applicant_email = ShortText(label=_("E-mail"), max_length=254)
    applicant_address = ShortText(label=_("Address"), max_length=500)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        components: list[tuple[int, int, int]] = []
        for key in self.data:
            match = _COMPONENT_KEY.match(key)
            if not match:
                continue
            component_id = int(match.group(1))
            counts = []
            for kind in ("originals", "copies"):
                try:
                    counts.append(CountField().clean(self.data.get(f"{kind}_{component_id}")) or 0)
                except forms.ValidationError:
                    self.add_error(None, _("Originals and copies are whole numbers from 0 to 10,000."))
                    counts.append(0)
            components.append((component_id, counts[0], counts[1]))
        cleaned["components"] = components
        cleaned["return_method"] = cleaned.get("return_method") or ReturnMethod.COUNTER
        cleaned["applicant_kind"] = cleaned.get("applicant_kind") or ApplicantKind.CITIZEN
        return cleaned


class StatisticsQuery(forms.Form):
    by = forms.ChoiceField(choices=[(g, g) for g in selectors.GROUPS], required=False)
    to = DayField()
    agency = IdField()


# `from` is a keyword: the fields are named after the query string's parameters.
StatisticsQuery.base_fields["from"] = DayField()


class PrintQuery(forms.Form):
    set = forms.ChoiceField(choices=FormSet.choices, required=False)


class TrackingQuery(forms.Form):
    """The public tracking page: the dossier's code and the applicant's ID number (or tax code)."""

    code = ShortText(max_length=40)
    id_number = ShortText(max_length=20)


class SearchQuery(forms.Form):
    q = ShortText(max_length=200)
    procedure = ShortText(max_length=20)


class ActionForm(forms.Form):
    """The inputs of the dossier page's actions (the API's `ActionSerializer`); each action reads
    the ones it needs, and `actions.perform_action` parses amounts and dates from what is left."""

    note = ShortText(max_length=4000)
    reason = ShortText(max_length=4000)
    items = ShortText(max_length=20_000, help_text=_("request-supplement: one missing paper a line."))
    confirm_second = forms.BooleanField(required=False)
    to_agency = ShortText(max_length=40)
    to_role = ShortText(max_length=40)
    amount = ShortText(max_length=20)
    method = forms.ChoiceField(choices=[("", ""), *((v, v) for v in sorted({*PaymentMethod.values, *ReturnMethod.values}))], required=False)
    new_due_at = ShortText(max_length=40)
