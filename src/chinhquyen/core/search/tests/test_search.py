"""The search backend on whichever database the suite runs on (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chinhquyen.core import search
from chinhquyen.core.errors import DomainError
from chinhquyen.core.search import Access, IndexEntry

pytestmark = pytest.mark.django_db

AGENCY_A, AGENCY_B = 101, 202
A = Access.for_agencies(AGENCY_A)
KIND = "tests.doc"


def put(object_id, subject, *, code="", agency=AGENCY_A, date=dt.date(2026, 3, 15), secrecy=0, body="", grants=(), **filters):
    return search.index(
        KIND,
        object_id,
        agency,
        fields={"code": code, "subject": subject, "body": body},
        filters={"date": date, "secrecy": secrecy, "type": code.split("/")[-1].split("-")[0] if code else "", **filters},
        grants=grants,
    )


def found(query, access=A, **kwargs):
    return [h.object_id for h in search.search(query, access=access, **kwargs).hits]


def test_unaccented_words_find_the_accented_subject():
    put(1, "Đồng ý chủ trương đầu tư xây dựng trường học")
    put(2, "Báo cáo tình hình kinh tế")
    assert found("dong y chu truong dau tu") == [1]
    assert found("ĐỒNG Ý") == [1]


def test_upper_case_finds_both_tone_placements_of_hoa():
    put(1, "Tỉnh Hòa Bình")
    put(2, "Tỉnh Hoà Bình")  # the old placement of the tone mark
    put(3, "Tỉnh Phú Thọ")
    assert sorted(found("HOA BINH")) == [1, 2]
    assert sorted(found("Hòa Bình")) == [1, 2]


def test_decomposed_input_finds_composed_text_and_the_reverse():
    put(1, "Quyết định giao chỉ tiêu")
    put(2, unicodedata.normalize("NFD", "Kế hoạch phòng chống thiên tai"))
    assert found(unicodedata.normalize("NFD", "quyết định")) == [1]
    assert found("kế hoạch thiên tai") == [2]


def test_a_number_and_notation_is_found_in_every_way_it_is_typed():
    put(1, "Về việc giao đất", code="15/QĐ-UBND")
    put(2, "Về việc thu hồi đất", code="16/QĐ-UBND")
    put(3, "Kế hoạch tuyên truyền", code="15/KH-UBND")
    assert found("15/QĐ-UBND") == [1]
    assert found("15/qđ") == [1]
    assert sorted(found("qd-ubnd")) == [1, 2]
    assert found("15 qd ubnd") == [1]


def test_the_legal_normative_form_and_leading_zeros():
    put(1, "Quy định về định danh điện tử", code="59/2022/NĐ-CP")
    put(2, "Quy định chức năng", code="05/QĐ-SNV")
    assert found("59/2022/nđ-cp") == [1]
    assert found("5/QĐ-SNV") == [2]


def test_a_phrase_in_quotes_needs_the_words_side_by_side():
    put(1, "Chủ trương đầu tư dự án")
    put(2, "Dự án đầu tư theo chủ trương mới")
    assert sorted(found("chu truong dau tu")) == [1, 2]
    assert found('"chủ trương đầu tư"') == [1]


def test_snippets_mark_the_words_in_their_original_spelling():
    put(1, "Đồng ý chủ trương đầu tư xây dựng <trường> & nhà văn hóa", body="")
    hit = search.search("dong y", access=A).hits[0]
    assert hit.snippet.startswith("<mark>Đồng</mark> <mark>ý</mark> chủ trương")
    assert "&lt;trường&gt; &amp;" in hit.snippet
    assert hit.title.startswith("Đồng ý") and hit.field == "subject"


def test_a_match_deep_in_the_body_gives_a_snippet_around_it():
    long_body = "Nội dung thông thường. " * 40 + "Đề nghị UBND huyện Kỳ Sơn báo cáo." + " Kết thúc." * 20
    put(1, "Công văn đôn đốc", body=long_body)
    hit = search.search("ky son", access=A).hits[0]
    assert "<mark>Kỳ</mark> <mark>Sơn</mark>" in hit.snippet and hit.snippet.startswith("…") and hit.field == "body"


def test_another_agency_never_sees_an_entry_nor_counts_it():
    put(1, "Kế hoạch bảo mật thông tin", agency=AGENCY_A)
    put(2, "Kế hoạch bảo mật thông tin", agency=AGENCY_B)
    page = search.search("bao mat", access=Access.for_agencies(AGENCY_B), count=True)
    assert [h.object_id for h in page.hits] == [2] and page.total == 1
    assert found("bao mat", access=Access()) == []


def test_a_secret_entry_needs_clearance_or_a_grant():
    put(1, "Phương án bảo vệ mục tiêu", secrecy=1, grants=["official:7"])
    put(2, "Phương án phòng cháy", secrecy=0)
    page = search.search("phuong an", access=A, count=True)
    assert [h.object_id for h in page.hits] == [2] and page.total == 1
    assert sorted(found("phuong an", access=Access.for_agencies(AGENCY_A, max_secrecy=1))) == [1, 2]
    assert found("bao ve", access=Access.for_agencies(AGENCY_B, grants=["official:7"])) == [1]
    assert found("bao ve", access=Access.for_agencies(AGENCY_B, grants=["official:8"])) == []


def test_newest_first_pages_by_cursor():
    for i in range(1, 8):
        put(i, f"Thông báo lịch công tác tuần {i}", date=dt.date(2026, 1, i))
    first = search.search("lich cong tac", access=A, limit=3)
    assert [h.object_id for h in first.hits] == [7, 6, 5] and first.next_cursor
    second = search.search("lich cong tac", access=A, limit=3, cursor=first.next_cursor)
    third = search.search("lich cong tac", access=A, limit=3, cursor=second.next_cursor)
    assert [h.object_id for h in second.hits] == [4, 3, 2] and [h.object_id for h in third.hits] == [1]
    assert third.next_cursor is None


def test_relevance_puts_a_subject_match_before_a_body_match():
    put(1, "Báo cáo tổng kết", body="có nhắc đến phòng chống dịch bệnh", date=dt.date(2026, 3, 20))
    put(2, "Phòng chống dịch bệnh mùa mưa", date=dt.date(2025, 5, 1))
    assert found("phong chong dich", order="relevance") == [2, 1]
    assert found("phong chong dich", order="newest") == [1, 2]


def test_filters_by_date_kind_type_agency_and_tag():
    put(1, "Quyết định khen thưởng", code="01/QĐ-UBND", date=dt.date(2025, 12, 31), status="issued")
    put(2, "Quyết định khen thưởng", code="02/QĐ-UBND", date=dt.date(2026, 1, 1), status="draft")
    put(3, "Kế hoạch khen thưởng", code="03/KH-UBND", date=dt.date(2026, 2, 1), status="issued", assigned=[5, 6])
    assert found("khen thuong", date_from=dt.date(2026, 1, 1)) == [3, 2]
    assert found("khen thuong", date_to=dt.date(2026, 1, 1)) == [2, 1]
    assert found("khen thuong", doc_types=["QĐ"]) == [2, 1]
    assert found("khen thuong", filters={"status": "issued"}) == [3, 1]
    assert found("khen thuong", filters={"assigned": 6}) == [3]
    assert found("khen thuong", kinds=["other.kind"]) == []
    assert found("khen thuong", access=Access.for_agencies(AGENCY_A, AGENCY_B), agency_ids=[AGENCY_B]) == []


def test_reindexing_an_object_replaces_its_entry():
    put(1, "Dự thảo lần một", date=dt.date(2026, 1, 1))
    put(1, "Bản chính thức", date=dt.date(2026, 2, 1))
    assert found("du thao") == [] and found("chinh thuc") == [1]
    search.remove(KIND, [1, 999])
    assert found("chinh thuc") == []


def test_results_as_you_type_match_the_beginning_of_the_last_word():
    put(1, "Quyết định phê duyệt quy hoạch")
    assert found("phe duy", prefix=True) == [1]
    assert found("phe duy") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR(",
        "NEAR(a b, 2)",
        ":",
        "a:b",
        "col:word",
        "'; DROP TABLE core_search_entry; --",
        "a OR b",
        "a AND NOT b",
        "(a",
        "^a",
        "a & b | !c <-> d",
        "%_\\",
        "'''",
        '"""',
    ],
)
def test_engine_syntax_is_only_ever_text(query):
    put(1, "Văn bản bình thường")
    try:
        page = search.search(query, access=A)
    except DomainError as error:
        assert error.code == "search.empty"
    else:
        assert page.hits == []


