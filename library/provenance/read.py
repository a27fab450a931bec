"""Reading provenance: which source gave each chosen value, and what the others offered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from library import normalize
from library.models import Album, FieldConflict, FieldValue, MetadataSettings, Source
from library.provenance.engine import authority
from library.provenance.fields import SPECS, Row, kind_of


@dataclass
class Offer:
    source: str
    value: Any
    fetched_at: datetime


@dataclass
class FieldProvenance:
    """One field: the catalogue's value, the source it follows (None: no source recorded yet),
    when that source said it, and every other source's offer, best authority first."""

    value: Any
    source: str | None = None
    fetched_at: datetime | None = None
    alternatives: list[Offer] = field(default_factory=list)
    conflict_id: int | None = None
    # The normalisation rules that made `value` differ from the source's own spelling
    # ("whitespace", "quotes", "dashes", "feat").
    normalized: list[str] = field(default_factory=list)

    @property
    def manual(self) -> bool:
        return self.source == Source.MANUAL

    @property
    def source_label(self) -> str:
        return Source(self.source).label if self.source in Source.values else "not recorded"


def provenance_of(row: Row) -> dict[str, FieldProvenance]:
    """Every managed field of `row` (two queries, whatever the number of fields)."""
    kind = kind_of(row)
    settings = MetadataSettings.load()
    by_field: dict[str, list[FieldValue]] = {}
    for offer in FieldValue.objects.of(kind, row.pk):
        by_field.setdefault(offer.field, []).append(offer)
    conflicts = dict(
        FieldConflict.objects.open().filter(kind=kind, object_id=row.pk).values_list("field", "pk")
    )
    result = {}
    for name, spec in SPECS[kind].items():
        offers = by_field.get(name, [])
        rank = {s: i for i, s in enumerate(authority(name, settings))}
        offers.sort(key=lambda o: rank.get(o.source, len(rank)))
        chosen = next((o for o in offers if o.chosen), None)
        result[name] = FieldProvenance(
            value=spec.get(row),
            source=chosen.source if chosen else None,
            fetched_at=chosen.fetched_at if chosen else None,
            alternatives=[Offer(o.source, o.value, o.fetched_at) for o in offers if not o.chosen],
            conflict_id=conflicts.get(name),
            normalized=_rules(spec.type, chosen.value, spec.get(row)) if chosen else [],
        )
    if isinstance(row, Album):
        result["cover"] = _cover(row)
    return result


# Where an album's cover.jpg came from, as the importer records it (metadata's AlbumCover, read
# through the album's reverse relation), and the source that stands behind each way.
_COVER_SOURCES = {
    "coverart": Source.MUSICBRAINZ,  # the Cover Art Archive serves MusicBrainz releases
    "url": Source.SPOTIFY,  # an image URL a want source gave
    "folder": Source.FILE_TAGS,
    "embedded": Source.FILE_TAGS,
    "library": Source.CATALOGUE,
}


def _cover(album: Album) -> FieldProvenance:
    """The cover is chosen by the importer (cover.jpg in the folder, the Cover Art Archive, a
    known image URL, an image beside the files, the embedded picture — in that order), not by
    the authority order: provenance only reports which one it is."""
    try:
        cover = album.cover
    except ObjectDoesNotExist:
        return FieldProvenance(value="")
    return FieldProvenance(
        value=cover.get_source_display() if cover.source else "",
        source=_COVER_SOURCES.get(cover.source),
        fetched_at=cover.updated_at,
    )


def _rules(kind: str, offered: Any, value: Any) -> list[str]:
    """Which normalisation rules turned the source's `offered` text into the catalogue's."""
    if kind != "text" or offered == value:
        return []
    cleaned = normalize.clean_text(str(offered))
    return list(cleaned.rules) + (["feat"] if cleaned.value != value else [])
