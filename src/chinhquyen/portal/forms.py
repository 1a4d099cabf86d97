"""Forms of the portal: each bad input gets a message beside its field and keeps what was typed."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.forms import ShortText

#: Base letters of the Vietnamese (Latin) alphabet, spaces, apostrophes, hyphens and dots (after NFD).
_NAME_RE = re.compile(r"^[A-Za-zĐđ\s'.\-]+$")
#: The combining marks Vietnamese uses: tones (grave, acute, tilde, hook, dot below), circumflex, breve, horn.
_VIETNAMESE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"))
_ID_RE = re.compile(r"^\d{12}$")
_PHONE_RE = re.compile(r"^(\+84|0)\d{9,10}$")


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def clean_name(value: str) -> str:
    value = _nfc(value)
    if len(value) > 255:
        raise forms.ValidationError(_("The name is too long (at most 255 characters)."))
    if not _NAME_RE.match(unicodedata.normalize("NFD", value).translate(_VIETNAMESE_MARKS)):
        raise forms.ValidationError(_("Write the name in Vietnamese letters only (no digits or other scripts)."))
    return value


def clean_id_number(value: str) -> str:
    value = re.sub(r"\s", "", value or "")
    if not _ID_RE.match(value):
        raise forms.ValidationError(_("A personal identification number has exactly 12 digits."))
    return value


def clean_phone(value: str) -> str:
    value = re.sub(r"[\s.\-()]", "", value or "")
    if value and not _PHONE_RE.match(value):
        raise forms.ValidationError(_("Write a Vietnamese phone number, for example 0912345678."))
    return value


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Find a procedure"), required=False, max_length=200)
    field = forms.ChoiceField(label=_("Field"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    online = forms.ChoiceField(label=_("Online service"), required=False)
    fee = forms.ChoiceField(label=_("Fees"), required=False, choices=[("", _("All")), ("free", _("Free")), ("paid", _("With a fee"))])


class TrackingForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=60)
    key = forms.CharField(
        label=_("ID number of the applicant, or the lookup code printed on the receipt"),
        max_length=20,
        help_text=_("12 digits of the personal identification number, or the 10 characters after “mã tra cứu”."),
    )


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    identity_number = forms.CharField(label=_("Personal identification number"), max_length=30)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False, help_text=_("An e-mail address or a phone number."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=True), max_length=128)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and "email" not in self.errors and "phone" not in self.errors:
            self.add_error("email", _("Give an e-mail address or a phone number."))
        return data

    def clean_full_name(self) -> str:
        return clean_name(self.cleaned_data["full_name"])

    def clean_identity_number(self) -> str:
        return clean_id_number(self.cleaned_data["identity_number"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])


class PhoneCodeForm(forms.Form):
    code = forms.CharField(label=_("The 6-digit code we sent by SMS"), max_length=6, min_length=6)


class LoginForm(forms.Form):
    username = forms.CharField(label=_("E-mail or phone"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)


class ApplicantForm(forms.Form):
    """The applicant part of an application (prefilled from the account)."""

    name = forms.CharField(label=_("Full name"), max_length=300)
    id_number = forms.CharField(label=_("Personal identification number"), max_length=30)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("For example 05/03/1990."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)

    def clean_name(self) -> str:
        return clean_name(self.cleaned_data["name"])

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_birth_date(self):  # type: ignore[no-untyped-def]
        from django.utils import timezone

        value = self.cleaned_data["birth_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value


class DraftValuesForm(forms.Form):
    """What an applicant typed into a draft, kept as typed (even when the ApplicantForm refuses it)
    but bounded: a NUL byte or an overlong value is not kept (ADR 0041)."""

    name = ShortText(max_length=300)
    id_number = ShortText(max_length=30)
    birth_date = ShortText(max_length=20)
    phone = ShortText(max_length=30)
    email = ShortText(max_length=254)
    address = ShortText(max_length=500)
    agency = ShortText(max_length=40)
    action = forms.ChoiceField(choices=[("save", "save"), ("continue", "continue")], required=False)


class RatingForm(forms.Form):
    level = ShortText(max_length=20)
    comment = ShortText(max_length=2000)


class SupplementNoteForm(forms.Form):
    note = forms.CharField(required=False, strip=False)  # its length is checked by the page, with its own message


class MyDossierQuery(forms.Form):
    pass


MyDossierQuery.base_fields["bo-sung"] = ShortText(max_length=10)