def test_empty_and_huge_queries_are_refused_with_a_message():
    with pytest.raises(DomainError) as empty:
        search.search("   ", access=A)
    assert empty.value.code == "search.empty" and empty.value.message
    with pytest.raises(DomainError) as huge:
        search.search("a" * 10_000, access=A)
    assert huge.value.code == "search.too_long"
    with pytest.raises(DomainError) as words:
        search.search(" ".join(f"từ{i}" for i in range(40)), access=A)
    assert words.value.code == "search.too_many_words"
    with pytest.raises(DomainError) as bad:
        search.search("từ", access=A, cursor="n.abc")
    assert bad.value.code == "search.bad_cursor"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_any_text_gives_results_or_a_domain_error(text):
    try:
        search.search(text, access=A, order="relevance", prefix=True)
    except DomainError:
        pass


def test_reindex_rebuilds_from_the_providers_and_drops_what_is_gone():
    objects = {1: "Giấy mời họp giao ban", 2: "Giấy mời dự hội nghị"}

    def entries():
        for pk, subject in objects.items():
            yield IndexEntry.build("tests.invitation", pk, AGENCY_A, fields={"subject": subject}, filters={"date": dt.date(2026, 4, 1)})

    search.register_provider("tests.invitation", entries=entries, count=lambda: len(objects))
    try:
        seen = []
        assert search.reindex(["tests.invitation"], progress=lambda kind, done, total: seen.append((done, total))) == {
            "tests.invitation": 2
        }
        assert seen[-1] == (2, 2)
        assert sorted(found("giay moi", kinds=["tests.invitation"])) == [1, 2]
        del objects[2]
        search.reindex(["tests.invitation"])
        assert found("giay moi", kinds=["tests.invitation"]) == [1]
    finally:
        search.unregister_provider("tests.invitation")


