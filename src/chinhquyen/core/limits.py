"""Bounded parsing of outside files: the one place for the limits every reader obeys (ADR 0039).

A file from outside (an upload, an edXML attachment, a spreadsheet to import, a PDF to sign) may be
built to never end (a page tree whose `/Parent` points back into itself) or to never fit (a zip or
image that unpacks to gigabytes, an XML element with a million attributes). Each helper here reads
one kind of file with visited sets, depth, size and ratio limits, and refuses with a `LimitError`:
a `DomainError` with a stable code (`file.*`) and a Vietnamese message, never another exception,
so that each caller can answer with it or translate it into its own codes (the edXML codec does).

- `read_zip_member_bounded` / `check_zip_bounded`: zip members are decompressed here, not by
  `zipfile` (whose bzip2 and LZMA readers inflate a whole compressed chunk at once: 4 KB of a bzip2
  bomb is hundreds of MB): the declared size is checked first, then the actual size and the
  compression ratio as the bytes come out, a megabyte at a time, for stored, deflate, bzip2 and LZMA.
- `open_image_bounded`: Pillow with a pixel limit checked from the header before any pixel is
  decoded (`DecompressionBombError` and every decoder error become `file.image_*`).
- `xml_parser` / `check_xml_markup` / `check_xml_tree`: lxml without entities, network or DTDs,
  `huge_tree=False` by default; the markup counted before libxml2 builds a tree (elements,
  attributes per element and in all: a start tag with a million attributes costs 460 MB once
  parsed, so it must be refused from the bytes), depth and text-node size checked after.
- `pdf_pages_bounded` / `pdf_inherited`: a PDF page tree walked with a visited set and a depth
  limit, and inherited attributes looked up along `/Parent` with the same guards.
- `time_limit(seconds)`: a SIGALRM deadline around a parse in the worker (main thread only).
"""

from __future__ import annotations

import bz2
import contextlib
import io
import lzma
import re
import signal
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.errors import DomainError

#: Bytes of output asked of a decompressor per call: the most one step can allocate.
OUTPUT_STEP = 1 << 20
#: Compressed bytes read per step.
INPUT_STEP = 1 << 16


class LimitError(DomainError):
    """An outside file refused because reading it would not end or not fit; `code` is `file.*`."""

    status = 422


# --- Settings ------------------------------------------------------------------------------


def max_compression_ratio() -> int:
    return int(getattr(settings, "FILE_MAX_COMPRESSION_RATIO", 100))


def max_image_pixels() -> int:
    return int(getattr(settings, "FILE_MAX_IMAGE_PIXELS", 50_000_000))


def parse_seconds() -> float:
    return float(getattr(settings, "FILE_PARSE_SECONDS", 60))


# --- Time ----------------------------------------------------------------------------------


