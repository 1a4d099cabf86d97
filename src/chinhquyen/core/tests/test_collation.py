import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from chinhquyen.core.collation import vietnamese_key


def test_district_names_sort_in_vietnamese_order():
    names = ["Yên Thủy", "Đà Bắc", "Kim Bôi", "Cao Phong", "Lạc Sơn", "Lạc Thủy", "Lương Sơn", "Mai Châu", "Tân Lạc", "Kỳ Sơn"]
    assert sorted(names, key=vietnamese_key) == [
        "Cao Phong",
        "Đà Bắc",
        "Kim Bôi",
        "Kỳ Sơn",
        "Lạc Sơn",
        "Lạc Thủy",
        "Lương Sơn",
        "Mai Châu",
        "Tân Lạc",
        "Yên Thủy",
    ]


def test_modified_vowels_are_letters_of_their_own():
    assert sorted(["ơ", "o", "ô", "ư", "u", "â", "ă", "a"], key=vietnamese_key) == ["a", "ă", "â", "o", "ô", "ơ", "u", "ư"]


def test_tones_only_break_ties():
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma", "mb"], key=vietnamese_key) == ["ma", "mà", "mả", "mã", "má", "mạ", "mb"]


def test_uy_ban_sorts_among_the_u_words():
    assert sorted(["Ủy ban nhân dân", "Văn phòng", "Sở Nội vụ", "Ban Dân tộc"], key=vietnamese_key) == [
        "Ban Dân tộc",
        "Sở Nội vụ",
        "Ủy ban nhân dân",
        "Văn phòng",
    ]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặ ", max_size=20))
def test_nfd_and_nfc_sort_alike(text):
    assert vietnamese_key(unicodedata.normalize("NFD", text))[:2] == vietnamese_key(unicodedata.normalize("NFC", text))[:2]
