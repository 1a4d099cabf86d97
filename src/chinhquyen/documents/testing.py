"""Test helpers shared by this app's tests, the browser tests and the benchmarks: an office
around the shared cast (units, a unit leader, specialists in two units, a secret-register keeper)
and real files (a PDF that pypdf reads, a PNG, a DOCX)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from chinhquyen.documents import services
from chinhquyen.documents.models import AgencyRules, Direction, SeriesPurpose
from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Account, Role, Unit, UnitMembership
from chinhquyen.organizations.testing import PASSWORD, SINCE, Cast


def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@dataclass
class Office:
    cast: Cast
    unit_x: Unit  # Phòng Công chức (the unit leader's and specialist_x's)
    unit_y: Unit  # Văn phòng (specialist_y's)
    unit_leader_x: Account
    specialist_x: Account
    specialist_y: Account
    secret_clerk: Account


def make_office(cast: Cast) -> Office:
    agency = cast.agency_a
    unit_x = org.create_unit(agency=agency, name="Phòng Công chức, viên chức", short_name="CCVC", valid_from=SINCE)
    unit_y = org.create_unit(agency=agency, name="Văn phòng Sở", short_name="VP", valid_from=SINCE)

    def official(username: str, name: str, role: str, unit: Unit | None) -> Account:
        account = org.create_official(username=username, full_name=name, password=PASSWORD)
        org.assign_role(official=account, agency=agency, role=role, valid_from=SINCE, unit=unit)
        return account

    unit_leader = official("truongphong.a", "Quách Văn Trưởng", Role.UNIT_LEADER, unit_x)
    specialist_x = official("chuyenvien.x", "Hà Thị Xuân", Role.SPECIALIST, unit_x)
    specialist_y = official("chuyenvien.y", "Bùi Văn Yên", Role.SPECIALIST, unit_y)
    secret_clerk = official("vanthu.mat", "Đinh Thị Mật", Role.CLERK, None)
    # The cast's specialist works in unit X too.
    UnitMembership.objects.create(official=cast.specialist_a, unit=unit_x, valid_from=SINCE)
    registers = services.ensure_registers(agency)
    registers[(Direction.INCOMING, SeriesPurpose.SECRET)].keepers.add(secret_clerk)
    registers[(Direction.OUTGOING, SeriesPurpose.SECRET)].keepers.add(secret_clerk)
    AgencyRules.objects.get_or_create(agency=agency)
    return Office(cast, unit_x, unit_y, unit_leader, specialist_x, specialist_y, secret_clerk)
