"""Public pages: home, list with filters and accent-insensitive search, procedure page, tracking, statistics."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from chinhquyen.dossiers.tests.conftest import CITIZEN, receive
from chinhquyen.portal.tests.conftest import shown

pytestmark = pytest.mark.django_db


def test_home_has_one_search_box(client):
    response = client.get("/dich-vu-cong/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('type="search"') == 1
    assert 'lang="vi"' in html


def test_search_without_accents_finds_the_procedure(client, one_stop):
    response = client.get("/dich-vu-cong/thu-tuc/", {"q": "dang ky khai sinh"})
    html = response.content.decode()
    assert "Thủ tục đăng ký khai sinh" in html
    assert "giấy phép lao động" not in html


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"field": "H99-HT"}, "1.001193", "1.000459"),
        ({"level": "province"}, "1.000459", "1.001193"),
        ({"agency": "000.00.51.H99"}, "1.001193", "1.000459"),
        ({"fee": "free"}, "1.001193", "1.000459"),
        ({"fee": "paid"}, "1.000459", "1.001193"),
    ],
)
def test_filters(client, one_stop, params, present, absent):
    html = client.get("/dich-vu-cong/thu-tuc/", params).content.decode()
    assert present in html
    assert absent not in html


def test_procedure_page_has_the_national_sections_and_apply_button(client, one_stop):
    response = client.get("/dich-vu-cong/thu-tuc/1.000459/")
    html = response.content.decode()
    assert response.status_code == 200
    for section in ("Sequence of steps", "How to apply", "Fees and charges", "Papers to submit", "Legal basis", "Result"):
        assert shown(section) in html, section
    assert "/dich-vu-cong/thu-tuc/1.000459/nop-truc-tuyen/" in html
    assert "Giấy chứng nhận sức khỏe" in html
    assert "<script" not in html  # readable with no JavaScript at all


def test_procedure_page_is_light(client, one_stop):
    from django.contrib.staticfiles import finders

    html = client.get("/dich-vu-cong/thu-tuc/1.000459/").content
    total = len(html)
    for href in re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html):
        path = finders.find(href.decode())
        assert path, href
        with open(path, "rb") as handle:
            total += len(handle.read())
    assert total < 100 * 1024


def test_unknown_procedure_is_404(client, one_stop):
    assert client.get("/dich-vu-cong/thu-tuc/9.999999/").status_code == 404


def test_tracking_by_code_and_id_number(client, one_stop, fake_clock):
    dossier = receive(one_stop)
    response = client.get("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "key": CITIZEN.id_number})
    html = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in html
    assert 'class="timeline"' in html


def test_tracking_by_the_receipt_secret(client, one_stop, fake_clock):
    dossier = receive(one_stop)
    response = client.get("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "key": dossier.lookup_secret.lower()})
    assert response.status_code == 200
    assert dossier.code in response.content.decode()


def test_wrong_id_is_the_same_404_as_an_unknown_code(client, one_stop, fake_clock):
    dossier = receive(one_stop)
    wrong = client.get("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "key": "017090009999"})
    unknown = client.get("/dich-vu-cong/tra-cuu/", {"code": "X-000000-0000", "key": CITIZEN.id_number})
    assert wrong.status_code == unknown.status_code == 404

    def strip(html):
        return html.replace(dossier.code, "").replace("X-000000-0000", "").replace("017090009999", "").replace(CITIZEN.id_number, "")

    assert strip(wrong.content.decode()) == strip(unknown.content.decode())
    assert dossier.procedure.name not in wrong.content.decode()


def test_the_receipt_qr_opens_the_tracking_page_with_the_code(client, one_stop, fake_clock):
    response = client.get("/dich-vu-cong/tra-cuu/", {"code": "ABC-1"})
    assert response.status_code == 200
    assert 'value="ABC-1"' in response.content.decode()


@override_settings(DOSSIER_TRACKING_RATE="3/min")
def test_tracking_is_rate_limited(client, one_stop):
    cache.clear()
    statuses = [client.get("/dich-vu-cong/tra-cuu/", {"code": "A", "key": "017090001234"}).status_code for _ in range(4)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3] == 429


def test_statistics_page_draws_svg_charts(client, one_stop, fake_clock):
    receive(one_stop)
    response = client.get("/dich-vu-cong/thong-ke/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") == 3
    assert one_stop.cast.agency_a.name in html


def test_every_portal_page_has_a_content_security_policy_with_no_script(client, one_stop):
    for path in ("/dich-vu-cong/", "/dich-vu-cong/thu-tuc/1.000459/", "/dich-vu-cong/tra-cuu/", "/dich-vu-cong/dang-nhap/"):
        response = client.get(path)
        assert "script-src 'none'" in response["Content-Security-Policy"], path
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_forms_carry_a_csrf_token(client):
    for path in ("/dich-vu-cong/dang-nhap/", "/dich-vu-cong/dang-ky/"):
        assert 'name="csrfmiddlewaretoken"' in client.get(path).content.decode(), path
