"""Limits of the public tracking (the portal page, the receipt's page, the API): per client address
(settings.DOSSIER_TRACKING_RATE) and per dossier code (settings.DOSSIER_TRACKING_FAILURES wrong
keys, whatever the address). Counted by `core.ratelimit` in the shared cache (ADR 0035)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from chinhquyen.core import ratelimit

SCOPE = "dossier_tracking"
FAILURES_SCOPE = "dossier_tracking_failures"


class PublicTrackingThrottle(ratelimit.AddressRateThrottle):
    scope = SCOPE
    rate_setting = "DOSSIER_TRACKING_RATE"


def allow_address(request: Any) -> bool:
    """Count one tracking attempt of the request's client address; False once over the rate."""
    return ratelimit.allow(request, SCOPE, settings.DOSSIER_TRACKING_RATE)


def closed(code: str) -> bool:
    """True when `code` has had its wrong keys for this window (known codes and unknown ones alike)."""
    return ratelimit.exceeded(FAILURES_SCOPE, code.strip(), settings.DOSSIER_TRACKING_FAILURES)


def count_failure(code: str) -> None:
    ratelimit.hit(FAILURES_SCOPE, code.strip(), settings.DOSSIER_TRACKING_FAILURES)
