"""Sample procedures for the demo province (issue 8): 44 procedures in 10 fields, province and commune level.

**Sample data** (`Procedure.is_sample`, labelled in the pages): the names, fields, processing
times, fees and components follow the national catalogue as published on the national portal
as closely as our sources allowed, but they were written here, not imported from the national
database (CSDLQG TTHC). The codes have the national shape `d.dddddd`; only 1.001193 (đăng ký
khai sinh) was checked against a source; every other code is a demo code and may belong to
another procedure nationally. Load the real catalogue with the import (procedures/importers.py).

Commune-level procedures are carried out by every commune and ward of the new Phú Thọ;
province-level ones by the department named. Steps split the processing time between the
receiving one-stop unit, the competent agency's processing officer and its leader, so the control
slip (form 06) has a row per hand-over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from chinhquyen.organizations.models import Account, Agency
from chinhquyen.procedures.models import Channel, OnlineMode, ProcedureLevel, StepHandler, TimeUnit
from chinhquyen.procedures.services import ComponentSpec, FeeSpec, ProcedureSpec, StepSpec, TimeSpec, save_procedure

#: The demo catalogue's versions start when the new province does (01/07/2025) — after the
#: two-level reorganisation, commune-level procedures include what districts did before.
DEMO_VALID_FROM = dt.date(2025, 7, 1)
DECISION = "1234/QĐ-UBND (demo)"

#: Fields (lĩnh vực): demo codes in the shape `<level-1>-<field>` (TT 01/2018 art. 20).
FIELDS = {
    "hotich": ("H44-HT", "Hộ tịch"),
    "chungthuc": ("H44-CT", "Chứng thực"),
    "hokinhdoanh": ("H44-HKD", "Thành lập và hoạt động của hộ kinh doanh"),
    "dndn": ("H44-DKKD", "Thành lập và hoạt động doanh nghiệp"),
    "datdai": ("H44-DD", "Đất đai"),
    "xaydung": ("H44-XD", "Hoạt động xây dựng"),
    "giaoduc": ("H44-GD", "Giáo dục và Đào tạo"),
    "laodong": ("H44-LD", "Lao động, việc làm"),
    "baotro": ("H44-BTXH", "Bảo trợ xã hội"),
    "lylich": ("H44-LLTP", "Lý lịch tư pháp"),
    "vanhoa": ("H44-VH", "Văn hóa"),
}

#: Communes and wards of the demo province in force after 01/07/2025 (organizations/demo.py).
COMMUNES = [f"000.00.{n}.H44" for n in range(51, 64)]
DEPARTMENT = {
    "stp": "000.00.03.H44",
    "stc": "000.00.05.H44",
    "snv": "000.00.02.H44",
    "snnmt": "000.00.07.H44",
    "sxd": "000.00.09.H44",
    "sgddt": "000.00.15.H44",
    "svhttdl": "000.00.13.H44",
}

CCCD = "Căn cước hoặc giấy tờ tùy thân có ảnh (xuất trình)"


@dataclass(frozen=True)
class Sample:
    code: str
    name: str
    field: str
    level: str
    amount: str
    unit: str = TimeUnit.WORKING_DAY
    cutoff: bool = False
    fee: int = 0
    fee_text: str = "Không thu phí"
    online: str = OnlineMode.PARTIAL
    components: tuple[tuple[str, int, int], ...] = ()
    result: str = ""
    agency: str = "commune"  # "commune" or a key of DEPARTMENT
    legal: str = ""


C, P = ProcedureLevel.COMMUNE, ProcedureLevel.PROVINCE
H = TimeUnit.WORKING_HOUR
FULL, PART = OnlineMode.FULL, OnlineMode.PARTIAL

SAMPLES: list[Sample] = [
    # --- Hộ tịch (civil status), Luật Hộ tịch 2014, NĐ 123/2015 ---------------------------------
    Sample(
        "1.001193",
        "Thủ tục đăng ký khai sinh",
        "hotich",
        C,
        "4",
        H,
        True,
        0,
        "Miễn lệ phí (đăng ký đúng hạn)",
        FULL,
        (("Tờ khai đăng ký khai sinh theo mẫu", 1, 0), ("Giấy chứng sinh hoặc văn bản của người làm chứng", 1, 0), (CCCD, 1, 0)),
        "Giấy khai sinh (bản chính)",
        legal="Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
    ),
    Sample(
        "1.000894",
        "Thủ tục đăng ký kết hôn",
        "hotich",
        C,
        "4",
        H,
        True,
        0,
        "Miễn lệ phí",
        PART,
        (("Tờ khai đăng ký kết hôn theo mẫu", 1, 0), (CCCD, 2, 0)),
        "Giấy chứng nhận kết hôn",
        legal="Luật Hộ tịch 2014",
    ),
    Sample(
        "1.000656",
        "Thủ tục đăng ký khai tử",
        "hotich",
        C,
        "4",
        H,
        True,
        0,
        "Miễn lệ phí",
        FULL,
        (("Tờ khai đăng ký khai tử theo mẫu", 1, 0), ("Giấy báo tử hoặc giấy tờ thay giấy báo tử", 1, 0)),
        "Trích lục khai tử",
    ),
    Sample(
        "1.004873",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "hotich",
        C,
        "3",
        fee=15000,
        fee_text="Lệ phí 15.000 đồng",
        online=FULL,
        components=(("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", 1, 0), (CCCD, 1, 0)),
        result="Giấy xác nhận tình trạng hôn nhân",
    ),
    Sample(
        "1.001022",
        "Thủ tục đăng ký nhận cha, mẹ, con",
        "hotich",
        C,
        "3",
        fee=15000,
        fee_text="Lệ phí 15.000 đồng",
        components=(("Tờ khai đăng ký nhận cha, mẹ, con", 1, 0), ("Chứng cứ chứng minh quan hệ cha, mẹ, con", 1, 0)),
        result="Trích lục đăng ký nhận cha, mẹ, con",
    ),
    Sample(
        "1.004859",
        "Thủ tục đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "hotich",
        C,
        "3",
        fee=15000,
        fee_text="Lệ phí 15.000 đồng",
        components=(
            ("Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", 1, 0),
            ("Giấy tờ liên quan làm căn cứ cải chính", 0, 1),
        ),
        result="Trích lục thay đổi, cải chính hộ tịch",
    ),
    Sample(
        "1.004837",
        "Thủ tục đăng ký giám hộ",
        "hotich",
        C,
        "3",
        components=(("Tờ khai đăng ký giám hộ", 1, 0), ("Văn bản cử người giám hộ", 1, 0)),
        result="Trích lục đăng ký giám hộ",
    ),
    Sample(
        "2.000635",
        "Thủ tục cấp bản sao trích lục hộ tịch",
        "hotich",
        C,
        "4",
        H,
        True,
        8000,
        "Phí 8.000 đồng/bản sao",
        FULL,
        (("Tờ khai cấp bản sao trích lục hộ tịch", 1, 0),),
        "Bản sao trích lục hộ tịch",
    ),
    Sample(
        "1.001695",
        "Thủ tục đăng ký lại khai sinh",
        "hotich",
        C,
        "5",
        fee=0,
        components=(("Tờ khai đăng ký lại khai sinh", 1, 0), ("Bản sao giấy tờ liên quan đến nội dung khai sinh", 0, 1)),
        result="Giấy khai sinh",
    ),
    # --- Chứng thực (certification), NĐ 23/2015 ---------------------------------------------------
    Sample(
        "2.000908",
        "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "chungthuc",
        C,
        "4",
        H,
        True,
        2000,
        "Phí 2.000 đồng/trang; từ trang thứ ba 1.000 đồng/trang",
        PART,
        (("Bản chính giấy tờ, văn bản", 1, 0), ("Bản sao cần chứng thực", 0, 1)),
        "Bản sao được chứng thực",
        legal="Nghị định 23/2015/NĐ-CP",
    ),
    Sample(
        "2.000884",
        "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản",
        "chungthuc",
        C,
        "4",
        H,
        True,
        10000,
        "Phí 10.000 đồng/trường hợp",
        PART,
        ((CCCD, 1, 0), ("Giấy tờ, văn bản cần chứng thực chữ ký", 1, 0)),
        "Giấy tờ được chứng thực chữ ký",
    ),
    Sample(
        "2.001035",
        "Thủ tục chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
        "chungthuc",
        C,
        "2",
        fee=50000,
        fee_text="Phí 50.000 đồng/hợp đồng",
        components=(("Dự thảo hợp đồng, giao dịch", 1, 0), (CCCD, 1, 0), ("Giấy chứng nhận quyền sử dụng đất", 0, 1)),
        result="Hợp đồng được chứng thực",
    ),
    Sample(
        "2.001019",
        "Thủ tục chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
        "chungthuc",
        C,
        "2",
        fee=30000,
        fee_text="Phí 30.000 đồng/hợp đồng",
        components=(("Dự thảo văn bản sửa đổi, bổ sung, hủy bỏ", 1, 0), ("Hợp đồng đã được chứng thực", 1, 0)),
        result="Văn bản được chứng thực",
    ),
    Sample(
        "2.001044",
        "Thủ tục chứng thực văn bản thỏa thuận phân chia di sản",
        "chungthuc",
        C,
        "2",
        fee=50000,
        fee_text="Phí 50.000 đồng",
        components=(("Dự thảo văn bản thỏa thuận phân chia di sản", 1, 0), ("Giấy chứng tử của người để lại di sản", 0, 1)),
        result="Văn bản được chứng thực",
    ),
    # --- Hộ kinh doanh (business households), NĐ 01/2021; at commune level since 01/07/2025 -----
    Sample(
        "2.000575",
        "Thủ tục đăng ký thành lập hộ kinh doanh",
        "hokinhdoanh",
        C,
        "3",
        fee=100000,
        fee_text="Lệ phí 100.000 đồng",
        online=FULL,
        components=(("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0), ("Bản sao giấy tờ pháp lý của cá nhân", 0, 1)),
        result="Giấy chứng nhận đăng ký hộ kinh doanh",
        legal="Nghị định 01/2021/NĐ-CP",
    ),
    Sample(
        "2.000720",
        "Thủ tục đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "hokinhdoanh",
        C,
        "3",
        fee=50000,
        fee_text="Lệ phí 50.000 đồng",
        online=FULL,
        components=(("Thông báo thay đổi nội dung đăng ký hộ kinh doanh", 1, 0), ("Giấy chứng nhận đăng ký hộ kinh doanh", 1, 0)),
        result="Giấy chứng nhận đăng ký hộ kinh doanh",
    ),
    Sample(
        "2.000644",
        "Thủ tục tạm ngừng hoạt động hộ kinh doanh",
        "hokinhdoanh",
        C,
        "3",
        online=FULL,
        components=(("Thông báo tạm ngừng kinh doanh", 1, 0),),
        result="Giấy xác nhận tạm ngừng kinh doanh",
    ),
    Sample(
        "2.000596",
        "Thủ tục chấm dứt hoạt động hộ kinh doanh",
        "hokinhdoanh",
        C,
        "3",
        online=FULL,
        components=(("Thông báo chấm dứt hoạt động hộ kinh doanh", 1, 0), ("Giấy chứng nhận đăng ký hộ kinh doanh", 1, 0)),
        result="Thông báo về việc chấm dứt hoạt động hộ kinh doanh",
    ),
    # --- Doanh nghiệp (enterprises), province: Sở Tài chính (formerly KH&ĐT) ----------------------
    Sample(
        "2.001610",
        "Thủ tục đăng ký thành lập doanh nghiệp tư nhân",
        "dndn",
        P,
        "3",
        fee=50000,
        fee_text="Lệ phí 50.000 đồng (miễn khi nộp trực tuyến)",
        online=FULL,
        components=(("Giấy đề nghị đăng ký doanh nghiệp", 1, 0), ("Bản sao giấy tờ pháp lý của chủ doanh nghiệp", 0, 1)),
        result="Giấy chứng nhận đăng ký doanh nghiệp",
        agency="stc",
        legal="Luật Doanh nghiệp 2020; Nghị định 168/2025/NĐ-CP",
    ),
    Sample(
        "2.002013",
        "Thủ tục đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        "dndn",
        P,
        "3",
        fee=50000,
        fee_text="Lệ phí 50.000 đồng",
        online=FULL,
        components=(
            ("Giấy đề nghị đăng ký doanh nghiệp", 1, 0),
            ("Điều lệ công ty", 1, 0),
            ("Bản sao giấy tờ pháp lý của chủ sở hữu", 0, 1),
        ),
        result="Giấy chứng nhận đăng ký doanh nghiệp",
        agency="stc",
    ),
    Sample(
        "2.002032",
        "Thủ tục đăng ký thay đổi người đại diện theo pháp luật của công ty",
        "dndn",
        P,
        "3",
        fee=50000,
        fee_text="Lệ phí 50.000 đồng",
        online=FULL,
        components=(("Thông báo thay đổi nội dung đăng ký doanh nghiệp", 1, 0), ("Nghị quyết, quyết định của chủ sở hữu", 1, 0)),
        result="Giấy chứng nhận đăng ký doanh nghiệp",
        agency="stc",
    ),
    # --- Đất đai (land), Luật Đất đai 2024 ----------------------------------------------------------
    Sample(
        "1.012769",
        "Thủ tục đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu",
        "datdai",
        C,
        "20",
        fee=100000,
        fee_text="Lệ phí cấp giấy chứng nhận theo nghị quyết của HĐND tỉnh",
        components=(
            ("Đơn đăng ký đất đai, tài sản gắn liền với đất", 1, 0),
            ("Giấy tờ về quyền sử dụng đất", 0, 1),
            ("Sơ đồ tài sản gắn liền với đất", 1, 0),
        ),
        result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        legal="Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP",
    ),
    Sample(
        "1.012770",
        "Thủ tục đăng ký biến động đất đai, tài sản gắn liền với đất",
        "datdai",
        P,
        "10",
        fee=50000,
        fee_text="Lệ phí theo nghị quyết của HĐND tỉnh",
        components=(
            ("Đơn đăng ký biến động đất đai", 1, 0),
            ("Giấy chứng nhận đã cấp", 1, 0),
            ("Hợp đồng chuyển nhượng đã công chứng", 1, 0),
        ),
        result="Giấy chứng nhận được xác nhận thay đổi",
        agency="snnmt",
    ),
    Sample(
        "1.012771",
        "Thủ tục cho phép chuyển mục đích sử dụng đất",
        "datdai",
        C,
        "15",
        components=(("Đơn xin chuyển mục đích sử dụng đất", 1, 0), ("Giấy chứng nhận quyền sử dụng đất", 1, 0)),
        result="Quyết định cho phép chuyển mục đích sử dụng đất",
    ),
    Sample(
        "1.012772",
        "Thủ tục cung cấp thông tin, dữ liệu đất đai",
        "datdai",
        P,
        "2",
        fee=30000,
        fee_text="Phí khai thác dữ liệu đất đai",
        online=FULL,
        components=(("Phiếu yêu cầu cung cấp thông tin, dữ liệu đất đai", 1, 0),),
        result="Thông tin, dữ liệu đất đai",
        agency="snnmt",
    ),
    Sample(
        "1.012773",
        "Thủ tục hòa giải tranh chấp đất đai",
        "datdai",
        C,
        "30",
        online=OnlineMode.NONE,
        components=(("Đơn yêu cầu hòa giải tranh chấp đất đai", 1, 0),),
        result="Biên bản hòa giải",
    ),
    # --- Xây dựng (construction) --------------------------------------------------------------------
    Sample(
        "1.009794",
        "Thủ tục cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "xaydung",
        C,
        "15",
        fee=75000,
        fee_text="Lệ phí 75.000 đồng",
        components=(
            ("Đơn đề nghị cấp giấy phép xây dựng", 1, 0),
            ("Giấy tờ hợp pháp về đất đai", 0, 1),
            ("Bản vẽ thiết kế xây dựng", 2, 0),
        ),
        result="Giấy phép xây dựng",
        legal="Luật Xây dựng 2014 (sửa đổi 2020); Nghị định 175/2024/NĐ-CP",
    ),
    Sample(
        "1.009795",
        "Thủ tục cấp giấy phép sửa chữa, cải tạo đối với nhà ở riêng lẻ",
        "xaydung",
        C,
        "15",
        fee=75000,
        fee_text="Lệ phí 75.000 đồng",
        components=(("Đơn đề nghị cấp giấy phép sửa chữa, cải tạo", 1, 0), ("Bản vẽ hiện trạng", 2, 0)),
        result="Giấy phép sửa chữa, cải tạo",
    ),
    Sample(
        "1.009972",
        "Thủ tục cấp giấy phép xây dựng mới đối với công trình cấp II, cấp III",
        "xaydung",
        P,
        "20",
        fee=150000,
        fee_text="Lệ phí 150.000 đồng",
        components=(("Đơn đề nghị cấp giấy phép xây dựng", 1, 0), ("Quyết định phê duyệt dự án", 0, 1), ("Bản vẽ thiết kế xây dựng", 2, 0)),
        result="Giấy phép xây dựng",
        agency="sxd",
    ),
    Sample(
        "1.009976",
        "Thủ tục gia hạn giấy phép xây dựng",
        "xaydung",
        P,
        "5",
        fee=15000,
        fee_text="Lệ phí 15.000 đồng",
        components=(("Đơn đề nghị gia hạn giấy phép xây dựng", 1, 0), ("Giấy phép xây dựng đã được cấp", 1, 0)),
        result="Giấy phép xây dựng được gia hạn",
        agency="sxd",
    ),
    # --- Giáo dục (education) -------------------------------------------------------------------------
    Sample(
        "2.001914",
        "Thủ tục cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "giaoduc",
        P,
        "1",
        fee=3000,
        fee_text="Phí 3.000 đồng/bản",
        online=FULL,
        components=(("Đơn đề nghị cấp bản sao văn bằng, chứng chỉ", 1, 0), (CCCD, 1, 0)),
        result="Bản sao văn bằng, chứng chỉ",
        agency="sgddt",
    ),
    Sample(
        "2.002481",
        "Thủ tục chỉnh sửa nội dung văn bằng, chứng chỉ",
        "giaoduc",
        P,
        "5",
        components=(
            ("Đơn đề nghị chỉnh sửa văn bằng", 1, 0),
            ("Văn bằng, chứng chỉ đề nghị chỉnh sửa", 1, 0),
            ("Giấy tờ làm căn cứ chỉnh sửa", 0, 1),
        ),
        result="Văn bằng, chứng chỉ đã chỉnh sửa",
        agency="sgddt",
    ),
    Sample(
        "1.005069",
        "Thủ tục chuyển trường đối với học sinh trung học cơ sở",
        "giaoduc",
        C,
        "3",
        online=FULL,
        components=(("Đơn xin chuyển trường của cha, mẹ học sinh", 1, 0), ("Học bạ", 1, 0)),
        result="Giấy giới thiệu chuyển trường",
    ),
    Sample(
        "1.004555",
        "Thủ tục cho phép trung tâm học tập cộng đồng hoạt động trở lại",
        "giaoduc",
        C,
        "20",
        components=(("Tờ trình đề nghị cho phép hoạt động trở lại", 1, 0), ("Báo cáo khắc phục", 1, 0)),
        result="Quyết định cho phép hoạt động trở lại",
    ),
    # --- Lao động, việc làm (labour) — Sở Nội vụ after the 2025 merger ---------------------------------
    Sample(
        "1.000459",
        "Thủ tục cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        "laodong",
        P,
        "5",
        fee=600000,
        fee_text="Lệ phí 600.000 đồng/giấy phép",
        online=FULL,
        components=(
            ("Văn bản đề nghị cấp giấy phép lao động", 1, 0),
            ("Giấy chứng nhận sức khỏe", 1, 0),
            ("Lý lịch tư pháp", 1, 0),
            ("Ảnh màu 4x6", 2, 0),
        ),
        result="Giấy phép lao động",
        agency="snv",
        legal="Bộ luật Lao động 2019; Nghị định 219/2025/NĐ-CP",
    ),
    Sample(
        "1.000414",
        "Thủ tục đăng ký nội quy lao động của doanh nghiệp",
        "laodong",
        P,
        "7",
        online=FULL,
        components=(("Văn bản đề nghị đăng ký nội quy lao động", 1, 0), ("Nội quy lao động", 1, 0)),
        result="Thông báo về việc đăng ký nội quy lao động",
        agency="snv",
    ),
    Sample(
        "1.001978",
        "Thủ tục giải quyết hưởng trợ cấp thất nghiệp",
        "laodong",
        P,
        "20",
        components=(
            ("Đề nghị hưởng trợ cấp thất nghiệp", 1, 0),
            ("Quyết định chấm dứt hợp đồng lao động", 0, 1),
            ("Sổ bảo hiểm xã hội", 1, 0),
        ),
        result="Quyết định hưởng trợ cấp thất nghiệp",
        agency="snv",
    ),
    Sample(
        "1.009811",
        "Thủ tục báo cáo giải trình nhu cầu sử dụng người lao động nước ngoài",
        "laodong",
        P,
        "10",
        online=FULL,
        components=(("Báo cáo giải trình nhu cầu sử dụng người lao động nước ngoài", 1, 0),),
        result="Văn bản chấp thuận",
        agency="snv",
    ),
    # --- Bảo trợ xã hội (social protection), NĐ 20/2021 ------------------------------------------------
    Sample(
        "2.000286",
        "Thủ tục trợ giúp xã hội thường xuyên (trợ cấp xã hội hằng tháng)",
        "baotro",
        C,
        "10",
        components=(("Tờ khai đề nghị trợ giúp xã hội", 1, 0), ("Giấy xác nhận khuyết tật (nếu có)", 0, 1)),
        result="Quyết định trợ cấp xã hội hằng tháng",
        legal="Nghị định 20/2021/NĐ-CP",
    ),
    Sample(
        "2.000744",
        "Thủ tục hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "baotro",
        C,
        "3",
        components=(("Tờ khai đề nghị hỗ trợ chi phí mai táng", 1, 0), ("Giấy chứng tử", 0, 1)),
        result="Quyết định hỗ trợ chi phí mai táng",
    ),
    Sample(
        "1.001699",
        "Thủ tục xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        "baotro",
        C,
        "20",
        components=(("Đơn đề nghị xác định mức độ khuyết tật", 1, 0), ("Bản sao kết luận của Hội đồng Giám định y khoa (nếu có)", 0, 1)),
        result="Giấy xác nhận khuyết tật",
    ),
    Sample(
        "1.001776",
        "Thủ tục trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở",
        "baotro",
        C,
        "10",
        online=OnlineMode.NONE,
        components=(("Tờ khai đề nghị hỗ trợ về nhà ở", 1, 0),),
        result="Quyết định hỗ trợ làm nhà ở",
    ),
    # --- Lý lịch tư pháp (criminal records), Sở Tư pháp ------------------------------------------------
    Sample(
        "1.001774",
        "Thủ tục cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "lylich",
        P,
        "10",
        fee=200000,
        fee_text="Phí 200.000 đồng/lần (sinh viên, người có công: 100.000 đồng)",
        online=FULL,
        components=(("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0), (CCCD, 0, 1)),
        result="Phiếu lý lịch tư pháp",
        agency="stp",
        legal="Luật Lý lịch tư pháp 2009",
    ),
    # --- Văn hóa (culture) -----------------------------------------------------------------------------------
    Sample(
        "1.001029",
        "Thủ tục cấp giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        "vanhoa",
        C,
        "5",
        fee=2000000,
        fee_text="Phí thẩm định 2.000.000 đồng",
        components=(("Đơn đề nghị cấp giấy phép", 1, 0), ("Bản sao giấy chứng nhận đăng ký kinh doanh", 0, 1)),
        result="Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
    ),
    Sample(
        "1.003645",
        "Thủ tục thông báo tổ chức lễ hội cấp xã",
        "vanhoa",
        C,
        "5",
        online=FULL,
        components=(("Văn bản thông báo tổ chức lễ hội", 1, 0),),
        result="Văn bản trả lời",
    ),
    Sample(
        "1.001809",
        "Thủ tục cấp giấy phép phổ biến phim (phim ngắn, phim tài liệu)",
        "vanhoa",
        P,
        "15",
        fee=1200000,
        fee_text="Phí thẩm định theo thời lượng",
        components=(("Đơn đề nghị cấp giấy phép phổ biến phim", 1, 0), ("Bản phim", 1, 0)),
        result="Giấy phép phổ biến phim",
        agency="svhttdl",
    ),
]


def _steps(sample: Sample) -> list[StepSpec]:
    """Split the processing time: reception and hand-over, appraisal, the leader's decision, the return.

    Decree 61/2018 art. 18: a dossier received in person goes to the competent agency the same
    working day (or early the next one), so the reception step gets a small share.
    """
    amount = Decimal(sample.amount)
    unit = sample.unit
    if unit == TimeUnit.WORKING_HOUR or amount <= 1:
        hours = amount if unit == TimeUnit.WORKING_HOUR else amount * 8
        return [
            StepSpec("Tiếp nhận và chuyển hồ sơ", hours / 4, H, StepHandler.RECEIVING, "counter_officer"),
            StepSpec("Thẩm định, giải quyết hồ sơ", hours / 2, H, StepHandler.COMPETENT, "processing_officer"),
            StepSpec("Ký duyệt kết quả", hours / 8, H, StepHandler.COMPETENT, "leader"),
            StepSpec("Trả kết quả", hours / 8, H, StepHandler.RECEIVING, "counter_officer"),
        ]
    day = TimeUnit.WORKING_DAY
    approve = Decimal("0.5") if amount < 10 else Decimal("2")
    return [
        StepSpec("Tiếp nhận và chuyển hồ sơ", Decimal("0.5"), day, StepHandler.RECEIVING, "counter_officer"),
        StepSpec("Thẩm định, giải quyết hồ sơ", amount - Decimal("1") - approve, day, StepHandler.COMPETENT, "processing_officer"),
        StepSpec("Ký duyệt kết quả", approve, day, StepHandler.COMPETENT, "leader"),
        StepSpec("Trả kết quả", Decimal("0.5"), day, StepHandler.RECEIVING, "counter_officer"),
    ]


def sample_spec(sample: Sample, *, agency_codes: set[str] | None = None) -> ProcedureSpec:
    field_code, field_name = FIELDS[sample.field]
    wanted = COMMUNES if sample.agency == "commune" else [DEPARTMENT[sample.agency]]
    instances = [c for c in wanted if agency_codes is None or c in agency_codes]
    times = [TimeSpec(Channel.COUNTER, Decimal(sample.amount), sample.unit, dt.time(15, 0) if sample.cutoff else None)]
    if sample.online != OnlineMode.NONE:
        times.append(TimeSpec(Channel.ONLINE, Decimal(sample.amount), sample.unit, dt.time(15, 0) if sample.cutoff else None))
    times.append(TimeSpec(Channel.POST, Decimal(sample.amount), sample.unit, None))
    level_name = "Ủy ban nhân dân cấp xã" if sample.level == C else "Sở chuyên ngành thuộc Ủy ban nhân dân tỉnh"
    return ProcedureSpec(
        code=sample.code,
        name=sample.name,
        field_code=field_code,
        field_name=field_name,
        levels=[sample.level],
        online_mode=sample.online,
        times=times,
        fees=[FeeSpec(sample.fee_text, sample.fee)],
        components=[ComponentSpec(name, originals, copies) for name, originals, copies in sample.components],
        steps=_steps(sample),
        instances=instances,
        applicants="Công dân Việt Nam, người nước ngoài, tổ chức",
        competent_authority=level_name,
        implementing_agency=level_name,
        reception_address="Trung tâm Phục vụ hành chính công tỉnh Phú Thọ hoặc cấp xã (không phụ thuộc địa giới hành chính)",
        result=sample.result,
        legal_basis=[{"number": part.strip(), "title": ""} for part in sample.legal.split(";") if part.strip()],
        conditions="Không",
        keywords=sample.name.replace("Thủ tục ", ""),
        description="Dữ liệu mẫu (demo), không lấy từ Cơ sở dữ liệu quốc gia về thủ tục hành chính.",
        decision_number=DECISION,
        decision_date=DEMO_VALID_FROM,
        valid_from=DEMO_VALID_FROM,
        is_sample=True,
    )


def load_demo_procedures(*, actor: Account | None = None) -> dict[str, int]:
    """Write the sample procedures (idempotent: a second run changes nothing). Returns the counts."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    codes = set(Agency.objects.valid_on(dt.date(2026, 1, 1)).values_list("code", flat=True))
    with transaction.atomic():
        for sample in SAMPLES:
            outcome = save_procedure(spec=sample_spec(sample, agency_codes=codes), actor=actor, today=dt.date(2026, 1, 1))
            counts[outcome] += 1
    return counts
