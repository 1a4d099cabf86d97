"""Rate limit of the public tracking call and page (per client address; settings.DOSSIER_TRACKING_RATE)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PublicTrackingThrottle(SimpleRateThrottle):
    scope = "dossier_tracking"

    def get_rate(self) -> str:
        return settings.DOSSIER_TRACKING_RATE  # type: ignore[no-any-return]

    def get_cache_key(self, request, view):  # type: ignore[no-untyped-def]
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
