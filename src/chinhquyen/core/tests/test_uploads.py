"""The one upload policy (`core.uploads`, ADR 0036): parsing bounded, the scanner hook (a clamd of
ours always, the real ClamAV daemon where it is installed), downloads sandboxed, the intake table."""

from __future__ import annotations

import ast
import io
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from chinhquyen.core import uploads
from chinhquyen.core.errors import DomainError
from chinhquyen.core.testing_uploads import (
    EICAR,
    clamd_answers,
    eicar_pdf,
    hostile_corpus,
    image_bomb_png,
    real_docx,
    real_jpeg,
    real_pdf,
    real_png,
    real_xlsx,
    zip_bomb_docx,
)

SRC = Path(uploads.__file__).resolve().parents[1]


def _code(upload, intake=uploads.PORTAL) -> str:
    with pytest.raises(DomainError) as refused:
        uploads.check_upload(upload, intake=intake)
    return refused.value.code


@pytest.mark.parametrize(
    ("name", "content", "intake"),
    [
        ("a.pdf", real_pdf(3), uploads.PORTAL),
        ("a.png", real_png(), uploads.PORTAL),
        ("a.jpg", real_jpeg(), uploads.PORTAL),
        ("a.docx", real_docx(), uploads.PORTAL),
        ("a.xlsx", real_xlsx(), uploads.DOCUMENT_FILE),
        ("a.json", b'{"year": 2026}', uploads.IMPORT_WORKDAYS),
        ("a.csv", "mã,tên\n1,Sở Nội vụ\n".encode(), uploads.IMPORT_AGENCIES),
    ],
)
def test_honest_files_pass_and_say_what_they_are(name, content, intake, settings):
    checked = uploads.check_upload((name, content), intake=intake)
    assert checked.content == content and checked.name == name and len(checked.sha256) == 64
    assert checked.content_type in intake
    if name.endswith(".pdf"):
        assert checked.pages == 3


@pytest.mark.parametrize(("label", "name", "content", "code"), hostile_corpus(), ids=[c[0] for c in hostile_corpus()])
def test_each_hostile_file_ends_in_its_code_within_five_seconds(label, name, content, code, settings):
    settings.UPLOAD_VIRUS_SCANNER = "chinhquyen.core.tests.test_uploads.eicar_hook"
    started = time.monotonic()
    assert _code((name, content)) == code, label
    assert time.monotonic() - started < 5  # a guard against a loop, not a benchmark


def eicar_hook(content: bytes, name: str) -> str | None:
    return "Eicar-Test-Signature" if EICAR in content else None


def test_a_page_tree_whose_kids_point_back_up_is_unreadable_not_endless():
    body = (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Pages/Parent 2 0 R/Kids[2 0 R]/Count 1>>endobj\n"
    )
    xref = len(body)
    offsets = [body.index(f"{i} 0 obj".encode()) for i in (1, 2, 3)]
    table = b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf = body + table + b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref
    started = time.monotonic()
    assert _code(("cycle.pdf", pdf)) == "upload.unreadable"
    assert time.monotonic() - started < 5


def test_a_zip_bomb_named_docx_is_refused_from_its_headers():
    assert _code(("du-thao.docx", zip_bomb_docx())) == "upload.too_large"


def test_an_image_bomb_is_refused_before_it_is_decoded(settings):
    assert _code(("anh.png", image_bomb_png())) == "upload.too_large"
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10
    assert _code(("anh.png", real_png(4, 4))) == "upload.too_large"


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1000

    class Huge(io.BytesIO):
        name = "lon.pdf"
        size = 10**12

        def read(self, *args):  # pragma: no cover - must not be called
            raise AssertionError("read")

    assert _code(Huge()) == "upload.too_large"
    assert _code(("lon.pdf", real_pdf() + b"%" + b"0" * 2000)) == "upload.too_large"


def test_a_name_keeps_no_path_and_no_quote():
    checked = uploads.check_upload(('..\\..\\etc/"bad".pdf', real_pdf()), intake=uploads.PORTAL)
    assert checked.name == "bad.pdf"


def test_the_quota_counts_what_is_kept_plus_what_comes():
    uploads.check_quota(used=60, adding=40, limit=100)
    with pytest.raises(DomainError) as refused:
        uploads.check_quota(used=61, adding=40, limit=100)
    assert refused.value.code == "upload.quota" and refused.value.message


# --- the scanner --------------------------------------------------------------------------------------
def test_clamd_of_ours_finds_eicar_and_passes_a_clean_file(local_scanner):
    assert clamd_answers(local_scanner)
    assert _code(("x.pdf", eicar_pdf())) == "upload.infected"
    assert uploads.check_upload(("x.pdf", real_pdf()), intake=uploads.PORTAL).pages == 1


def test_a_scanner_configured_but_down_refuses_the_file(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    assert _code(("x.pdf", real_pdf())) == "upload.scan_failed"
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = "127.0.0.1", 9, 2
    assert _code(("x.pdf", real_pdf())) == "upload.scan_failed"


def test_the_generic_hook_is_used_without_clamd(settings):
    settings.UPLOAD_VIRUS_SCANNER = "chinhquyen.core.tests.test_uploads.eicar_hook"
    assert _code(("x.pdf", eicar_pdf())) == "upload.infected"


@pytest.fixture
def real_clamd():
    """ClamAV's own daemon, with a database of one signature of ours (the EICAR string anywhere in a file)."""
    binary = shutil.which("clamd")
    if binary is None:
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    folder = Path(tempfile.mkdtemp(prefix="cq-clamav-", dir="/tmp"))
    (folder / "db").mkdir()
    (folder / "db" / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    socket_path = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {folder / 'db'}\nForeground yes\nUser root\n"
        f"PidFile {folder / 'clamd.pid'}\nStreamMaxLength 100M\n"
    )
    process = subprocess.Popen([binary, "-c", str(folder / "clamd.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not clamd_answers(str(socket_path)):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.skip("clamd did not start here")
            time.sleep(0.2)
        yield str(socket_path)
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_real_clamav_daemon_finds_eicar_through_the_clamd_package(real_clamd, settings):
    settings.CLAMD_SOCKET = real_clamd
    assert _code(("x.pdf", eicar_pdf())) == "upload.infected"
    assert uploads.check_upload(("x.pdf", real_pdf()), intake=uploads.PORTAL).pages == 1


# --- serving ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content_type", "inline", "disposition"),
    [
        ("application/pdf", True, "inline"),
        ("text/html", True, "attachment"),
        ("image/svg+xml", True, "attachment"),
        ("application/pdf", False, "attachment"),
    ],
)
def test_files_are_served_as_downloads_or_sandboxed_pdfs(content_type, inline, disposition):
    response = uploads.file_response(b"x", filename="tệp “1”.pdf", content_type=content_type, inline=inline)
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


# --- one place ---------------------------------------------------------------------------------------
def test_no_view_checks_or_stores_an_upload_itself():
    """Views hand files to services (ADR 0036): no view calls the policy, saves a file field, or writes to storage."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if not (path.name.startswith("views") or path.name.endswith("_views.py") or path.parent.name == "api"):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                owner = ast.unparse(node.func.value)
                if name == "check_upload" or (name == "save" and ("storage" in owner or owner.endswith("file"))):
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {owner}.{name}")
    assert offenders == []


def test_every_intake_names_kinds_and_a_documented_limit(settings):
    docs = (SRC.parents[1] / "docs" / "configuration.md").read_text()
    for intake in uploads.INTAKES:
        assert intake.kinds and intake.max_bytes > 0, intake.name
        assert f"`{intake.limit_setting}`" in docs, intake.limit_setting
