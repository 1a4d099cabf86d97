"""Hostile files made here (ADR 0039): cycles, bombs, truncations. Small on disk, huge or endless
to a reader without limits. Built with the standard library only, so that what each one is can be
read below; the large ones are cached per process."""

from __future__ import annotations

import bz2
import io
import struct
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path

MB = 1024 * 1024

# --- PDF -----------------------------------------------------------------------------------


def pdf(objects: dict[int, bytes], *, root: int = 1) -> bytes:
    """A PDF with these numbered objects and a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        if number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref))
    return out.getvalue()


_CONTENT = b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 712 Td (Hello) Tj ET     \nendstream"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_valid() -> bytes:
    return pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
            3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            4: _CONTENT,
            5: _FONT,
        }
    )


def pdf_parent_cycle() -> bytes:
    """The page tree's root names the page as its `/Parent`: no node has a MediaBox, so the walk up
    for an inherited attribute goes page → Pages → page → … for ever."""
    return pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
            3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            4: _CONTENT,
            5: _FONT,
        }
    )


def pdf_self_parent() -> bytes:
    """A page that is its own parent."""
    return pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>",
            4: _CONTENT,
        }
    )


def pdf_kids_cycle() -> bytes:
    """A `/Pages` node that lists itself among its kids."""
    return pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
            3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            4: _CONTENT,
        }
    )


def pdf_deep_tree(levels: int = 5000) -> bytes:
    """A chain of `levels` `/Pages` nodes with one page at the bottom (recursion past Python's limit)."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(levels):
        number = 2 + level
        parent = b" /Parent %d 0 R" % (number - 1) if level else b" /MediaBox [0 0 595 842]"
        objects[number] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (number + 1, parent)
    page = 2 + levels
    objects[page] = b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>" % (page - 1, page + 1)
    objects[page + 1] = _CONTENT
    return pdf(objects)


def pdf_truncated() -> bytes:
    data = pdf_valid()
    return data[: len(data) // 2]


# --- Images --------------------------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@lru_cache(maxsize=4)
def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A real 1-bit greyscale PNG of width × height white pixels: a few hundred KB that Pillow
    would decode into width × height bytes (900 MB for the default)."""
    row = b"\0" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row * 256) for _ in range(height // 256)]
    parts.append(compressor.compress(row * (height % 256)))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", b"".join(parts)) + _png_chunk(b"IEND", b"")


def png_header_only(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header claims 10 gigapixels and whose data stops short."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 1000))


# --- ZIP -----------------------------------------------------------------------------------


def _zip_with(name: str, data_chunks: int, compression: int, *, chunk: bytes = b"\0" * MB) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive, archive.open(name, "w", force_zip64=True) as member:
        for _ in range(data_chunks):
            member.write(chunk)
    return buffer.getvalue()


@lru_cache(maxsize=8)
def zip_bomb(compression: int = zipfile.ZIP_DEFLATED, megabytes: int = 1024, name: str = "bomb.pdf") -> bytes:
    """One member of `megabytes` MB of zeros, honestly declared, compressed with `compression`."""
    if compression == zipfile.ZIP_BZIP2:
        return _bzip2_zip(megabytes, name)
    return _zip_with(name, megabytes, compression)


def _bzip2_zip(megabytes: int, name: str) -> bytes:
    """A bzip2 member written directly (compressing a gigabyte of zeros through zipfile takes seconds;
    bz2.compress of 64 MB repeated is the same stream shape, built from one block pattern)."""
    compressor = bz2.BZ2Compressor(9)
    zeros = b"\0" * MB
    body = b"".join(compressor.compress(zeros) for _ in range(megabytes)) + compressor.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return _single_member_zip(name, body, crc=crc, size=megabytes * MB, method=zipfile.ZIP_BZIP2)


def _single_member_zip(name: str, body: bytes, *, crc: int, size: int, method: int) -> bytes:
    return zip_members([(name, body, crc, size, method)])


def zip_members(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written by hand from (name, compressed body, CRC, declared size, method), with zip64
    sizes, so that the declared size can be anything."""
    records, directory = b"", b""
    for name, body, crc, size, method in entries:
        encoded = name.encode()
        version = 46 if method == zipfile.ZIP_BZIP2 else 63 if method == zipfile.ZIP_LZMA else 45
        extra = struct.pack("<HHQQ", 1, 16, size, len(body))
        local = struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", version, 0, method, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(encoded), len(extra)
        )
        central_extra = struct.pack("<HHQQQ", 1, 24, size, len(body), len(records))
        central = struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            version,
            version,
            0,
            method,
            0,
            0x21,
            crc,
            0xFFFFFFFF,
            0xFFFFFFFF,
            len(encoded),
            len(central_extra),
            0,
            0,
            0,
            0,
            0xFFFFFFFF,
        )
        records += local + encoded + extra + body
        directory += central + encoded + central_extra
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(records), 0)
    return records + directory + end


