"""SMS providers by name; `contrib/` registers the shipped ones."""

from __future__ import annotations

from django.conf import settings

from chinhquyen.dossiers.notifications.base import SmsError, SmsProvider

_PROVIDERS: dict[str, type[SmsProvider]] = {}


def register(provider: type[SmsProvider]) -> type[SmsProvider]:
    _PROVIDERS[provider.name] = provider
    return provider


def get_provider(name: str | None = None) -> SmsProvider:
    key = name or settings.SMS_PROVIDER
    if key not in _PROVIDERS:
        raise SmsError(f"unknown SMS provider {key!r}; known: {sorted(_PROVIDERS)}")
    return _PROVIDERS[key]()


def provider_names() -> list[str]:
    return sorted(_PROVIDERS)
