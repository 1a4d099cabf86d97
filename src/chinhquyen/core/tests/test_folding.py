import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from chinhquyen.core.folding import fold, nfc

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐÀÁÂ /-0123456789QĐUBND"
vietnamese_text = st.text(alphabet=VIETNAMESE, max_size=60) | st.text(max_size=40)


def test_it_removes_tone_and_vowel_marks_and_folds_d():
    assert fold("Quyết định đầu tư") == "quyet dinh dau tu"
    assert fold("ĐỒNG") == "dong"


def test_it_splits_number_and_notation():
    assert fold("Số: 15/QĐ-UBND") == "so: 15 qd ubnd"
    assert fold("452/UBND-VP") == "452 ubnd vp"


def test_nfd_input_folds_like_nfc():
    text = "Hòa Bình, ngày 05 tháng 3 năm 2026"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "hoa binh, ngay 05 thang 3 nam 2026"


def test_nfc_normalises_decomposed_input():
    assert nfc(unicodedata.normalize("NFD", "Kỳ Sơn")) == "Kỳ Sơn"


@given(vietnamese_text)
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(vietnamese_text)
def test_nfc_and_nfd_fold_the_same(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


@given(vietnamese_text)
def test_folded_text_has_no_marks_and_no_d_stroke(text):
    folded = fold(text)
    assert "đ" not in folded and "Đ" not in folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))
    assert "/" not in folded and "-" not in folded
