"""Reading the header of a scanned official document, for the paper-intake form (ADR 0024).

Decree 30/2020 fixes where everything is (Phụ lục I; STANDARDS.md §2.3, §2.13): the issuing
agency top left (its parent agency above it), the national motto top right, "Số: 15/QĐ-UBND"
under the agency, "Hòa Bình, ngày 15 tháng 3 năm 2026" under the motto, then the type name
centred with the subject under it — or, for a công văn, "V/v …" under the number — and at the
end the signer block on the right (authority "KT. CHỦ TỊCH", position, signature, name), with
"Nơi nhận:" on the left.

So the reader works on **positions**, not on the text stream: Tesseract's `image_to_data` gives
each word's box; words are grouped into Tesseract's lines and cut where a wide horizontal gap
separates the two columns; the motto anchors the header (everything above it — the portal's
signature stamp on republished scans — is ignored) and its left edge splits the columns. Each
field comes with a confidence (Tesseract's word confidences, lowered when the value does not
have the form the decree prescribes) so the form can flag what to check.

`parse_header(words, size)` is pure (tests feed it OCR-like words); `read_header(data)` runs
Tesseract on the first page (and on the last page for the signer) of a PDF or image.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
import statistics
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chinhquyen.core.folding import fold
from chinhquyen.core.ocr.engine import Word

# --- vocabulary ------------------------------------------------------------------------------

#: Type names (Decree 30 art. 7 and the legal-normative types), folded → as written.
DOCUMENT_TYPES = {
    fold(name): name
    for name in [
        "Nghị quyết",
        "Quyết định",
        "Chỉ thị",
        "Quy chế",
        "Quy định",
        "Thông cáo",
        "Thông báo",
        "Hướng dẫn",
        "Chương trình",
        "Kế hoạch",
        "Phương án",
        "Đề án",
        "Dự án",
        "Báo cáo",
        "Biên bản",
        "Tờ trình",
        "Hợp đồng",
        "Công điện",
        "Bản ghi nhớ",
        "Bản thỏa thuận",
        "Giấy ủy quyền",
        "Giấy mời",
        "Giấy giới thiệu",
        "Giấy nghỉ phép",
        "Phiếu gửi",
        "Phiếu chuyển",
        "Phiếu báo",
        "Nghị định",
        "Thông tư",
        "Thông tư liên tịch",
        "Luật",
        "Pháp lệnh",
        "Lệnh",
    ]
}
#: Notation abbreviation (folded) → type, to check or guess the type from the number.
TYPE_BY_ABBR = {
    "nq": "Nghị quyết",
    "qd": "Quyết định",
    "ct": "Chỉ thị",
    "qc": "Quy chế",
    "qyd": "Quy định",
    "tc": "Thông cáo",
    "tb": "Thông báo",
    "hd": "Hướng dẫn",
    "ctr": "Chương trình",
    "kh": "Kế hoạch",
    "pa": "Phương án",
    "da": "Đề án",
    "bc": "Báo cáo",
    "bb": "Biên bản",
    "ttr": "Tờ trình",
    "cd": "Công điện",
    "gm": "Giấy mời",
    "ggt": "Giấy giới thiệu",
    "nd": "Nghị định",
    "tt": "Thông tư",
}
#: Words that begin an agency's name: a line starting with one begins a new name (the issuer
#: under its parent); any other line continues the name above it ("ỦY BAN NHÂN DÂN / TỈNH PHÚ THỌ").
AGENCY_HEADS = (
    "uy ban",
    "ubnd",
    "hoi dong",
    "hdnd",
    "so ",
    "ban ",
    "van phong",
    "phong ",
    "chi cuc",
    "cuc ",
    "tong cuc",
    "bo ",
    "trung tam",
    "truong ",
    "vien ",
    "thanh tra",
    "chinh phu",
    "kho bac",
    "cong an",
    "bo chi huy",
    "toa an",
    "vien kiem sat",
    "thu tuong",
    "tinh uy",
    "dang uy",
)
AUTHORITY_PREFIXES = ("tm", "kt", "q", "tl", "tuq")
POSITION_WORDS = ("chu tich", "giam doc", "truong", "bo truong", "thu tuong", "chanh", "tong", "pho", "cuc truong", "vien truong", "bi thu")

#: Positions as Decree 30 prints them (capitals); an OCR'd position that folds to one of these is
#: spelled as here (Tesseract often drops the dot below: "CHỦ TICH").
KNOWN_POSITIONS = {
    " ".join(re.findall(r"[a-z]+", fold(p))): p
    for base in [
        "CHỦ TỊCH",
        "GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
        "TRƯỞNG BAN",
        "TRƯỞNG PHÒNG",
        "BỘ TRƯỞNG",
        "THỦ TƯỚNG",
        "THỨ TRƯỞNG",
        "CHÁNH THANH TRA",
        "CỤC TRƯỞNG",
        "CHI CỤC TRƯỞNG",
        "VIỆN TRƯỞNG",
        "HIỆU TRƯỞNG",
        "TỔNG GIÁM ĐỐC",
        "CHỦ NHIỆM",
        "TRƯỞNG ĐOÀN",
        "BÍ THƯ",
    ]
    for p in (base, f"PHÓ {base}", f"KT. {base}", f"Q. {base}", f"TL. {base}", f"TUQ. {base}")
}
KNOWN_POSITIONS.update(
    {
        fold(f"TM. {body}"): f"TM. {body}"
        for body in ["ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "CHÍNH PHỦ", "BAN THƯỜNG VỤ", "THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN"]
    }
)

_NOTATION = re.compile(
    r"(?P<num>[0-9lIO|]{1,5})\s*/\s*(?:(?P<year>[12][0-9lIO]{3})\s*/\s*)?"
    r"(?P<code>[A-ZĐÐ][A-Za-zĐđÐð]*(?:\s?[-–—]\s?[A-ZĐÐ0-9][A-Za-zĐđÐð0-9]*)+)"
)
#: The date line (folded). A speck read as a full stop or a comma may sit between its words
#: ("ngày. 30 tháng 10"): anything that is not a letter or a digit is allowed there.
_DATE = re.compile(r"ngay\W*([0-9lio|]{1,2})\W*thang\W*([0-9lio|]{1,2})\W*nam\W*([0-9lio|]{4})")
_DIGIT_FIX = str.maketrans({"l": "1", "I": "1", "|": "1", "i": "1", "O": "0", "o": "0"})
_LETTERS = re.compile(r"[^\W\d_]")


# --- word-level correction ------------------------------------------------------------------
#
# Tesseract sometimes misreads one mark or one letter inside an otherwise right line ("buỗi" for
# "buổi", "Tổ chúc" for "Tổ chức", "uy định" for "Quy định"). The subject is corrected word by word
# against two vocabularies that know nothing of any test document:
#
# - the Vietnamese word list of Tesseract's own `vie` model (its word DAWG, ~4,000 syllables in
#   lower case), read once with `combine_tessdata` and `dawg2wordlist` (Debian's tesseract-ocr);
# - the law's vocabulary: the type names, positions and agency words above, and the phrases of
#   Decree 30/2020 itself (its articles on form and on the duties of the clerk) listed below.
#
# Three rules, each changing only what is certainly not a word or only a mark:
# 1. a sequence of words that folds to a law phrase but is spelled with other marks is spelled as
#    the law spells it ("tổ chúc" → "tổ chức");
# 2. a lower-case word that is not a Vietnamese word is replaced by the one word of the dictionary
#    that differs from it by the fewest marks, when there is exactly one ("buỗi" → "buổi"); a
#    lone lower-case letter that is no word is dropped (a speck read as "v");
# 3. the subject under a type name begins with a capital (Decree 30, Phụ lục I): when it begins
#    with a lower-case word, a capital lost in front of it is restored if exactly one letter makes
#    its first two words a law phrase ("uy định" → "Quy định").

#: Phrases of Decree 30/2020/NĐ-CP (công tác văn thư) and of the names it prescribes, as written.
LAW_PHRASES = [
    "công tác văn thư",
    "quản lý nhà nước",
    "cơ quan, tổ chức",
    "tổ chức",
    "cá nhân",
    "văn bản hành chính",
    "văn bản quy phạm pháp luật",
    "văn bản chuyên ngành",
    "thể thức",
    "kỹ thuật trình bày",
    "soạn thảo",
    "ban hành",
    "quy định",
    "hướng dẫn",
    "thực hiện",
    "tổ chức thực hiện",
    "chịu trách nhiệm",
    "trách nhiệm",
    "thẩm quyền",
    "người đứng đầu",
    "cấp phó",
    "ký thay",
    "thừa lệnh",
    "thừa ủy quyền",
    "chức vụ",
    "chức năng",
    "nhiệm vụ",
    "quyền hạn",
    "đơn vị",
    "văn thư",
    "lưu trữ",
    "hồ sơ",
    "tài liệu",
    "chữ ký số",
    "thiết bị lưu khóa bí mật",
    "sổ đăng ký",
    "văn bản đến",
    "văn bản đi",
    "trích yếu",
    "nội dung",
    "số, ký hiệu",
    "địa danh",
    "ngày, tháng, năm",
    "nơi nhận",
    "mức độ khẩn",
    "hỏa tốc",
    "thượng khẩn",
    "điện tử",
    "hệ thống quản lý tài liệu điện tử",
    "sao y",
    "sao lục",
    "trích sao",
    "bản sao",
    "bản chính",
    "phụ lục",
    "điều khoản",
    "hiệu lực",
    "thi hành",
    "sửa đổi, bổ sung",
    "kế hoạch",
    "báo cáo",
    "kết luận",
    "kiểm tra",
    "giám sát",
    "tỉnh",
    "thành phố",
    "huyện",
    "xã, phường, thị trấn",
    "ủy ban nhân dân",
    "hội đồng nhân dân",
    "chính phủ",
    "thủ tướng chính phủ",
    "bộ trưởng",
    "chủ tịch",
    "giám đốc",
    "văn phòng",
    "hành chính",
    "làm việc",
    "ngày làm việc",
    "trên địa bàn",
    "về việc",
]
_WORD = re.compile(r"[^\W\d_]+")


def _phrase_words(phrase: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", phrase))]


@functools.lru_cache(maxsize=1)
def law_phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Folded word sequence → the law's spelling (lower case), for every law phrase and name."""
    names = [*LAW_PHRASES, *DOCUMENT_TYPES.values(), *KNOWN_POSITIONS.values(), *AGENCY_WORDS.values()]
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for name in names:
        words = tuple(_phrase_words(name))
        if words:
            out.setdefault(tuple(fold(w) for w in words), words)
    return out


