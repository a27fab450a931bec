"""Template tags of the library pages' navigation."""

from __future__ import annotations

from django import template

from library.models import FieldConflict

register = template.Library()


@register.simple_tag
def open_conflict_count() -> int:
    """How many conflicts wait for the user (one query, shown in the library navigation)."""
    return FieldConflict.objects.open().count()
