"""Writes of the reports app: the yearly survey."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError
from chinhquyen.organizations.models import Account, Agency
from chinhquyen.reports import access
from chinhquyen.reports.models import COUNTS, DIRECTIVES, SurveyResponse


@dataclass
class SurveyData:
    officials: int
    computers: int
    servers: int
    network_points: int
    broadband_lines: int
    video_endpoints: int
    email_accounts: int
    iso_9001: bool = False
    note: str = ""
    #: Optional (both or neither): the platform does not see publication on the web portal.
    directives_issued: int | None = None
    directives_published: int | None = None


def submit_survey(*, actor: Account, agency: Agency, year: int, data: SurveyData, today: dt.date | None = None) -> SurveyResponse:
    """Record (or correct) the agency's answer for `year`; other years are left as they were.

    Raises DomainError: `permission_denied` (not the agency's administrator), `survey.future_year`,
    `survey.negative` (a count below 0), `survey.more_computers_than_officials` (without a note
    saying why, e.g. shared or training rooms), `survey.directives_incomplete` (one of the two
    directive counts without the other), `survey.directives_published_over_issued`.
    """
    if agency.pk not in {a.pk for a in access.surveyed_agencies(actor)}:
        raise DomainError("permission_denied", _("Only the agency's administrator fills in its survey."))
    today = today or timezone.localdate()
    if year > today.year:
        raise DomainError("survey.future_year", _("The year %(year)s has not come yet.") % {"year": year}, fields={"year": [_("Not yet.")]})
    if year < 2000:
        raise DomainError("survey.year_invalid", _("Give a year from 2000."), fields={"year": [_("Give a year from 2000.")]})
    for name, label in COUNTS:
        value = getattr(data, name)
        if value is None or value < 0:
            raise DomainError(
                "survey.negative",
                _("“%(field)s” cannot be negative.") % {"field": label},
                fields={name: [_("Give 0 or more.")]},
            )
    _check_directives(data)
    note = " ".join((data.note or "").split())
    if data.computers > data.officials and not note:
        raise DomainError(
            "survey.more_computers_than_officials",
            _("There are more computers (%(computers)s) than officials (%(officials)s): say why in the note.")
            % {"computers": data.computers, "officials": data.officials},
            fields={"note": [_("Say why there are more computers than officials.")]},
        )
    values = {**asdict(data), "note": note}
    with transaction.atomic():
        answer, created = SurveyResponse.objects.select_for_update().update_or_create(
            agency=agency, year=year, defaults={**values, "filled_by": actor, "filled_at": timezone.now()}
        )
        record_event(
            action="reports.survey_" + ("filled" if created else "corrected"),
            actor=actor,
            agency_id=agency.pk,
            object_type="reports.surveyresponse",
            object_id=answer.pk,
            summary={"year": year, **values},
        )
    return answer


def _check_directives(data: SurveyData) -> None:
    issued, published = data.directives_issued, data.directives_published
    if issued is None and published is None:
        return
    if issued is None or published is None:
        missing = "directives_issued" if issued is None else "directives_published"
        raise DomainError(
            "survey.directives_incomplete",
            _("Give both the directives issued and those published on the web portal, or neither."),
            fields={missing: [_("Give this count too.")]},
        )
    for (name, label), value in zip(DIRECTIVES, (issued, published), strict=True):
        if value < 0:
            raise DomainError(
                "survey.negative",
                _("“%(field)s” cannot be negative.") % {"field": label},
                fields={name: [_("Give 0 or more.")]},
            )
    if published > issued:
        raise DomainError(
            "survey.directives_published_over_issued",
            _("More directives published (%(published)s) than issued (%(issued)s).") % {"published": published, "issued": issued},
            fields={"directives_published": [_("Not more than the directives issued.")]},
        )


def survey_history(agency: Agency) -> list[SurveyResponse]:
    return list(SurveyResponse.objects.filter(agency=agency).order_by("-year"))
