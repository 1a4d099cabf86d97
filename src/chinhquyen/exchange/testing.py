"""Test support: the real hub transport talking to the hub of this same process through Django's
test client (no sockets), and a handler that records what it receives. Used by the tests of
exchange and by the office's tests once it registers its handler."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import requests
import urllib3
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from chinhquyen.exchange import edxml
from chinhquyen.exchange.registry import InboundDocument, InboundStatus
from chinhquyen.exchange.transports.hub import HubTransport


class DjangoClientAdapter(BaseAdapter):
    """A `requests` adapter that hands each request to Django's test client (the full view stack)."""

    def __init__(self) -> None:
        super().__init__()
        from django.test import Client

        self.client = Client()

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        from urllib.parse import urlsplit

        parts = urlsplit(request.url or "")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-length", "content-type"}}
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        answer = self.client.generic(
            request.method or "GET",
            path,
            data=body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        # As `requests` builds it from a socket: the body read from `raw` when asked for.
        response.raw = urllib3.HTTPResponse(
            body=io.BytesIO(answer.content), headers=dict(answer.items()), status=answer.status_code, preload_content=False
        )
        response.headers = CaseInsensitiveDict({k: v for k, v in answer.items()})
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def in_process_hub_transport(*, connector: str, secret: str) -> HubTransport:
    transport = HubTransport(base_url="http://testserver/hub/api/v1/", connector=connector, secret=secret)
    transport.session.mount("http://testserver/", DjangoClientAdapter())
    return transport


class RecordingHandler:
    """Records every package and status handed over; can be told to fail."""

    def __init__(self) -> None:
        self.documents: list[InboundDocument] = []
        self.statuses: list[InboundStatus] = []
        self.fail_with: Exception | None = None

    def __call__(self, document: InboundDocument) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.documents.append(document)

    def on_status(self, status: InboundStatus) -> None:
        self.statuses.append(status)


def sample_package(
    *, sender: str, recipients: list[str], number: str = "12", notation: str = "SNV-VP", day: dt.date | None = None, **changes: Any
) -> edxml.Package:
    values: dict[str, Any] = {
        "sender": edxml.Organ(sender, "Cơ quan gửi"),
        "recipients": tuple(edxml.Organ(code, "Cơ quan nhận") for code in recipients),
        "code_number": number,
        "code_notation": notation,
        "promulgation_date": day or dt.date(2026, 3, 2),
        "subject": f"Về việc thử nghiệm liên thông số {number}",
        "document_type": edxml.DocumentType(1, 0, "Công văn"),
        "attachments": (edxml.Attachment("cid:1", "cong-van.pdf", b"%PDF-1.7 " + number.encode() * 50),),
    }
    values.update(changes)
    return edxml.Package(**values)
