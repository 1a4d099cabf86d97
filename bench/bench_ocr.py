"""Paper-intake accuracy: how many pre-filled header fields are exactly right (issue 5).

    .venv/bin/python bench/bench_ocr.py [--corpus DIR] [--count 36] [--regenerate]

1. The generated set (`bench/ocr_corpus.py`: 36 documents at 150/200/300 dpi, five fonts, three
   layouts, rotation up to ±1.5°, grain): each page is OCR'd (Tesseract `vie` through
   `core.ocr.header.read_header_images`) and each of eight fields is compared with the truth.
2. The four real scans of `../shared/conformance/pdf/` (first page only, as the intake does
   for the header; their signer is on the last page and is not measured): issuer, number and
   notation, place, date, type, subject.

"Exact" means equal after NFC and collapsing white space (no case or accent folding). Dates are
compared as dates. Writes `bench/results/ocr.json` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")
os.environ.setdefault("TESTING", "1")

import django  # noqa: E402

django.setup()
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)

from PIL import Image  # noqa: E402

from chinhquyen.core.ocr import engine  # noqa: E402
from chinhquyen.core.ocr.engine import Word  # noqa: E402
from chinhquyen.core.ocr.header import HeaderFields, parse_header, second_pass_number  # noqa: E402

CACHE: Path | None = None


def read(image: Image.Image, key: str) -> HeaderFields:
    """OCR the page as `read_header_images` does — the whole page, then the agency column again
    when no number was found — (or, with --cache while developing the parser, reuse the words of
    an earlier run for the first reading; the second one is always done)."""
    path = CACHE / (key + ".json") if CACHE else None
    if path and path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        words, size = [Word(**w) for w in data["words"]], tuple(data["size"])
    else:
        words, size = engine.image_to_words(image)
    if path and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"words": [w.__dict__ for w in words], "size": size}, ensure_ascii=False), encoding="utf-8")
    fields = parse_header(words, size)  # type: ignore[arg-type]
    if fields.number_notation is None and words:
        second_pass_number(image, fields)
    return fields


SHARED = ROOT.parent / "shared" / "conformance" / "pdf"
GENERATED_FIELDS = ["issuer", "number_notation", "place", "date", "doc_type", "subject", "signer", "signer_position"]
REAL_FIELDS = ["issuer", "number_notation", "place", "date", "doc_type", "subject"]

REAL = {
    "59-nd.signed.pdf": {
        "issuer": "CHÍNH PHỦ",
        "number_notation": "59/2022/NĐ-CP",
        "place": "Hà Nội",
        "date": "2022-09-05",
        "doc_type": "Nghị định",
        "subject": "Quy định về định danh và xác thực điện tử",
    },
    "47-cp.signed.pdf": {
        "issuer": "CHÍNH PHỦ",
        "number_notation": "47/NQ-CP",
        "place": "Hà Nội",
        "date": "2024-04-15",
        "doc_type": "Nghị quyết",
        "subject": "Về Chương trình hành động của Chính phủ đến năm 2030 thực hiện Kết luận số 57-KL/TW ngày 15 tháng 6 năm 2023 "
        "của Bộ Chính trị về tiếp tục nâng cao chất lượng, hiệu quả công tác thông tin đối ngoại trong tình hình mới",
    },
    "28-pt.signed.pdf": {
        "issuer": "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ",
        "number_notation": "28/2023/QĐ-UBND",
        "place": "Phú Thọ",
        "date": "2023-12-21",
        "doc_type": "Quyết định",
        "subject": "Quy định hệ số điều chỉnh giá đất năm 2024 trên địa bàn tỉnh Phú Thọ",
    },
    "163-tb-vpcp.signed.pdf": {
        "issuer": "VĂN PHÒNG CHÍNH PHỦ",
        "number_notation": "163/TB-VPCP",
        "place": "Hà Nội",
        "date": "2024-04-15",
        "doc_type": "Thông báo",
        "subject": "Kết luận của Thủ tướng Chính phủ Phạm Minh Chính tại buổi làm việc với lãnh đạo tỉnh Tiền Giang",
    },
}


def norm(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value or ""))).strip()


def compare(fields: HeaderFields, truth: dict[str, str], names: list[str]) -> dict[str, dict[str, object]]:
    out = {}
    values = fields.values()
    confidences = fields.confidences()
    for name in names:
        got = norm(values.get(name))
        out[name] = {"ok": got == norm(truth[name]), "got": got, "want": truth[name], "confidence": confidences.get(name)}
    return out


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False).stdout.splitlines()[0]
    return f"{cpu}, {os.cpu_count()} vCPU, {platform.system()} {platform.release()}, Python {platform.python_version()}, {tesseract}"


def run_generated(corpus: Path) -> list[dict[str, object]]:
    items = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    rows = []
    for item in items:
        with Image.open(corpus / item["file"]) as image:
            image.load()
            started = time.perf_counter()
            fields = read(image, item["file"])
            seconds = time.perf_counter() - started
        rows.append(
            {**item, "seconds": round(seconds, 2), "fields": compare(fields, item["truth"], GENERATED_FIELDS), "warnings": fields.warnings}
        )
    return rows


def run_real() -> list[dict[str, object]]:
    rows = []
    for name, truth in REAL.items():
        path = SHARED / name
        if not path.exists():
            print(f"missing {path}", file=sys.stderr)
            continue
        started = time.perf_counter()
        image = engine.rasterise_pdf_page(path, 1)
        fields = read(image, name)
        seconds = time.perf_counter() - started
        rows.append(
            {"file": name, "seconds": round(seconds, 2), "fields": compare(fields, truth, REAL_FIELDS), "warnings": fields.warnings}
        )
    return rows


def table(rows: list[dict[str, object]], names: list[str], group: str) -> list[str]:
    lines = [f"| {group} | " + " | ".join(names) + " | all fields |", "|---|" + "---|" * (len(names) + 1)]
    keys = sorted({r.get("dpi", "real") for r in rows}, key=lambda k: (isinstance(k, str), -k if isinstance(k, int) else 0))
    for key in [*keys, "all"]:
        subset = [r for r in rows if key == "all" or r.get("dpi", "real") == key]
        if not subset:
            continue
        cells = []
        good = total = 0
        for name in names:
            ok = sum(1 for r in subset if r["fields"][name]["ok"])  # type: ignore[index]
            cells.append(f"{ok}/{len(subset)}")
            good += ok
            total += len(subset)
        label = f"{key} dpi ({len(subset)} pages)" if isinstance(key, int) else f"{key} ({len(subset)})"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | **{100 * good / total:.1f} %** |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT / "var" / "ocr-corpus")
    parser.add_argument("--count", type=int, default=36)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument(
        "--cache", type=Path, help="reuse OCR words between runs (parser development only; published figures are without it)"
    )
    args = parser.parse_args()
    global CACHE
    CACHE = args.cache
    if args.regenerate or not (args.corpus / "truth.json").exists():
        from ocr_corpus import generate

        generate(args.corpus, count=args.count)
    generated = run_generated(args.corpus)
    real = [] if args.skip_real else run_real()
    lines = ["Generated documents (fields exactly right / pages):", "", *table(generated, GENERATED_FIELDS, "scan"), ""]
    if real:
        lines += ["Real scans, first page:", "", *table(real, REAL_FIELDS, "document")]
        for r in real:
            wrong = {k: v for k, v in r["fields"].items() if not v["ok"]}  # type: ignore[attr-defined]
            lines.append(f"- {r['file']}: " + ("all right" if not wrong else "; ".join(f"{k}: got {v['got']!r}" for k, v in wrong.items())))
    lines += ["", f"OCR time per page: median {statistics.median(r['seconds'] for r in generated + real):.1f} s", f"Machine: {machine()}"]
    print("\n".join(lines))
    # Every field that is not exactly right, generated pages and real scans alike: page, resolution,
    # field, what was read, what was wanted, the reader's confidence.
    misses = [
        (r["file"], r.get("dpi", "real"), k, repr(v["got"]), repr(v["want"]), v["confidence"])
        for r in generated + real
        for k, v in r["fields"].items()  # type: ignore[attr-defined]
        if not v["ok"]
    ]
    for miss in misses:
        print("MISS", *miss)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ocr.json").write_text(
        json.dumps(
            {
                "generated": generated,
                "real": real,
                "machine": machine(),
                "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "cached_words": bool(CACHE),
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
