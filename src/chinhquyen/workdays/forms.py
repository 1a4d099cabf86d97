from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.forms import DayField
from chinhquyen.workdays.models import HolidayKind


class DayKindForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind of day"), required=False, choices=[("", _("Ordinary day (by weekday)")), *HolidayKind.choices])
    name = forms.CharField(label=_("Name"), required=False, max_length=255, help_text=_("e.g. Tết Nguyên đán (mùng 1)"))
    legal_reference = forms.CharField(label=_("Legal reference"), required=False, max_length=255, help_text=_("e.g. Thông báo 9441/TB-BNV"))


class DayQuery(forms.Form):
    """`?day=YYYY-MM-DD`: the day the year page opens for editing (30 February is ignored)."""

    day = DayField()


class YearActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("set_day", "set_day"), ("confirm", "confirm"), ("propose", "propose")], required=False)
