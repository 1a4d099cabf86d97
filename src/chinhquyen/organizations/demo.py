"""The demo province: Hòa Bình as it was, and as it changed (STANDARDS §8, issue 2 item 5).

`load_demo()` builds, through the services, the tree a visitor of `make run` sees:

- until 30/06/2025, UBND tỉnh Hòa Bình (`000.00.00.H28`), its office, its departments (§8.1),
  the provincial public administrative service centre, Thành phố Hòa Bình and the districts
  (Kỳ Sơn until 31/12/2019, then merged into the city), and some of their communes and wards;
- from 01/07/2025, the new Phú Thọ (`000.00.00.H44`, NQ 202/2025/QH15; QĐ 09/2025/QĐ-TTg
  art. 2.2: the new province keeps Phú Thọ's level-1 code, H28 is retired), its merged
  departments (§8.2), its service centre, and communes directly under the province (two-level
  local government, Luật 72/2025/QH15): no district any more;
- demo officials holding every role in three agencies in force today, and a province
  administrator.

Idempotent: each row is looked up by a stable key first (code + `valid_from` for agencies,
agency + name for units, username for accounts, the pair for successions, official + agency +
role + `valid_from` for roles) and only what is missing is created, so a second run changes
nothing and writes no audit event.

What is real and what is demo data is listed in docs/demo.md. In short: names of the province,
the districts and the pre-2025 communes are real; the level-1 codes H28 and H44 come from the
national catalogue (QĐ 20/2020 Phụ lục I, §13.5.2); every code below level 1 is made up here
(`code_verified=False`, labelled demo data in the pages), as are the start dates (the demo's
history begins on 01/01/2016), the commune mergers of 2025 (which old ward went into which new
one) and every person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from chinhquyen.core.audit import record_event
from chinhquyen.organizations import services
from chinhquyen.organizations.models import (
    Account,
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Position,
    Role,
    RoleAssignment,
    SuccessionKind,
    Unit,
)

#: The demo's history starts here. The real founding dates of these bodies are older and not
#: modelled (docs/demo.md).
DEMO_SINCE = dt.date(2016, 1, 1)
#: Kỳ Sơn merged into Thành phố Hòa Bình (STANDARDS §8.1).
KY_SON_LAST_DAY = dt.date(2019, 12, 31)
KY_SON_MERGER = dt.date(2020, 1, 1)
#: UNVERIFIED: the resolution number and date come from STANDARDS §8.1, which marks them unverified.
KY_SON_REFERENCE = "NQ 830/NQ-UBTVQH14 (17/12/2019)"
#: The last day of the district level and of the province of Hòa Bình (STANDARDS §8.2).
HOA_BINH_LAST_DAY = dt.date(2025, 6, 30)
REORGANISATION = dt.date(2025, 7, 1)
PROVINCE_MERGER_REFERENCE = "NQ 202/2025/QH15 (12/06/2025)"
COMMUNE_REFERENCE = "NQ 1676/NQ-UBTVQH15 (16/06/2025)"
#: UNVERIFIED: STANDARDS §8.2 says the department mergers were "probably" under NĐ 45/2025/NĐ-CP.
DEPARTMENT_REFERENCE = "NQ 202/2025/QH15; NĐ 45/2025/NĐ-CP"

HOA_BINH = "000.00.00.H28"  # QĐ 20/2020 Phụ lục I (STANDARDS §13.5.2); retired on 01/07/2025
PHU_THO = "000.00.00.H44"  # kept by the new Phú Thọ (QĐ 09/2025/QĐ-TTg art. 2.2)


@dataclass(frozen=True)
class AgencySpec:
    key: str  # a stable name inside this module, not stored
    code: str
    name: str
    short_name: str
    level: str
    kind: str
    parent: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    administrative_unit_code: str = ""
    legal_reference: str = ""

    @property
    def code_verified(self) -> bool:
        # Only the level-1 codes come from the national catalogue (QĐ 20/2020 Phụ lục I);
        # everything below is demo data (STANDARDS §1.10: load real codes from the catalogue).
        return self.code.startswith("000.00.00.")


def _agencies() -> list[AgencySpec]:
    P, D, C = AgencyLevel.PROVINCE, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE
    UB, VP, SO, TT, KH = (
        AgencyKind.PEOPLES_COMMITTEE,
        AgencyKind.COMMITTEE_OFFICE,
        AgencyKind.DEPARTMENT,
        AgencyKind.SERVICE_CENTER,
        AgencyKind.OTHER,
    )
    hb_end, pt_start = HOA_BINH_LAST_DAY, REORGANISATION
    specs: list[AgencySpec] = [
        # --- Hòa Bình, until 30/06/2025 (STANDARDS §8.1; GSO province code 17) -----------------------
        AgencySpec("hb", HOA_BINH, "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", P, UB, None, DEMO_SINCE, hb_end, "17"),
    ]
    # The specialised agencies of a province under the common model (NĐ 24/2014, NĐ 107/2020),
    # STANDARDS §8.1. The exact Hòa Bình list is unverified; the numbers are demo data.
    hb_departments = [
        ("hb.vp", "01", "Văn phòng Ủy ban nhân dân tỉnh Hòa Bình", "VP", VP),
        ("hb.snv", "02", "Sở Nội vụ tỉnh Hòa Bình", "SNV", SO),
        ("hb.stp", "03", "Sở Tư pháp tỉnh Hòa Bình", "STP", SO),
        ("hb.skhdt", "04", "Sở Kế hoạch và Đầu tư tỉnh Hòa Bình", "SKHĐT", SO),
        ("hb.stc", "05", "Sở Tài chính tỉnh Hòa Bình", "STC", SO),
        ("hb.sct", "06", "Sở Công Thương tỉnh Hòa Bình", "SCT", SO),
        ("hb.snnptnt", "07", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hòa Bình", "SNNPTNT", SO),
        ("hb.sgtvt", "08", "Sở Giao thông vận tải tỉnh Hòa Bình", "SGTVT", SO),
        ("hb.sxd", "09", "Sở Xây dựng tỉnh Hòa Bình", "SXD", SO),
        ("hb.stnmt", "10", "Sở Tài nguyên và Môi trường tỉnh Hòa Bình", "STNMT", SO),
        ("hb.stttt", "11", "Sở Thông tin và Truyền thông tỉnh Hòa Bình", "STTTT", SO),
        ("hb.sldtbxh", "12", "Sở Lao động - Thương binh và Xã hội tỉnh Hòa Bình", "SLĐTBXH", SO),
        ("hb.svhttdl", "13", "Sở Văn hóa, Thể thao và Du lịch tỉnh Hòa Bình", "SVHTTDL", SO),
        ("hb.skhcn", "14", "Sở Khoa học và Công nghệ tỉnh Hòa Bình", "SKHCN", SO),
        ("hb.sgddt", "15", "Sở Giáo dục và Đào tạo tỉnh Hòa Bình", "SGDĐT", SO),
        ("hb.syt", "16", "Sở Y tế tỉnh Hòa Bình", "SYT", SO),
        ("hb.ttr", "17", "Thanh tra tỉnh Hòa Bình", "TTr", SO),
        ("hb.bdt", "18", "Ban Dân tộc tỉnh Hòa Bình", "BDT", SO),
        ("hb.bqlkcn", "19", "Ban Quản lý các khu công nghiệp tỉnh Hòa Bình", "BQLKCN", KH),
        # The centre under NĐ 61/2018; its founding date is not in our sources (demo: DEMO_SINCE).
        ("hb.ttpvhcc", "20", "Trung tâm Phục vụ hành chính công tỉnh Hòa Bình", "TTPVHCC", TT),
    ]
    for key, number, name, short, kind in hb_departments:
        specs.append(AgencySpec(key, f"000.00.{number}.H28", name, short, P, kind, "hb", DEMO_SINCE, hb_end))
    # The city and the 10 districts (11 units until 31/12/2019). GSO district codes from STANDARDS
    # §8.1 (153 and 154 V-code, the rest unverified).
    districts = [
        ("tphb", "31", "Ủy ban nhân dân thành phố Hòa Bình", "148"),
        ("dabac", "32", "Ủy ban nhân dân huyện Đà Bắc", "150"),
        ("kyson", "33", "Ủy ban nhân dân huyện Kỳ Sơn", "151"),
        ("luongson", "34", "Ủy ban nhân dân huyện Lương Sơn", "152"),
        ("kimboi", "35", "Ủy ban nhân dân huyện Kim Bôi", "153"),
        ("caophong", "36", "Ủy ban nhân dân huyện Cao Phong", "154"),
        ("tanlac", "37", "Ủy ban nhân dân huyện Tân Lạc", "155"),
        ("maichau", "38", "Ủy ban nhân dân huyện Mai Châu", "156"),
        ("lacson", "39", "Ủy ban nhân dân huyện Lạc Sơn", "157"),
        ("yenthuy", "40", "Ủy ban nhân dân huyện Yên Thủy", "158"),
        ("lacthuy", "41", "Ủy ban nhân dân huyện Lạc Thủy", "159"),
    ]
    district_number = {key: number for key, number, _name, _gso in districts}
    for key, number, name, gso in districts:
        last_day = KY_SON_LAST_DAY if key == "kyson" else hb_end
        specs.append(AgencySpec(key, f"000.00.{number}.H28", name, "UBND", D, UB, "hb", DEMO_SINCE, last_day, gso))
    # Real communes, wards and townships of those districts (23 names). Simplification: the
    # 2019–2020 commune mergers inside districts are not modelled; each stays in force until
    # the district closes (docs/demo.md).
    communes = [
        ("tphb", "phuonglam", "Ủy ban nhân dân phường Phương Lâm"),
        ("tphb", "dongtien", "Ủy ban nhân dân phường Đồng Tiến"),
        ("tphb", "chammat", "Ủy ban nhân dân phường Chăm Mát"),
        ("tphb", "tanthinh", "Ủy ban nhân dân phường Tân Thịnh"),
        ("tphb", "thinhlang", "Ủy ban nhân dân phường Thịnh Lang"),
        ("tphb", "huunghi", "Ủy ban nhân dân phường Hữu Nghị"),
        ("tphb", "tanhoa", "Ủy ban nhân dân phường Tân Hòa"),
        ("kyson", "ttkyson", "Ủy ban nhân dân thị trấn Kỳ Sơn"),
        ("kyson", "monghoa", "Ủy ban nhân dân xã Mông Hóa"),
        ("kyson", "doclap", "Ủy ban nhân dân xã Độc Lập"),
        ("luongson", "ttluongson", "Ủy ban nhân dân thị trấn Lương Sơn"),
        ("luongson", "hoason", "Ủy ban nhân dân xã Hòa Sơn"),
        ("luongson", "lamson", "Ủy ban nhân dân xã Lâm Sơn"),
        ("maichau", "ttmaichau", "Ủy ban nhân dân thị trấn Mai Châu"),
        ("maichau", "chiengchau", "Ủy ban nhân dân xã Chiềng Châu"),
        ("maichau", "vanmai", "Ủy ban nhân dân xã Vạn Mai"),
        ("kimboi", "ttbo", "Ủy ban nhân dân thị trấn Bo"),
        ("caophong", "ttcaophong", "Ủy ban nhân dân thị trấn Cao Phong"),
        ("tanlac", "ttmuongkhen", "Ủy ban nhân dân thị trấn Mường Khến"),
        ("lacson", "ttvuban", "Ủy ban nhân dân thị trấn Vụ Bản"),
        ("yenthuy", "tthangtram", "Ủy ban nhân dân thị trấn Hàng Trạm"),
        ("lacthuy", "ttchine", "Ủy ban nhân dân thị trấn Chi Nê"),
        ("dabac", "ttdabac", "Ủy ban nhân dân thị trấn Đà Bắc"),
    ]
    seq: dict[str, int] = {}
    for district, key, name in communes:
        seq[district] = seq.get(district, 0) + 1
        last_day = KY_SON_LAST_DAY if district == "kyson" else hb_end
        code = f"000.{seq[district]:02d}.{district_number[district]}.H28"
        specs.append(AgencySpec(key, code, name, "UBND", C, UB, district, DEMO_SINCE, last_day))
    # From 01/01/2020 Kỳ Sơn's communes belong to the city. A township cannot sit in a city, so
    # thị trấn Kỳ Sơn became a ward (UNVERIFIED detail of NQ 830/NQ-UBTVQH14).
    for key, name in [
        ("phuongkyson2020", "Ủy ban nhân dân phường Kỳ Sơn"),
        ("monghoa2020", "Ủy ban nhân dân xã Mông Hóa"),
        ("doclap2020", "Ủy ban nhân dân xã Độc Lập"),
    ]:
        seq["tphb"] += 1
        code = f"000.{seq['tphb']:02d}.31.H28"
        specs.append(AgencySpec(key, code, name, "UBND", C, UB, "tphb", KY_SON_MERGER, hb_end, legal_reference=KY_SON_REFERENCE))

    # --- The new Phú Thọ, from 01/07/2025 (STANDARDS §8.2; GSO province code 25) ---------------
    specs.append(
        AgencySpec("pt", PHU_THO, "Ủy ban nhân dân tỉnh Phú Thọ", "UBND", P, UB, None, pt_start, None, "25", PROVINCE_MERGER_REFERENCE)
    )
    pt_departments = [
        ("pt.vp", "01", "Văn phòng Ủy ban nhân dân tỉnh Phú Thọ", "VP", VP),
        ("pt.snv", "02", "Sở Nội vụ tỉnh Phú Thọ", "SNV", SO),
        ("pt.stp", "03", "Sở Tư pháp tỉnh Phú Thọ", "STP", SO),
        ("pt.stc", "05", "Sở Tài chính tỉnh Phú Thọ", "STC", SO),
        ("pt.sct", "06", "Sở Công Thương tỉnh Phú Thọ", "SCT", SO),
        ("pt.snnmt", "07", "Sở Nông nghiệp và Môi trường tỉnh Phú Thọ", "SNNMT", SO),
        ("pt.sxd", "09", "Sở Xây dựng tỉnh Phú Thọ", "SXD", SO),
        ("pt.svhttdl", "13", "Sở Văn hóa, Thể thao và Du lịch tỉnh Phú Thọ", "SVHTTDL", SO),
        ("pt.skhcn", "14", "Sở Khoa học và Công nghệ tỉnh Phú Thọ", "SKHCN", SO),
        ("pt.sgddt", "15", "Sở Giáo dục và Đào tạo tỉnh Phú Thọ", "SGDĐT", SO),
        ("pt.syt", "16", "Sở Y tế tỉnh Phú Thọ", "SYT", SO),
        ("pt.ttr", "17", "Thanh tra tỉnh Phú Thọ", "TTr", SO),
        ("pt.sdttg", "18", "Sở Dân tộc và Tôn giáo tỉnh Phú Thọ", "SDTTG", SO),
        ("pt.bqlkcn", "19", "Ban Quản lý các khu công nghiệp tỉnh Phú Thọ", "BQLKCN", KH),
        ("pt.ttpvhcc", "20", "Trung tâm Phục vụ hành chính công tỉnh Phú Thọ", "TTPVHCC", TT),
    ]
    for key, number, name, short, kind in pt_departments:
        specs.append(
            AgencySpec(key, f"000.00.{number}.H44", name, short, P, kind, "pt", pt_start, None, legal_reference=DEPARTMENT_REFERENCE)
        )
    # Communes of the new Phú Thọ on the former Hòa Bình area, directly under the province
    # (NQ 1676/NQ-UBTVQH15). Their level-2 numbers start at 51 to stay clear of the departments;
    # no post-2025 commune code was found in data (STANDARDS §13.5.5), so they are demo codes.
    for commune_number, key, name in [
        (51, "pt.phuonghb", "Ủy ban nhân dân phường Hòa Bình"),
        (52, "pt.phuongkyson", "Ủy ban nhân dân phường Kỳ Sơn"),
        (53, "pt.phuongtanhoa", "Ủy ban nhân dân phường Tân Hòa"),
        (54, "pt.phuongthongnhat", "Ủy ban nhân dân phường Thống Nhất"),
        (55, "pt.luongson", "Ủy ban nhân dân xã Lương Sơn"),
        (56, "pt.maichau", "Ủy ban nhân dân xã Mai Châu"),
        (57, "pt.caophong", "Ủy ban nhân dân xã Cao Phong"),
        (58, "pt.kimboi", "Ủy ban nhân dân xã Kim Bôi"),
        (59, "pt.tanlac", "Ủy ban nhân dân xã Tân Lạc"),
        (60, "pt.lacson", "Ủy ban nhân dân xã Lạc Sơn"),
        (61, "pt.yenthuy", "Ủy ban nhân dân xã Yên Thủy"),
        (62, "pt.lacthuy", "Ủy ban nhân dân xã Lạc Thủy"),
        (63, "pt.dabac", "Ủy ban nhân dân xã Đà Bắc"),
    ]:
        specs.append(
            AgencySpec(key, f"000.00.{commune_number}.H44", name, "UBND", C, UB, "pt", pt_start, None, legal_reference=COMMUNE_REFERENCE)
        )
    return specs


@dataclass(frozen=True)
class SuccessionSpec:
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]
    kind: str
    effective_date: dt.date
    legal_reference: str


def _successions() -> list[SuccessionSpec]:
    M, R = SuccessionKind.MERGER, SuccessionKind.RENAME
    out = [
        # 01/01/2020: Kỳ Sơn merged into the city; its communes moved with it.
        SuccessionSpec(("kyson",), ("tphb",), M, KY_SON_MERGER, KY_SON_REFERENCE),
        SuccessionSpec(("ttkyson",), ("phuongkyson2020",), R, KY_SON_MERGER, KY_SON_REFERENCE),
        SuccessionSpec(("monghoa",), ("monghoa2020",), R, KY_SON_MERGER, KY_SON_REFERENCE),
        SuccessionSpec(("doclap",), ("doclap2020",), R, KY_SON_MERGER, KY_SON_REFERENCE),
        # 01/07/2025: Hòa Bình (with Vĩnh Phúc and the old Phú Thọ, not modelled) became the new
        # Phú Thọ (NQ 202/2025/QH15).
        SuccessionSpec(("hb",), ("pt",), M, REORGANISATION, PROVINCE_MERGER_REFERENCE),
    ]
    # Departments merged in line with the ministries (STANDARDS §8.2). In reality Hòa Bình's
    # departments merged in March 2025, before the province did; the demo shows one step.
    for preds, succ in [
        (("hb.vp",), "pt.vp"),
        (("hb.snv", "hb.sldtbxh"), "pt.snv"),
        (("hb.stp",), "pt.stp"),
        (("hb.stc", "hb.skhdt"), "pt.stc"),
        (("hb.sct",), "pt.sct"),
        (("hb.snnptnt", "hb.stnmt"), "pt.snnmt"),
        (("hb.sgtvt", "hb.sxd"), "pt.sxd"),
        (("hb.svhttdl",), "pt.svhttdl"),
        (("hb.stttt", "hb.skhcn"), "pt.skhcn"),
        (("hb.sgddt",), "pt.sgddt"),
        (("hb.syt",), "pt.syt"),
        (("hb.ttr",), "pt.ttr"),
        (("hb.bdt",), "pt.sdttg"),
        (("hb.bqlkcn",), "pt.bqlkcn"),
        (("hb.ttpvhcc",), "pt.ttpvhcc"),
    ]:
        out.append(SuccessionSpec(preds, (succ,), M, REORGANISATION, DEPARTMENT_REFERENCE))
    # Districts closed on 30/06/2025. Chosen successor (docs/demo.md): the new communes formed on
    # the district's territory (a split), because they took over the district's local tasks and
    # the dossiers of its residents; the province-level tasks went to the departments, which
    # have their own successions.
    district_split = {
        "tphb": ("pt.phuonghb", "pt.phuongkyson", "pt.phuongtanhoa", "pt.phuongthongnhat"),
        "luongson": ("pt.luongson",),
        "maichau": ("pt.maichau",),
        "caophong": ("pt.caophong",),
        "kimboi": ("pt.kimboi",),
        "tanlac": ("pt.tanlac",),
        "lacson": ("pt.lacson",),
        "yenthuy": ("pt.yenthuy",),
        "lacthuy": ("pt.lacthuy",),
        "dabac": ("pt.dabac",),
    }
    for district, new_communes in district_split.items():
        kind = SuccessionKind.SPLIT if len(new_communes) > 1 else M
        out.append(SuccessionSpec((district,), new_communes, kind, REORGANISATION, COMMUNE_REFERENCE))
    # Old communes into the new ones. UNVERIFIED demo mapping: which old ward went into which
    # new commune is not in our sources; each old unit goes to the new commune of its area.
    for preds, succ in [
        (("phuonglam", "dongtien", "chammat", "huunghi"), "pt.phuonghb"),
        (("phuongkyson2020", "monghoa2020", "doclap2020"), "pt.phuongkyson"),
        (("tanhoa",), "pt.phuongtanhoa"),
        (("tanthinh", "thinhlang"), "pt.phuongthongnhat"),
        (("ttluongson", "hoason", "lamson"), "pt.luongson"),
        (("ttmaichau", "chiengchau", "vanmai"), "pt.maichau"),
        (("ttbo",), "pt.kimboi"),
        (("ttcaophong",), "pt.caophong"),
        (("ttmuongkhen",), "pt.tanlac"),
        (("ttvuban",), "pt.lacson"),
        (("tthangtram",), "pt.yenthuy"),
        (("ttchine",), "pt.lacthuy"),
        (("ttdabac",), "pt.dabac"),
    ]:
        out.append(SuccessionSpec(preds, (succ,), M, REORGANISATION, COMMUNE_REFERENCE))
    return out


#: Units (phòng, ban) of the agencies that have demo officials. The unit leader and the
#: specialist belong to the first unit listed.
UNITS: dict[str, list[tuple[str, str]]] = {
    "pt.snv": [
        ("Phòng Công chức, viên chức", "CCVC"),
        ("Văn phòng Sở", "VPS"),
        ("Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "TCBC"),
        ("Phòng Xây dựng chính quyền và công tác thanh niên", "XDCQ"),
        ("Phòng Lao động, việc làm và bảo hiểm xã hội", "LĐVL"),
    ],
    "pt.phuonghb": [
        ("Phòng Kinh tế, Hạ tầng và Đô thị", "KTHTĐT"),
        ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "VP"),
        ("Phòng Văn hóa - Xã hội", "VHXH"),
        ("Trung tâm Phục vụ hành chính công phường", "TTPVHCC"),
    ],
    "pt.ttpvhcc": [
        ("Phòng Tiếp nhận và Trả kết quả", "TNTKQ"),
        ("Phòng Hành chính - Tổng hợp", "HCTH"),
        ("Phòng Kiểm soát thủ tục hành chính", "KSTTHC"),
    ],
    "pt": [("Văn phòng Ủy ban nhân dân tỉnh (bộ phận công nghệ thông tin)", "CNTT")],
}

#: Positions used by the demo officials (chức vụ).
POSITIONS: list[tuple[str, bool]] = [
    ("Giám đốc", True),
    ("Chủ tịch Ủy ban nhân dân", True),
    ("Trưởng phòng", True),
    ("Chuyên viên", False),
    ("Văn thư", False),
    ("Công chức tiếp nhận", False),
    ("Quản trị hệ thống", False),
]


@dataclass(frozen=True)
class OfficialSpec:
    username: str
    full_name: str
    agency: str
    role: str
    position: str
    in_unit: bool = False


#: Role → (username prefix, position). Usernames are `<prefix>.<agency suffix>`.
_ROLE_PREFIX: dict[str, tuple[str, str]] = {
    Role.CLERK: ("vanthu", "Văn thư"),
    Role.LEADER: ("lanhdao", "Giám đốc"),
    Role.UNIT_LEADER: ("truongphong", "Trưởng phòng"),
    Role.SPECIALIST: ("chuyenvien", "Chuyên viên"),
    Role.COUNTER_OFFICER: ("motcua", "Công chức tiếp nhận"),
    Role.PROCESSING_OFFICER: ("xuly", "Chuyên viên"),
    Role.AGENCY_ADMIN: ("quantri", "Quản trị hệ thống"),
}

#: Agency key → (username suffix, full names in the order of `_ROLE_PREFIX`).
_STAFF: dict[str, tuple[str, list[str]]] = {
    "pt.snv": (
        "snv",
        [
            "Nguyễn Thị Thu Hà",
            "Bùi Văn Thắng",
            "Đinh Thị Hồng Nhung",
            "Quách Văn Hùng",
            "Hà Thị Lan",
            "Xa Văn Tuấn",
            "Lê Minh Quân",
        ],
    ),
    "pt.phuonghb": (
        "phuonghb",
        [
            "Đinh Thị Mai",
            "Bùi Đức Thịnh",
            "Nguyễn Văn Sơn",
            "Trần Thị Hương",
            "Hoàng Thị Thảo",
            "Phạm Văn Long",
            "Vũ Đức Anh",
        ],
    ),
    "pt.ttpvhcc": (
        "ttpvhcc",
        [
            "Lò Thị Hoa",
            "Nguyễn Văn Bình",
            "Đỗ Thị Ngọc",
            "Quách Thị Yến",
            "Bùi Thị Loan",
            "Trịnh Văn Khánh",
            "Lương Văn Minh",
        ],
    ),
}


def _officials() -> list[OfficialSpec]:
    out: list[OfficialSpec] = []
    for agency_key, (suffix, names) in _STAFF.items():
        for (role, (prefix, position)), full_name in zip(_ROLE_PREFIX.items(), names, strict=True):
            if agency_key == "pt.phuonghb" and role == Role.LEADER:
                position = "Chủ tịch Ủy ban nhân dân"
            out.append(
                OfficialSpec(
                    f"{prefix}.{suffix}",
                    full_name,
                    agency_key,
                    role,
                    position,
                    in_unit=role in (Role.UNIT_LEADER, Role.SPECIALIST, Role.COUNTER_OFFICER, Role.PROCESSING_OFFICER),
                )
            )
    # The province administrator (a TOTP second factor is required at login: issue 2 item 6).
    out.append(OfficialSpec("quantri.tinh", "Nguyễn Quốc Khánh", "pt", Role.PROVINCE_ADMIN, "Quản trị hệ thống", in_unit=True))
    return out


AGENCIES = _agencies()
SUCCESSIONS = _successions()
OFFICIALS = _officials()


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def _agency(spec: AgencySpec, by_key: dict[str, Agency], result: LoadResult) -> Agency:
    existing = Agency.objects.filter(code=spec.code, valid_from=spec.valid_from).first()
    if existing is not None:
        return existing
    agency = services.create_agency(
        code=spec.code,
        name=spec.name,
        short_name=spec.short_name,
        level=spec.level,
        kind=spec.kind,
        parent=by_key[spec.parent] if spec.parent else None,
        valid_from=spec.valid_from,
        valid_to=spec.valid_to,
        administrative_unit_code=spec.administrative_unit_code,
        code_verified=spec.code_verified,
        legal_reference=spec.legal_reference,
    )
    result.add("agencies")
    return agency


def _position(name: str, is_leadership: bool, result: LoadResult) -> Position:
    # There is no service for this small lookup table yet; written here with its audit event.
    position = Position.objects.filter(name=name).first()
    if position is None:
        position = Position.objects.create(name=name, is_leadership=is_leadership)
        record_event(action="position.created", object_type="position", object_id=position.pk, summary={"name": name})
        result.add("positions")
    return position


def load_demo() -> LoadResult:
    """Create what is missing of the demo province; return what was created (empty the 2nd time).

    Runs in one transaction: a failure leaves the database as it was.
    """
    result = LoadResult()
    password = settings.DEMO_PASSWORD
    with transaction.atomic():
        by_key: dict[str, Agency] = {}
        for spec in AGENCIES:
            by_key[spec.key] = _agency(spec, by_key, result)
        for succession in SUCCESSIONS:
            preds = [by_key[k] for k in succession.predecessors]
            succs = [by_key[k] for k in succession.successors]
            done = set(
                AgencySuccession.objects.filter(predecessor__in=preds, successor__in=succs).values_list("predecessor_id", "successor_id")
            )
            if len(done) == len(preds) * len(succs):
                continue
            # The predecessors were created with their last day already set, so closing them
            # again is a no-op; the service checks the shape and writes the audit event.
            services.record_succession(
                predecessors=[p for p in preds if any((p.pk, s.pk) not in done for s in succs)],
                successors=[s for s in succs if any((p.pk, s.pk) not in done for p in preds)],
                kind=succession.kind,
                effective_date=succession.effective_date,
                legal_reference=succession.legal_reference,
            )
            result.add("successions")
        units: dict[str, list[Unit]] = {}
        for agency_key, unit_specs in UNITS.items():
            agency = by_key[agency_key]
            units[agency_key] = []
            for name, short_name in unit_specs:
                unit = Unit.objects.filter(agency=agency, name=name).first()
                if unit is None:
                    unit = services.create_unit(agency=agency, name=name, short_name=short_name, valid_from=agency.valid_from)
                    result.add("units")
                units[agency_key].append(unit)
        positions = {name: _position(name, leading, result) for name, leading in POSITIONS}
        # Checking a password is deliberately slow: check one demo account; if DEMO_PASSWORD
        # changed since the last run, give every demo account the new one (one hash for all),
        # so that `demo_accounts` stays truthful.
        password_changed: bool | None = None
        demo_hash: str | None = None
        for official in OFFICIALS:
            agency = by_key[official.agency]
            account = Account.objects.filter(username=official.username).first()
            if account is None:
                account = services.create_official(
                    username=official.username, full_name=official.full_name, password=password, is_demo=True
                )
                result.add("accounts")
            elif account.is_demo:
                if password_changed is None:
                    password_changed = not account.check_password(password)
                if password_changed:
                    demo_hash = demo_hash or make_password(password)
                    account.password = demo_hash
                    account.save(update_fields=["password"])
                    record_event(action="official.password_reset", object_type="account", object_id=account.pk, summary={"demo": True})
                    result.add("passwords reset")
            if not RoleAssignment.objects.filter(
                official=account, agency=agency, role=official.role, valid_from=agency.valid_from
            ).exists():
                services.assign_role(
                    official=account,
                    agency=agency,
                    role=official.role,
                    valid_from=agency.valid_from,
                    unit=units[official.agency][0] if official.in_unit else None,
                    position=positions[official.position],
                )
                result.add("roles")
    return result


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    agency_code: str
    agency_name: str
    roles: list[str]
    full_name: str


def demo_accounts() -> list[DemoAccount]:
    """The demo logins as they are in the database today (empty before `load_demo`)."""
    out: list[DemoAccount] = []
    usernames = [spec.username for spec in OFFICIALS]
    accounts = {a.username: a for a in Account.objects.filter(username__in=usernames, is_demo=True)}
    for username in usernames:
        account = accounts.get(username)
        if account is None:
            continue
        assignments = list(RoleAssignment.objects.filter(official=account).select_related("agency").order_by("agency__code", "role"))
        if not assignments:
            continue
        agency = assignments[0].agency
        out.append(
            DemoAccount(
                username=username,
                password=settings.DEMO_PASSWORD,
                agency_code=agency.code,
                agency_name=agency.name,
                roles=sorted({a.role for a in assignments}),
                full_name=account.full_name,
            )
        )
    return out
