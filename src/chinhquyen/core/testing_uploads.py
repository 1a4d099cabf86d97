"""A corpus of hostile uploads, made here (no file from elsewhere), for every intake path's tests.

Each entry is `(label, file name, content, the refusal code the upload policy gives)`. The good
files (`real_pdf`, `real_png`, `real_docx`, `real_xlsx`) are made with the libraries the project
already uses, so they are what an honest user sends.
"""

from __future__ import annotations

import io
import socket
import socketserver
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The EICAR anti-virus test string (not a virus; every scanner reports it).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def real_pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def real_png(width: int = 4, height: int = 4) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def real_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def _office(parts: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def real_docx() -> bytes:
    return _office({"[Content_Types].xml": _TYPES, "word/document.xml": b"<w:document/>"})


def real_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["a", "b"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>fetch('/api/v1/auth/token/')</script></body></html>"


def pdf_then_html() -> bytes:
    """Passes a first-bytes check: `%PDF-` then a page a browser would run."""
    return b"%PDF-1.7\n" + html_page() + b"\n%%EOF\n"


def windows_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode.\r\n"


def polyglot_pdf_html() -> bytes:
    """A PDF that opens (its objects and xref are intact) and carries a page of HTML in its first kilobyte."""
    pdf = real_pdf()
    header, rest = pdf.split(b"\n", 1)
    return header + b"\n%<html><script>alert(document.cookie)</script></html>\n" + rest


def zip_bomb_docx(unzipped_mb: int = 40) -> bytes:
    """A DOCX whose one member expands a thousandfold (deflate of zeros)."""
    return _office(
        {"[Content_Types].xml": _TYPES, "word/document.xml": b"<w:document/>", "word/media/bomb.bin": b"\x00" * (unzipped_mb * 1024 * 1024)}
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def image_bomb_png(side: int = 60_000) -> bytes:
    """A PNG of side × side pixels (3.6 billion for the default) in a few hundred bytes."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    body = zlib.compress(row * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def eicar_pdf() -> bytes:
    """A PDF that opens, with the EICAR test string in a comment after its end (what a scanner must catch)."""
    return real_pdf() + b"%" + EICAR + b"\n"


def oversized_pdf(size: int) -> bytes:
    pdf = real_pdf()
    return pdf + b"%" + b"0" * max(0, size - len(pdf)) + b"\n"


#: label, file name, content, code. `oversized` is made by the test at its own limit.
def hostile_corpus() -> list[tuple[str, str, bytes, str]]:
    return [
        ("html named .pdf", "giay-to.pdf", html_page(), "upload.content_mismatch"),
        ("%PDF- then HTML", "giay-to.pdf", pdf_then_html(), "upload.content_mismatch"),
        ("exe renamed .pdf", "giay-to.pdf", windows_exe(), "upload.content_mismatch"),
        ("exe", "setup.exe", windows_exe(), "upload.type_not_allowed"),
        ("polyglot pdf+html", "giay-to.pdf", polyglot_pdf_html(), "upload.content_mismatch"),
        ("truncated pdf", "giay-to.pdf", real_pdf()[:200], "upload.unreadable"),
        ("image bomb", "anh.png", image_bomb_png(), "upload.too_large"),
        ("eicar in a pdf", "giay-to.pdf", eicar_pdf(), "upload.infected"),
    ]


def files_under(root: Path) -> list[Path]:
    """Every file stored under `root` (MEDIA_ROOT in a test)."""
    return [p for p in Path(root).rglob("*") if p.is_file()]


# --- a local clamd ------------------------------------------------------------------------------
class _InstreamHandler(socketserver.StreamRequestHandler):
    """Speaks clamd's protocol (PING, VERSION, INSTREAM with 4-byte big-endian chunk lengths) and
    reports the EICAR string wherever it occurs in the stream, as ClamAV does."""

    def handle(self) -> None:
        command = self.rfile.readline(64).strip().lstrip(b"nz").rstrip(b"\x00")
        if command == b"PING":
            self.wfile.write(b"PONG\n")
            return
        if command == b"VERSION":
            self.wfile.write(b"ClamAV 0.0.0/chinhquyen-test\n")
            return
        if command != b"INSTREAM":
            self.wfile.write(b"UNKNOWN COMMAND\n")
            return
        data = bytearray()
        limit = self.server.stream_max  # type: ignore[attr-defined]
        while True:
            size = struct.unpack("!L", self.rfile.read(4))[0]
            if size == 0:
                break
            data += self.rfile.read(size)
            if len(data) > limit:
                self.wfile.write(b"INSTREAM size limit exceeded. ERROR\n")
                return
        answer = b"stream: Eicar-Test-Signature FOUND\n" if EICAR in data else b"stream: OK\n"
        self.wfile.write(answer)


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@contextmanager
def local_clamd(socket_path: Path, *, stream_max: int = 64 * 1024 * 1024) -> Iterator[str]:
    """A clamd-speaking server on a Unix socket of ours, for as long as the block runs."""
    server = _UnixServer(str(socket_path), _InstreamHandler)
    server.stream_max = stream_max  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield str(socket_path)
    finally:
        server.shutdown()
        server.server_close()


def clamd_answers(socket_path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(socket_path)
            sock.sendall(b"nPING\n")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


# --- fixtures (import them into a test module or conftest) ------------------------------------------
import pytest  # noqa: E402 (test-only module: the fixtures sit after the helpers they use)


@pytest.fixture
def media(settings: object, tmp_path: Path) -> Path:
    """MEDIA_ROOT in a folder of the test's own, so "nothing stored" can be checked on disk."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)  # type: ignore[attr-defined]
    return root


@pytest.fixture
def local_scanner(settings: object) -> Iterator[str]:
    """CLAMD_SOCKET pointed at our clamd-speaking server (a short path: Unix sockets allow ~100 bytes)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cq-clamd-", dir="/tmp"))
    with local_clamd(folder / "clamd.sock") as path:
        settings.CLAMD_SOCKET = path  # type: ignore[attr-defined]
        settings.CLAMD_HOST = ""  # type: ignore[attr-defined]
        yield path
    (folder / "clamd.sock").unlink(missing_ok=True)
    folder.rmdir()


def import_corpus() -> list[tuple[str, str, bytes, str]]:
    """Hostile files for the administrators' imports (JSON, XLSX, CSV)."""
    return [
        ("html named .json", "goi.json", html_page(), "upload.unreadable"),
        ("exe renamed .xlsx", "bang.xlsx", windows_exe(), "upload.content_mismatch"),
        ("exe", "bang.exe", windows_exe(), "upload.type_not_allowed"),
        ("docx renamed .xlsx", "bang.xlsx", real_docx(), "upload.unreadable"),
        (
            "zip bomb named .xlsx",
            "bang.xlsx",
            _office({"[Content_Types].xml": _TYPES, "xl/workbook.xml": b"<workbook/>", "xl/bomb.bin": b"\x00" * (40 * 1024 * 1024)}),
            "upload.too_large",
        ),
        (
            "eicar in a workbook",
            "bang.xlsx",
            _office(
                {"[Content_Types].xml": _TYPES, "xl/workbook.xml": b"<workbook/>", "xl/eicar.txt": EICAR}, compression=zipfile.ZIP_STORED
            ),
            "upload.infected",
        ),
    ]


def expected_code(code: str, name: str, intake: object) -> str:
    """The corpus's code, or `upload.type_not_allowed` where `intake` does not take that kind of file at all."""
    suffix = Path(name).suffix.lower()
    return code if any(suffix in kind.extensions for kind in intake.kinds) else "upload.type_not_allowed"  # type: ignore[attr-defined]
