from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "data-cq-password": ""})
    )


class PasswordChangeForm(forms.Form):
    """ASVS 4.0.3 V2.1.2: at least 64 characters allowed, more than 128 refused (the hash takes any
    length; a cap keeps a huge body from costing the hashing work); no truncation, any character."""

    current_password = forms.CharField(
        label=_("Current password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "data-cq-password": ""}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=128,
        strip=False,
        help_text=_("At least 12 characters; any letters, digits, spaces or signs. Not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-cq-password": ""}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-cq-password": ""}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords are not the same."))
        return data


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
