"""The one place the dossiers app reads the time, so tests can set it (a live server thread included)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