class ParseTimeout(LimitError):
    def __init__(self, seconds: float) -> None:
        super().__init__("file.timeout", _("Reading the file took longer than %(s)s seconds; it was stopped.") % {"s": seconds})


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise `ParseTimeout` in the block after `seconds` (FILE_PARSE_SECONDS by default).

    A SIGALRM timer, so only in the main thread (the exchange and task workers run their loop
    there); elsewhere the block runs unbounded in time, still bounded in size by the readers here.
    A C call that is already running finishes before the alarm is seen: every reader here works in
    steps of at most OUTPUT_STEP bytes, so that wait is short. An enclosing limit is restored after."""
    seconds = parse_seconds() if seconds is None else seconds
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expired(signum: int, frame: object) -> None:
        raise ParseTimeout(seconds)

    previous_handler = signal.signal(signal.SIGALRM, _expired)
    started = time.monotonic()
    previous_delay, _interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    if previous_delay and previous_delay < seconds:  # an enclosing limit ends first: keep it
        signal.setitimer(signal.ITIMER_REAL, previous_delay)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            signal.setitimer(signal.ITIMER_REAL, max(previous_delay - (time.monotonic() - started), 0.001))


# --- ZIP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    """What one zip may hold. `max_ratio`: unpacked / packed bytes, checked beyond `ratio_floor`
    (a file of a few megabytes, a blank scan or a log, may compress far better than any large one)."""

    max_bytes: int = 200 * 1024 * 1024
    max_members: int = 1000
    max_ratio: int = 100
    ratio_floor: int = 10 << 20

    @classmethod
    def default(cls, **changes: Any) -> ZipLimits:
        return cls(**{"max_ratio": max_compression_ratio(), **changes})


def _zip_error(code: str, message: Any, name: str) -> LimitError:
    return LimitError(code, message, fields={"file": [name[:120]]} if name else None)


def _unreadable(name: str, detail: str = "") -> LimitError:
    return _zip_error("file.zip_unreadable", _("The archive %(name)s cannot be read (damaged or truncated).") % {"name": name[:80]}, name)


def _too_large(name: str, limits: ZipLimits) -> LimitError:
    return _zip_error(
        "file.zip_too_large",
        _("The archive %(name)s unpacks to more than %(max)s MB.") % {"name": name[:80], "max": round(limits.max_bytes / 1048576, 1)},
        name,
    )


def _ratio(name: str, limits: ZipLimits) -> LimitError:
    return _zip_error(
        "file.zip_ratio",
        _("The archive %(name)s is compressed more than %(ratio)s times: refused as a zip bomb.")
        % {"name": name[:80], "ratio": limits.max_ratio},
        name,
    )


def open_zip(data: bytes | IO[bytes], *, name: str = "", limits: ZipLimits | None = None) -> zipfile.ZipFile:
    """The archive, its directory read and checked: member count, encryption, declared sizes."""
    limits = limits or ZipLimits.default()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError, OSError, struct.error):
        raise _unreadable(name) from None
    if len(members) > limits.max_members:
        raise _zip_error(
            "file.zip_too_many_members",
            _("The archive %(name)s holds more than %(max)s files.") % {"name": name[:80], "max": limits.max_members},
            name,
        )
    declared = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise _zip_error("file.zip_encrypted", _("The archive %(name)s is encrypted.") % {"name": name[:80]}, name)
        if member.compress_type not in _DECOMPRESSORS:
            raise _zip_error(
                "file.zip_unsupported",
                _("The archive %(name)s uses a compression method that is not accepted.") % {"name": name[:80]},
                name,
            )
        declared += member.file_size
        if declared > limits.max_bytes:
            raise _too_large(name, limits)
        if member.file_size > max(limits.ratio_floor, limits.max_ratio * max(member.compress_size, 1)):
            raise _ratio(name, limits)
    return archive


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    def decompress(self, data: bytes, max_length: int) -> bytes: ...

    @property
    def needs_input(self) -> bool: ...


class _Stored:
    def __init__(self) -> None:
        self.eof = False
        self._pending = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        data = self._pending + data
        self._pending = data[max_length:]
        return data[:max_length]

    @property
    def needs_input(self) -> bool:
        return not self._pending


class _Inflate:
    def __init__(self) -> None:
        self._z = zlib.decompressobj(-15)
        self._tail = b""
        self._full = False

    @property
    def eof(self) -> bool:
        return bool(self._z.eof)

    def decompress(self, data: bytes, max_length: int) -> bytes:
        out = self._z.decompress(self._tail + data, max_length)
        self._tail = self._z.unconsumed_tail
        self._full = len(out) >= max_length
        return out

    @property
    def needs_input(self) -> bool:
        return not self._tail and not self._full


class _LzmaZip:
    """LZMA as zip stores it (APPNOTE 5.8.8): 2 version bytes, a 2-byte properties size, the
    properties, then a raw LZMA1 stream."""

    def __init__(self) -> None:
        self._header = b""
        self._d: lzma.LZMADecompressor | None = None

    @property
    def eof(self) -> bool:
        return self._d is not None and self._d.eof

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._d is None:
            self._header += data
            if len(self._header) < 4:
                return b""
            (size,) = struct.unpack("<H", self._header[2:4])
            if len(self._header) < 4 + size:
                return b""
            filters = [lzma._decode_filter_properties(lzma.FILTER_LZMA1, self._header[4 : 4 + size])]  # type: ignore[attr-defined]
            self._d = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters)
            data, self._header = self._header[4 + size :], b""
        return self._d.decompress(data, max_length)

    @property
    def needs_input(self) -> bool:
        return self._d is None or self._d.needs_input


_DECOMPRESSORS: dict[int, Callable[[], _Decompressor]] = {
    zipfile.ZIP_STORED: _Stored,
    zipfile.ZIP_DEFLATED: _Inflate,
    zipfile.ZIP_BZIP2: bz2.BZ2Decompressor,  # type: ignore[dict-item]
    zipfile.ZIP_LZMA: _LzmaZip,
}


def iter_zip_member_bounded(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, name: str = "", limits: ZipLimits | None = None, budget: int | None = None
) -> Iterator[bytes]:
    """The member's bytes, at most OUTPUT_STEP at a time, refused as soon as they pass the member's
    declared size, `budget` (what is left of the archive's or message's allowance), or the ratio.
    The CRC is checked at the end (a truncated or altered member is `file.zip_unreadable`)."""
    limits = limits or ZipLimits.default()
    name = name or member.filename
    budget = limits.max_bytes if budget is None else budget
    if member.file_size > budget:
        raise _too_large(name, limits)
    allowed_by_ratio = max(limits.ratio_floor, limits.max_ratio * max(member.compress_size, 1))
    try:
        raw = _raw_stream(archive, member)
        decompressor = _DECOMPRESSORS[member.compress_type]()
    except KeyError:
        raise _zip_error(
            "file.zip_unsupported", _("The archive %(name)s uses a compression method that is not accepted.") % {"name": name[:80]}, name
        ) from None
    total = 0
    crc = 0
    remaining = member.compress_size
    try:
        while not decompressor.eof:
            chunk = b""
            if decompressor.needs_input:
                if remaining <= 0:
                    if member.compress_type == zipfile.ZIP_STORED:
                        break
                    raise _unreadable(name)
                chunk = raw.read(min(INPUT_STEP, remaining))
                if not chunk:
                    raise _unreadable(name)
                remaining -= len(chunk)
            out = decompressor.decompress(chunk, OUTPUT_STEP)
            if not out:
                continue
            total += len(out)
            if total > budget:
                raise _too_large(name, limits)
            if total > member.file_size:
                # The directory lied about the size: a bomb hiding behind a small number.
                raise _ratio(name, limits) if total > allowed_by_ratio else _unreadable(name)
            if total > allowed_by_ratio:
                raise _ratio(name, limits)
            crc = zlib.crc32(out, crc)
            yield out
    except LimitError:
        raise
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError, struct.error, zipfile.BadZipFile):
        raise _unreadable(name) from None
    if total != member.file_size or crc != member.CRC:
        raise _unreadable(name)


def read_zip_member_bounded(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, name: str = "", limits: ZipLimits | None = None, budget: int | None = None
) -> bytes:
    """`iter_zip_member_bounded`, joined into one bytes object (at most the declared size)."""
    out = io.BytesIO()
    for chunk in iter_zip_member_bounded(archive, member, name=name, limits=limits, budget=budget):
        out.write(chunk)
    return out.getvalue()


def _raw_stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> IO[bytes]:
    """The member's compressed bytes, from just after its local header."""
    fp = archive.fp
    if fp is None:
        raise ValueError("archive closed")
    fp.seek(member.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    fields = _LOCAL_HEADER.unpack(header)
    fp.seek(fields[10] + fields[11], io.SEEK_CUR)  # file name length, extra field length
    return fp  # type: ignore[return-value]


#: A zip local file header (APPNOTE 4.3.7): 30 bytes, the name and extra-field lengths last.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def check_zip_bounded(data: bytes | IO[bytes], *, name: str = "", limits: ZipLimits | None = None) -> zipfile.ZipFile:
    """Refuse a zip (an XLSX, a DOCX, an attachment) that would not fit: directory checked, then
    every member decompressed and counted (nothing kept). Returns the open archive. Use before
    handing the file to a library that unzips on its own (openpyxl, python-docx)."""
    limits = limits or ZipLimits.default()
    archive = open_zip(data, name=name, limits=limits)
    budget = limits.max_bytes
    for member in archive.infolist():
        if member.is_dir():
            continue
        for chunk in iter_zip_member_bounded(archive, member, name=name, limits=limits, budget=budget):
            budget -= len(chunk)
    return archive


# --- Images --------------------------------------------------------------------------------


def open_image_bounded(data: bytes, *, name: str = "", max_pixels: int | None = None, max_frames: int = 1000, load: bool = True) -> Any:
    """A Pillow image whose width × height is within the pixel limit (FILE_MAX_IMAGE_PIXELS).

    The size is read from the header and checked before any pixel is decoded; a decoder that still
    meets a bomb (`DecompressionBombError`) or a broken file is `file.image_too_large` /
    `file.image_unreadable`. The first frame is decoded unless `load=False` (an upload check that
    only needs to know the file is an image of an acceptable size); `n_frames` tells how many
    frames (TIFF pages) there are, each read with `image_frame_bounded`."""
    from PIL import Image, UnidentifiedImageError

    limit = max_image_pixels() if max_pixels is None else max_pixels
    label = name[:80] or _("the image")
    too_large = LimitError(
        "file.image_too_large",
        _("The image %(name)s has more than %(max)s million pixels.") % {"name": label, "max": round(limit / 1e6)},
    )
    previous = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = limit  # Pillow warns past it and refuses past twice; refused at once below
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > limit or image.width <= 0 or image.height <= 0:
            raise too_large
        frames = int(getattr(image, "n_frames", 1))
        if frames > max_frames:
            raise LimitError(
                "file.image_too_many_frames", _("The image %(name)s has more than %(max)s pages.") % {"name": label, "max": max_frames}
            )
        if load:
            image.load()
    except LimitError:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, EOFError, SyntaxError, struct.error, MemoryError, zlib.error):
        raise LimitError("file.image_unreadable", _("The image %(name)s is damaged or not an image.") % {"name": label}) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    return image