def _tessdata_dir() -> Path | None:
    try:
        listing = subprocess.run(  # noqa: S603 - fixed program
            [shutil.which("tesseract") or "tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'"([^"]+)"', listing.stdout + listing.stderr)
    return Path(match.group(1)) if match else None


@functools.lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """The lower-case words of Tesseract's `vie` model and of the law's vocabulary; only the law's
    vocabulary when the model's word list cannot be read (the correction then does less)."""
    words = {w for key in law_phrases().values() for w in key}
    tessdata = _tessdata_dir()
    combine, dawg2 = shutil.which("combine_tessdata"), shutil.which("dawg2wordlist")
    model = tessdata / "vie.traineddata" if tessdata else None
    if model and model.exists() and combine and dawg2:
        with tempfile.TemporaryDirectory(prefix="chinhquyen-dawg-") as tmp:
            try:
                subprocess.run([combine, "-u", str(model), f"{tmp}/vie."], capture_output=True, timeout=60, check=True)  # noqa: S603
                out = Path(tmp) / "words.txt"
                subprocess.run(  # noqa: S603 - fixed programs, our own temporary paths
                    [dawg2, f"{tmp}/vie.lstm-unicharset", f"{tmp}/vie.lstm-word-dawg", str(out)],
                    capture_output=True,
                    timeout=60,
                    check=True,
                )
                words |= {unicodedata.normalize("NFC", w.strip()).lower() for w in out.read_text(encoding="utf-8").splitlines()}
            except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
                pass
    return frozenset(w for w in words if w)


@functools.lru_cache(maxsize=1)
def _by_fold() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for word in dictionary():
        out.setdefault(fold(word), []).append(word)
    return out


def _mark_distance(a: str, b: str) -> int:
    """How many marks differ between two words of the same folded form, letter by letter: a mark
    replaced by another (a tone misread: "ỗ" for "ổ") counts one, as does a mark added or lost."""
    out = 0
    for x, y in zip(a.lower(), b.lower(), strict=False):
        mx = {ch for ch in unicodedata.normalize("NFD", x)[1:]} | ({"stroke"} if x == "đ" else set())
        my = {ch for ch in unicodedata.normalize("NFD", y)[1:]} | ({"stroke"} if y == "đ" else set())
        out += max(len(mx - my), len(my - mx))
    return out


def _with_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


#: Rule 2 leaves alone a word Tesseract read with at least this confidence: its word list lacks
#: some real syllables ("vắc", "sạt"), so a word the model was sure of is kept. Tesseract gives
#: 96 to most words it reads right (the median of the 7,066 words of the 40 test pages; the 20th
#: percentile is 94); a misread mark inside a word comes out lower ("buỗi" 91).
SURE_WORD = 95.0


def correct_words(text: str, *, capital_first: bool = False, sure: frozenset[str] = frozenset()) -> tuple[str, int]:
    """`text` with the OCR misreadings the rules above are sure of corrected; and how many words
    were changed (the caller lowers its confidence when any was). `sure` holds the words (NFC) that
    Tesseract read with a confidence of `SURE_WORD` or more: rule 2 keeps them."""
    text = unicodedata.normalize("NFC", text)
    tokens = re.split(r"(\s+)", text)
    words = [i for i, t in enumerate(tokens) if t and not t.isspace()]
    changed = 0
    vocabulary = dictionary()
    phrases = law_phrases()
    longest = max((len(k) for k in phrases), default=1)

    def core(token: str) -> tuple[str, str, str]:
        match = re.match(r"^(\W*)(.*?)(\W*)$", token)
        assert match
        return match.group(1), match.group(2), match.group(3)

    # Rule 2 (first, so a phrase can then be recognised): non-words and lone letters.
    for i in words:
        lead, word, trail = core(tokens[i])
        if not word or not word.islower() or not _WORD.fullmatch(word) or word in vocabulary:
            continue
        if len(word) == 1:
            if not lead and not trail and len(words) > 3:
                tokens[i] = ""
                changed += 1
            continue
        if tokens[i] in sure:
            continue
        candidates = _by_fold().get(fold(word), [])
        if not candidates:
            continue
        ranked = sorted((_mark_distance(word, c), c) for c in candidates)
        if len(ranked) == 1 or ranked[0][0] < ranked[1][0]:
            tokens[i] = lead + ranked[0][1] + trail
            changed += 1
    words = [i for i, t in enumerate(tokens) if t and not t.isspace()]

    # Rule 1: a law phrase spelled with other marks.
    n = 0
    while n < len(words):
        for size in range(min(longest, len(words) - n), 1, -1):
            span = words[n : n + size]
            parts = [core(tokens[i]) for i in span]
            if any(not _WORD.fullmatch(p[1]) for p in parts):
                continue
            # inner punctuation must be what the phrase has ("cơ quan, tổ chức")
            key = tuple(fold(p[1]) for p in parts)
            spelled = phrases.get(key)
            if spelled is None:
                continue
            for i, (lead, word, trail), right in zip(span, parts, spelled, strict=True):
                if word.lower() != right:
                    tokens[i] = lead + _with_case(right, word) + trail
                    changed += 1
            n += size - 1
            break
        n += 1

    # Rule 3: a capital lost in front of the subject's first word.
    if capital_first and len(words) >= 2:
        lead, first, trail = core(tokens[words[0]])
        second = core(tokens[words[1]])[1]
        if first and first[0].islower() and not lead:
            fixes = {
                letter + first
                for letter in "abcdeghiklmnopqrstuvxyđ"
                if (fold(letter + first), fold(second)) in phrases and (letter + first) in vocabulary
            }
            if len(fixes) == 1:
                fix = fixes.pop()
                spelled = phrases[(fold(fix), fold(second))]
                tokens[words[0]] = lead + spelled[0][:1].upper() + spelled[0][1:] + trail
                changed += 1
    out = re.sub(r"\s+", " ", "".join(tokens)).strip()
    return out, changed


# --- result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldValue:
    """One pre-filled field: the value, how sure the reader is (0–1), and where it was read
    (the box in pixels of the page image, for highlighting it beside the form)."""

    value: Any
    confidence: float
    box: tuple[int, int, int, int] | None = None


@dataclass
class HeaderFields:
    """What the registration form is pre-filled with (docs/paper-intake.md). Any field may be
    `None` (not found). `number_notation` is as printed without spaces (`15/QĐ-UBND`,
    `59/2022/NĐ-CP`); `number` is its integer, `year` the year of the legal-normative form,
    `notation` the part after the last `/`. `date` is a `datetime.date`. `doc_type` is the type
    name as written in Decree 30 ("Quyết định", "Công văn" …). `subject` is the subject without
    "V/v". `signing_authority` is the line above the position ("KT. CHỦ TỊCH")."""

    issuer: FieldValue | None = None
    parent_issuer: FieldValue | None = None
    number_notation: FieldValue | None = None
    number: FieldValue | None = None
    year: FieldValue | None = None
    notation: FieldValue | None = None
    place: FieldValue | None = None
    date: FieldValue | None = None
    doc_type: FieldValue | None = None
    subject: FieldValue | None = None
    signer: FieldValue | None = None
    signer_position: FieldValue | None = None
    signing_authority: FieldValue | None = None
    text: str = ""
    warnings: list[str] = field(default_factory=list)

    FIELDS = (
        "issuer",
        "parent_issuer",
        "number_notation",
        "number",
        "year",
        "notation",
        "place",
        "date",
        "doc_type",
        "subject",
        "signer",
        "signer_position",
        "signing_authority",
    )

    def values(self) -> dict[str, Any]:
        """`{field: value}` for the form's initial data (None where nothing was read)."""
        return {name: (getattr(self, name).value if getattr(self, name) else None) for name in self.FIELDS}

    def confidences(self) -> dict[str, float]:
        return {name: round(getattr(self, name).confidence, 2) for name in self.FIELDS if getattr(self, name)}

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in self.FIELDS:
            value = data.get(name)
            if value and isinstance(value.get("value"), dt.date):
                value["value"] = value["value"].isoformat()
        return data


# --- layout ----------------------------------------------------------------------------------


@dataclass
class Segment:
    """Words of one line that sit together (a line is cut at wide gaps: two columns)."""

    words: list[Word]

    @property
    def text(self) -> str:
        return unicodedata.normalize("NFC", " ".join(w.text for w in self.words))

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)

    @property
    def center(self) -> float:
        return (self.left + self.right) / 2

    @property
    def height(self) -> int:
        return int(statistics.median(w.height for w in self.words))

    @property
    def conf(self) -> float:
        return statistics.fmean(w.conf for w in self.words) / 100

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.right, self.bottom)

    @property
    def letters(self) -> str:
        return "".join(_LETTERS.findall(self.text))

    @property
    def is_upper(self) -> bool:
        letters = self.letters
        return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def segments(words: Sequence[Word], width: int) -> list[Segment]:
    """Tesseract's lines, each cut where the gap between two words is wider than ~4 % of the page."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.par, word.line), []).append(word)
    out: list[Segment] = []
    for line_words in lines.values():
        line_words.sort(key=lambda w: w.left)
        height = statistics.median(w.height for w in line_words)
        gap = max(0.04 * width, 2.5 * height)
        current = [line_words[0]]
        for word in line_words[1:]:
            if word.left - current[-1].right > gap:
                out.append(Segment(current))
                current = [word]
            else:
                current.append(word)
        out.append(Segment(current))
    return sorted((s for s in out if s.text.strip()), key=lambda s: (s.top, s.left))


def _digits(text: str) -> str:
    return text.translate(_DIGIT_FIX)


def _clean_name(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" .,:;-–—_|'\"`~")
    return unicodedata.normalize("NFC", text.replace("Ð", "Đ").replace("ð", "đ"))


# --- the parser ------------------------------------------------------------------------------


def parse_header(
    words: Sequence[Word], size: tuple[int, int], *, signer_words: Sequence[Word] | None = None, signer_size: tuple[int, int] | None = None
) -> HeaderFields:
    """Read the header fields from positioned words of the first page (and the signer from
    `signer_words`, the last page, when the document has more than one)."""
    width, height = size
    segs = segments(words, width)
    result = HeaderFields(text="\n".join(s.text for s in segs))
    if not segs:
        result.warnings.append("header.no_text")
        return result
    line_height = statistics.median(s.height for s in segs)

    motto = next((s for s in segs if _is_motto(s)), None)
    if motto is not None:
        # The agency and the motto may share a Tesseract line ("VĂN PHÒNG CHÍNH PHỦ  CỘNG HÒA …"):
        # the column boundary is the left edge of the word "CỘNG", and every line of the header
        # rows (down to the date) is cut there.
        start = _motto_start(motto)
        split = motto.words[start].left - 0.01 * width
        date_row = next((s for s in segs if s.top > motto.top and _DATE.search(s.folded)), None)
        limit = max(date_row.bottom if date_row else 0, motto.bottom + 4 * line_height)
        segs = _cut_columns(segs, split, motto.top - 2 * line_height, limit)
        motto = next((s for s in segs if _is_motto(s)), None)
    motto2 = next((s for s in segs if "doc lap" in s.folded or "hanh phuc" in s.folded), None)
    if motto is None:
        result.warnings.append("header.no_motto")
        split = 0.45 * width
    top = (motto.top - 1.5 * line_height) if motto else 0
    anchor = motto2 or motto
    below_motto = anchor.bottom if anchor else 0
    content_left = min(s.left for s in segs)
    content_right = max(s.right for s in segs)
    middle = (content_left + content_right) / 2

    def in_left(s: Segment) -> bool:
        return s.right < split + 0.02 * width

    # Number and notation: under the agency, in the left column (anywhere in the header as a
    # fallback, for a number that ran into the date).
    header_zone = [s for s in segs if s.top >= top and s.top < top + 0.4 * height]
    number_seg = None
    for candidates in ([s for s in header_zone if in_left(s)], header_zone):
        number_seg = next((s for s in candidates if _is_number_line(s)), None)
        if number_seg:
            break
    if number_seg:
        _set_number(result, number_seg)

    # Issuer: the left column between the motto's top and the number.
    stop = number_seg.top if number_seg else (below_motto + 2 * line_height)
    issuer_lines = [
        s
        for s in segs
        if s.top >= top
        and s.bottom <= stop + 0.3 * line_height
        and in_left(s)
        and s is not number_seg
        and len(s.letters) >= 2
        and s.is_upper
    ]
    if issuer_lines:
        groups: list[list[Segment]] = []
        for s in issuer_lines:
            starts_new = s.folded.startswith(AGENCY_HEADS) or s.folded.startswith(tuple(h.strip() + " " for h in AGENCY_HEADS))
            if not groups or (starts_new and groups[-1]):
                groups.append([s])
            else:
                groups[-1].append(s)
        # A first line alone that is not an agency head word continues nothing: keep it with the next.
        issuer = groups[-1]
        name = _agency_name(issuer)
        result.issuer = FieldValue(name, min(s.conf for s in issuer), _union(issuer))
        if len(groups) > 1:
            parent = [s for g in groups[:-1] for s in g]
            result.parent_issuer = FieldValue(_agency_name(parent), min(s.conf for s in parent), _union(parent))

    # Place and date: "<place>, ngày dd tháng mm năm yyyy" under the motto.
    date_seg = None
    for s in header_zone:
        if s is number_seg and not _DATE.search(s.folded):
            continue
        if _DATE.search(s.folded):
            date_seg = s
            break
    if date_seg:
        _read_date(date_seg, result)

    # Type and subject: centred under the number and date lines; or "V/v" for a công văn.
    after = max([s.bottom for s in (number_seg, date_seg, motto2, motto) if s is not None], default=0)
    _read_title(segs, result, after=after, middle=middle, width=width, line_height=line_height, number_seg=number_seg, in_left=in_left)

    # Signer: the last page's signer block.
    if signer_words is not None and signer_size is not None:
        last = segments(signer_words, signer_size[0])
        _read_signer(last, result, width=signer_size[0])
    else:
        _read_signer(segs, result, width=width)
    return result


def _is_number_line(s: Segment) -> bool:
    """ "Số: 15/QĐ-UBND" (or the number alone at the start of the line)."""
    return bool(_NOTATION.search(s.text) and (re.match(r"^\W*s[o06]\b", s.folded) or re.match(r"^\W*[0-9lIO]", s.text)))


def _set_number(result: HeaderFields, seg: Segment, *, factor: float = 1.0) -> None:
    match = _NOTATION.search(seg.text)
    assert match
    num = _digits(match.group("num"))
    year = _digits(match.group("year")) if match.group("year") else None
    code = re.sub(r"\s+", "", match.group("code")).replace("–", "-").replace("—", "-").replace("Ð", "Đ").replace("ð", "đ")
    value = f"{num}/{year}/{code}" if year else f"{num}/{code}"
    form_ok = num.isdigit() and (year is None or year.isdigit())
    conf = _match_conf(seg, match.start(), match.end()) * (1.0 if form_ok else 0.5) * factor
    result.number_notation = FieldValue(value, conf, seg.box)
    if num.isdigit():
        result.number = FieldValue(int(num), conf, seg.box)
    if year and year.isdigit():
        result.year = FieldValue(int(year), conf, seg.box)
    result.notation = FieldValue(code, conf, seg.box)


#: Where the second reading looks for a number the whole-page reading missed: the left half of
#: the page's top quarter (the agency column: agency, "Số:", and for a công văn "V/v").
NUMBER_REGION = (0.5, 0.25)


def second_pass_number(image: Any, result: HeaderFields) -> None:
    """Tesseract reading a whole page sometimes drops the "Số:" line (at 150–200 dpi, between
    the agency and the title): the agency column is read again alone, as one block of text
    (psm 6), and a number found there fills the field with a lower confidence."""
    from chinhquyen.core.ocr import engine

    words, size = engine.region_to_words(image, right=NUMBER_REGION[0], bottom=NUMBER_REGION[1], psm=6)
    seg = next((s for s in segments(words, size[0]) if _is_number_line(s)), None)
    if seg is not None:
        _set_number(result, seg, factor=0.8)
        result.warnings.append("header.number_second_reading")


#: Words of administrative names whose folded form is unambiguous in an agency's name: an
#: upper-case OCR'd word that folds to one of these is spelled as here ("TÍNH" → "TỈNH").
AGENCY_WORDS = {fold(w): w for w in ["ỦY", "BAN", "NHÂN", "DÂN", "TỈNH", "HUYỆN", "XÃ", "PHƯỜNG", "SỞ", "PHÒNG", "VĂN", "HỘI", "VÀ"]}


def _agency_name(segs: Sequence[Segment]) -> str:
    """An agency's name from its lines: marks that are not words dropped, hyphens between words
    made spaces, and the fixed words of administrative names spelled right."""
    out = []
    for word in " ".join(s.text for s in segs).replace("-", " ").split():
        if not any(ch.isalnum() and unicodedata.category(ch) != "Lm" for ch in word):
            continue  # "ˆ", "__", "—": a rule or a speck, not a word
        word = word.strip(".,:;'\"`_|")
        if word.isupper() and fold(word) in AGENCY_WORDS:
            word = AGENCY_WORDS[fold(word)]
        out.append(word)
    return _clean_name(" ".join(out))


def _trim(seg: Segment) -> Segment:
    """Drop unsure words at either end of a line (a stamp's remains beside a centred line)."""
    words = list(seg.words)
    while len(words) > 1 and words[0].conf < 60 and words[1].left - words[0].right > 0:
        words.pop(0)
    while len(words) > 1 and words[-1].conf < 60:
        words.pop()
    return Segment(words) if len(words) != len(seg.words) else seg


def _is_motto(s: Segment) -> bool:
    return "hoa xa hoi" in s.folded or "chu nghia viet" in s.folded


def _motto_start(s: Segment) -> int:
    folded = [fold(w.text) for w in s.words]
    for i in range(len(folded) - 1):
        if folded[i].startswith("cong") and folded[i + 1].startswith("hoa"):
            return i
    for i in range(len(folded) - 1):
        if folded[i].startswith("hoa") and folded[i + 1].startswith("xa"):
            return max(0, i - 1)
    return 0


def _cut_columns(segs: list[Segment], split: float, top: float, bottom: float) -> list[Segment]:
    out: list[Segment] = []
    for s in segs:
        if top <= s.top <= bottom:
            left = [w for w in s.words if w.left < split]
            right = [w for w in s.words if w.left >= split]
            if left and right:
                out.extend([Segment(left), Segment(right)])
                continue
        out.append(s)
    return sorted(out, key=lambda s: (s.top, s.left))


def _match_conf(seg: Segment, start: int, end: int) -> float:
    """Mean confidence of the words of `seg` that overlap characters start..end of its text."""
    pos = 0
    confs = []
    for word in seg.words:
        span = (pos, pos + len(word.text))
        if span[1] > start and span[0] < end:
            confs.append(word.conf)
        pos = span[1] + 1
    return (statistics.fmean(confs) if confs else seg.conf * 100) / 100


def _union(segs: Sequence[Segment]) -> tuple[int, int, int, int]:
    return (min(s.left for s in segs), min(s.top for s in segs), max(s.right for s in segs), max(s.bottom for s in segs))


def _read_date(seg: Segment, result: HeaderFields) -> None:
    from chinhquyen.core.search.highlight import folded_with_offsets

    folded, offsets = folded_with_offsets(seg.text)
    match = _DATE.search(folded)
    if not match:
        return
    day, month, year = (int(_digits(g)) if _digits(g).isdigit() else 0 for g in match.groups())
    conf = _match_conf(seg, offsets[match.start()], offsets[match.end() - 1] + 1)
    try:
        value = dt.date(year, month, day)
    except ValueError:
        result.warnings.append("header.bad_date")
        value = None
    if value:
        sane = 1990 <= value.year <= dt.date.today().year + 1
        result.date = FieldValue(value, conf * (1.0 if sane else 0.4), seg.box)
    # The place: the words before ", ngày", after any number/notation the line also carries.
    before = seg.text[: offsets[match.start()]]
    notation = _NOTATION.search(before)
    if notation:
        before = before[notation.end() :]
    before = re.sub(r"^\W*(số|so)\s*:?", "", before, flags=re.IGNORECASE)
    place = _clean_name(before)
    place = re.sub(r"^[^A-ZĐÀ-Ỹ]+", "", place)  # leading junk before the capital of the place
    if place and len(place) <= 40:
        result.place = FieldValue(place, _match_conf(seg, 0, max(1, offsets[match.start()])), seg.box)


def _canonical_type(seg: Segment) -> str | None:
    words_only = " ".join(re.findall(r"[a-z]+", seg.folded))
    if words_only in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[words_only]
    return None


def _read_title(
    segs: list[Segment],
    result: HeaderFields,
    *,
    after: float,
    middle: float,
    width: int,
    line_height: float,
    number_seg: Segment | None,
    in_left: Any,
) -> None:
    content_left = min(s.left for s in segs)
    content_right = max(s.right for s in segs)
    below = [s for s in segs if s.top >= after - 0.2 * line_height]
    type_seg = None
    for s in below[:12]:
        name = _canonical_type(s)
        if name and s.is_upper and abs(s.center - middle) < 0.15 * width:
            type_seg = s
            break
    abbr_type = None
    if result.notation:
        first = fold(result.notation.value).split(" ")[0]
        abbr_type = TYPE_BY_ABBR.get(first)
    if type_seg is not None:
        name = _canonical_type(type_seg)
        agrees = abbr_type is None or abbr_type == name
        result.doc_type = FieldValue(name, type_seg.conf * (1.0 if agrees else 0.6), type_seg.box)
        lines: list[Segment] = []
        last_bottom = type_seg.bottom
        for s in segs:
            if s.top <= type_seg.top or s is type_seg:
                continue
            if s.top - last_bottom > 2.2 * line_height:
                break
            s = _trim(s)
            if s.right - s.left > 0.7 * (content_right - content_left) and s.right > content_right - 0.025 * width:
                break  # the body's first line reaches the right margin; a subject line does not
            centred = abs(s.center - middle) < 0.12 * width
            if not centred or len(s.letters) < 3:
                continue  # a stamp beside the subject, a rule under it
            if s.is_upper or s.folded.startswith(("can cu", "kinh gui")):
                break
            lines.append(s)
            last_bottom = s.bottom
        if lines:
            subject, changed = correct_words(_clean_name(" ".join(s.text for s in lines)), capital_first=True, sure=_sure_words(lines))
            conf = min(s.conf for s in lines) * (0.9 if changed else 1.0)
            result.subject = FieldValue(subject, conf, _union(lines))
        return
    # Công văn: "V/v …" in the left column under the number.
    start = number_seg.bottom - 0.2 * line_height if number_seg else after
    vv_lines: list[Segment] = []
    for s in segs:
        if s.top < start:
            continue
        if not vv_lines:
            if in_left(s) and re.match(r"^\W*v\s*v\b", s.folded):
                vv_lines.append(s)
            elif s.top > start + 4 * line_height:
                break
            continue
        if s.top - vv_lines[-1].bottom > 1.2 * line_height:
            break
        if in_left(s):
            vv_lines.append(s)
    if vv_lines:
        text = _clean_name(" ".join(s.text for s in vv_lines))
        text = re.sub(r"^[Vv]\s*/\s*[Vv]\s*:?\s*", "", text)
        text, changed = correct_words(text, sure=_sure_words(vv_lines))
        result.doc_type = FieldValue("Công văn", min(s.conf for s in vv_lines) * (0.9 if abbr_type is None else 0.6), vv_lines[0].box)
        result.subject = FieldValue(text, min(s.conf for s in vv_lines) * (0.9 if changed else 1.0), _union(vv_lines))
        return
    if abbr_type:
        result.doc_type = FieldValue(abbr_type, 0.4, number_seg.box if number_seg else None)
        result.warnings.append("header.type_from_notation")


def _sure_words(lines: Sequence[Segment]) -> frozenset[str]:
    return frozenset(unicodedata.normalize("NFC", w.text) for s in lines for w in s.words if w.conf >= SURE_WORD)


def _position(seg: Segment) -> str:
    text = _clean_name(seg.text)
    key = " ".join(re.findall(r"[a-z]+", fold(text)))
    return KNOWN_POSITIONS.get(key, text)


def _is_name(seg: Segment) -> bool:
    tokens = seg.text.split()
    if not 2 <= len(tokens) <= 6 or any(ch.isdigit() for ch in seg.text):
        return False
    caps = [t for t in tokens if _LETTERS.match(t[0]) and t[0].isupper() and (len(t) == 1 or not t[1:].isupper())]
    return len(caps) == len(tokens)


def _words_with_letters(seg: Segment) -> Segment:
    words = [w for w in seg.words if _LETTERS.search(w.text)]
    return seg if len(words) == len(seg.words) else Segment(words)


def _read_signer(segs: list[Segment], result: HeaderFields, *, width: int) -> None:
    """The signer block: on the right, the authority and position in capitals, then (after the
    signature's gap) the name. Only trusted when "Nơi nhận" or a position word is there."""
    if not segs:
        return
    line_height = statistics.median(s.height for s in segs)
    receivers = next((s for s in reversed(segs) if s.folded.startswith("noi nhan")), None)
    floor = receivers.top - 3 * line_height if receivers else segs[0].top + 0.5 * (segs[-1].bottom - segs[0].top)
    # A speck beside the name is read as "-" or ".": words without a letter are not part of it.
    right = [_words_with_letters(s) for s in segs if s.center > 0.5 * width and s.top >= floor]
    right = [s for s in right if s.words]
    name_seg = next((s for s in reversed(right) if _is_name(s)), None)
    if name_seg is None:
        return
    above = [s for s in right if s.bottom <= name_seg.top and s.is_upper and name_seg.top - s.bottom < 12 * line_height]
    if not above:
        return
    position = above[-1]
    prefixed = re.compile(r"^\W*(?:" + "|".join(AUTHORITY_PREFIXES) + r")\b")
    authority = None
    if len(above) >= 2 and prefixed.match(above[-2].folded):
        authority = above[-2]
    if prefixed.match(position.folded) and authority is None:
        # "TM. ỦY BAN NHÂN DÂN" with the position on the same line or missing: keep it as authority.
        authority = position
    has_position_word = any(w in position.folded for w in POSITION_WORDS)
    if not (receivers or has_position_word):
        return
    trust = 1.0 if (receivers and has_position_word) else 0.7
    result.signer = FieldValue(_clean_name(name_seg.text), name_seg.conf * trust, name_seg.box)
    if authority is not position:
        result.signer_position = FieldValue(_position(position), position.conf * trust, position.box)
    if authority is not None:
        result.signing_authority = FieldValue(_position(authority), authority.conf * trust, authority.box)


# --- from a file -----------------------------------------------------------------------------


def read_header(data: bytes, *, filename: str = "") -> HeaderFields:
    """OCR the first page of a scanned PDF or image (and its last page, for the signer) and
    parse the header. Raises `ExtractionError` for a file that cannot be read."""
    import tempfile
    from pathlib import Path

    from django.utils.translation import gettext_lazy as _

    from chinhquyen.core.ocr import engine
    from chinhquyen.core.ocr.extract import ExtractionError, max_bytes, sniff

    if len(data) > max_bytes():
        raise ExtractionError("extract.too_large", _("The file is larger than %(mb)d MB.") % {"mb": max_bytes() // (1024 * 1024)})
    kind = sniff(data, filename)
    if kind == "pdf":
        from pypdf import PdfReader

        try:
            reader = PdfReader(__import__("io").BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ExtractionError("extract.encrypted", _("The PDF is protected by a password; send a copy without one."))
            from chinhquyen.core.limits import pdf_pages_bounded

            pages = len(pdf_pages_bounded(reader.trailer["/Root"]["/Pages"]))  # type: ignore[index]  # a visited set, a depth limit
        except ExtractionError:
            raise
        except Exception as error:
            raise ExtractionError("extract.corrupt", _("The PDF is damaged and cannot be read.")) from error
        with tempfile.TemporaryDirectory(prefix="chinhquyen-header-") as tmp:
            path = Path(tmp) / "in.pdf"
            path.write_bytes(data)
            first = engine.rasterise_pdf_page(path, 1)
            last = engine.rasterise_pdf_page(path, pages) if pages > 1 else None
        return read_header_images(first, last)
    if kind == "image":
        try:
            image = engine.open_image(data)
        except Exception as error:
            raise ExtractionError("extract.corrupt", _("The image is damaged or too large to read.")) from error
        last = None
        if getattr(image, "n_frames", 1) > 1:
            image.seek(image.n_frames - 1)  # type: ignore[attr-defined]  # multi-page TIFF
            last = image.copy()
            image.seek(0)
        return read_header_images(image.copy(), last)
    raise ExtractionError("extract.unsupported", _("Scan the document to PDF or an image (PNG, JPEG, TIFF)."))


def read_header_images(first: Any, last: Any = None) -> HeaderFields:
    """Parse the header from page images (Pillow): `first` page, and `last` page for the signer."""
    from chinhquyen.core.ocr import engine

    words, size = engine.image_to_words(first)
    if last is None:
        fields = parse_header(words, size)
    else:
        last_words, last_size = engine.image_to_words(last)
        fields = parse_header(words, size, signer_words=last_words, signer_size=last_size)
    if fields.number_notation is None and words:
        second_pass_number(first, fields)
    return fields
