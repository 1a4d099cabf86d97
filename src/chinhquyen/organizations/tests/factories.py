"""Factories for agencies and officials, built through the services so every rule applies."""

from __future__ import annotations

import datetime as dt
import itertools

from chinhquyen.organizations import services
from chinhquyen.organizations.models import Account, Agency, AgencyKind, AgencyLevel

_counter = itertools.count(10)
PASSWORD = "Mat-khau-that-dai-2026"


def make_agency(
    *,
    code: str | None = None,
    name: str | None = None,
    level: str = AgencyLevel.PROVINCE,
    kind: str = AgencyKind.DEPARTMENT,
    parent: Agency | None = None,
    valid_from: dt.date = dt.date(2015, 1, 1),
    valid_to: dt.date | None = None,
) -> Agency:
    n = next(_counter)
    return services.create_agency(
        code=code or f"000.00.{n % 100:02d}.H{n // 100 % 100:02d}",
        name=name or f"Cơ quan thử {n}",
        level=level,
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def make_official(username: str | None = None, **kwargs: object) -> Account:
    n = next(_counter)
    return services.create_official(username=username or f"canbo{n}", full_name=f"Cán bộ {n}", password=PASSWORD, **kwargs)  # type: ignore[arg-type]