def test_a_reindex_in_the_same_millisecond_still_drops_what_is_gone(monkeypatch):
    import time as time_module

    objects = {1: "Giấy mời họp giao ban", 2: "Giấy mời dự hội nghị"}

    def entries():
        for pk, subject in objects.items():
            yield IndexEntry.build("tests.invitation", pk, AGENCY_A, fields={"subject": subject}, filters={"date": dt.date(2026, 4, 1)})

    monkeypatch.setattr(time_module, "time_ns", lambda: 1_780_000_000_000_000_000)  # the clock stands still
    search.register_provider("tests.invitation", entries=entries, count=lambda: len(objects))
    try:
        search.reindex(["tests.invitation"])
        del objects[2]
        search.reindex(["tests.invitation"])
        assert found("giay moi", kinds=["tests.invitation"]) == [1]
    finally:
        search.unregister_provider("tests.invitation")


def test_a_typo_is_corrected_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("trigram typo correction is a PostgreSQL feature (pg_trgm)")
    put(1, "Phê duyệt chủ trương đầu tư")
    page = search.search("chu truongg", access=A)
    assert [h.object_id for h in page.hits] == [1] and page.corrected_query == "chu truong"


def test_the_reindex_command_shows_progress_and_the_query_command_finds():
    from io import StringIO

    from django.core.management import call_command

    def entries():
        yield IndexEntry.build(
            "tests.command", 1, AGENCY_A, fields={"subject": "Tờ trình xin chủ trương"}, filters={"date": dt.date(2026, 5, 1)}
        )

    search.register_provider("tests.command", entries=entries, count=lambda: 1)
    try:
        out = StringIO()
        call_command("search", "reindex", "--kind", "tests.command", stdout=out)
        assert "[" + "#" * 30 + "] 1/1" in out.getvalue() and "Reindexed 1 entries" in out.getvalue()
        out = StringIO()
        call_command("search", "query", "to trinh", "--kind", "tests.command", stdout=out)
        assert "tests.command:1" in out.getvalue() and "<mark>Tờ</mark>" in out.getvalue()
    finally:
        search.unregister_provider("tests.command")


def test_relevance_ranks_a_phrase_within_the_window_subject_first_then_newest():
    put(1, "Ủy ban nhân dân tỉnh họp phiên thường kỳ", date=dt.date(2025, 1, 5))
    put(2, "Thông báo lịch họp", body="gửi ủy ban nhân dân các xã", date=dt.date(2026, 2, 1))
    put(3, "Ủy ban nhân dân huyện họp phiên thường kỳ", date=dt.date(2025, 6, 5))
    put(4, "Ủy ban về việc nhân dân", date=dt.date(2026, 3, 1))  # the words, not the phrase
    assert found('"uy ban nhan dan"', order="relevance") == [3, 1, 2]
    assert found('"uy ban nhan dan"', order="newest") == [2, 3, 1]


@pytest.mark.parametrize("walk", [True, False])
def test_both_ways_to_the_newest_candidates_rank_the_same_window_on_postgresql(walk, monkeypatch, settings):
    """PostgreSQL finds the newest `rank_candidates` matches either by walking the key or through
    the GIN index, whichever reads fewer rows (ADR 0022): the window and the ranking are the same."""
    if connection.vendor != "postgresql":
        pytest.skip("the choice between the two plans is PostgreSQL's")
    from chinhquyen.core.search.postgres import PostgresEngine

    chosen = []

    def choose(self, cursor, query, constraints):
        chosen.append(walk)
        return walk

    monkeypatch.setattr(PostgresEngine, "_walk_is_cheaper", choose)
    settings.SEARCH_RANK_CANDIDATES = 4
    for day in range(1, 9):  # eight matches; the window is the newest four (days 5–8)
        put(day, "Báo cáo về thiên tai", body="thiên tai, thiên tai" if day in (2, 6) else "", date=dt.date(2026, 3, day))
    put(20, "Giấy mời họp", date=dt.date(2026, 3, 20))
    # 6 ranks first in the window; 2, as relevant, is older than the window; the rest newest first.
    assert found("thien tai", order="relevance") == [6, 8, 7, 5] and chosen


def test_the_walk_is_chosen_for_a_word_in_most_entries_and_the_index_for_a_rare_one_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the choice between the two plans is PostgreSQL's")
    for i in range(1, 401):
        put(i, "Báo cáo tình hình" + (" sạt lở" if i % 100 == 0 else ""), date=dt.date(2025, 1, 1) + dt.timedelta(days=i))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_search_entry")
        eng = search.engine()
        constraints = search.base.Constraints(access=A)
        assert eng._walk_is_cheaper(cursor, search.query.parse_query("bao cao"), constraints)
        assert not eng._walk_is_cheaper(cursor, search.query.parse_query("sat lo"), constraints)
