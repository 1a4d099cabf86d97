"""Which transports exist, by name (`EXCHANGE_TRANSPORT` picks the one the worker uses)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from chinhquyen.exchange.transports.base import Transport, TransportNotConfigured

_FACTORIES: dict[str, Callable[[], Transport]] = {}


def register_transport(name: str, factory: Callable[[], Transport]) -> None:
    _FACTORIES[name] = factory


def transport_names() -> list[str]:
    _load_builtin()
    return sorted(_FACTORIES)


def get_transport(name: str | None = None) -> Transport:
    _load_builtin()
    name = name or settings.EXCHANGE_TRANSPORT
    factory = _FACTORIES.get(name)
    if factory is None:
        raise TransportNotConfigured(f"Unknown transport {name!r}; known: {', '.join(sorted(_FACTORIES))}.")
    return factory()


def _load_builtin() -> None:
    if _FACTORIES:
        return
    from chinhquyen.exchange.transports.hub import HubTransport
    from chinhquyen.exchange.transports.lgsp import LgspTransport
    from chinhquyen.exchange.transports.national_axis import NationalAxisTransport

    register_transport(HubTransport.name, HubTransport.from_settings)
    register_transport(NationalAxisTransport.name, NationalAxisTransport.from_settings)
    register_transport(LgspTransport.name, LgspTransport)