def zip_lying_size(compression: int = zipfile.ZIP_DEFLATED, megabytes: int = 512) -> bytes:
    """A bomb whose directory claims 1 KB: the declared size must not be trusted."""
    zeros = b"\0" * MB
    if compression == zipfile.ZIP_BZIP2:
        compressor = bz2.BZ2Compressor(9)
        body = b"".join(compressor.compress(zeros) for _ in range(megabytes)) + compressor.flush()
    else:
        compressor_z = zlib.compressobj(9, zlib.DEFLATED, -15)
        body = b"".join(compressor_z.compress(zeros) for _ in range(megabytes)) + compressor_z.flush()
    return _single_member_zip("bomb.pdf", body, crc=0, size=1024, method=compression)


def zip_truncated() -> bytes:
    data = zip_bomb(zipfile.ZIP_DEFLATED, 4)
    return data[: len(data) // 2]


@lru_cache(maxsize=2)
def xlsx_bomb() -> bytes:
    """An .xlsx whose worksheet unpacks to a gigabyte (openpyxl would read it all)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b"<worksheet><sheetData>")
            spaces = b" " * MB
            for _ in range(1024):
                member.write(spaces)
            member.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@lru_cache(maxsize=2)
def xlsx_bzip2_lying() -> bytes:
    """A real workbook (openpyxl's own) whose first sheet is replaced by a bzip2 bomb that
    declares 1 KB: zipfile inflates a whole 4 KB read of bzip2 at once (about a gigabyte here)."""
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["code", "name"])
    workbook.save(buffer)
    entries = []
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                bomb = zipfile.ZipFile(io.BytesIO(stored("bomb-bzip2-lying-size.zip")))
                member = bomb.infolist()[0]
                raw = stored("bomb-bzip2-lying-size.zip")[
                    30 + len(member.filename) + 20 : 30 + len(member.filename) + 20 + member.compress_size
                ]
                entries.append((info.filename, raw, 0, 1024, zipfile.ZIP_BZIP2))
            else:
                entries.append((info.filename, data, zlib.crc32(data), len(data), zipfile.ZIP_STORED))
    return zip_members(entries)


# --- XML -----------------------------------------------------------------------------------


def many_attributes(count: int = 1_000_000) -> bytes:
    """One start tag with `count` attributes."""
    return b"<a " + b" ".join(b'a%d="1"' % i for i in range(count)) + b"/>"


# --- Stored bombs --------------------------------------------------------------------------

#: Bombs that take seconds to compress are kept here, built by `build_stored()` from the
#: functions above (`python -m chinhquyen.core.tests.hostile` rewrites them).
STORED = Path(__file__).with_name("hostile_files")
STORED_BUILDERS = {
    "bomb-bzip2-1g.zip": lambda: zip_bomb(zipfile.ZIP_BZIP2, 1024),
    "bomb-lzma-1g.zip": lambda: zip_bomb(zipfile.ZIP_LZMA, 1024),
    "bomb-deflate-256m.zip": lambda: zip_bomb(zipfile.ZIP_DEFLATED, 256),
    "bomb-bzip2-lying-size.zip": lambda: zip_lying_size(zipfile.ZIP_BZIP2, 1024),
    "bomb-deflate-lying-size.zip": lambda: zip_lying_size(zipfile.ZIP_DEFLATED, 256),
    "bomb-sheet-1g.xlsx": xlsx_bomb,
    "bomb-png-900mp.png": png_bomb,
}


def stored(name: str) -> bytes:
    return (STORED / name).read_bytes()


def build_stored() -> None:
    STORED.mkdir(exist_ok=True)
    for name, build in STORED_BUILDERS.items():
        (STORED / name).write_bytes(build())


if __name__ == "__main__":
    build_stored()
