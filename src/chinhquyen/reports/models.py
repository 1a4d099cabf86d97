"""The yearly survey: what the platform cannot count (equipment, connections, ISO 9001), one
answer per agency and year, filled in by the agency's administrator. Years already answered stay
as they were: that is the history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: The counted fields, in the form's order (name, label).
COUNTS = (
    ("officials", _("officials and public employees")),
    ("computers", _("computers in use by officials")),
    ("servers", _("servers")),
    ("network_points", _("local network points")),
    ("broadband_lines", _("broadband Internet lines")),
    ("video_endpoints", _("video-conference endpoints")),
    ("email_accounts", _("official e-mail accounts issued")),
)

#: The two optional counts about directives (name, label): both answered or neither.
DIRECTIVES = (
    ("directives_issued", _("directives (Chỉ thị) issued in the year")),
    ("directives_published", _("of them, published on the agency's web portal")),
)


class SurveyResponse(models.Model):
    agency = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, related_name="survey_responses")
    year = models.PositiveSmallIntegerField(_("year"))
    officials = models.PositiveIntegerField(_("officials and public employees"))
    computers = models.PositiveIntegerField(_("computers in use by officials"))
    servers = models.PositiveIntegerField(_("servers"))
    network_points = models.PositiveIntegerField(_("local network points"))
    broadband_lines = models.PositiveIntegerField(_("broadband Internet lines"))
    video_endpoints = models.PositiveIntegerField(_("video-conference endpoints"))
    email_accounts = models.PositiveIntegerField(_("official e-mail accounts issued"))
    iso_9001 = models.BooleanField(_("quality management system to ISO 9001 (TCVN ISO 9001:2015) in force"), default=False)
    #: Directives (Chỉ thị, Decree 30/2020 art. 7) of the year and how many of them the agency
    #: published on its web portal: the platform records their issue, not their publication.
    #: Both empty for a year answered before the question was asked, or when the agency has no portal.
    directives_issued = models.PositiveIntegerField(DIRECTIVES[0][1], null=True, blank=True)
    directives_published = models.PositiveIntegerField(DIRECTIVES[1][1], null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filled_at = models.DateTimeField(_("filled in at"))

    class Meta:
        verbose_name = _("yearly survey answer")
        verbose_name_plural = _("yearly survey answers")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="survey_one_per_agency_year"),
            models.CheckConstraint(
                condition=Q(directives_issued__isnull=True, directives_published__isnull=True)
                | Q(
                    directives_issued__isnull=False,
                    directives_published__isnull=False,
                    directives_published__lte=models.F("directives_issued"),
                ),
                name="survey_directives_both_published_le_issued",
            ),
        ]
        indexes = [models.Index(fields=["year", "agency"], name="survey_year_idx")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}"
