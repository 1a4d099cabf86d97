"""Hostile edXML (issue 16, finding 10; ADR 0039): packages built to never end or never fit are
refused with their code within 5 seconds, and `chinhquyen edxml parse` stays within a 256 MB
memory budget on each of them (measured in a child process)."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chinhquyen.core.limits import time_limit
from chinhquyen.core.tests import hostile
from chinhquyen.exchange import edxml
from chinhquyen.exchange.tests.test_malformed import VALID, _replace, _with_attachment_payload

MB = 1024 * 1024
#: The settings' defaults: what a receiving worker uses.
DEFAULTS = edxml.Limits()


def _big_subject(size: int) -> bytes:
    return _replace("<edXML:Subject>Về việc thử nghiệm</edXML:Subject>", "<edXML:Subject>" + "a" * size + "</edXML:Subject>")


def _million_attributes() -> bytes:
    attributes = " ".join(f'a{i}="1"' for i in range(1_000_000))
    return _replace("<edXML:Subject>", f"<edXML:Subject {attributes}>")


def _many_elements() -> bytes:
    return _replace("<edXML:Subject>Về việc thử nghiệm", "<edXML:Subject>Về việc thử nghiệm" + "<a/>" * (5 * MB))


def _unreferenced_attachment() -> bytes:
    extra = (
        "<Attachment><ContentId>cid:9</ContentId><AttachmentName>x.exe</AttachmentName>"
        "<ContentTransferEncoded>TVo=</ContentTransferEncoded></Attachment></AttachmentEncoded>"
    )
    return _replace("</AttachmentEncoded>", extra)


#: name → (builder, code). Each builder makes a message of at most a few MB.
HOSTILE = {
    "bzip2 zip bomb (1 GB declared)": (
        lambda: _with_attachment_payload(hostile.stored("bomb-bzip2-1g.zip")),
        "edxml.decompressed_too_large",
    ),
    "bzip2 zip bomb declaring 1 KB": (lambda: _with_attachment_payload(hostile.stored("bomb-bzip2-lying-size.zip")), "edxml.bad_zip"),
    "lzma zip bomb (1 GB)": (lambda: _with_attachment_payload(hostile.stored("bomb-lzma-1g.zip")), "edxml.decompressed_too_large"),
    "deflate zip bomb (256 MB)": (
        lambda: _with_attachment_payload(hostile.stored("bomb-deflate-256m.zip")),
        "edxml.decompressed_too_large",
    ),
    "deflate zip bomb declaring 1 KB": (lambda: _with_attachment_payload(hostile.stored("bomb-deflate-lying-size.zip")), "edxml.bad_zip"),
    "one element with a million attributes": (_million_attributes, "edxml.too_many_attributes"),
    "five million empty elements": (_many_elements, "edxml.too_many_elements"),
    "a 20 MB text node": (lambda: _big_subject(20 * MB), "edxml.text_too_large"),
    "a 5 MB text node (under libxml2's own limit)": (lambda: _big_subject(5 * MB), "edxml.text_too_large"),
    "an attachment no reference names": (_unreferenced_attachment, "edxml.attachment_unreferenced"),
    "a truncated zip": (lambda: _with_attachment_payload(hostile.zip_truncated()), "edxml.bad_zip"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_package_is_refused_with_its_code_within_five_seconds(name):
    make, code = HOSTILE[name]
    data = make()
    started = time.monotonic()
    with pytest.raises(edxml.CodecError) as refused, time_limit(5):
        edxml.parse(data, limits=DEFAULTS)
    assert refused.value.code == code, refused.value.message
    assert refused.value.code in edxml.CODES
    assert refused.value.message
    assert time.monotonic() - started < 5


def test_a_large_honest_attachment_still_reads():
    data = random.Random(16).randbytes(12 * MB)  # 12 MB that do not compress: over libxml2's 10 MB text node
    package = edxml.build_package(edxml.Package(**{**_base_fields(), "attachments": (edxml.Attachment("cid:1", "scan.pdf", data),)}))
    parsed = edxml.parse(package, limits=DEFAULTS).message
    assert parsed.attachments[0].data == data


def _base_fields() -> dict:
    package = edxml.parse(VALID).message
    return {
        name: getattr(package, name) for name in ("sender", "recipients", "code_number", "code_notation", "promulgation_date", "subject")
    }


# --- The worker's memory budget ------------------------------------------------------------

#: One child process parses each file in turn with `chinhquyen edxml parse`, and reports the peak
#: resident size of each (VmHWM, reset before each file through /proc/self/clear_refs; Linux).
#: It sets an address-space limit on itself, so that an unbounded parse fails there instead of
#: taking the machine.
_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from chinhquyen.manage import main
sys.stderr = sys.stdout  # each refusal before its PEAK line

def peak():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024

for path in sys.argv[1:]:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    sys.argv = ["chinhquyen", "edxml", "parse", path]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = str(exc.code)
    except Exception as exc:
        code = repr(exc)[:300]
    sys.stdout.write("\\nPEAK " + json.dumps({"path": path, "peak_mb": peak(), "exit": code}) + "\\n")
"""