def image_frame_bounded(image: Any, index: int, *, max_pixels: int | None = None) -> Any:
    """Frame `index` of a multi-page image (TIFF) as its own image, each frame held to the limit."""
    from PIL import Image

    limit = max_image_pixels() if max_pixels is None else max_pixels
    try:
        image.seek(index)
        if image.width * image.height > limit:
            raise LimitError("file.image_too_large", _("The image has more than %(max)s million pixels.") % {"max": round(limit / 1e6)})
        return image.copy()
    except LimitError:
        raise
    except Image.DecompressionBombError:
        raise LimitError(
            "file.image_too_large", _("The image has more than %(max)s million pixels.") % {"max": round(limit / 1e6)}
        ) from None
    except (OSError, EOFError, ValueError, SyntaxError, struct.error, zlib.error):
        raise LimitError("file.image_unreadable", _("The image is damaged or not an image.")) from None


# --- XML -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class XmlLimits:
    """What one XML document may hold. `huge_text_tags`: elements whose text may pass
    `max_text_bytes` (edXML's base64 attachments); the parser then runs with `huge_tree`."""

    max_elements: int = 100_000
    max_attributes: int = 64
    max_total_attributes: int = 100_000
    max_depth: int = 100
    max_text_bytes: int = 1 << 20
    huge_text_tags: frozenset[str] = frozenset()


