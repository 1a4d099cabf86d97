"""The header reader on OCR-like words (fast), and once on a real OCR of a generated page."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image, ImageDraw

from chinhquyen.core.ocr.engine import Word, skew_angle
from chinhquyen.core.ocr.header import correct_words, dictionary, parse_header, read_header
from chinhquyen.core.ocr.testing import DocumentSpec, image_pdf, render

WIDTH, HEIGHT = 2480, 3508


def line(text: str, left: int, top: int, *, block: int, conf: float = 95, char: int = 22) -> list[Word]:
    """Words of one line as Tesseract reports them: boxes side by side, one block per column."""
    out, x = [], left
    for i, token in enumerate(text.split()):
        width = char * len(token)
        out.append(Word(token, x, top, width, 50, conf, block, 1, i // 100 + 1))
        x += width + char
    return out


def page(*lines: list[Word]) -> list[Word]:
    words: list[Word] = []
    for i, ws in enumerate(lines):
        words += [Word(w.text, w.left, w.top, w.width, w.height, w.conf, w.block, w.par, i + 1) for w in ws]
    return words


def decision() -> list[Word]:
    return page(
        line("Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", 700, 30, block=1),  # the portal's stamp above the header
        line("Cơ quan: VĂN PHÒNG CHÍNH PHỦ", 700, 90, block=1),
        line("ỦY BAN NHÂN DÂN", 420, 300, block=2),
        line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1150, 300, block=3),
        line("TỈNH PHÚ THỌ", 470, 365, block=2),
        line("Độc lập - Tự do - Hạnh phúc", 1300, 365, block=3),
        line("Số: 28/2023/QĐ-UBND", 430, 480, block=2),
        line("Phú Thọ, ngày 21 tháng 12 năm 2023", 1280, 480, block=3),
        line("QUYẾT ĐỊNH", 1150, 640, block=4),
        line("Quy định hệ số điều chỉnh giá đất năm 2024", 850, 710, block=4),
        line("trên địa bàn tỉnh Phú Thọ", 1050, 775, block=4),
        line("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", 950, 900, block=5),
        line("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và các luật sửa đổi", 440, 1000, block=6, char=19),
        line("Nơi nhận:", 360, 2600, block=7),
        line("- Như Điều 3;", 360, 2660, block=7),
        line("KT. CHỦ TICH", 1520, 2600, block=8),  # Tesseract often drops the dot below
        line("PHÓ CHỦ TỊCH", 1520, 2660, block=8),
        line("Hồ Đại Dũng", 1560, 3000, block=8),
    )


def test_it_reads_every_field_of_a_decision_header():
    fields = parse_header(decision(), (WIDTH, HEIGHT))
    assert fields.values() | {} == {
        "issuer": "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ",
        "parent_issuer": None,
        "number_notation": "28/2023/QĐ-UBND",
        "number": 28,
        "year": 2023,
        "notation": "QĐ-UBND",
        "place": "Phú Thọ",
        "date": dt.date(2023, 12, 21),
        "doc_type": "Quyết định",
        "subject": "Quy định hệ số điều chỉnh giá đất năm 2024 trên địa bàn tỉnh Phú Thọ",
        "signer": "Hồ Đại Dũng",
        "signer_position": "PHÓ CHỦ TỊCH",
        "signing_authority": "KT. CHỦ TỊCH",
    }
    assert all(0 < c <= 1 for c in fields.confidences().values())


def test_a_letter_takes_its_subject_from_v_v_and_its_issuer_under_the_parent():
    words = page(
        line("UBND TỈNH HÒA BÌNH", 430, 300, block=1),
        line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1150, 300, block=2),
        line("SỞ NỘI VỤ", 500, 365, block=1),
        line("Độc lập - Tự do - Hạnh phúc", 1300, 365, block=2),
        line("Số: 452/SNV-VP", 430, 480, block=1),
        line("Hòa Bình, ngày 05 tháng 02 năm 2026", 1280, 480, block=2),
        line("V/v đề nghị cung cấp số liệu", 400, 545, block=1, char=18),
        line("thống kê năm 2025", 470, 600, block=1, char=18),
        line("Kính gửi: Các sở, ban, ngành", 900, 760, block=3),
    )
    fields = parse_header(words, (WIDTH, HEIGHT)).values()
    assert fields["issuer"] == "SỞ NỘI VỤ" and fields["parent_issuer"] == "UBND TỈNH HÒA BÌNH"
    assert fields["doc_type"] == "Công văn" and fields["subject"] == "đề nghị cung cấp số liệu thống kê năm 2025"
    assert fields["number_notation"] == "452/SNV-VP" and fields["date"] == dt.date(2026, 2, 5)


def test_ocr_confusions_in_digits_are_corrected_and_lower_the_confidence_only_where_unsure():
    words = page(
        line("CHÍNH PHỦ", 500, 300, block=1),
        line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1150, 300, block=2),
        line("Số: 59/2O22/NĐ-CP", 430, 480, block=1, conf=60),
        line("Hà Nội, ngày O5 tháng 9 năm 2022", 1280, 480, block=2),
    )
    fields = parse_header(words, (WIDTH, HEIGHT))
    assert fields.values()["number_notation"] == "59/2022/NĐ-CP" and fields.values()["date"] == dt.date(2022, 9, 5)
    assert fields.confidences()["number_notation"] < fields.confidences()["date"]


def test_no_text_gives_empty_fields_and_a_warning():
    fields = parse_header([], (WIDTH, HEIGHT))
    assert all(v is None for v in fields.values().values()) and "header.no_text" in fields.warnings


def test_a_real_ocr_of_a_scanned_page_prefills_the_form():
    spec = DocumentSpec(
        issuer_lines=["SỞ KẾ HOẠCH VÀ ĐẦU TƯ"],
        parent_lines=["UBND TỈNH HÒA BÌNH"],
        number_notation="07/KH-SKHĐT",
        place="Hòa Bình",
        date=dt.date(2026, 3, 15),
        doc_type="Kế hoạch",
        subject="Triển khai công tác chuyển đổi số năm 2026",
        signer="Nguyễn Văn An",
        signer_position="GIÁM ĐỐC",
        body=["Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở xây dựng kế hoạch như sau."],
        recipients=["UBND tỉnh"],
    )
    fields = read_header(image_pdf(render(spec, dpi=300), dpi=300), filename="scan.pdf").values()
    assert fields["number_notation"] == "07/KH-SKHĐT"
    assert fields["date"] == dt.date(2026, 3, 15) and fields["place"] == "Hòa Bình"
    assert fields["doc_type"] == "Kế hoạch" and fields["issuer"] == "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"


def test_a_non_word_tesseract_was_unsure_of_takes_the_nearest_word_of_the_models_dictionary():
    if "buổi" not in dictionary():
        pytest.skip("Tesseract's word list (combine_tessdata, dawg2wordlist) is not installed")
    text = "Kết luận của Thủ tướng tại buỗi làm việc với lãnh đạo tỉnh"
    assert correct_words(text) == ("Kết luận của Thủ tướng tại buổi làm việc với lãnh đạo tỉnh", 1)
    # a word the model read with high confidence is kept (its word list lacks some real syllables)
    assert correct_words(text, sure=frozenset({"buỗi"})) == (text, 0)


def test_a_law_phrase_read_with_another_mark_is_spelled_as_the_law_spells_it():
    assert correct_words("Tổ chúc Hội nghị tổng kết công tác văn thư") == ("Tổ chức Hội nghị tổng kết công tác văn thư", 1)
    assert correct_words("Về việc v phê duyệt chủ trương đầu tư")[0] == "Về việc phê duyệt chủ trương đầu tư"  # a speck read as "v"


def test_a_capital_lost_in_front_of_the_subject_is_restored_only_when_one_letter_makes_a_law_phrase():
    assert correct_words("uy định hệ số điều chỉnh giá đất", capital_first=True)[0] == "Quy định hệ số điều chỉnh giá đất"
    assert correct_words("uy định hệ số điều chỉnh giá đất")[0] == "uy định hệ số điều chỉnh giá đất"  # a V/v may start lower case
    assert correct_words("đề nghị cung cấp số liệu", capital_first=True)[0] == "đề nghị cung cấp số liệu"


@pytest.mark.parametrize(
    "text",
    [
        "Quy định về định danh và xác thực điện tử",
        "Về việc phê duyệt chủ trương đầu tư xây dựng dự án",
        "Tăng cường quản lý an toàn thực phẩm dịp Tết Nguyên đán",
        "Kết quả thực hiện chuyển đổi số quý I năm 2026",
        "góp ý dự thảo Quyết định ban hành Quy chế",
    ],
)
def test_a_right_subject_is_left_as_it_is(text):
    assert correct_words(text, capital_first=True) == (text, 0)


def test_a_page_laid_askew_is_levelled_before_ocr():
    page_image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page_image)
    for top in range(150, 1600, 60):
        draw.rectangle((150, top, 1050, top + 18), fill=0)  # lines of text, as bars
    askew = page_image.rotate(1.2, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert abs(skew_angle(askew) + 1.2) <= 0.15
    assert skew_angle(page_image) == 0


def test_a_number_the_whole_page_reading_missed_is_read_again_from_the_agency_column(monkeypatch):
    from chinhquyen.core.ocr import engine, header

    seen = {}

    def region(image, *, right, bottom, psm):
        seen.update(right=right, bottom=bottom, psm=psm)
        return page(line("VĂN PHÒNG", 600, 330, block=1), line("Số: 237/KH-VP", 560, 430, block=1)), (WIDTH, HEIGHT)

    monkeypatch.setattr(engine, "region_to_words", region)
    fields = parse_header(page(line("VĂN PHÒNG", 600, 330, block=1)), (WIDTH, HEIGHT))
    assert fields.number_notation is None
    header.second_pass_number(object(), fields)
    assert fields.values()["number_notation"] == "237/KH-VP" and fields.values()["number"] == 237
    assert fields.confidences()["number_notation"] <= 0.8 and "header.number_second_reading" in fields.warnings
    assert seen == {"right": 0.5, "bottom": 0.25, "psm": 6}
