"""`chinhquyen edxml parse|build|verify`, `chinhquyen exchange`, and the operators' page."""

from __future__ import annotations

import base64
import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chinhquyen.exchange import edxml, services
from chinhquyen.exchange.models import Outbox, OutboxState
from chinhquyen.exchange.signatures import make_test_key
from chinhquyen.exchange.testing import sample_package
from chinhquyen.exchange.tests.test_real_messages import CONFORMANCE
from chinhquyen.organizations.models import Role
from chinhquyen.organizations.services import assign_role


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.skipif(not CONFORMANCE.exists(), reason="conformance data not present")
def test_parse_prints_the_json_of_the_issue():
    body = json.loads(_run("edxml", "parse", str(CONFORMANCE / "edoc_new.edxml"), "--json"))
    assert body["from"]["organ_id"] == "000.00.11.H53" and body["to"][0]["organ_id"] == "000.00.01.A53"
    assert body["promulgation_date"] == "2020-10-30" and body["business"]["doc_type"] == "new"
    assert body["signature"] == {"present": True, "valid": False, "reason": body["signature"]["reason"], "signer": ""}
    text = _run("edxml", "parse", str(CONFORMANCE / "status_processing_05.edxml"))
    assert "status message 05" in text and "7816/VPCP-TTĐT" in text


def test_build_then_verify_a_signed_package(tmp_path: Path):
    key = make_test_key()
    from cryptography.hazmat.primitives import serialization

    (tmp_path / "key.pem").write_bytes(
        key.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (tmp_path / "cert.pem").write_bytes(key.certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "cong-van.pdf").write_bytes(b"%PDF-1.7 demo")
    spec = edxml.package_json(sample_package(sender="000.00.01.H99", recipients=["000.00.02.H99"]).completed())
    spec["attachments"] = [{"name": "cong-van.pdf", "path": "cong-van.pdf"}]
    (tmp_path / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.edxml"
    _run(
        "edxml",
        "build",
        str(tmp_path / "spec.json"),
        str(out),
        "--sign-key",
        str(tmp_path / "key.pem"),
        "--sign-cert",
        str(tmp_path / "cert.pem"),
    )
    report = _run("edxml", "verify", str(out))
    assert "signature: valid" in report and "schema (what chinhquyen emits): valid" in report
    assert edxml.parse(out.read_bytes()).message.attachments[0].data == b"%PDF-1.7 demo"
    out.write_bytes(out.read_bytes().replace(b"SNV-VP</edXML:CodeNotation>", b"SNV-VX</edXML:CodeNotation>"))  # altered after signing
    with pytest.raises(CommandError, match="not valid"):
        _run("edxml", "verify", str(out))


def test_a_refused_file_prints_its_code(tmp_path: Path):
    bad = tmp_path / "bad.edxml"
    bad.write_bytes(b'<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><edXML/>')
    with pytest.raises(CommandError, match=r"edxml\.doctype_refused"):
        _run("edxml", "parse", str(bad))


def test_a_status_spec_builds(tmp_path: Path):
    spec = {
        "kind": "status",
        "from": {"organ_id": "000.00.02.H99"},
        "status_code": "03",
        "timestamp": "2026-03-02T09:00:00",
        "response_for": {
            "organ_id": "000.00.01.H99",
            "code": "12/SNV-VP",
            "promulgation_date": "2026-03-02",
            "document_id": "000.00.01.H99,2026/03/02,12/SNV-VP",
        },
    }
    (tmp_path / "s.json").write_text(json.dumps(spec))
    _run("edxml", "build", str(tmp_path / "s.json"), str(tmp_path / "s.edxml"))
    assert edxml.parse((tmp_path / "s.edxml").read_bytes()).message.status_code == edxml.ExchangeStatus.REGISTERED
    spec["attachments"] = [{"name": "x", "data_base64": base64.b64encode(b"x").decode()}]


@pytest.mark.django_db
def test_the_operator_page_lists_dead_letters_for_province_admins_only(client, cast):
    row = services.queue_package(package=sample_package(sender=cast.agency_a.code, recipients=[cast.agency_b.code]))
    Outbox.objects.filter(pk=row.pk).update(state=OutboxState.DEAD, last_error_code="hub.unknown_recipient", last_error="HTTP 400")
    client.force_login(cast.clerk_a)
    assert client.get("/exchange/").status_code == 403
    assert client.post(f"/exchange/outbox/{row.pk}/retry/").status_code == 403
    assign_role(official=cast.leader_a, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=cast.agency_a.valid_from)
    client.force_login(cast.leader_a)
    page = client.get("/exchange/")
    assert page.status_code == 200 and "hub.unknown_recipient" in page.content.decode()
    response = client.post(f"/exchange/outbox/{row.pk}/retry/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == OutboxState.PENDING


@pytest.mark.django_db
def test_the_directory_is_exported_for_the_hub(cast, tmp_path: Path, settings):
    settings.EXCHANGE_HUB_CONNECTOR = "dep-a"
    _run("exchange", "export-directory", str(tmp_path / "d.json"))
    entries = json.loads((tmp_path / "d.json").read_text())
    assert {"code": cast.agency_a.code, "name": cast.agency_a.name, "parent_code": cast.province.code, "connector": "dep-a"} in entries
    from chinhquyen.hub.models import HubAgency

    call_command("hub", "connector", "add", "dep-a", "--secret", "s", stdout=StringIO())
    call_command("hub", "agencies", "import", str(tmp_path / "d.json"), stdout=StringIO())
    assert HubAgency.objects.get(code=cast.agency_a.code).connector.name == "dep-a"
    assert "intact" in _run("hub", "verify-log")


@pytest.mark.django_db
def test_a_status_names_the_agency_and_its_managing_body_from_the_agency_tree():
    from chinhquyen.organizations.tests.factories import make_agency

    province = make_agency(code="000.00.00.H98", name="UBND tỉnh Thử")
    make_agency(code="000.00.31.H98", name="Sở Thử cũ", parent=province, valid_from=dt.date(2015, 1, 1), valid_to=dt.date(2019, 12, 31))
    make_agency(code="000.00.31.H98", name="Sở Thử", parent=province, valid_from=dt.date(2020, 1, 1))
    assert services.organ_for("000.00.31.H98") == edxml.Organ(
        organ_id="000.00.31.H98", organ_name="Sở Thử", organization_in_charge="UBND tỉnh Thử"
    )
    assert services.organ_for("000.00.00.H98").organization_in_charge == ""
    assert services.organ_for("000.00.31.H98", name="Tên khác").organ_name == "Tên khác"
    assert services.organ_for("000.00.77.H98") == edxml.Organ(organ_id="000.00.77.H98", organ_name="")