BUDGET_MB = 256


@pytest.fixture(scope="module")
def peaks(tmp_path_factory) -> dict[str, dict]:
    """name → {"peak_mb", "out"} for every hostile package, and "valid" for the baseline."""
    folder = tmp_path_factory.mktemp("edxml")
    paths = {"valid": folder / "valid.edxml"}
    paths["valid"].write_bytes(VALID)
    for index, (name, (make, _code)) in enumerate(sorted(HOSTILE.items())):
        paths[name] = folder / f"{index}.edxml"
        paths[name].write_bytes(make())
    env = {**os.environ, "TESTING": "1", "DJANGO_SETTINGS_MODULE": "chinhquyen.config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *map(str, paths.values())], capture_output=True, text=True, timeout=300, env=env, check=False
    )
    by_path = {str(path): name for name, path in paths.items()}
    results: dict[str, dict] = {}
    chunks = done.stdout.split("\nPEAK ")
    for before, chunk in itertools.pairwise(chunks):
        line, _sep, _rest = chunk.partition("\n")
        report = json.loads(line)
        name = by_path[report["path"]]
        results[name] = {"peak_mb": report["peak_mb"], "out": before[-2000:] + str(report["exit"]), "size": paths[name].stat().st_size}
    assert "valid" in results, done.stdout[-2000:] + done.stderr[-2000:]
    return results


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="peak memory read from /proc (Linux)")
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_edxml_parse_refuses_each_hostile_package_within_the_memory_budget(name, peaks):
    _make, code = HOSTILE[name]
    result, baseline = peaks[name], peaks["valid"]["peak_mb"]
    assert code in result["out"], result["out"]
    used = result["peak_mb"] - baseline
    print(f"{name}: peak {result['peak_mb']} MB, start-up {baseline} MB, message {result['size'] // MB} MB")
    assert used < BUDGET_MB, f"{name}: {used} MB over the start-up"


# --- The worker's time limit ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_receiving_worker_refuses_a_message_whose_parse_outlasts_the_time_limit(settings):
    from chinhquyen.exchange import inbound
    from chinhquyen.exchange.models import InboxState
    from chinhquyen.exchange.transports.base import Received

    settings.FILE_PARSE_SECONDS = 0.000_001  # any parse outlasts it: the alarm fires inside the codec
    item = Received(remote_id="r-1", message_type="edoc", sender_code="000.00.01.H99", recipient_code="000.00.02.H99")
    outcome = inbound.record(transport="test", item=item, data=VALID)
    assert outcome.inbox.state == InboxState.INVALID
    assert outcome.inbox.error_code == "edxml.timeout"


@pytest.mark.django_db
def test_the_receiving_worker_records_a_bomb_as_invalid_with_its_code():
    from chinhquyen.exchange import inbound
    from chinhquyen.exchange.models import InboxState
    from chinhquyen.exchange.transports.base import Received

    item = Received(remote_id="r-2", message_type="edoc", sender_code="000.00.01.H99", recipient_code="000.00.02.H99")
    data = _with_attachment_payload(hostile.stored("bomb-bzip2-1g.zip"))
    with time_limit(5):
        outcome = inbound.record(transport="test", item=item, data=data)
    assert outcome.inbox.state == InboxState.INVALID
    assert outcome.inbox.error_code == "edxml.decompressed_too_large"
