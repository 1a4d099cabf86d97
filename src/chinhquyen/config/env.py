"""Reading settings from environment variables.

Every variable the project reads goes through one of these helpers with its default, and is
listed once in docs/configuration.md (a test checks that the two agree).
"""

from __future__ import annotations

import os

#: Every variable read through this module, name → default (as text), for the docs check.
DECLARED: dict[str, str] = {}


def env_str(name: str, default: str) -> str:
    DECLARED[name] = default
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    DECLARED[name] = "true" if default else "false"
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    DECLARED[name] = str(default)
    raw = os.environ.get(name)
    return int(raw) if raw else default


def env_list(name: str, default: list[str]) -> list[str]:
    DECLARED[name] = ",".join(default)
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
