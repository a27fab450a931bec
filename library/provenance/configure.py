"""Changing the metadata settings, and bringing the catalogue in line with them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from library.models import MetadataSettings, Source, Track
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
        before = (dict(settings.authority), settings.feat_style, settings.artist_separator)
        for name, value in values.items():
            setattr(settings, name, value)
        settings.save()
        changed_fields = {
            field
            for field in set(before[0]) | set(settings.authority)
            if before[0].get(field) != settings.authority.get(field)
        }
        if settings.feat_style != before[1]:
            changed_fields |= {"title", "artist"}
        if changed_fields:
            for kind, specs in SPECS.items():
                fields = sorted(changed_fields & set(specs))
                if fields:
                    transaction.on_commit(lambda k=kind, f=fields: enqueue(RESETTLE_TASK, k, f, 0))
    return settings


def resettle(kind: str, fields: list[str], after_pk: int = 0) -> int:
    """Settle `fields` of the next batch of `kind` rows after `after_pk` again; returns the
    last pk handled, 0 when done (the task re-enqueues itself until then)."""
    rows = list(MODELS[kind].objects.filter(pk__gt=after_pk).order_by("pk")[:RESETTLE_BATCH])
    for row in rows:
        if isinstance(row, Track):
            row = Track.objects.with_relations().get(pk=row.pk)
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
