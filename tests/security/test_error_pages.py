"""The last-resort error pages: a generic Vietnamese message and the request id, never a
traceback (ASVS 4.0.3 V7.4.1, V7.4.3)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from chinhquyen.config import urls as project_urls


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail: password=hunter2")


urlpatterns = [
    path("boom/", _boom),
    path("api/v1/boom/", _boom),
    path("", include(project_urls.urlpatterns)),
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def client_no_raise(db):  # type: ignore[no-untyped-def]
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unexpected_error_shows_a_generic_vietnamese_page_with_the_request_id(client_no_raise, admin_user):
    client_no_raise.force_login(admin_user)
    response = client_no_raise.get("/boom/", HTTP_X_REQUEST_ID="req-123")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Đã xảy ra lỗi ngoài dự kiến" in body
    assert "req-123" in body
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unexpected_api_error_answers_json_with_a_code(client_no_raise, admin_user):
    client_no_raise.force_login(admin_user)
    response = client_no_raise.get("/api/v1/boom/", HTTP_X_REQUEST_ID="req-456")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert response.json()["request_id"] == "req-456"
    assert "hunter2" not in response.content.decode()


@override_settings(DEBUG=False)
def test_an_unknown_page_answers_404_in_vietnamese(client_no_raise, admin_user):
    client_no_raise.force_login(admin_user)
    response = client_no_raise.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Trang bạn yêu cầu không tồn tại" in response.content.decode()


@override_settings(SECURITY_CONTACT="mailto:attt@phutho.gov.vn")
def test_security_txt_names_the_contact_for_vulnerabilities(client_no_raise):
    response = client_no_raise.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert "Contact: mailto:attt@phutho.gov.vn" in response.content.decode()
    assert "Expires: " in response.content.decode()
