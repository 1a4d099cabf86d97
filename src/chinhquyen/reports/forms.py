from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.forms import IdField
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


class ReportQuery(forms.Form):
    """What the dashboards read from the query string (ADR 0041): a malformed value is ignored."""

    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)
    roll_up = forms.BooleanField(required=False)
    rank = forms.CharField(max_length=40, required=False)
    agency = IdField()
    part = forms.ChoiceField(choices=[("numerator", "numerator"), ("all", "all")], required=False)
    saved = forms.IntegerField(min_value=2000, max_value=2100, required=False)


class PublicQuery(forms.Form):
    """The public page's `?chi-tieu=<code>` and `?dinh-dang=csv|json`."""


PublicQuery.base_fields["chi-tieu"] = forms.CharField(max_length=40, required=False)
PublicQuery.base_fields["dinh-dang"] = forms.ChoiceField(choices=[("csv", "csv"), ("json", "json")], required=False)
