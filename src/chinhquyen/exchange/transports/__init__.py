"""Transport adapters behind one interface (`base.Transport`) and their registry."""

from chinhquyen.exchange.transports.base import (
    AgencyEntry,
    Outgoing,
    Received,
    SendResult,
    SentRecord,
    Transport,
    TransportError,
    TransportNotConfigured,
)
from chinhquyen.exchange.transports.registry import get_transport, register_transport, transport_names

__all__ = [
    "AgencyEntry",
    "Outgoing",
    "Received",
    "SendResult",
    "SentRecord",
    "Transport",
    "TransportError",
    "TransportNotConfigured",
    "get_transport",
    "register_transport",
    "transport_names",
]
