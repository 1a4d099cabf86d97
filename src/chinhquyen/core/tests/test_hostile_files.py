"""The hostile-file corpus (issue 16, "Bounded parsing"; ADR 0039): every reader of outside files
ends each cycle, bomb and truncation in a coded error within 5 seconds."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from chinhquyen.core import limits
from chinhquyen.core.errors import DomainError
from chinhquyen.core.limits import LimitError, time_limit
from chinhquyen.core.ocr import ExtractionError, extract_text, read_header
from chinhquyen.core.tests import hostile

MB = 1024 * 1024

ZIPS = {
    "bzip2 bomb (1 GB declared)": ("bomb-bzip2-1g.zip", "file.zip_too_large"),
    "bzip2 bomb declaring 1 KB": ("bomb-bzip2-lying-size.zip", "file.zip_unreadable"),
    "lzma bomb (1 GB)": ("bomb-lzma-1g.zip", "file.zip_too_large"),
    "deflate bomb (256 MB)": ("bomb-deflate-256m.zip", "file.zip_too_large"),
    "deflate bomb declaring 1 KB": ("bomb-deflate-lying-size.zip", "file.zip_unreadable"),
}


@pytest.mark.parametrize("name", sorted(ZIPS))
def test_each_zip_bomb_is_refused_with_its_code_within_five_seconds(name):
    stored, code = ZIPS[name]
    with pytest.raises(LimitError) as refused, time_limit(5):
        limits.check_zip_bounded(hostile.stored(stored), name="bomb.zip")
    assert refused.value.code == code
    assert isinstance(refused.value, DomainError) and refused.value.message


def test_a_bomb_declared_within_the_limit_is_refused_by_its_ratio():
    data = hostile.stored("bomb-bzip2-1g.zip")
    with pytest.raises(LimitError) as refused, time_limit(5):
        limits.check_zip_bounded(data, limits=limits.ZipLimits(max_bytes=2 << 30, max_ratio=100))
    assert refused.value.code == "file.zip_ratio"


def test_the_ratio_is_also_checked_while_streaming_when_the_directory_lies():
    data = hostile.stored("bomb-bzip2-lying-size.zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    member = archive.infolist()[0]
    member.file_size = 2 << 30  # as if the directory claimed 2 GB: the ratio still stops it
    with pytest.raises(LimitError) as refused, time_limit(5):
        for _chunk in limits.iter_zip_member_bounded(archive, member, limits=limits.ZipLimits(max_bytes=4 << 30)):
            pass
    assert refused.value.code == "file.zip_ratio"


def test_a_truncated_zip_is_unreadable():
    with pytest.raises(LimitError) as refused, time_limit(5):
        limits.check_zip_bounded(hostile.zip_truncated())
    assert refused.value.code == "file.zip_unreadable"


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_each_compression_method_reads_back_what_was_written(method):
    content = b"".join(b"dong %d cua van ban\n" % i for i in range(300_000))  # 6 MB, every step boundary crossed
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        archive.writestr("a.txt", content)
    archive = limits.open_zip(buffer.getvalue())
    assert limits.read_zip_member_bounded(archive, archive.infolist()[0]) == content


def test_an_altered_member_fails_its_crc():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("a.txt", b"noi dung goc")
    data = buffer.getvalue().replace(b"noi dung goc", b"noi dung sua")
    with pytest.raises(LimitError) as refused:
        limits.check_zip_bounded(data)
    assert refused.value.code == "file.zip_unreadable"


# --- Images --------------------------------------------------------------------------------

IMAGES = {
    "a 900-megapixel PNG": (lambda: hostile.stored("bomb-png-900mp.png"), "file.image_too_large"),
    "a header claiming 10 gigapixels": (hostile.png_header_only, "file.image_too_large"),
    # Cut inside its header: a PNG cut in its pixel data loads grey-filled once WeasyPrint is
    # imported (it sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process), still within the limit.
    "a truncated PNG": (lambda: _png()[:20], "file.image_unreadable"),
    "not an image": (lambda: b"GIF89a" + b"\0" * 20, "file.image_unreadable"),
}


def _png(size: tuple[int, int] = (200, 100)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_each_hostile_image_is_refused_with_its_code_within_five_seconds(name):
    make, code = IMAGES[name]
    with pytest.raises(LimitError) as refused, time_limit(5):
        limits.open_image_bounded(make())
    assert refused.value.code == code


def test_a_real_image_opens_and_pillows_own_limit_is_left_as_it_was():
    before = Image.MAX_IMAGE_PIXELS
    assert limits.open_image_bounded(_png()).size == (200, 100)
    assert Image.MAX_IMAGE_PIXELS == before


# --- XML -----------------------------------------------------------------------------------


def test_an_element_with_a_million_attributes_is_refused_before_a_tree_is_built():
    with pytest.raises(LimitError) as refused, time_limit(5):
        limits.parse_xml_bounded(hostile.many_attributes())
    assert refused.value.code == "file.xml_too_many_attributes"


def test_a_wide_encoding_does_not_hide_the_attributes():
    data = ('<?xml version="1.0" encoding="UTF-16"?>' + hostile.many_attributes(1000).decode()).encode("utf-16")
    with pytest.raises(LimitError) as refused:
        limits.check_xml_markup(data)
    assert refused.value.code == "file.xml_too_many_attributes"


def test_a_long_text_node_and_deep_nesting_are_refused():
    with pytest.raises(LimitError) as long_text:
        limits.parse_xml_bounded(b"<a>" + b"x" * (2 * MB) + b"</a>")
    assert long_text.value.code == "file.xml_text_too_large"
    with pytest.raises(LimitError) as deep:
        limits.parse_xml_bounded(b"<a>" * 150 + b"</a>" * 150)
    assert deep.value.code == "file.xml_too_deep"


def test_entities_are_not_expanded():
    root = limits.parse_xml_bounded(b'<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>')
    assert "boom" not in (root.text or "")


# --- PDF -----------------------------------------------------------------------------------

PDFS = {
    "a page tree whose /Parent points back into itself": hostile.pdf_parent_cycle,
    "a page that is its own parent": hostile.pdf_self_parent,
    "a /Pages node among its own kids": hostile.pdf_kids_cycle,
    "a page tree 5000 levels deep": hostile.pdf_deep_tree,
    "a truncated PDF": hostile.pdf_truncated,
}


@pytest.mark.parametrize("name", sorted(PDFS))
def test_each_hostile_pdf_is_refused_by_the_bounded_page_count(name):
    with pytest.raises(LimitError) as refused, time_limit(5):
        limits.pdf_page_count_bounded(PDFS[name]())
    assert refused.value.code == "file.pdf_malformed"


def test_the_valid_pdf_of_the_corpus_has_one_page():
    assert limits.pdf_page_count_bounded(hostile.pdf_valid()) == 1


# --- Text extraction and paper intake (core.ocr) -------------------------------------------

EXTRACTED = {
    **{f"pdf: {name}": (make, "x.pdf") for name, make in PDFS.items()},
    "image: a 900-megapixel PNG": (lambda: hostile.stored("bomb-png-900mp.png"), "scan.png"),
    "image: a header claiming 10 gigapixels": (hostile.png_header_only, "scan.png"),
    "docx: a document that unpacks to a gigabyte": (lambda: _docx_bomb(), "x.docx"),
}


def _docx_bomb() -> bytes:
    entries = [("word/document.xml", *_bomb_member())]
    return hostile.zip_members(entries)


def _bomb_member() -> tuple[bytes, int, int, int]:
    data = hostile.stored("bomb-bzip2-1g.zip")
    member = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    start = 30 + len(member.filename) + 20
    return data[start : start + member.compress_size], member.CRC, member.file_size, zipfile.ZIP_BZIP2


@pytest.mark.parametrize("name", sorted(EXTRACTED))
def test_text_extraction_ends_each_hostile_file_in_a_coded_error_within_five_seconds(name):
    make, filename = EXTRACTED[name]
    with pytest.raises(ExtractionError) as refused, time_limit(5):
        extract_text(make(), filename=filename)
    assert refused.value.code.startswith("extract.")


@pytest.mark.parametrize("name", sorted(n for n in EXTRACTED if not n.startswith("docx")))
def test_the_header_reader_ends_each_hostile_file_in_a_coded_error_within_five_seconds(name):
    make, filename = EXTRACTED[name]
    with pytest.raises(ExtractionError) as refused, time_limit(5):
        read_header(make(), filename=filename)
    assert refused.value.code.startswith("extract.")


# --- The time limit ------------------------------------------------------------------------


def test_the_time_limit_stops_a_loop_that_never_ends():
    with pytest.raises(limits.ParseTimeout) as stopped, time_limit(0.2):
        while True:
            pass
    assert stopped.value.code == "file.timeout"


def test_the_time_limit_restores_an_enclosing_one():
    with pytest.raises(limits.ParseTimeout), time_limit(0.5):
        with time_limit(5):
            pass
        while True:
            pass
