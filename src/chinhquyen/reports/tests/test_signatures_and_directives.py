"""The two indicators built last: agencies using digital signatures (from the outgoing documents and
the signing app's validation reports) and directives published on the web portal (from the yearly
survey, beside the directives the platform recorded). Known counts, exact values, period and agency
filters, and the merged agency (C closed into B on 1 July 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.documents.models import Attachment, AttachmentKind, OutgoingDocument, OutgoingStatus
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.reference import DocumentType
from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import AgencyKind, AgencyLevel, Role
from chinhquyen.organizations.testing import PASSWORD, SINCE
from chinhquyen.reports import exports, indicators, selectors, services
from chinhquyen.reports.indicators import PERSONAL_SIGNATURE, Period
from chinhquyen.reports.models import SurveyResponse
from chinhquyen.signing.models import Indication, ValidationReport

pytestmark = pytest.mark.django_db

MARCH = Period.month(2026, 3)
FEBRUARY = Period.month(2026, 2)
TODAY = dt.date(2026, 11, 28)
SIGNATURES = "CQ_DUNG_CHU_KY_SO"
DIRECTIVES = "KS_CHI_THI_CONG_KHAI"


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, 0, tzinfo=VIETNAM)


def _report(attachment: Attachment, indication: str, supersedes: ValidationReport | None = None) -> ValidationReport:
    """What `signing.services.validate_pdf` keeps about a stored file (the reading is what is tested)."""
    return ValidationReport.objects.create(
        subject_type="documents.Attachment",
        subject_id=str(attachment.pk),
        file_sha256=f"{attachment.pk:064d}",
        indication=indication,
        trust_fingerprint="t",
        supersedes=supersedes,
    )


def _issued(agency, drafter, at, *, reports=(), status=OutgoingStatus.ISSUED, document_type="decision", versions=1):
    """An outgoing document with `versions` main-file versions; the validation reports given are for
    its last version, in order, each superseding the one before (a re-validation)."""
    document = OutgoingDocument.objects.create(
        agency=agency,
        drafter=drafter,
        document_type=document_type,
        subject="Về việc triển khai chữ ký số",
        status=status,
        issued_at=at if status in (OutgoingStatus.ISSUED, OutgoingStatus.RECALLED) else None,
    )
    # bulk_create: no post_save, so no automatic validation of these placeholder files.
    files = Attachment.objects.bulk_create(
        [
            Attachment(
                agency=agency,
                outgoing=document,
                kind=AttachmentKind.MAIN,
                version=v,
                file=f"documents/x/{document.pk}-{v}.pdf",
                name="van-ban.pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                comment=PERSONAL_SIGNATURE,
            )
            for v in range(1, versions + 1)
        ]
    )
    final = Attachment.objects.get(outgoing=document, version=versions)
    previous = None
    for indication in reports:
        previous = _report(final, indication, previous)
    return document, files


@pytest.fixture
def agency_c(cast):
    return org.create_agency(
        code="000.00.09.H99",
        name="Sở Ngoại vụ tỉnh Thử Nghiệm",
        short_name="SNGV",
        level=AgencyLevel.PROVINCE,
        kind=AgencyKind.DEPARTMENT,
        parent=cast.province,
        valid_from=SINCE,
    )


@pytest.fixture
def signature_world(cast, agency_c):
    """March 2026: A issued 2 (one valid on its final file, one never validated); B issued 1 whose
    valid report was superseded by an invalid one (certificate revoked) and approved another, valid,
    not issued; C issued 1 valid. February: B issued 1 valid; A 1 whose first version was valid and
    its final version invalid. The province issued nothing."""
    a, b, c = cast.agency_a, cast.agency_b, agency_c
    _issued(a, cast.specialist_a, _at(3, 5), reports=[Indication.INDETERMINATE, Indication.PASSED])  # re-validated: now valid
    _issued(a, cast.specialist_a, _at(3, 6))
    _issued(b, cast.specialist_a, _at(3, 10), reports=[Indication.PASSED, Indication.FAILED])
    _issued(b, cast.specialist_a, _at(3, 11), reports=[Indication.PASSED], status=OutgoingStatus.APPROVED)
    _issued(c, cast.specialist_a, _at(3, 12), reports=[Indication.PASSED])
    _issued(b, cast.specialist_a, _at(2, 20), reports=[Indication.PASSED])
    _, files = _issued(a, cast.specialist_a, _at(2, 21), reports=[Indication.FAILED], versions=2)
    _report(files[0], Indication.PASSED)  # an earlier version was valid: the final file is what counts
    return cast


def _value(code, agency_ids, period, **kwargs):
    value = selectors.compute(indicators.get(code), agency_ids, period, **kwargs)
    return value.numerator, value.denominator, value.ratio


def test_agencies_using_digital_signatures_count_each_agency_once_over_those_that_issued(signature_world, agency_c):
    cast = signature_world
    a, b, c = cast.agency_a.pk, cast.agency_b.pk, agency_c.pk
    assert _value(SIGNATURES, None, MARCH) == (2, 3, 66.7)  # A and C of A, B, C
    value = indicators.get(SIGNATURES).compute(None, MARCH)
    assert value.counters == {"documents_issued": 4, "documents_validly_signed": 2}
    by_agency = indicators.get(SIGNATURES).by_agency(None, MARCH)
    assert {k: (v.numerator, v.denominator, v.counters["documents_validly_signed"]) for k, v in by_agency.items()} == {
        a: (1, 1, 1),
        b: (0, 1, 0),
        c: (1, 1, 1),
    }
    assert set(indicators.get(SIGNATURES).records(None, MARCH)) == {cast.agency_a, agency_c}
    assert set(indicators.get(SIGNATURES).records(None, MARCH, "all")) == {cast.agency_a, cast.agency_b, agency_c}
    assert set(indicators.get(SIGNATURES).records(None, MARCH, "rest")) == {cast.agency_b}


def test_agencies_using_digital_signatures_follow_the_period_and_the_agency_filter(signature_world, agency_c):
    cast = signature_world
    a, b = cast.agency_a.pk, cast.agency_b.pk
    assert _value(SIGNATURES, [b], MARCH) == (0, 1, 0.0)
    assert _value(SIGNATURES, [a, b], MARCH) == (1, 2, 50.0)
    assert _value(SIGNATURES, [cast.province.pk], MARCH) == (0, 0, None)  # issued nothing: left out
    assert _value(SIGNATURES, None, FEBRUARY) == (1, 2, 50.0)  # B valid; A's final file invalid
    assert _value(SIGNATURES, [a], FEBRUARY) == (0, 1, 0.0)
    assert _value(SIGNATURES, None, Period.month(2026, 4)) == (0, 0, None)
    assert _value(SIGNATURES, None, Period.year(2026)) == (3, 3, 100.0)


def test_a_merged_agency_counts_as_one_with_its_successor_only_when_rolled_up(signature_world, agency_c):
    cast = signature_world
    a, b, c = cast.agency_a.pk, cast.agency_b.pk, agency_c.pk
    org.record_succession(predecessors=[agency_c], successors=[cast.agency_b], kind="merger", effective_date=dt.date(2026, 7, 1))
    indicator = indicators.get(SIGNATURES)
    own = selectors.by_agency(indicator, None, MARCH)
    assert {k: (v.numerator, v.denominator) for k, v in own.items()} == {a: (1, 1), b: (0, 1), c: (1, 1)}
    rolled = selectors.by_agency(indicator, None, MARCH, roll_up=True)
    assert {k: (v.numerator, v.denominator, v.counters["documents_issued"]) for k, v in rolled.items()} == {a: (1, 1, 2), b: (1, 1, 2)}
    assert _value(SIGNATURES, None, MARCH) == (2, 3, 66.7)
    assert _value(SIGNATURES, None, MARCH, roll_up=True) == (2, 2, 100.0)
    assert _value(SIGNATURES, [b], MARCH) == (0, 1, 0.0)
    assert _value(SIGNATURES, [b], MARCH, roll_up=True) == (1, 1, 100.0)
    table = selectors.province_table(MARCH, [SIGNATURES], roll_up=True).data
    assert {r.agency.pk: r.values[SIGNATURES].numerator for r in table} == {a: 1, b: 1}


# --- directives published on the web portal (yearly survey) -------------------------------------
def _admin(agency, username):
    account = org.create_official(username=username, full_name="Lý Văn Quản Trị", password=PASSWORD)
    org.assign_role(official=account, agency=agency, role=Role.AGENCY_ADMIN, valid_from=SINCE)
    return account


def _answer(admin, agency, year, issued, published, **extra):
    data = services.SurveyData(
        officials=80,
        computers=76,
        servers=2,
        network_points=90,
        broadband_lines=2,
        video_endpoints=1,
        email_accounts=80,
        directives_issued=issued,
        directives_published=published,
        **extra,
    )
    return services.submit_survey(actor=admin, agency=agency, year=year, data=data, today=TODAY)


@pytest.fixture
def directive_world(cast, agency_c):
    """Answers: A 2026 10 issued / 8 published, A 2025 4 / 1, B 2026 5 / 5, C 2026 2 / 0; the
    province answered 2026 without the directive questions. On the platform: A issued 3 directives
    in 2026 (one recalled) and 1 in 2025, and one still a draft; B issued 1 decision in 2026."""
    admins = {a.pk: _admin(a, f"quantri.{a.pk}") for a in (cast.agency_a, cast.agency_b, agency_c, cast.province)}
    _answer(admins[cast.agency_a.pk], cast.agency_a, 2026, 10, 8)
    _answer(admins[cast.agency_a.pk], cast.agency_a, 2025, 4, 1)
    _answer(admins[cast.agency_b.pk], cast.agency_b, 2026, 5, 5)
    _answer(admins[agency_c.pk], agency_c, 2026, 2, 0)
    _answer(admins[cast.province.pk], cast.province, 2026, None, None)
    directive = DocumentType.DIRECTIVE
    for at in (_at(1, 5), _at(6, 1)):
        _issued(cast.agency_a, cast.specialist_a, at, document_type=directive)
    _issued(cast.agency_a, cast.specialist_a, _at(9, 1), document_type=directive, status=OutgoingStatus.RECALLED)
    _issued(cast.agency_a, cast.specialist_a, dt.datetime(2025, 5, 5, 9, tzinfo=VIETNAM), document_type=directive)
    _issued(cast.agency_a, cast.specialist_a, _at(10, 1), document_type=directive, status=OutgoingStatus.DRAFT)
    _issued(cast.agency_b, cast.specialist_a, _at(3, 1))
    return admins


def test_directives_published_come_from_the_survey_beside_the_platforms_count(cast, agency_c, directive_world):
    a, b, c = cast.agency_a.pk, cast.agency_b.pk, agency_c.pk
    year = Period.year(2026)
    assert _value(DIRECTIVES, None, year) == (13, 17, 76.5)  # the province did not answer these questions
    assert indicators.get(DIRECTIVES).compute(None, year).counters == {"recorded_on_platform": 3}
    by_agency = indicators.get(DIRECTIVES).by_agency(None, year)
    assert {k: (v.numerator, v.denominator, v.counters["recorded_on_platform"]) for k, v in by_agency.items()} == {
        a: (8, 10, 3),
        b: (5, 5, 0),
        c: (0, 2, 0),
    }
    assert _value(DIRECTIVES, [a], year) == (8, 10, 80.0)
    assert _value(DIRECTIVES, [a], MARCH) == (8, 10, 80.0)  # a month reads its year's answer
    assert _value(DIRECTIVES, [a], Period.year(2025)) == (1, 4, 25.0)
    assert indicators.get(DIRECTIVES).compute([a], Period.year(2025)).counters == {"recorded_on_platform": 1}
    assert _value(DIRECTIVES, [b], Period.year(2025)) == (0, 0, None)
    assert _value(DIRECTIVES, [cast.province.pk], year) == (0, 0, None)
    assert [r.year for r in indicators.get(DIRECTIVES).records([a], year)] == [2026]


def test_directives_of_a_merged_agency_roll_up_to_its_successor_on_request(cast, agency_c, directive_world):
    a, b, c = cast.agency_a.pk, cast.agency_b.pk, agency_c.pk
    org.record_succession(predecessors=[agency_c], successors=[cast.agency_b], kind="merger", effective_date=dt.date(2026, 7, 1))
    indicator = indicators.get(DIRECTIVES)
    year = Period.year(2026)
    assert {k: (v.numerator, v.denominator) for k, v in selectors.by_agency(indicator, None, year).items()} == {
        a: (8, 10),
        b: (5, 5),
        c: (0, 2),
    }
    rolled = selectors.by_agency(indicator, None, year, roll_up=True)
    assert {k: (v.numerator, v.denominator, v.ratio) for k, v in rolled.items()} == {a: (8, 10, 80.0), b: (5, 7, 71.4)}
    assert _value(DIRECTIVES, [b], year) == (5, 5, 100.0)
    assert _value(DIRECTIVES, [b], year, roll_up=True) == (5, 7, 71.4)


def test_bad_directive_answers_are_refused(cast):
    admin = _admin(cast.agency_a, "quantri.a")
    for issued, published, code, field in [
        (5, 6, "survey.directives_published_over_issued", "directives_published"),
        (5, None, "survey.directives_incomplete", "directives_published"),
        (None, 2, "survey.directives_incomplete", "directives_issued"),
        (-1, 0, "survey.negative", "directives_issued"),
        (3, -1, "survey.negative", "directives_published"),
    ]:
        with pytest.raises(DomainError) as refused:
            _answer(admin, cast.agency_a, 2026, issued, published)
        assert refused.value.code == code and field in refused.value.fields
    assert not SurveyResponse.objects.exists()
    answer = _answer(admin, cast.agency_a, 2026, 6, 6)
    assert (answer.directives_issued, answer.directives_published) == (6, 6)


def test_the_survey_page_saves_the_directive_answers_and_shows_them_in_the_history(cast, client):
    admin = _admin(cast.agency_a, "quantri.a")
    client.force_login(admin)
    form = {
        "year": 2025,
        "officials": 80,
        "computers": 76,
        "servers": 2,
        "network_points": 90,
        "broadband_lines": 2,
        "video_endpoints": 1,
        "email_accounts": 80,
        "note": "",
    }
    response = client.post("/reports/survey/", {**form, "directives_issued": 4, "directives_published": 7})
    assert response.status_code == 200 and not SurveyResponse.objects.exists()
    response = client.post("/reports/survey/", {**form, "directives_issued": 4, "directives_published": 3})
    assert response.status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.directives_issued, answer.directives_published) == (4, 3)
    page = client.get(response["Location"]).content.decode()
    assert "3 / 4" in page


def test_the_two_indicators_are_in_the_dashboards_and_the_open_data(signature_world, client):
    codes = list(indicators.REGISTRY)
    assert SIGNATURES in codes and DIRECTIVES in codes
    assert indicators.get(SIGNATURES).published and indicators.get(DIRECTIVES).published
    rows = exports.open_data(MARCH)["rows"]
    province = {r["indicator_code"]: r for r in rows if r["scope"] == "province"}
    assert (province[SIGNATURES]["numerator"], province[SIGNATURES]["denominator"], province[SIGNATURES]["ratio"]) == (2, 3, 66.7)
    assert province[DIRECTIVES]["denominator"] == 0
    assert {r["agency_code"] for r in rows if r["indicator_code"] == SIGNATURES and r["scope"] == "agency"} == {
        "000.00.01.H99",
        "000.00.02.H99",
        "000.00.09.H99",
    }


def test_the_survey_form_does_not_carry_last_years_directives_over(cast, client):
    admin = _admin(cast.agency_a, "quantri.a")
    _answer(admin, cast.agency_a, 2025, 9, 7)
    client.force_login(admin)
    form = client.get("/reports/survey/").context["form"]
    assert form.initial["computers"] == 76
    assert "directives_issued" not in form.initial and "directives_published" not in form.initial


@pytest.mark.parametrize(("issued", "published"), [(5, None), (None, 2), (3, 4)])
def test_the_database_refuses_directive_counts_the_service_refuses(cast, issued, published):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    admin = _admin(cast.agency_a, "quantri.a")
    counts = {
        "officials": 1,
        "computers": 1,
        "servers": 0,
        "network_points": 0,
        "broadband_lines": 0,
        "video_endpoints": 0,
        "email_accounts": 0,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            agency=cast.agency_a,
            year=2026,
            directives_issued=issued,
            directives_published=published,
            filled_by=admin,
            filled_at=timezone.now(),
            **counts,
        )
