"""The API (issue 4 §9): POST /api/v1/incoming-documents/ and GET ?status=…, and the operations."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.documents.testing import pdf_bytes

BODY = {
    "issuer_name": "Ủy ban nhân dân tỉnh Thử Nghiệm",
    "issuer_code": "000.00.00.H99",
    "code_number": "15",
    "code_notation": "QĐ-UBND",
    "issued_date": "2026-03-02",
    "document_type": "QĐ",
    "subject": "Về việc giao chỉ tiêu biên chế năm 2026",
    "urgency": "urgent",
    "page_count": 3,
}


@pytest.fixture
def api(office):
    client = APIClient()
    client.force_authenticate(office.cast.clerk_a)
    return client


def test_a_clerk_registers_by_api_and_gets_the_arrival_number(api):
    response = api.post("/api/v1/incoming-documents/", BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["arrival_number"] == 1 and body["written_arrival_number"] == "01" and body["arrival_date"]
    again = api.post("/api/v1/incoming-documents/", BODY, format="json").json()
    assert again["arrival_number"] == 2 and again["duplicate_of"] == [body["id"]]


def test_a_bad_notation_is_refused_with_the_field_and_nothing_saved(api):
    response = api.post("/api/v1/incoming-documents/", {**BODY, "code_notation": "QĐ UBND"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "documents.notation_invalid" and "code_notation" in response.json()["fields"]
    response = api.post("/api/v1/incoming-documents/", {**BODY, "document_type": "Thông tư liên tịch"}, format="json")
    assert response.json()["code"] == "documents.type_unknown"
    assert not IncomingDocument.objects.exists()


def test_list_by_status(api, office):
    api.post("/api/v1/incoming-documents/", BODY, format="json")
    second = api.post("/api/v1/incoming-documents/", {**BODY, "code_number": "16"}, format="json").json()
    api.post(f"/api/v1/incoming-documents/{second['id']}/present/", {"leader": office.cast.leader_a.pk}, format="json")
    presented = api.get("/api/v1/incoming-documents/?status=presented").json()["results"]
    assert [d["id"] for d in presented] == [second["id"]]
    assert len(api.get("/api/v1/incoming-documents/?status=registered").json()["results"]) == 1
    assert api.get("/api/v1/incoming-documents/?status=nonsense").status_code == 400


def test_the_whole_path_through_the_api(api, office):
    cast = office.cast
    sender = {"issuer_name": cast.agency_b.name, "issuer_code": cast.agency_b.code}  # the reply goes back to the sender
    created = api.post("/api/v1/incoming-documents/", {**BODY, **sender, "scan": _upload()}, format="multipart").json()
    doc_id = created["id"]
    leader, specialist, clerk_b = APIClient(), APIClient(), APIClient()
    leader.force_authenticate(cast.leader_a)
    specialist.force_authenticate(office.specialist_x)
    clerk_b.force_authenticate(cast.clerk_b)
    r = leader.post(
        f"/api/v1/incoming-documents/{doc_id}/instruct/",
        {"instruction": "Giao CCVC", "lead_handler": office.specialist_x.pk, "due_days": 3},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    r = leader.post(
        f"/api/v1/incoming-documents/{doc_id}/instruct/",
        {"instruction": "x", "lead_handler": office.specialist_x.pk, "due_date": "2020-01-01"},
        format="json",
    )
    assert r.json()["code"] == "documents.deadline_past"
    r = specialist.post(
        f"/api/v1/incoming-documents/{doc_id}/complete/",
        {"summary": "Xong", "reply_subject": "Trả lời", "reply_draft": _upload()},
        format="multipart",
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"
    reply_id = r.json()["reply"]
    assert specialist.post(f"/api/v1/outgoing-documents/{reply_id}/issue/").status_code == 403
    unit_leader = APIClient()
    unit_leader.force_authenticate(office.unit_leader_x)
    assert unit_leader.post(f"/api/v1/outgoing-documents/{reply_id}/review/", {"accept": True}, format="json").status_code == 200
    assert leader.post(f"/api/v1/outgoing-documents/{reply_id}/approve/", {"accept": True}, format="json").json()["status"] == "approved"
    issued = api.post(f"/api/v1/outgoing-documents/{reply_id}/issue/").json()
    assert issued["written_number"] == "01/SNV-CCVC"
    assert api.post(f"/api/v1/outgoing-documents/{reply_id}/issue/").json()["code"] == "documents.already_issued"
    to_register = clerk_b.get("/api/v1/incoming-documents/?list=to_register").json()["results"]
    assert [d["written_number"] for d in to_register] == ["01/SNV-CCVC"]
    assert OutgoingDocument.objects.get(pk=reply_id).reply_to_id == doc_id


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("van-ban.pdf", pdf_bytes(), content_type="application/pdf")
