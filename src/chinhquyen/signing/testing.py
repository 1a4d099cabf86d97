"""Test and benchmark helpers: a local RFC 3161 timestamp authority, Vietnamese sample PDFs.

`LocalTimestampAuthority` is our own TSA (STYLE.md: no network, outside services replaced by local
implementations): an HTTP server on 127.0.0.1 answering `application/timestamp-query` with
tokens signed by the DEMO TSA certificate (pyHanko's `DummyTimeStamper` does the RFC 3161 part).
"""

from __future__ import annotations

import asyncio
import http.server
import threading
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from chinhquyen.signing.pki import Issued


def _asn1(cert: Any) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@dataclass
class LocalTimestampAuthority:
    """A `TimestampAuthority` on 127.0.0.1 (start() → url; stop())."""

    tsa: Issued
    requests: int = 0
    _server: Any = field(default=None, repr=False)

    def start(self) -> str:
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key = asn1_keys.PrivateKeyInfo.load(
            self.tsa.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        stamper = DummyTimeStamper(
            tsa_cert=_asn1(self.tsa.cert), tsa_key=key, certs_to_embed=SimpleCertificateStore.from_certs([_asn1(c) for c in self.tsa.chain])
        )
        authority = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                request = tsp.TimeStampReq.load(self.rfile.read(length))
                response = asyncio.run(stamper.async_request_tsa_response(request))
                body = response.dump()
                authority.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def sample_decision_html(*, pages: int = 1, signer_name: str = "Bùi Đức Thịnh") -> str:
    """An A4 decision laid out as Decree 30 Phụ lục I draws it, in Vietnamese, `pages` long."""
    body = "".join(
        f"<p>Điều {i}. Giao Sở Nội vụ chủ trì, phối hợp với các sở, ngành, Ủy ban nhân dân các xã, phường triển khai "
        f"thực hiện kế hoạch chuyển đổi số năm 2026; định kỳ hằng quý báo cáo kết quả về Ủy ban nhân dân tỉnh. "
        f"Kinh phí thực hiện từ nguồn ngân sách nhà nước và các nguồn hợp pháp khác theo quy định.</p>"
        for i in range(1, 9 if pages == 1 else 7 * pages)
    )
    return f"""<html><head><style>
@page {{ size: A4; margin: 20mm 20mm 20mm 30mm }}
body {{ font-family: 'Noto Serif'; font-size: 13pt }}
td {{ vertical-align: top; text-align: center; width: 50% }}
</style></head><body>
<table style="width:100%"><tr>
<td>ỦY BAN NHÂN DÂN<br><b>TỈNH PHÚ THỌ</b><br>&nbsp;<br>Số:</td>
<td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br>&nbsp;</td></tr></table>
<h3 style="text-align:center">QUYẾT ĐỊNH<br>Về việc phê duyệt kế hoạch chuyển đổi số năm 2026</h3>
{body}
<table style="width:100%;page-break-inside:avoid"><tr><td></td><td><b>CHỦ TỊCH</b><br><br><br><br><br><b>{signer_name}</b></td></tr></table>
</body></html>"""


def sample_pdf(*, pages: int = 1, signer_name: str = "Bùi Đức Thịnh") -> bytes:
    """The sample decision rendered by WeasyPrint (Noto Serif: Vietnamese glyphs)."""
    import weasyprint

    return weasyprint.HTML(string=sample_decision_html(pages=pages, signer_name=signer_name)).write_pdf()  # type: ignore[no-any-return]
