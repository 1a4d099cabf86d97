"""The hub's API: HMAC authentication, store-and-forward, evidence log, retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from chinhquyen.hub import evidence, services
from chinhquyen.hub.models import Blob, Delivery, EvidenceEntry, Message

pytestmark = pytest.mark.django_db
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
BASE = "/hub/api/v1/"


def _package(sender: str, recipients: list[str], *, payload: str = "UEsDBBQAAAAIAA==", number: str = "1") -> bytes:
    to = "".join(f"<edXML:To><edXML:OrganId>{code}</edXML:OrganId></edXML:To>" for code in recipients)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}"><edXML:edXMLHeader><edXML:MessageHeader>'
        f"<edXML:From><edXML:OrganId>{sender}</edXML:OrganId></edXML:From>{to}"
        f"<edXML:DocumentId>{sender},2026/03/02,{number}/X</edXML:DocumentId></edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope>"
        f'<AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><edXML:ContentTransferEncoded xmlns:edXML="{NS}">{payload}</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>'
    ).encode()


def _status(sender: str, original_sender: str, code: str, number: str = "1") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}"><edXML:edXMLHeader><edXML:MessageHeader>'
        f"<edXML:From><edXML:OrganId>{sender}</edXML:OrganId></edXML:From><edXML:ResponseFor><edXML:OrganId>{original_sender}</edXML:OrganId>"
        f"<edXML:DocumentId>{original_sender},2026/03/02,{number}/X</edXML:DocumentId></edXML:ResponseFor><edXML:StatusCode>{code}</edXML:StatusCode>"
        "</edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>"
    ).encode()


class Caller:
    def __init__(self, name: str, secret: str) -> None:
        self.name, self.secret, self.client = name, secret, Client()
        self.counter = 0

    def headers(self, method: str, path: str, body: bytes, *, timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
        self.counter += 1
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or f"nonce-{self.name}-{self.counter}-{time.monotonic_ns()}"
        digest = hashlib.sha256(body).hexdigest()
        text = "\n".join(["CHINHQUYEN-HUB-HMAC-SHA256", self.name, stamp, nonce, method, path, digest]).encode()
        return {
            "X-Hub-Connector": self.name,
            "X-Hub-Timestamp": stamp,
            "X-Hub-Nonce": nonce,
            "X-Hub-Content-SHA256": digest,
            "X-Hub-Signature": hmac.new(self.secret.encode(), text, hashlib.sha256).hexdigest(),
        }

    def call(self, method: str, path: str, body: bytes = b"", *, extra: dict[str, str] | None = None, **signing):
        full = BASE + path
        headers = {**self.headers(method, full, body, **signing), **(extra or {})}
        return self.client.generic(method, full, data=body, content_type="application/xml", headers=headers)

    def send(self, data: bytes, package_id: str, message_type: str = "edoc", **extra):
        return self.call("POST", "send/", data, extra={"X-Hub-Package-Id": package_id, "X-Hub-Message-Type": message_type, **extra})


@pytest.fixture
def hub():
    a = services.create_connector(name="dep-a", secret="aaaa-secret", can_manage_directory=True)
    b = services.create_connector(name="dep-b", secret="bbbb-secret")
    services.upsert_agencies(
        agencies=[
            services.AgencyInput("000.00.01.H99", "Sở A", connector=a.name),
            services.AgencyInput("000.00.02.H99", "Sở B", connector=b.name),
            services.AgencyInput("000.00.03.H99", "Sở C", connector=b.name),
        ]
    )
    return Caller("dep-a", "aaaa-secret"), Caller("dep-b", "bbbb-secret")


def test_a_package_is_stored_forwarded_acknowledged_and_reported(hub):
    a, b = hub
    data = _package("000.00.01.H99", ["000.00.02.H99", "000.00.03.H99"])
    sent = a.send(data, "p-1")
    assert sent.status_code == 201 and not sent.json()["duplicate"] and len(sent.json()["deliveries"]) == 2
    listed = b.call("GET", "received/?limit=10").json()["results"]
    assert {item["to"] for item in listed} == {"000.00.02.H99", "000.00.03.H99"} and all(i["from"] == "000.00.01.H99" for i in listed)
    doc_id = listed[0]["doc_id"]
    fetched = b.call("GET", f"received/{doc_id}/")
    assert fetched.status_code == 200 and fetched.content == data  # byte for byte, attachments put back
    ack = b.call("POST", f"received/{doc_id}/ack/", json.dumps({"status": "done"}).encode(), extra={"Content-Type": "application/json"})
    assert ack.status_code == 200 and ack.json()["status"] == "done"
    assert len(b.call("GET", "received/").json()["results"]) == 1
    b.send(_status("000.00.02.H99", "000.00.01.H99", "03"), "s-1", "status")
    report = {r["to"]: r for r in a.call("GET", "sent/?message_type=edoc").json()["results"]}
    assert report["000.00.02.H99"]["delivery_status"] == "done" and report["000.00.02.H99"]["business_status"] == "03"
    assert report["000.00.03.H99"]["delivery_status"] == "pending"
    assert evidence.verify_log().ok


def test_the_status_the_sender_sees_only_moves_forward_and_recall_answers_always_land(hub):
    a, b = hub
    a.send(_package("000.00.01.H99", ["000.00.02.H99", "000.00.03.H99"]), "p-1")

    def seen() -> dict[str, str]:
        return {r["to"]: r["business_status"] for r in a.call("GET", "sent/?message_type=edoc").json()["results"]}

    b.send(_status("000.00.02.H99", "000.00.01.H99", "03"), "s-1", "status")
    b.send(_status("000.00.02.H99", "000.00.01.H99", "01"), "s-2", "status")  # late: 03 stays
    b.send(_status("000.00.02.H99", "000.00.01.H99", "02"), "s-3", "status")  # the same rank as 03: 03 stays
    b.send(_status("000.00.03.H99", "000.00.01.H99", "01"), "s-4", "status")
    assert seen() == {"000.00.02.H99": "03", "000.00.03.H99": "01"}
    b.send(_status("000.00.02.H99", "000.00.01.H99", "05"), "s-5", "status")
    b.send(_status("000.00.03.H99", "000.00.01.H99", "16"), "s-6", "status")  # a recall answer lands whatever the rank
    assert seen() == {"000.00.02.H99": "05", "000.00.03.H99": "16"}
    b.send(_status("000.00.03.H99", "000.00.01.H99", "04"), "s-7", "status")
    assert seen()["000.00.03.H99"] == "04"


def test_the_same_package_id_answers_with_the_first_deliveries(hub):
    a, _b = hub
    data = _package("000.00.01.H99", ["000.00.02.H99"])
    first, again = a.send(data, "p-1").json(), a.send(data, "p-1")
    assert again.status_code == 200 and again.json()["duplicate"] and again.json()["deliveries"] == first["deliveries"]
    assert Delivery.objects.count() == 1
    assert a.send(_package("000.00.01.H99", ["000.00.02.H99"], number="2"), "p-1").json()["code"] == "hub.package_id_reused"


def test_an_attachment_is_stored_once(hub):
    a, _b = hub
    a.send(_package("000.00.01.H99", ["000.00.02.H99"], payload="QUJDRA==", number="1"), "p-1")
    a.send(_package("000.00.01.H99", ["000.00.02.H99"], payload="QUJDRA==", number="2"), "p-2")
    assert Message.objects.count() == 2 and Blob.objects.count() == 1


@pytest.mark.parametrize(
    "tamper",
    ["no headers", "unknown connector", "bad signature", "stale", "future", "body changed", "replay"],
)
def test_unauthenticated_or_tampered_requests_are_refused_with_401(hub, tamper):
    a, _b = hub
    path = BASE + "received/"
    headers = a.headers("GET", path, b"")
    if tamper == "no headers":
        headers = {}
    elif tamper == "unknown connector":
        headers["X-Hub-Connector"] = "nobody"
    elif tamper == "bad signature":
        headers["X-Hub-Signature"] = "0" * 64
    elif tamper == "stale":
        headers = a.headers("GET", path, b"", timestamp=int(time.time()) - 3600)
    elif tamper == "future":
        headers = a.headers("GET", path, b"", timestamp=int(time.time()) + 3600)
    elif tamper == "body changed":
        headers = a.headers("POST", BASE + "send/", b"<one/>")
        response = a.client.generic("POST", BASE + "send/", data=b"<two/>", content_type="application/xml", headers=headers)
        assert response.status_code == 401
        return
    elif tamper == "replay":
        assert a.client.get(path, headers=headers).status_code == 200
    response = a.client.get(path, headers=headers)
    assert response.status_code == 401 and response.json()["code"] in {"auth.failed", "auth.not_authenticated"}


def test_a_connector_sends_only_for_its_agencies_and_to_known_ones(hub):
    a, b = hub
    assert b.send(_package("000.00.01.H99", ["000.00.02.H99"]), "x-1").status_code == 403
    unknown = a.send(_package("000.00.01.H99", ["000.00.99.H99"]), "x-2")
    assert unknown.status_code == 400 and unknown.json()["code"] == "hub.unknown_recipient"
    assert a.send(b"<not-edxml/>", "x-3").status_code == 422
    assert a.send(b'<!DOCTYPE x [<!ENTITY a "b">]><x/>', "x-4").status_code == 422


def test_a_message_over_the_limit_is_refused_with_413(hub, settings):
    a, _b = hub
    settings.HUB_MAX_PACKAGE_BYTES = 1000
    assert a.send(_package("000.00.01.H99", ["000.00.02.H99"], payload="QUJD" * 400), "big").status_code == 413


def test_one_connector_cannot_read_another_ones_mailbox(hub):
    a, b = hub
    doc_id = a.send(_package("000.00.01.H99", ["000.00.02.H99"]), "p-1").json()["deliveries"][0]["doc_id"]
    assert a.call("GET", f"received/{doc_id}/").status_code == 404
    assert a.call("GET", "received/").json()["results"] == []
    assert b.call("GET", f"received/{doc_id}/").status_code == 200


def test_the_directory_is_listed_and_changed_only_by_allowed_connectors(hub):
    a, b = hub
    codes = [x["code"] for x in b.call("GET", "agencies/").json()["results"]]
    assert codes == ["000.00.01.H99", "000.00.02.H99", "000.00.03.H99"]
    body = json.dumps({"agencies": [{"code": "000.00.04.H99", "name": "Sở D", "connector": "dep-a"}]}).encode()
    assert b.call("PUT", "agencies/", body, extra={"Content-Type": "application/json"}).status_code == 403
    assert a.call("PUT", "agencies/", body, extra={"Content-Type": "application/json"}).json() == {"created": 1, "updated": 0}


def test_the_evidence_log_catches_a_changed_entry(hub):
    a, _b = hub
    a.send(_package("000.00.01.H99", ["000.00.02.H99"]), "p-1")
    a.send(_package("000.00.01.H99", ["000.00.02.H99"], number="2"), "p-2")
    assert evidence.verify_log().ok
    EvidenceEntry.objects.filter(sequence=2).update(to_code="000.00.03.H99")
    check = evidence.verify_log()
    assert not check.ok and "#2" in check.problem


def test_delivered_content_is_forgotten_after_the_retention(hub):
    a, b = hub
    doc_id = a.send(_package("000.00.01.H99", ["000.00.02.H99"]), "p-1").json()["deliveries"][0]["doc_id"]
    a.send(_package("000.00.01.H99", ["000.00.02.H99"], number="2", payload="WFla"), "p-2")
    assert services.purge(older_than_days=0, now=timezone.now() + dt.timedelta(seconds=1)) == 0  # nothing acknowledged yet
    b.call("POST", f"received/{doc_id}/ack/", json.dumps({"status": "done"}).encode(), extra={"Content-Type": "application/json"})
    assert services.purge(older_than_days=0, now=timezone.now() + dt.timedelta(seconds=1)) == 1
    assert Blob.objects.count() == 1  # the pending message's blob stays
    assert evidence.verify_log().ok
    assert EvidenceEntry.objects.filter(event="purged").count() == 1


def _json(caller: Caller, path: str, payload: dict) -> object:
    return caller.call("POST", path, json.dumps(payload).encode(), extra={"Content-Type": "application/json"})


BATCH = "application/vnd.chinhquyen.hub-batch"


def _batch(*messages: tuple[dict, bytes]) -> bytes:
    header = {"messages": [{**entry, "size": len(data)} for entry, data in messages]}
    return json.dumps(header).encode() + b"\n" + b"".join(data for _entry, data in messages)


def _send_batch(caller: Caller, body: bytes):
    return caller.call("POST", "send/batch/", body, extra={"Content-Type": BATCH})


def _read_batch(raw: bytes) -> list[tuple[dict, bytes]]:
    header, _sep, rest = raw.partition(b"\n")
    out, position = [], 0
    for entry in json.loads(header)["results"]:
        out.append((entry, rest[position : position + entry["size"]]))
        position += entry["size"]
    assert position == len(rest)
    return out


def test_a_batch_is_accepted_message_by_message(hub):
    a, _b = hub
    first = _package("000.00.01.H99", ["000.00.02.H99"], number="1")
    assert a.send(first, "p-1").status_code == 201
    answer = _send_batch(
        a,
        _batch(
            ({"package_id": "p-1", "message_type": "edoc"}, first),  # again: a duplicate
            ({"package_id": "p-2", "message_type": "edoc"}, _package("000.00.01.H99", ["000.00.02.H99"], number="2")),
            ({"package_id": "p-3", "message_type": "edoc"}, _package("000.00.01.H99", ["000.00.77.H99"], number="3")),
            ({"package_id": "p-4", "message_type": "edoc"}, b"not xml"),
            ({"package_id": "p-5"}, _package("000.00.02.H99", ["000.00.01.H99"], number="5")),  # not A's agency
            ({"package_id": "p-6", "message_type": "status", "to": ["000.00.01.H99"]}, b"<!DOCTYPE x><edXML/>"),
        ),
    )
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["http_status"] for r in results] == [200, 201, 400, 422, 403, 422]
    assert results[0]["duplicate"] and results[1]["deliveries"][0]["to"] == "000.00.02.H99"
    assert [r.get("code") for r in results[2:]] == [
        "hub.unknown_recipient",
        "hub.invalid_message",
        "hub.not_your_agency",
        "hub.invalid_message",
    ]
    assert Message.objects.count() == 2 and Delivery.objects.count() == 2
    # Evidence for what was stored and nothing else, in order: p-1 (alone), then p-2 of the batch.
    assert list(EvidenceEntry.objects.filter(event="accepted").values_list("package_id", flat=True)) == ["p-1", "p-2"]
    assert evidence.verify_log().ok


def test_an_ack_batch_keeps_the_first_answer_for_each_message_and_one_entry_each(hub):
    a, b = hub
    for number in ("1", "2"):
        a.send(_package("000.00.01.H99", ["000.00.02.H99"], number=number), f"p-{number}")
    first, second = (entry["doc_id"] for entry in b.call("GET", "received/").json()["results"])
    acks = [
        {"doc_id": first, "status": "done"},
        {"doc_id": second, "status": "fail", "reason": "cannot read"},
        {"doc_id": first, "status": "fail", "reason": "too late"},  # the same message again: the first answer stands
        {"doc_id": "not-a-uuid", "status": "done"},
    ]
    answer = _json(b, "received/ack/", {"acks": acks}).json()["results"]
    assert [(r["http_status"], r.get("status")) for r in answer] == [(200, "done"), (200, "fail"), (200, "done"), (404, None)]
    assert dict(Delivery.objects.values_list("message__package_id", "state")) == {"p-1": "done", "p-2": "fail"}
    assert Delivery.objects.get(message__package_id="p-2").reason == "cannot read"
    entries = list(EvidenceEntry.objects.filter(event__in=["delivered", "failed"]).values_list("event", "doc_id", "detail"))
    assert entries == [("delivered", first, ""), ("failed", second, "cannot read")]
    # Again later: nothing changes and nothing is added.
    assert _json(b, "received/ack/", {"acks": acks[:2]}).json()["results"][1]["status"] == "fail"
    assert EvidenceEntry.objects.filter(event__in=["delivered", "failed"]).count() == 2
    check = evidence.verify_log()
    assert check.ok and check.checked == EvidenceEntry.objects.count()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"messages": []}\n',
        b"not json\n<edXML/>",
        b'{"messages": [{"package_id": "p-1"}]}\n<edXML/>',  # no size
        b'{"messages": [{"package_id": "p-1", "size": 3}]}\n<edXML/>',  # sizes do not add up
        json.dumps({"messages": [{"package_id": f"x{i}", "size": 0} for i in range(101)]}).encode() + b"\n",
    ],
)
def test_a_malformed_batch_is_refused_whole(hub, body):
    a, _b = hub
    answer = _send_batch(a, body)
    assert answer.status_code == 400 and answer.json()["code"] == "hub.bad_batch"
    assert Message.objects.count() == 0


def test_a_batch_is_authenticated_like_any_request(hub):
    a, _b = hub
    body = _batch(({"package_id": "p-1"}, _package("000.00.01.H99", ["000.00.02.H99"])))
    headers = {**a.headers("POST", BASE + "send/batch/", body), "Content-Type": BATCH}
    assert a.client.generic("POST", BASE + "send/batch/", data=body, content_type=BATCH, headers=headers).status_code == 200
    assert a.client.generic("POST", BASE + "send/batch/", data=body, content_type=BATCH, headers=headers).status_code == 401
    changed = body.replace(b"p-1", b"p-2")
    assert a.client.generic("POST", BASE + "send/batch/", data=changed, content_type=BATCH, headers=headers).status_code == 401
    assert Message.objects.count() == 1


def test_received_batch_gives_bytes_within_its_budget_and_acks_go_together(hub, monkeypatch):
    a, b = hub
    sent = {}
    for number in ("1", "2", "3"):
        data = _package("000.00.01.H99", ["000.00.02.H99"], payload="QUJD" * 3000, number=number)
        a.send(data, f"p-{number}")
        sent[number] = data
    monkeypatch.setattr(services, "LIST_CONTENT_BUDGET", 2 * len(sent["1"]) + 10)
    answer = b.call("GET", "received/batch/?limit=10")
    assert answer.status_code == 200 and answer["Content-Type"] == BATCH
    listed = _read_batch(answer.content)
    assert [data for _entry, data in listed] == [sent["1"], sent["2"]]  # the third waits for the next call
    monkeypatch.setattr(services, "LIST_CONTENT_BUDGET", 10)
    assert len(_read_batch(b.call("GET", "received/batch/?limit=10").content)) == 1  # always at least one
    assert _read_batch(a.call("GET", "received/batch/").content) == []  # nothing for A
    acks = [{"doc_id": entry["doc_id"], "status": "done"} for entry, _data in listed] + [
        {"doc_id": "00000000-0000-0000-0000-000000000000", "status": "done"}
    ]
    answer = _json(b, "received/ack/", {"acks": acks}).json()["results"]
    assert [r["http_status"] for r in answer] == [200, 200, 404] and answer[0]["status"] == "done"
    waiting = b.call("GET", "received/").json()["results"]
    assert len(waiting) == 1 and waiting[0]["doc_id"] not in {entry["doc_id"] for entry, _data in listed}
    # Another connector cannot acknowledge B's mail.
    assert (
        _json(a, "received/ack/", {"acks": [{"doc_id": waiting[0]["doc_id"], "status": "done"}]}).json()["results"][0]["http_status"] == 404
    )
    assert _json(b, "received/ack/", {"acks": [{"doc_id": waiting[0]["doc_id"], "status": "maybe"}]}).status_code == 400
    assert evidence.verify_log().ok


@pytest.mark.parametrize("payload", ["QUJD&RA==", "QUJD&amp;RA==", "QUJD]]>RA=="])
def test_a_payload_that_is_not_plain_base64_is_read_with_the_whole_message(hub, payload):
    a, _b = hub
    answer = a.send(_package("000.00.01.H99", ["000.00.02.H99"], payload=payload), "p-1")
    if "&amp;" in payload or "]]>" in payload:
        assert answer.status_code in {201, 422}  # well-formed or not, as the whole message is
    else:
        assert answer.status_code == 422 and answer.json()["code"] == "hub.invalid_message"  # a bare & is not XML


def test_relaying_a_status_reads_by_document_not_by_recipient(hub):
    """Each status the hub relays finds its document's deliveries through the DocumentId and
    message indexes, never by walking every delivery to the recipient (which grows with the hub's
    history). SQLite has no statistics to choose well: its plans are checked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, b = hub
    for number in ("1", "2", "3"):
        a.send(_package("000.00.01.H99", ["000.00.02.H99"], number=number), f"p-{number}")
    with CaptureQueriesContext(connection) as queries:
        b.send(_status("000.00.02.H99", "000.00.01.H99", "03", number="2"), "s-1", "status")
    relay = [q["sql"] for q in queries.captured_queries if "business_status" in q["sql"] or "message_type = 'edoc'" in q["sql"]]
    assert len(relay) >= 3
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in relay:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "hub_mailbox_idx" not in plan and "SCAN" not in plan, (sql, plan)
    statuses = sorted(r["business_status"] for r in a.call("GET", "sent/?message_type=edoc").json()["results"])
    assert statuses == ["", "", "03"]  # the second document's delivery only
