"""The metadata engine's API: conflicts between sources (mounted at /api/metadata/conflicts)
and the metadata settings (/api/metadata/settings). The engine itself lives in
`library.provenance`; these endpoints only call it.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from library.models import FieldConflict, MetadataSettings
from library.provenance import configure, edits
from metadata.schemas import (
    ConflictFilters,
    ConflictOut,
    MetadataSettingsIn,
    MetadataSettingsOut,
    ResolutionIn,
    ResolvedOut,
)
from soulspot.lib.errors import Invalid
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import Id, errors

conflicts_router = Router(tags=["metadata"])
settings_router = Router(tags=["metadata"])


@conflicts_router.get("", response=list[ConflictOut], summary="Conflicts between sources")
@paginate(Page)
def list_conflicts(request: HttpRequest, filters: Query[ConflictFilters]) -> QuerySet:
    """Fields where a source disagrees in words with the value the catalogue keeps (open by
    default); filter by field, kind, album or status."""
    conflicts = FieldConflict.objects.filter(status=filters.status)
    wanted = {"field": filters.field, "kind": filters.kind, "album_id": filters.album_id}
    return conflicts.filter(**{k: v for k, v in wanted.items() if v is not None})


@conflicts_router.post(
    "/{conflict_id}/resolve",
    response={200: ResolvedOut, **errors(400, 404, 409, 422)},
    summary="Settle a conflict",
)
def resolve_conflict(request: HttpRequest, conflict_id: Id, payload: ResolutionIn) -> dict:
    """`{"source": "musicbrainz"}` makes the field follow that source from now on (later
    refreshes included); `{"value": ...}` is a manual edit. With `"apply_to_album": true` the
    same field's open conflicts on the album's other tracks are settled the same way. The
    files of every changed track are re-tagged (and renamed) by a queued task."""
    conflict = get_object_or_404(FieldConflict, pk=conflict_id)
    if (payload.source is None) == (payload.value is None):
        raise Invalid('give exactly one of "source" or "value"')
    changes = edits.resolve_conflict(
        conflict,
        source=payload.source,
        value=payload.value,
        apply_to_album=payload.apply_to_album,
    )
    conflict.refresh_from_db()
    return {"conflict": conflict, "changes": changes}


@settings_router.get("", response=MetadataSettingsOut, summary="Metadata settings")
def get_settings(request: HttpRequest) -> MetadataSettings:
    return MetadataSettings.load()


@settings_router.patch(
    "", response={200: MetadataSettingsOut, **errors(422)}, summary="Change metadata settings"
)
def update_settings(request: HttpRequest, payload: MetadataSettingsIn) -> MetadataSettings:
    """Authority order per field (`{"genres": ["lastfm", "musicbrainz"]}`; manual always comes
    first, sources left out follow in the default order), genres kept per item, where a
    featured artist goes, the separator joining several artists. The catalogue follows in
    the background and changed files are re-tagged."""
    given = payload.dict(exclude_unset=True)
    return configure.update_settings({k: v for k, v in given.items() if v is not None})
