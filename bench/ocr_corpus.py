"""Generate the paper-intake test set: official document scans with known header fields.

    .venv/bin/python bench/ocr_corpus.py [--out DIR] [--count 36] [--seed 5]

Each document is drawn by `chinhquyen.core.ocr.testing.render` (WeasyPrint → pdftoppm →
Pillow) with a varied issuer (with or without a parent agency, one to three lines), type (the
named types of Decree 30 and công văn), number form (administrative `05/QĐ-UBND` and
legal-normative `12/2026/QĐ-UBND`), date, subject (one or two lines), signer block (KT., TM.,
none), font (Noto Serif/Sans, Liberation Serif/Sans, DejaVu Serif), layout, resolution (150,
200, 300 dpi), a rotation of up to ±1.5° and grain. Writes `NNN.png` and `truth.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")
os.environ.setdefault("TESTING", "1")

import django  # noqa: E402

django.setup()

from chinhquyen.core.ocr.testing import DocumentSpec, render  # noqa: E402

# (parent lines, issuer lines, organisation abbreviation, place)
AGENCIES = [
    ([], ["ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH"], "UBND", "Hòa Bình"),
    ([], ["ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ"], "UBND", "Phú Thọ"),
    (["UBND TỈNH HÒA BÌNH"], ["SỞ NỘI VỤ"], "SNV", "Hòa Bình"),
    (["UBND TỈNH HÒA BÌNH"], ["SỞ KẾ HOẠCH VÀ ĐẦU TƯ"], "SKHĐT", "Hòa Bình"),
    (["UBND TỈNH PHÚ THỌ"], ["SỞ TÀI CHÍNH"], "STC", "Phú Thọ"),
    (["UBND TỈNH HÒA BÌNH"], ["SỞ GIÁO DỤC VÀ ĐÀO TẠO"], "SGDĐT", "Hòa Bình"),
    ([], ["ỦY BAN NHÂN DÂN", "XÃ KỲ SƠN"], "UBND", "Kỳ Sơn"),
    ([], ["HỘI ĐỒNG NHÂN DÂN", "TỈNH HÒA BÌNH"], "HĐND", "Hòa Bình"),
    (["UBND TỈNH HÒA BÌNH"], ["VĂN PHÒNG"], "VP", "Hòa Bình"),
    (["UBND TỈNH PHÚ THỌ"], ["SỞ NÔNG NGHIỆP VÀ", "PHÁT TRIỂN NÔNG THÔN"], "SNN", "Việt Trì"),
    (["SỞ Y TẾ TỈNH HÒA BÌNH"], ["TRUNG TÂM KIỂM SOÁT BỆNH TẬT"], "TTKSBT", "Hòa Bình"),
    ([], ["ỦY BAN NHÂN DÂN", "PHƯỜNG TÂN HÒA"], "UBND", "Tân Hòa"),
]

TYPES = [
    ("Quyết định", "QĐ"),
    ("Kế hoạch", "KH"),
    ("Thông báo", "TB"),
    ("Báo cáo", "BC"),
    ("Tờ trình", "TTr"),
    ("Công văn", ""),
    ("Hướng dẫn", "HD"),
    ("Nghị quyết", "NQ"),
]

SUBJECTS = [
    "Về việc phê duyệt chủ trương đầu tư xây dựng trường mầm non",
    "Về việc giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội năm 2026",
    "Triển khai công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
    "Về việc thành lập Tổ công tác rà soát thủ tục hành chính",
    "Kết quả thực hiện chuyển đổi số quý I",
    "Về việc đôn đốc giải ngân vốn đầu tư công",
    "Tổ chức Hội nghị tổng kết công tác cải cách hành chính",
    "Về việc cử cán bộ tham dự lớp bồi dưỡng nghiệp vụ văn thư",
    "Phê duyệt danh mục dự án kêu gọi đầu tư năm 2026",
    "Về việc điều chỉnh quy hoạch sử dụng đất đến năm 2030",
    "Tăng cường quản lý an toàn thực phẩm dịp Tết Nguyên đán",
    "Về việc quy định chức năng, nhiệm vụ, quyền hạn của Văn phòng",
]
LETTER_SUBJECTS = [
    "đề nghị cung cấp số liệu thống kê",
    "góp ý dự thảo Quyết định ban hành Quy chế",
    "hướng dẫn triển khai dịch vụ công trực tuyến",
    "báo cáo tình hình thực hiện nhiệm vụ năm 2025",
    "tăng cường công tác phòng cháy, chữa cháy",
    "đôn đốc hoàn thành chỉ tiêu giải ngân",
]
NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Bùi Văn Khánh",
    "Lê Thị Hương",
    "Đinh Công Sứ",
    "Phạm Minh Đức",
    "Quách Thế Hùng",
    "Hoàng Thị Thu Hà",
    "Đặng Quốc Vinh",
]
UNIT_FIELDS = ["VP", "KGVX", "KT", "NC", "TH", "TCCB"]
FONTS = ["Noto Serif", "Noto Sans", "Liberation Serif", "Liberation Sans", "DejaVu Serif"]
LAYOUTS = ["standard", "wide-left", "compact"]
BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
    "Thực hiện chỉ đạo của cấp trên, đề nghị các cơ quan, đơn vị khẩn trương triển khai thực hiện và báo cáo kết quả trước ngày 30 của tháng.",
    "Giao các sở, ban, ngành, Ủy ban nhân dân các xã, phường chủ trì, phối hợp tổ chức thực hiện; định kỳ tổng hợp, báo cáo tình hình.",
]
RECIPIENTS = ["Như trên", "Thường trực Tỉnh ủy", "Chủ tịch, các PCT UBND tỉnh", "Các sở, ban, ngành", "UBND các xã, phường"]


def make_spec(i: int, rng: random.Random) -> DocumentSpec:
    parent, issuer, org, place = AGENCIES[i % len(AGENCIES)]
    doc_type, abbr = TYPES[(i * 5 + 1) % len(TYPES)]
    if org == "HĐND":
        doc_type, abbr = "Nghị quyết", "NQ"
    number = rng.randint(1, 350)
    year = rng.choice([2024, 2025, 2026])
    date = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 364))
    numtext = f"{number:02d}"
    if doc_type == "Công văn":
        notation = f"{numtext}/{org}-{rng.choice(UNIT_FIELDS)}"
        subject = rng.choice(LETTER_SUBJECTS)
    elif abbr in ("QĐ", "NQ") and i % 3 == 0:
        notation = f"{numtext}/{date.year}/{abbr}-{org}"  # legal-normative: number/year/notation
        subject = rng.choice(SUBJECTS)
    else:
        notation = f"{numtext}/{abbr}-{org}"
        subject = rng.choice(SUBJECTS)
    is_committee = org == "UBND"
    chief = "CHỦ TỊCH" if is_committee or org == "HĐND" else ("CHÁNH VĂN PHÒNG" if org == "VP" else "GIÁM ĐỐC")
    style = i % 3
    if style == 0:
        authority, position = "", chief
    elif style == 1:
        authority, position = f"KT. {chief}", f"PHÓ {chief}" if chief != "CHÁNH VĂN PHÒNG" else "PHÓ CHÁNH VĂN PHÒNG"
    else:
        authority = "TM. ỦY BAN NHÂN DÂN" if is_committee else ("TM. HỘI ĐỒNG NHÂN DÂN" if org == "HĐND" else "")
        position = chief
    return DocumentSpec(
        issuer_lines=list(issuer),
        parent_lines=list(parent),
        number_notation=notation,
        place=place,
        date=date,
        doc_type=doc_type,
        subject=subject,
        signer=rng.choice(NAMES),
        signer_position=position,
        authority=authority,
        body=rng.sample(BODY, 2),
        recipients=rng.sample(RECIPIENTS, 3),
        font=FONTS[i % len(FONTS)],
        layout=LAYOUTS[(i // 2) % len(LAYOUTS)],
    )


def generate(out: Path, *, count: int = 36, seed: int = 5) -> list[dict[str, object]]:
    """Draw `count` documents into `out`; a third each at 300, 200 and 150 dpi."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    items = []
    for i in range(count):
        spec = make_spec(i, rng)
        dpi = (300, 200, 150)[i % 3]
        rotate = round(rng.uniform(-1.5, 1.5), 2) if i % 4 else 0.0
        noise = round(rng.uniform(0.2, 0.8), 2) if i % 2 else 0.1
        image = render(spec, dpi=dpi, rotate=rotate, noise=noise, seed=i)
        name = f"{i:03d}.png"
        image.save(out / name, dpi=(dpi, dpi))
        items.append(
            {"file": name, "dpi": dpi, "rotate": rotate, "noise": noise, "font": spec.font, "layout": spec.layout, "truth": spec.truth()}
        )
    (out / "truth.json").write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "ocr-corpus")
    parser.add_argument("--count", type=int, default=36)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    items = generate(args.out, count=args.count, seed=args.seed)
    print(f"{len(items)} documents in {args.out}")


if __name__ == "__main__":
    main()
