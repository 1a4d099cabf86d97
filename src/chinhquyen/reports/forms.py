from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.reports.models import COUNTS


class SurveyForm(forms.Form):
    """The survey's fields; the rules (future year, negative counts, computers vs officials) are the
    service's, so that the API or a command could not bypass them."""

    year = forms.IntegerField(label=_("Year"))
    officials = forms.IntegerField(label=COUNTS[0][1])
    computers = forms.IntegerField(label=COUNTS[1][1])
    servers = forms.IntegerField(label=COUNTS[2][1])
    network_points = forms.IntegerField(label=COUNTS[3][1])
    broadband_lines = forms.IntegerField(label=COUNTS[4][1])
    video_endpoints = forms.IntegerField(label=COUNTS[5][1])
    email_accounts = forms.IntegerField(label=COUNTS[6][1])
    directives_issued = forms.IntegerField(label=_("Directives (Chỉ thị) issued in the year"), required=False)
    directives_published = forms.IntegerField(label=_("Of them, published on the agency's web portal"), required=False)
    iso_9001 = forms.BooleanField(label=_("Quality management system to TCVN ISO 9001:2015 in force"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
