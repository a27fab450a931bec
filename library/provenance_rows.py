"""How the metadata pages show provenance and conflicts: each field's value, source and the
other sources' offers as table rows, each open conflict with its offers as buttons, and the
links between an object's pages. Reads only; shared by the track, album and edit pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse

from library.models import FieldConflict, Kind, Source
from library.provenance.fields import SPECS, Row, is_empty, kind_of, spec_for
from library.provenance.read import provenance_of
from library.provenance_forms import current_value, display, field_label

PAGES = {Kind.TRACK: "library:track", Kind.ALBUM: "library:album", Kind.ARTIST: "artists:detail"}
CLEAR = {
    Kind.TRACK: "library:track-clear-manual",
    Kind.ALBUM: "library:album-clear-manual",
    Kind.ARTIST: "library:artist-clear-manual",
}
EDIT = {
    Kind.TRACK: "library:track-edit",
    Kind.ALBUM: "library:album-edit",
    Kind.ARTIST: "library:artist-edit",
}


# --- reading provenance -------------------------------------------------------------------------


@dataclass
class Alternative:
    source_label: str
    value: str
    fetched_at: datetime


@dataclass
class ProvenanceRow:
    """One field as the provenance table shows it."""

    field: str
    label: str
    value: str
    source_label: str
    fetched_at: datetime | None
    manual: bool
    conflict_id: int | None
    alternatives: list[Alternative]
    normalized: list[str]


def provenance_rows(row: Row) -> list[ProvenanceRow]:
    """Every managed field of `row` with its source and the other sources' offers."""
    kind = kind_of(row)
    rows = []
    for name, prov in provenance_of(row).items():
        rows.append(
            ProvenanceRow(
                field=name,
                label=field_label(kind, name),
                value=display(_value(row, kind, name, prov.value)),
                source_label=prov.source_label,
                fetched_at=prov.fetched_at,
                manual=prov.manual,
                normalized=prov.normalized,
                conflict_id=prov.conflict_id,
                alternatives=[
                    Alternative(source_label(o.source), display(o.value), o.fetched_at)
                    for o in prov.alternatives
                ],
            )
        )
    return rows


def _value(row: Row, kind: str, name: str, reported: object) -> object:
    """The catalogue's value of a managed field; the reported one for the cover, which the
    importer chooses rather than the engine."""
    if name not in SPECS[kind]:
        return reported
    return current_value(row, spec_for(kind, name))


def source_label(source: str) -> str:
    return Source(source).label if source in Source.values else "Current value"


def links_of(row: Row) -> dict[str, str]:
    """The URLs the provenance partial and the edit page link to for `row`."""
    kind = kind_of(row)
    page = reverse(PAGES[kind], args=[row.pk])
    return {
        "page": page,
        "edit": reverse(EDIT[kind], args=[row.pk]),
        "clear": reverse(CLEAR[kind], args=[row.pk]),
        # Where this row's open conflicts are listed: the artist page (elsewhere) lists none.
        "conflicts": reverse("library:conflicts") if kind == Kind.ARTIST else page,
    }


# --- conflicts as rows ----------------------------------------------------------------------------


@dataclass
class OfferChoice:
    """One side of a conflict. `source` is empty for the catalogue's current value, which is
    kept by submitting it as a typed value (a manual edit): it is no source to follow."""

    source: str
    label: str
    value: str


@dataclass
class ConflictRow:
    conflict: FieldConflict
    kind_label: str
    field_label: str
    object_url: str
    offers: list[OfferChoice] = field(default_factory=list)
    album_wide: bool = False
    error: str = ""


def conflict_rows(conflicts: QuerySet | list[FieldConflict]) -> list[ConflictRow]:
    """The conflicts as the pages show them (no query beyond the conflicts' own)."""
    return [conflict_row(c) for c in conflicts]


def conflict_row(conflict: FieldConflict, error: str = "") -> ConflictRow:
    offers = [
        OfferChoice(
            source=o.get("source", "") if o.get("source") in Source.values else "",
            label=source_label(o.get("source", "")),
            value=display(o.get("value")),
        )
        for o in conflict.offers
        if isinstance(o, dict) and not is_empty(o.get("value"))
    ]
    return ConflictRow(
        conflict=conflict,
        kind_label=Kind(conflict.kind).label if conflict.kind in Kind.values else conflict.kind,
        field_label=field_label(conflict.kind, conflict.field),
        object_url=reverse(PAGES[conflict.kind], args=[conflict.object_id])
        if conflict.kind in PAGES
        else "",
        offers=offers,
        album_wide=conflict.kind == Kind.TRACK and conflict.album_id is not None,
        error=error,
    )
