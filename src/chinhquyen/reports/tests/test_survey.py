"""The yearly survey: filled by the agency's administrator, validated, one answer per year kept as history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from chinhquyen.core.audit import AuditEvent
from chinhquyen.core.errors import DomainError
from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Role
from chinhquyen.organizations.testing import PASSWORD, SINCE
from chinhquyen.reports import indicators, services
from chinhquyen.reports.indicators import Period
from chinhquyen.reports.models import SurveyResponse

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def admin_a(cast):
    account = org.create_official(username="quantri.a", full_name="Lý Văn Quản Trị", password=PASSWORD)
    org.assign_role(official=account, agency=cast.agency_a, role=Role.AGENCY_ADMIN, valid_from=SINCE)
    return account


def _data(**changes):
    values = {
        "officials": 80,
        "computers": 76,
        "servers": 2,
        "network_points": 90,
        "broadband_lines": 2,
        "video_endpoints": 1,
        "email_accounts": 80,
        "iso_9001": True,
    }
    values.update(changes)
    return services.SurveyData(**values)


def _refused(admin, cast, code, **kwargs):
    with pytest.raises(DomainError) as refused:
        services.submit_survey(actor=admin, agency=cast.agency_a, today=TODAY, **kwargs)
    assert refused.value.code == code
    return refused.value


def test_bad_answers_are_refused_with_a_clear_message(cast, admin_a):
    error = _refused(admin_a, cast, "survey.negative", year=2026, data=_data(servers=-1))
    assert "máy chủ" in error.message and "servers" in error.fields
    error = _refused(admin_a, cast, "survey.more_computers_than_officials", year=2026, data=_data(computers=95))
    assert "95" in error.message and "80" in error.message and "note" in error.fields
    _refused(admin_a, cast, "survey.future_year", year=2027, data=_data())
    with pytest.raises(DomainError) as other:
        services.submit_survey(actor=cast.leader_a, agency=cast.agency_a, year=2026, data=_data(), today=TODAY)
    assert other.value.code == "permission_denied"
    assert not SurveyResponse.objects.exists()
    # with a note saying why, more computers than officials is accepted
    answer = services.submit_survey(
        actor=admin_a, agency=cast.agency_a, year=2026, data=_data(computers=95, note="Phòng đào tạo"), today=TODAY
    )
    assert answer.computers == 95


def test_each_year_is_kept_and_a_correction_changes_only_its_year(cast, admin_a):
    services.submit_survey(actor=admin_a, agency=cast.agency_a, year=2025, data=_data(computers=70), today=TODAY)
    services.submit_survey(actor=admin_a, agency=cast.agency_a, year=2026, data=_data(), today=TODAY)
    services.submit_survey(actor=admin_a, agency=cast.agency_a, year=2026, data=_data(computers=78), today=TODAY)
    history = services.survey_history(cast.agency_a)
    assert [(r.year, r.computers) for r in history] == [(2026, 78), (2025, 70)]
    assert AuditEvent.objects.filter(action__startswith="reports.survey_").count() == 3
    value = indicators.get("KS_MAY_TINH").compute(None, Period.year(2025))
    assert (value.numerator, value.denominator, value.ratio) == (70, 80, 87.5)
    [level] = indicators.survey_by_level(2026)
    assert (level["level"], level["agencies"], level["computers"], level["computers_per_100"], level["iso_9001"]) == (
        "province",
        1,
        78,
        97.5,
        1,
    )


def test_the_form_shows_the_errors_beside_the_fields_and_the_history(cast, admin_a):
    client = Client()
    client.force_login(admin_a)
    page = client.get("/reports/survey/")
    assert page.status_code == 200
    fields = {
        "year": str(TODAY.year),
        "officials": "10",
        "computers": "12",
        "servers": "0",
        "network_points": "10",
        "broadband_lines": "1",
        "video_endpoints": "0",
        "email_accounts": "10",
    }
    answer = client.post("/reports/survey/", fields)
    assert answer.status_code == 200 and 'id="id_note-error"' in answer.content.decode()
    saved = client.post("/reports/survey/", {**fields, "note": "Máy dùng chung cho bộ phận một cửa"})
    assert saved.status_code == 302
    assert "survey-history" in client.get(saved["Location"]).content.decode()
    assert SurveyResponse.objects.get().computers == 12
    leader = Client()
    leader.force_login(cast.leader_a)
    assert leader.get("/reports/survey/").status_code == 403
