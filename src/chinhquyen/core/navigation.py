"""The officials' main navigation, filled by each app in its `AppConfig.ready()`.

    from chinhquyen.core.navigation import NavItem, register
    register(NavItem(label=_("Incoming documents"), url_name="documents:incoming", roles={"clerk", "leader"}, order=20))

An item shows to an official holding any of its `roles` in an agency (empty = every official);
`staff_only` items show to Django-admin staff only. The base layout renders them in `order`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    staff_only: bool = False

    def __init__(
        self, *, label: str | Promise, url_name: str, roles: Iterable[str] = (), order: int = 100, staff_only: bool = False
    ) -> None:
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "url_name", url_name)
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "staff_only", staff_only)


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    """Add (or replace, by URL name) one item."""
    _ITEMS[item.url_name] = item


def items_for(*, roles: set[str], is_staff: bool, is_superuser: bool = False) -> list[NavItem]:
    visible = []
    for item in _ITEMS.values():
        if item.staff_only and not is_staff:
            continue
        if item.roles and not (item.roles & roles) and not is_superuser:
            continue
        visible.append(item)
    return sorted(visible, key=lambda i: (i.order, str(i.label)))


_HEADER_SLOTS: list[str] = []


def register_header_slot(template_name: str) -> None:
    """Add a template rendered in the header of every page for signed-in users (e.g. the search box)."""
    if template_name not in _HEADER_SLOTS:
        _HEADER_SLOTS.append(template_name)


def header_slots() -> list[str]:
    return list(_HEADER_SLOTS)
