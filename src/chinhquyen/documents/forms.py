"""Forms of the electronic office: they parse input; the services decide (and refuse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.forms import DayField, IdField, IdListField, ShortText
from chinhquyen.documents.models import IncomingStatus, OutgoingStatus
from chinhquyen.documents.reference import DocumentType, Secrecy, Urgency
from chinhquyen.documents.services import IncomingInput

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]


class VNDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs: object) -> None:
        attrs = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "class": "usa-input"}
        super().__init__(attrs=attrs, format="%d/%m/%Y")


def _date(label: Any, required: bool = True, **kwargs: object) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_INPUT, widget=VNDateInput(), **kwargs)  # type: ignore[arg-type]


class IncomingForm(forms.Form):
    """The clerk's registration form: tab order follows the register's columns; Enter saves."""

    issuer_name = forms.CharField(label=_("Issuing agency"), max_length=200)
    issuer_code = forms.CharField(label=_("Issuer's identifier code"), max_length=35, required=False)
    code_number = forms.CharField(label=_("Number"), max_length=11)
    code_notation = forms.CharField(label=_("Notation"), max_length=30)
    issued_date = _date(_("Issue date"))
    document_type = forms.CharField(label=_("Document type"), max_length=100)
    subject = forms.CharField(label=_("Subject"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    signer_name = forms.CharField(label=_("Signer"), max_length=50, required=False)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("Secrecy"), choices=Secrecy.choices, required=False)
    page_count = forms.IntegerField(label=_("Pages"), required=False, min_value=1, max_value=999)
    to_places = forms.CharField(label=_("Recipients"), max_length=1000, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=[("paper", _("Paper")), ("electronic", _("Electronic"))], initial="paper")
    scan = forms.FileField(label=_("Scan (PDF or image)"), required=False)
    document_id = forms.CharField(label=_("Document identifier (edXML)"), max_length=100, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["issuer_name"].widget.attrs.update({"autofocus": True, "list": "issuers", "autocomplete": "off"})
        self.fields["document_type"].widget.attrs.update({"list": "document-types", "autocomplete": "off"})
        self.fields["issued_date"].initial = timezone.localdate()

    def incoming_input(self) -> IncomingInput:
        """The validated fields as the registration service takes them."""
        data = self.cleaned_data
        return IncomingInput(
            issuer_name=data["issuer_name"],
            issuer_code=data["issuer_code"],
            code_number=data["code_number"],
            code_notation=data["code_notation"],
            issued_date=data["issued_date"],
            document_type=data["document_type"],
            subject=data["subject"],
            signer_name=data["signer_name"],
            signer_position=data["signer_position"],
            urgency=data["urgency"] or "",
            secrecy=data["secrecy"] or "",
            page_count=data["page_count"],
            to_places=data["to_places"],
            document_id=data["document_id"],
        )


class PresentForm(forms.Form):
    leader = IdField(label=_("Leader"), required=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class InstructForm(forms.Form):
    instruction = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    lead_unit = IdField(label=_("Lead unit"))
    lead_handler = IdField(label=_("Lead person"))
    coordinator_units = forms.TypedMultipleChoiceField(label=_("Co-ordinating units"), coerce=int, required=False)
    coordinators = IdListField(label=_("Co-ordinating people"))
    due_days = forms.IntegerField(label=_("Deadline (working days)"), required=False, min_value=1, max_value=365)
    due_date = _date(_("or a deadline date"), required=False)

    def __init__(self, *args: object, units: list[tuple[int, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["coordinator_units"].choices = units  # type: ignore[attr-defined]


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ExtensionForm(forms.Form):
    until = _date(_("New deadline"))
    reason = forms.CharField(label=_("Reason"), max_length=500)


class CompleteForm(forms.Form):
    summary = forms.CharField(label=_("Result"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    reply_subject = forms.CharField(label=_("Subject of the reply"), required=False, max_length=500)
    reply_draft = forms.FileField(label=_("Reply draft (PDF or DOCX)"), required=False)


class DraftForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.OFFICIAL_LETTER)
    subject = forms.CharField(label=_("Subject"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("Secrecy"), choices=Secrecy.choices, required=False)
    internal_recipients = forms.TypedMultipleChoiceField(label=_("Recipients in this system"), coerce=int, required=False)
    external_recipients = forms.CharField(
        label=_("Other recipients (one a line: code; name)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    draft = forms.FileField(label=_("Draft (PDF or DOCX)"))

    def __init__(self, *args: object, agencies: list[tuple[int, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["internal_recipients"].choices = agencies  # type: ignore[attr-defined]
        self.fields["subject"].widget.attrs["autofocus"] = True

    def external(self) -> list[tuple[str, str]]:
        out = []
        for line in (self.cleaned_data.get("external_recipients") or "").splitlines():
            if not line.strip():
                continue
            code, sep, name = line.partition(";")
            out.append((code.strip(), name.strip()) if sep else ("", code.strip()))
        return out


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class VersionForm(forms.Form):
    draft = forms.FileField(label=_("New version (PDF or DOCX)"))
    comment = forms.CharField(label=_("What changed"), required=False, max_length=500)


class PeriodForm(forms.Form):
    date_from = _date(_("From"))
    date_to = _date(_("To"))
    volume = forms.IntegerField(label=_("Volume"), min_value=1, max_value=99, initial=1, required=False)


# --- what the pages read from the query string and the small action forms (ADR 0041) -------------
class AgencyQuery(forms.Form):
    """`?agency=<id>`: which of the official's agencies a page works for."""

    agency = IdField()


class IncomingListQuery(forms.Form):
    list = ShortText(max_length=40)
    status = forms.ChoiceField(choices=IncomingStatus.choices, required=False)
    urgency = forms.ChoiceField(choices=Urgency.choices, required=False)
    type = forms.ChoiceField(choices=DocumentType.choices, required=False)
    q = ShortText(max_length=200)
    cursor = ShortText(max_length=200)
    to = DayField()


IncomingListQuery.base_fields["from"] = DayField()  # `from` is a keyword


class OutgoingListQuery(forms.Form):
    list = ShortText(max_length=40)
    status = forms.ChoiceField(choices=OutgoingStatus.choices, required=False)
    cursor = ShortText(max_length=200)


class RegisterPrintQuery(forms.Form):
    to = DayField(required=True)
    volume = forms.IntegerField(min_value=1, max_value=99, required=False)


RegisterPrintQuery.base_fields["from"] = DayField(required=True)


class AttachmentQuery(forms.Form):
    download = forms.BooleanField(required=False)


class PassForm(forms.Form):
    unit = IdField(label=_("Unit"), required=True)


class ReassignForm(forms.Form):
    official = IdField(label=_("Person"), required=True)
    due_date = DayField(label=_("Deadline"))
    note = ShortText(label=_("Note"), max_length=2000)


class ReasonForm(forms.Form):
    reason = ShortText(label=_("Reason"), max_length=2000)


class DecisionForm(forms.Form):
    """Accept or refuse (review, approval, an extension), with the key's password or PIN when signing."""

    accept = forms.BooleanField(required=False)
    grant = forms.BooleanField(required=False)
    note = ShortText(label=_("Note"), max_length=2000)
    # The signing key's password or PIN: used once, never stored (documents.views.signing_secret).
    signing_secret = forms.CharField(required=False, max_length=1024, strip=False)


class NextStepForm(forms.Form):
    """After saving: `next=another` registers another, `submit=1` submits the draft at once."""

    next = forms.ChoiceField(choices=[("", ""), ("another", "another")], required=False)
    submit = forms.BooleanField(required=False)