def xml_parser(*, huge_tree: bool = False) -> Any:
    """lxml without entity expansion, network, DTD loading, comments or PIs; `huge_tree` off unless
    a caller with its own checks needs text nodes over libxml2's 10 MB."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge_tree,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _as_utf8(data: bytes) -> bytes:
    """The bytes to scan: an ASCII-compatible document as it is, UTF-16/32 re-encoded (so that a
    bomb cannot hide from the byte scan in a wide encoding)."""
    head = data[:4]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return data if encoding == "utf-8" else data[len(bom) :].decode(encoding, errors="replace").encode()
    if b"\x00" in head:
        for encoding in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
            try:
                return data.decode(encoding).encode()
            except UnicodeDecodeError:
                continue
    return data


_ATTR = rb"""\s+[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*')"""
_ATTR_VALUE = re.compile(rb"""=\s*["']""")


def check_xml_markup(data: bytes, limits: XmlLimits | None = None) -> None:
    """Refuse from the bytes, before any tree is built, a document with too many elements or
    attributes (one element, or all of them). Markup inside comments and CDATA counts too: the
    limits are far above what real documents have, so that errs only on the hostile side."""
    limits = limits or XmlLimits()
    text = _as_utf8(data)
    if text.count(b"<") > 2 * limits.max_elements:
        raise LimitError("file.xml_too_many_elements", _("The XML document has more than %(max)s elements.") % {"max": limits.max_elements})
    too_many = re.compile(rb"<[^\s/>!?]+(?:%s){%d}" % (_ATTR, limits.max_attributes + 1))
    if too_many.search(text):
        raise LimitError(
            "file.xml_too_many_attributes", _("An XML element has more than %(max)s attributes.") % {"max": limits.max_attributes}
        )
    count = 0
    for _match in _ATTR_VALUE.finditer(text):
        count += 1
        if count > limits.max_total_attributes:
            raise LimitError(
                "file.xml_too_many_attributes",
                _("The XML document has more than %(max)s attributes.") % {"max": limits.max_total_attributes},
            )


def check_xml_tree(root: Any, limits: XmlLimits | None = None) -> None:
    """Refuse a parsed tree that is too deep or has a text node over `max_text_bytes` (outside
    `huge_text_tags`). Walks the tree once, without recursion."""
    limits = limits or XmlLimits()
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.max_depth:
            raise LimitError(
                "file.xml_too_deep", _("The XML document is nested more than %(max)s levels deep.") % {"max": limits.max_depth}
            )
        if not isinstance(node.tag, str):
            continue
        if node.tag not in limits.huge_text_tags and node.text is not None and len(node.text) > limits.max_text_bytes:
            raise LimitError(
                "file.xml_text_too_large",
                _("An XML element holds more than %(max)s KB of text.") % {"max": limits.max_text_bytes // 1024},
                fields={"element": [str(node.tag)[-80:]]},
            )
        if node.tail is not None and len(node.tail) > limits.max_text_bytes:
            raise LimitError(
                "file.xml_text_too_large", _("An XML element holds more than %(max)s KB of text.") % {"max": limits.max_text_bytes // 1024}
            )
        stack.extend((child, depth + 1) for child in node)


def parse_xml_bounded(data: bytes, limits: XmlLimits | None = None) -> Any:
    """Markup checked, parsed with `xml_parser`, tree checked. Raises `LimitError` (limits) or
    lxml's `XMLSyntaxError` (not well-formed) for the caller to word."""
    from lxml import etree

    limits = limits or XmlLimits()
    check_xml_markup(data, limits)
    root = etree.fromstring(data, parser=xml_parser(huge_tree=bool(limits.huge_text_tags)))
    check_xml_tree(root, limits)
    return root


# --- PDF -----------------------------------------------------------------------------------

#: Page-tree levels followed: real trees are 2–4 deep (balanced trees of 10–20 kids per node).
PDF_MAX_DEPTH = 64
PDF_MAX_PAGES = 10_000


def _pdf_malformed(detail: str) -> LimitError:
    return LimitError("file.pdf_malformed", _("The PDF's page tree is damaged (%(detail)s).") % {"detail": detail})


def _ident(ref: Any) -> tuple[Any, ...]:
    """An indirect reference by its object number; a direct object by identity."""
    idnum = getattr(ref, "idnum", None)
    if isinstance(idnum, int):
        return ("ref", idnum, getattr(ref, "generation", 0))
    return ("obj", id(ref))


def pdf_pages_bounded(pages_root: Any, *, max_depth: int = PDF_MAX_DEPTH, max_pages: int = PDF_MAX_PAGES) -> list[Any]:
    """The page references under `/Pages` (a pyHanko or pypdf indirect reference or dictionary),
    in order, walked with a visited set and a depth limit, without recursion. A node met twice (a
    `/Kids` cycle, or a page listed twice), a tree deeper than `max_depth`, or more than `max_pages`
    pages is `file.pdf_malformed` / `file.pdf_too_many_pages`. Also checks that each page's
    `/Parent` chain ends (`pdf_inherited`)."""
    out: list[Any] = []
    visited: set[Any] = set()
    stack: list[tuple[Any, int]] = [(pages_root, 0)]
    while stack:
        ref, depth = stack.pop()
        if depth > max_depth:
            raise _pdf_malformed("too deep")
        key = _ident(ref)
        if key in visited:
            raise _pdf_malformed("a node is reached twice")
        visited.add(key)
        node: Any = ref.get_object() if hasattr(ref, "get_object") else ref
        if not hasattr(node, "get"):
            raise _pdf_malformed("a node is not a dictionary")
        kind = node.get("/Type")
        kids: Any = node.get("/Kids")
        if kind == "/Pages" or (kind is None and kids is not None):
            kids = kids.get_object() if hasattr(kids, "get_object") else kids
            if kids is None:
                continue
            if not isinstance(kids, list):
                raise _pdf_malformed("/Kids is not an array")
            stack.extend((kid, depth + 1) for kid in reversed(kids))
        else:
            out.append(ref)
            if len(out) > max_pages:
                raise LimitError("file.pdf_too_many_pages", _("The PDF has more than %(max)s pages.") % {"max": max_pages})
            pdf_inherited(node, None, max_depth=max_depth)  # the /Parent chain must end
    return out


def pdf_inherited(node: Any, key: str | None, default: Any = None, *, max_depth: int = PDF_MAX_DEPTH) -> Any:
    """`key` of a page or the nearest ancestor that has it (ISO 32000-1 §7.7.3.4), following
    `/Parent` with a visited set: a cycle or a chain longer than `max_depth` is `file.pdf_malformed`.
    `key=None` only checks that the chain ends."""
    seen: set[tuple[Any, ...]] = {_ident(node)}
    current = node.get_object() if hasattr(node, "get_object") else node
    for _level in range(max_depth + 1):
        if key is not None and key in current:
            return current[key]
        parent = current.get("/Parent")
        if parent is None:
            return default
        ident = _ident(parent)
        if ident in seen or ("obj", id(parent.get_object() if hasattr(parent, "get_object") else parent)) in seen:
            raise _pdf_malformed("/Parent points back into the tree")
        seen.add(ident)
        current = parent.get_object() if hasattr(parent, "get_object") else parent
        seen.add(("obj", id(current)))
        if not hasattr(current, "get"):
            return default
    raise _pdf_malformed("/Parent chain too long")


def pdf_page_count_bounded(data: bytes, *, max_depth: int = PDF_MAX_DEPTH, max_pages: int = PDF_MAX_PAGES) -> int:
    """The pages of a PDF (pypdf), counted by `pdf_pages_bounded`, not from the `/Count` it claims.
    A file pypdf cannot open, or whose tree loops, is `file.pdf_malformed`."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise LimitError("file.pdf_encrypted", _("The PDF is protected by a password."))
        root: Any = reader.trailer["/Root"]
        pages = root.get_object()["/Pages"]
        return len(pdf_pages_bounded(pages, max_depth=max_depth, max_pages=max_pages))
    except LimitError:
        raise
    except Exception:  # pypdf raises many kinds on a broken file
        raise _pdf_malformed("unreadable") from None
