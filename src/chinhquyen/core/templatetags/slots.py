"""`{% header_slots %}`: the pieces apps add to the header of every official page (the search box)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from chinhquyen.core.navigation import header_slots as registered

register = template.Library()


@register.simple_tag(takes_context=True)
def header_slots(context: Any) -> SafeString:
    # The page's context already holds what the context processors give (request, user, csrf
    # token, navigation): rendering without `request=` does not run them a second time (one
    # role query less on every page).
    flat = context.flatten()
    return mark_safe("".join(render_to_string(name, flat) for name in registered()))
