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
    request = context.get("request")
    flat = context.flatten()
    return mark_safe("".join(render_to_string(name, flat, request=request) for name in registered()))
