"""Quality keys ("mp3_v0") in the words the quality ladder uses ("MP3 V0")."""

from __future__ import annotations

from django import template

from library.quality import QUALITIES

register = template.Library()


@register.filter
def quality_label(key: str | None) -> str:
    """The ladder's label for a quality key; an unknown key as it is, none as empty."""
    return QUALITIES.get(key or "", key or "")
