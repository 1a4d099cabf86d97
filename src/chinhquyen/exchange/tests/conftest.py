from __future__ import annotations

from dataclasses import dataclass

import pytest

from chinhquyen.exchange import registry
from chinhquyen.exchange.testing import RecordingHandler, in_process_hub_transport
from chinhquyen.exchange.transports.hub import HubTransport
from chinhquyen.hub import services as hub_services


@dataclass
class Peers:
    a: HubTransport
    b: HubTransport
    code_a: str
    code_b: str
    handler: RecordingHandler


@pytest.fixture
def handler():
    registry.unregister_handlers()
    recorder = RecordingHandler()
    registry.register_inbound_handler(recorder)
    registry.register_status_handler(recorder.on_status)
    yield recorder
    registry.unregister_handlers()


@pytest.fixture
def peers(cast, handler, settings) -> Peers:
    """Agencies A and B of the cast, each behind its own connector of the embedded hub."""
    settings.EXCHANGE_RETRY_BASE_SECONDS = 1
    conn_a = hub_services.create_connector(name="dep-a", secret="secret-a-0123456789")
    conn_b = hub_services.create_connector(name="dep-b", secret="secret-b-0123456789")
    hub_services.upsert_agencies(
        agencies=[
            hub_services.AgencyInput(cast.agency_a.code, cast.agency_a.name, connector=conn_a.name),
            hub_services.AgencyInput(cast.agency_b.code, cast.agency_b.name, connector=conn_b.name),
        ]
    )
    return Peers(
        a=in_process_hub_transport(connector="dep-a", secret="secret-a-0123456789"),
        b=in_process_hub_transport(connector="dep-b", secret="secret-b-0123456789"),
        code_a=cast.agency_a.code,
        code_b=cast.agency_b.code,
        handler=handler,
    )
