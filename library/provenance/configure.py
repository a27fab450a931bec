"""Changing the metadata settings, and bringing the catalogue in line with them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from library.models import Kind, MetadataSettings, Source
from library.normalize import FEAT_STYLES
from library.provenance import engine
from library.provenance.fields import MODELS, SPECS
from soulspot.lib.errors import Invalid
from soulspot.lib.queue import enqueue

RESETTLE_TASK = "library.tasks.resettle"
RESETTLE_BATCH = 500
_FIELD_NAMES = {name for specs in SPECS.values() for name in specs}


def update_settings(values: dict[str, Any]) -> MetadataSettings:
    """Change the settings given in `values`; the catalogue follows in the background (the
    fields whose authority changed are settled again, titles and credits are reshaped when
    the featured-artist style changed)."""
    _check(values)
    with transaction.atomic():
        settings = MetadataSettings.load()
        before = (dict(settings.authority), settings.feat_style)
        for name, value in values.items():
            setattr(settings, name, value)
        settings.save()
        changed = {
            field
            for field in set(before[0]) | set(settings.authority)
            if before[0].get(field) != settings.authority.get(field)
        }
        for kind, specs in SPECS.items():
            fields = changed & set(specs)
            if kind == Kind.TRACK and settings.feat_style != before[1]:
                fields |= {"title", "artist"}  # the featured artist moves between the two
            if fields:
                task_args = (kind, sorted(fields), 0)
                transaction.on_commit(lambda args=task_args: enqueue(RESETTLE_TASK, *args))
    return settings


def resettle(kind: str, fields: list[str], after_pk: int = 0) -> int:
    """Settle `fields` of the next batch of `kind` rows after `after_pk` again; returns the
    last pk handled, 0 when done (the task re-enqueues itself until then)."""
    rows = MODELS[kind].objects.filter(pk__gt=after_pk).order_by("pk")
    if kind == Kind.TRACK:
        rows = rows.select_related("artist")  # a track's credit reads its artist's name
    rows = list(rows[:RESETTLE_BATCH])
    for row in rows:
        engine.settle(row, fields)
    return rows[-1].pk if len(rows) == RESETTLE_BATCH else 0


def _check(values: dict[str, Any]) -> None:
    authority = values.get("authority", {})
    for field, sources in authority.items():
        if field not in _FIELD_NAMES:
            raise Invalid(f"authority: {field!r} is not a metadata field")
        unknown = [s for s in sources if s not in Source.values]
        if unknown:
            raise Invalid(f"authority of {field}: unknown source {unknown[0]!r}")
    if "feat_style" in values and values["feat_style"] not in FEAT_STYLES:
        raise Invalid(f"feat_style must be one of {', '.join(FEAT_STYLES)}")
