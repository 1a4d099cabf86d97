"""The access matrix (issue 16, ADR 0038: one read path).

Every URL pattern of the URLconf and every operation of the OpenAPI description
(`docs/openapi.yaml`) is requested as each persona — the clerk, the leader and the specialist of
agency A, the clerk of agency B, the counter officer, the province administrator, an applicant and
an anonymous visitor — with the URL's parameters filled with the ids and codes of a secret incoming
document, a secret outgoing document, another agency's documents and a commune's dossier. Nothing
the viewer may not open in the office may show: the marker strings of those objects (their
subjects, numbers, the applicant's name) must not appear in any page, JSON, or export (the text of
an Excel file's XML and of a PDF).

A new URL or API operation is covered without touching this file. One dataset is built per module
(in a transaction rolled back at the end); each persona's walk is one test.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
import os
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from chinhquyen.organizations.models import AccountKind
from chinhquyen.organizations.testing import force_login_verified

ROOT = Path(__file__).resolve().parents[2]

#: Markers, ASCII so that no escaping (HTML, JSON, XML) hides them.
SECRET_IN = "QXSECRETIN"  # in the secret incoming document's subject
SECRET_IN_NUMBER = "QXMATDEN"  # in its notation: the written number is "7731/CV-QXMATDEN"
SECRET_OUT = "QXSECRETOUT"  # in the secret outgoing document's subject
OTHER_IN = "QXAGENCYBIN"  # agency B's incoming document
OTHER_OUT = "QXAGENCYBOUT"  # agency B's draft
DOSSIER = "QXHOSOXA"  # the commune's dossier: its applicant's name

SECRETS = (SECRET_IN, SECRET_IN_NUMBER, SECRET_OUT)
AGENCY_B = (OTHER_IN, OTHER_OUT)

#: persona → the markers it may see (what the office shows it). Everything else is a leak.
ENTITLED: dict[str, set[str]] = {
    "clerk_a": set(),
    "leader_a": set(),  # outside both secret documents' handling chains
    "specialist_a": set(),
    "clerk_b": {OTHER_IN, OTHER_OUT},  # agency B's clerk and the draft's drafter
    "counter_officer": set(),  # the service centre's; the dossier is the commune's
    "province_admin": set(),  # administers the platform, holds no office role in A or B
    "applicant": set(),
    "anonymous": set(),
}


@dataclass
class World:
    accounts: dict[str, Any]
    ints: list[int]  # every id of the dataset: what a URL's id is filled with when its kind is unknown
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # path word → the ids a URL with it names
    strings: dict[str, list[str]] = field(default_factory=dict)
    controls: dict[str, tuple[Any, str, str]] = field(default_factory=dict)


def _build() -> World:
    from chinhquyen.documents import services as documents
    from chinhquyen.documents.services import IncomingInput
    from chinhquyen.documents.testing import make_office, pdf_bytes
    from chinhquyen.dossiers.services import ApplicantData, ComponentData, receive_dossier
    from chinhquyen.organizations import services as org
    from chinhquyen.organizations.models import AgencyKind, AgencyLevel, Role
    from chinhquyen.organizations.testing import PASSWORD, SINCE, make_cast
    from chinhquyen.procedures.models import Channel, TimeUnit
    from chinhquyen.procedures.selectors import procedure_by_code
    from chinhquyen.procedures.services import ComponentSpec, ProcedureSpec, TimeSpec, save_procedure

    cast = make_cast()
    office = make_office(cast)
    now = timezone.now()

    def incoming(subject: str, notation: str, **extra: Any) -> IncomingInput:
        return IncomingInput(
            issuer_name="Bộ Quốc phòng",
            issuer_code="",
            code_number="7731",
            code_notation=notation,
            issued_date=now.date(),
            document_type="Công văn",
            subject=subject,
            signer_name="Nguyễn Văn An",
            signer_position="Thứ trưởng",
            **extra,
        )

    secret_in = documents.register_incoming_document(
        actor=office.secret_clerk,
        agency=cast.agency_a,
        data=incoming(f"Về việc phương án {SECRET_IN} bảo vệ mục tiêu", f"CV-{SECRET_IN_NUMBER}", secrecy="secret"),
        source="paper",
        scan=("scan.pdf", pdf_bytes(1, text=SECRET_IN)),
    ).document
    deputy = org.create_official(username="phogiamdoc.a", full_name="Vũ Văn Phó", password=PASSWORD)
    org.assign_role(official=deputy, agency=cast.agency_a, role=Role.LEADER, valid_from=SINCE)
    secret_out = documents.create_draft(
        actor=office.specialist_y,
        agency=cast.agency_a,
        document_type="Công văn",
        subject=f"Về việc {SECRET_OUT} kế hoạch bảo vệ bí mật nhà nước",
        draft=("du-thao.pdf", pdf_bytes(1, text=SECRET_OUT)),
        secrecy="confidential",
    )
    documents.submit_draft(actor=office.specialist_y, document=secret_out)
    documents.approve_document(actor=deputy, document=secret_out)
    secret_out.refresh_from_db()
    documents.issue_document(actor=office.secret_clerk, document=secret_out)
    other_in = documents.register_incoming_document(
        actor=cast.clerk_b,
        agency=cast.agency_b,
        data=incoming(f"Về việc dự toán {OTHER_IN} năm sau", "CV-QXTCB"),
        source="paper",
        scan=("scan.pdf", pdf_bytes(1, text=OTHER_IN)),
    ).document
    other_out = documents.create_draft(
        actor=cast.clerk_b,
        agency=cast.agency_b,
        document_type="Công văn",
        subject=f"Về việc {OTHER_OUT} quyết toán",
        draft=("du-thao.pdf", pdf_bytes(1, text=OTHER_OUT)),
    )
    commune = org.create_agency(
        code="000.00.51.H99",
        name="Ủy ban nhân dân phường Thử Nghiệm",
        short_name="UBND",
        level=AgencyLevel.COMMUNE,
        kind=AgencyKind.PEOPLES_COMMITTEE,
        parent=cast.province,
        valid_from=SINCE,
    )
    commune_counter = org.create_official(username="motcua.xa", full_name="Đinh Văn Một Cửa", password=PASSWORD)
    org.assign_role(official=commune_counter, agency=commune, role=Role.COUNTER_OFFICER, valid_from=SINCE)
    from decimal import Decimal

    save_procedure(
        spec=ProcedureSpec(
            code="1.001193",
            name="Thủ tục đăng ký khai sinh",
            field_code="H99-HT",
            field_name="Hộ tịch",
            levels=["commune"],
            online_mode="full",
            times=[TimeSpec(Channel.COUNTER, Decimal("4"), TimeUnit.WORKING_HOUR, dt.time(15, 0))],
            components=[ComponentSpec("Tờ khai đăng ký khai sinh", 1, 0)],
            instances=["000.00.51.H99"],
            valid_from=dt.date(2025, 7, 1),
        )
    )
    procedure = procedure_by_code("1.001193")
    version = procedure.versions.order_by("-number").first()
    dossier = receive_dossier(
        officer=commune_counter,
        procedure_code="1.001193",
        applicant=ApplicantData(name=f"Trần {DOSSIER} Hòa", id_number="017090009999", phone="0912000111"),
        components=[ComponentData(c.pk, c.originals, c.copies) for c in version.required_components.all() if c.mandatory],
        receiving_agency=commune,
    ).dossier
    admin = org.create_official(username="quantri.tinh", full_name="Nguyễn Quốc Khánh", password=PASSWORD)
    org.assign_role(official=admin, agency=cast.province, role=Role.PROVINCE_ADMIN, valid_from=SINCE)

    accounts = {
        "clerk_a": cast.clerk_a,
        "leader_a": cast.leader_a,
        "specialist_a": cast.specialist_a,
        "clerk_b": cast.clerk_b,
        "counter_officer": cast.counter_officer,
        "province_admin": admin,
        "applicant": cast.citizen.account,
        "anonymous": None,
    }
    from chinhquyen.documents.models import Register

    # The ids of the dataset's objects: small numbers that collide across tables, so a handful of
    # values names the secret or other agency's object in every table a URL may read.
    ids = {secret_in.pk, secret_out.pk, other_in.pk, other_out.pk, cast.agency_b.pk, commune.pk, dossier.pk}
    attachments = [
        *secret_in.attachments.values_list("pk", flat=True),
        *secret_out.attachments.values_list("pk", flat=True),
        *other_in.attachments.values_list("pk", flat=True),
        *other_out.attachments.values_list("pk", flat=True),
    ]
    return World(
        accounts=accounts,
        ints=sorted(ids),
        by_kind={
            "incoming": [secret_in.pk, other_in.pk],
            "outgoing": [secret_out.pk, other_out.pk],
            "files": attachments,
            "registers": sorted(Register.objects.filter(agency__in=[cast.agency_a, cast.agency_b]).values_list("pk", flat=True)),
            "agenc": [cast.agency_b.pk, commune.pk],
        },
        strings={
            # A dossier's code, indicators over incoming / outgoing documents and dossiers, a procedure.
            "code": [dossier.code, "VB_DEN_DIEN_TU", "VB_DI_DIEN_TU", "HS_TIEP_NHAN", "1.001193"],
            "doc_id": [str(secret_in.pk)],
        },
        controls={
            # (viewer, path, marker): the walk would see a leak — the keeper sees the secret.
            "keeper": (office.secret_clerk, f"/documents/incoming/{secret_in.pk}/", SECRET_IN),
            "drafter_b": (cast.clerk_b, f"/documents/outgoing/{other_out.pk}/", OTHER_OUT),
            "commune": (commune_counter, f"/dossiers/{dossier.code}/", DOSSIER),
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One dataset for the module, in a transaction rolled back when the module ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- the requests ---------------------------------------------------------------------------------
def _patterns(resolvers: Any, prefix: str = "") -> Any:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")
#: Values for the parameters that are not ids or codes of the dataset.
FIXED = {
    "kind": ["incoming", "outgoing"],
    "fmt": ["pdf", "xlsx"],
    "year": [str(dt.date.today().year)],
    "action": ["x"],
    "form": ["x"],
    "token": ["x"],
    "app_label": ["x"],
}


def _ids_for(pattern: str, world: World) -> list[int]:
    """The ids a URL's id parameter is filled with: those of the objects its path names (incoming,
    outgoing, files, registers, agencies), else every id of the dataset."""
    head = pattern.split("<")[0].split("(?P")[0]
    if head.startswith("admin/"):
        # The admin holds no documents or dossiers (none is registered there): its object pages are
        # walked with the ids that name the secret documents, agency B and the commune in other tables.
        return sorted({world.by_kind["incoming"][0], world.by_kind["outgoing"][0], *world.by_kind["agenc"]})
    for word, ids in world.by_kind.items():
        if word in head:
            return ids
    return world.ints


def _fill(pattern: str, world: World) -> list[str]:
    """The concrete paths of a URL pattern: each parameter takes the ids / codes of the dataset."""
    pattern = pattern.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\.", ".")
    params = list(_PARAM.finditer(pattern))
    choices = []
    for match in params:
        name = match.group("name") or match.group("rname")
        conv = match.group("conv") or ("int" if match.group("rname") else "str")
        if name in FIXED:
            choices.append(FIXED[name])
        elif conv in ("int", "path") or name in ("pk", "id", "object_id", "report_id", "agency_id", "job_id"):
            choices.append([str(i) for i in _ids_for(pattern, world)])
        else:
            choices.append(world.strings.get(name, world.strings["code"]))
    paths = []
    for combo in itertools.product(*choices):
        path = pattern
        for match, value in zip(reversed(params), reversed(combo), strict=True):
            path = path[: match.start()] + value + path[match.end() :]
        paths.append("/" + path.replace("\\", ""))
    return paths


def _openapi_operations(world: World) -> list[tuple[str, str]]:
    spec = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    out = []
    for path, operations in spec["paths"].items():
        django_path = re.sub(r"\{(\w+)\}", r"<\1>", path).lstrip("/")
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                out.extend((method, concrete) for concrete in _fill(django_path, world))
    return out


def _queries(world: World) -> list[dict[str, str]]:
    """Query strings that widen a list or a report: a search for the markers, every record, each agency."""
    year = str(dt.date.today().year)
    # The markers themselves are never sent: a page that echoes its query would show them.
    return [{}, {"q": "bảo vệ 7731", "part": "all", "year": year, "agency": str(world.by_kind["agenc"][0])}]


def _text(response: Any) -> str:
    """Everything a viewer could read in the response: the body, an Excel file's XML, a PDF's text."""
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    parts = [body.decode("utf-8", "ignore")]
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                parts.extend(archive.read(name).decode("utf-8", "ignore") for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    if body[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        parts.extend(page.extract_text() or "" for page in reader.pages)
        parts.append(str(reader.metadata or ""))
    return "\n".join(parts)


def _client(account: Any) -> Client:
    client = Client(raise_request_exception=False)
    if account is not None and account.kind == AccountKind.OFFICIAL:
        force_login_verified(client, account)  # the second factor done, as the admin site requires
    elif account is not None:
        client.force_login(account)
    return client


def _leaks(client: Client, method: str, path: str, forbidden: tuple[str, ...], data: dict[str, str] | None = None) -> list[str]:
    if method == "get":
        response = client.get(path, data or {})
    else:
        response = getattr(client, method)(path, data={}, content_type="application/json")
    text = _text(response)
    return [f"{method.upper()} {path} {data or ''} → {response.status_code}: shows {m}" for m in forbidden if m in text]


PERSONAS = list(ENTITLED)
#: Not walked: files served by the web server, and the API's description (generated from the code,
#: no data; 8 s to build).
SKIPPED = ("static/", "media/", "api/v1/schema/", "api/v1/docs/")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_export_or_json_shows_what_the_persona_may_not_open(world, persona):
    cache.clear()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # thousands of 403/404 lines otherwise
    forbidden = tuple(m for m in (*SECRETS, *AGENCY_B, DOSSIER) if m not in ENTITLED[persona])
    account = world.accounts[persona]
    client = _client(account)
    leaks: list[str] = []
    patterns = sorted(set(_patterns(get_resolver().url_patterns)))
    timings = []  # MATRIX_PROFILE=1 prints the slowest patterns

    for pattern in patterns:
        if pattern.startswith(SKIPPED) or "logout" in pattern or "dang-xuat" in pattern:
            continue  # see SKIPPED; logging out would end the walk
        paths = _fill(pattern, world)
        # Lists, searches and reports take the widening queries; forms, exports and the admin do not read them.
        widen = len(paths) == 1 and not pattern.startswith("admin/") and not re.search(r"\.(pdf|xlsx|json)$|export|new/|add/", pattern)
        queries = _queries(world) if widen else [{}]
        started = time.perf_counter()
        for path in paths:
            for query in queries:
                leaks.extend(_leaks(client, "get", path, forbidden, query))
        timings.append((time.perf_counter() - started, len(paths) * len(queries), pattern))
    if os.environ.get("MATRIX_PROFILE"):
        for t in sorted(timings, reverse=True)[:25]:
            print(f"{t[0]:.2f}s {t[1]} {t[2]}")
        print("total", sum(t[0] for t in timings), sum(t[1] for t in timings))
    for method, path in _openapi_operations(world):
        if method != "get":
            leaks.extend(_leaks(client, method, path, forbidden))
    assert not leaks, f"{persona} sees what the office would not show them:\n" + "\n".join(leaks[:40])


@pytest.mark.django_db
@pytest.mark.parametrize("control", ["keeper", "drafter_b", "commune"])
def test_the_walk_would_see_a_leak(world, control):
    """The markers do show to whom the office shows them: an empty result above means something."""
    account, path, marker = world.controls[control]
    response = _client(account).get(path)
    assert response.status_code == 200 and marker in _text(response)


def test_the_walk_covers_every_url_and_api_operation(world):
    patterns = set(_patterns(get_resolver().url_patterns))
    assert any("reports/records" in p for p in patterns) and any("incoming-documents" in p for p in patterns)
    operations = _openapi_operations(world)
    assert any(m == "post" and "approve" in p for m, p in operations)
    assert all(_fill(p, world) for p in patterns)
