"""Template filters for the downloads pages."""

from __future__ import annotations

from django import template

from soulspot.lib.durations import seconds_text as _seconds_text

register = template.Library()


@register.filter
def seconds_text(value: float | None) -> str:
    """42 -> "42 s", 125 -> "2 min 5 s"; "" for None."""
    return "" if value is None else _seconds_text(value)
