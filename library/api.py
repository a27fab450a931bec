"""REST endpoints for the library (mounted at /api/library). Each calls one service or query.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

import dataclasses

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from library import services
from library.models import (
    Album,
    AlbumCompleteness,
    Artist,
    DuplicateGroup,
    HistoryEvent,
    LibraryScan,
    NamingScheme,
    Track,
    TrackFile,
)
from library.naming import services as naming_services
from library.provenance import edits
from library.provenance.read import provenance_of
from library.schemas import (
    AlbumDetailOut,
    AlbumOut,
    AlbumPatch,
    ArtistDetailOut,
    ArtistOut,
    ArtistPatch,
    BrokenFileOut,
    DuplicateGroupOut,
    HistoryOut,
    IncompleteAlbumOut,
    NamingIn,
    NamingOut,
    ProblemOut,
    RenameApplyIn,
    RenameOut,
    RenamePreviewIn,
    ResolutionOut,
    ResolveIn,
    ScanConflictOut,
    ScanIn,
    ScanOut,
    StatsOut,
    TrackDetailOut,
    TrackOut,
    TrackPatch,
)
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import Id, Text, errors

router = Router(tags=["library"])
# Mounted at /api/history: the want history every app records into (see `library.history`).
history_router = Router(tags=["history"])


def _action(result: services.ActionResult) -> dict:
    return {"summary": result.summary(), "queued": result.queued, "skipped": result.skipped}


# --- scans --------------------------------------------------------------------------------------


@router.post(
    "/scans",
    response={202: ScanOut, **errors(400), 409: ScanConflictOut},
    summary="Start a scan",
)
def start_scan(request: HttpRequest, payload: ScanIn) -> Status:
    """Queue a scan for the worker; 409 names the scan already running (only one at a time)."""
    scan = services.start_scan(
        payload.path, full=payload.full, deep=payload.deep, requested_by="api"
    )
    return Status(202, scan)


@router.get("/scans", response=list[ScanOut], summary="Recent scans")
@paginate(Page)
def list_scans(request: HttpRequest) -> QuerySet:
    return LibraryScan.objects.recent()


@router.get(
    "/scans/{scan_id}", response={200: ScanOut, **errors(404)}, summary="One scan and its progress"
)
def get_scan(request: HttpRequest, scan_id: Id) -> LibraryScan:
    return get_object_or_404(LibraryScan, pk=scan_id)


@router.get(
    "/scans/{scan_id}/problems",
    response={200: list[ProblemOut], **errors(404)},
    summary="A scan's problems",
)
@paginate(Page)
def list_scan_problems(request: HttpRequest, scan_id: Id) -> QuerySet:
    """Every path the scan could not handle: unreadable, broken, vanished, odd names…"""
    scan = get_object_or_404(LibraryScan, pk=scan_id)
    return scan.problems.order_by("pk")


@router.post(
    "/scans/{scan_id}/cancel",
    response={200: ScanOut, **errors(404, 409)},
    summary="Cancel a scan",
)
def cancel_scan(request: HttpRequest, scan_id: Id) -> LibraryScan:
    """Stop a queued or running scan; 409 when it has already finished."""
    get_object_or_404(LibraryScan, pk=scan_id)
    return services.cancel_scan(scan_id)


# --- catalogue ----------------------------------------------------------------------------------


class TrackFilters(Schema):
    q: Text = ""
    status: Track.Status | None = None
    artist_id: Id | None = None
    album_id: Id | None = None
    format: TrackFile.Format | None = None
    quality: Text | None = None
    broken: bool | None = None
    missing: bool | None = None
    duplicate: bool | None = None


@router.get("/tracks", response=list[TrackOut], summary="Tracks, with their files")
@paginate(Page)
def list_tracks(request: HttpRequest, filters: Query[TrackFilters]) -> QuerySet:
    """Search (title, artist, album) and filter by status or by their files' facts."""
    return Track.objects.with_files().filtered(**filters.dict())


@router.get(
    "/tracks/{track_id}",
    response={200: TrackDetailOut, **errors(404)},
    summary="One track, with its files and the source of each field",
)
def get_track(request: HttpRequest, track_id: Id) -> Track:
    track = get_object_or_404(Track.objects.with_files(), pk=track_id)
    track.provenance = _provenance(track)
    return track


@router.patch(
    "/tracks/{track_id}",
    response={200: TrackDetailOut, **errors(404)},
    summary="Monitor a track, or edit its fields",
)
def update_track(request: HttpRequest, track_id: Id, payload: TrackPatch) -> Track:
    """`{"monitored": false}` stops every automatic action on it (a wanted track is no longer
    wanted); `true` makes a track without a healthy file wanted. Any other field given is a
    manual edit: it wins over every source until cleared, and the track's files are re-tagged
    (and renamed when the naming templates use the field) by a queued task."""
    track = get_object_or_404(Track.objects.with_relations(), pk=track_id)
    _edit(track, payload.dict(exclude_unset=True))
    return get_track(request, track_id)


@router.delete(
    "/tracks/{track_id}/manual/{field}",
    response={200: TrackDetailOut, **errors(400, 404)},
    summary="Clear a manual edit of a track's field",
)
def clear_track_edit(request: HttpRequest, track_id: Id, field: Text) -> Track:
    """The field follows its sources again (the best by the authority order)."""
    edits.clear_manual(get_object_or_404(Track.objects.with_relations(), pk=track_id), field)
    return get_track(request, track_id)


@router.get("/albums", response=list[AlbumOut], summary="Albums")
@paginate(Page)
def list_albums(request: HttpRequest, q: Text = "", artist_id: Id | None = None) -> QuerySet:
    albums = Album.objects.with_counts().search(q)
    return albums.filter(artist_id=artist_id) if artist_id else albums


@router.get("/albums/incomplete", response=list[IncompleteAlbumOut], summary="Incomplete albums")
@paginate(Page)
def list_incomplete_albums(request: HttpRequest) -> QuerySet:
    """Albums missing tracks of their release, with the missing tracks."""
    rows = AlbumCompleteness.objects.incomplete().select_related("album__artist")
    return rows.order_by("album__artist__name", "album__title", "pk")


@router.get(
    "/albums/{album_id}",
    response={200: AlbumDetailOut, **errors(404)},
    summary="One album, with tracks and the source of each field",
)
def get_album(request: HttpRequest, album_id: Id) -> dict:
    album = get_object_or_404(Album.objects.with_counts(), pk=album_id)
    tracks = Track.objects.with_files().filter(album=album)
    completeness = AlbumCompleteness.objects.filter(album=album).first()
    return {
        **_fields(album, AlbumOut),
        "tracks": list(tracks),
        "completeness": completeness,
        "provenance": _provenance(album),
    }


@router.patch(
    "/albums/{album_id}",
    response={200: AlbumDetailOut, **errors(404)},
    summary="Monitor an album, or edit its fields",
)
def update_album(request: HttpRequest, album_id: Id, payload: AlbumPatch) -> dict:
    """`monitored` applies to the album and every one of its tracks. Any other field given is
    a manual edit; the files of every track of the album are re-tagged (and renamed)."""
    album = get_object_or_404(Album.objects.with_artist(), pk=album_id)
    _edit(album, payload.dict(exclude_unset=True))
    return get_album(request, album_id)


@router.delete(
    "/albums/{album_id}/manual/{field}",
    response={200: AlbumDetailOut, **errors(400, 404)},
    summary="Clear a manual edit of an album's field",
)
def clear_album_edit(request: HttpRequest, album_id: Id, field: Text) -> dict:
    edits.clear_manual(get_object_or_404(Album.objects.with_artist(), pk=album_id), field)
    return get_album(request, album_id)


@router.get("/artists", response=list[ArtistOut], summary="Artists")
@paginate(Page)
def list_artists(request: HttpRequest, q: Text = "") -> QuerySet:
    return Artist.objects.with_counts().search(q)


@router.get(
    "/artists/{artist_id}",
    response={200: ArtistDetailOut, **errors(404)},
    summary="One artist, with the source of each field",
)
def get_artist(request: HttpRequest, artist_id: Id) -> dict:
    artist = get_object_or_404(Artist.objects.with_counts(), pk=artist_id)
    albums = artist.albums.order_by("year", "title")
    return {
        **_fields(artist, ArtistOut),
        "albums": list(albums),
        "provenance": _provenance(artist),
    }


@router.patch(
    "/artists/{artist_id}",
    response={200: ArtistDetailOut, **errors(404)},
    summary="Monitor an artist, or edit its fields",
)
def update_artist(request: HttpRequest, artist_id: Id, payload: ArtistPatch) -> dict:
    """`monitored` applies to the artist, its albums and every one of their tracks. Any other
    field given is a manual edit; the files of the artist's tracks are re-tagged."""
    artist = get_object_or_404(Artist, pk=artist_id)
    _edit(artist, payload.dict(exclude_unset=True))
    return get_artist(request, artist_id)


@router.delete(
    "/artists/{artist_id}/manual/{field}",
    response={200: ArtistDetailOut, **errors(400, 404)},
    summary="Clear a manual edit of an artist's field",
)
def clear_artist_edit(request: HttpRequest, artist_id: Id, field: Text) -> dict:
    edits.clear_manual(get_object_or_404(Artist, pk=artist_id), field)
    return get_artist(request, artist_id)


def _edit(row: Track | Album | Artist, given: dict) -> None:
    """PATCH: a field left out or null is left alone."""
    values = {name: value for name, value in given.items() if value is not None}
    monitored = values.pop("monitored", None)
    if monitored is not None:
        services.set_monitored(row, monitored)
    if values:
        edits.set_manual(row, values)


def _provenance(row: Track | Album | Artist) -> dict:
    return {name: dataclasses.asdict(field) for name, field in provenance_of(row).items()}


def _fields(obj: object, schema: type[Schema]) -> dict:
    return {name: getattr(obj, name) for name in schema.model_fields}


# --- health -------------------------------------------------------------------------------------


@router.get("/stats", response=StatsOut, summary="Library figures")
def stats(request: HttpRequest) -> dict:
    """Tracks, albums, artists, size, formats, quality distribution, broken files, duplicates."""
    return services.library_stats()


@router.get("/duplicates", response=list[DuplicateGroupOut], summary="Open duplicate groups")
@paginate(Page)
def list_duplicates(request: HttpRequest) -> QuerySet:
    """Each group with its files and the keeper the keep policy proposes."""
    return DuplicateGroup.objects.open().with_files().order_by("pk")


@router.get(
    "/duplicates/{group_id}",
    response={200: DuplicateGroupOut, **errors(404)},
    summary="One duplicate group",
)
def get_duplicate_group(request: HttpRequest, group_id: Id) -> DuplicateGroup:
    return get_object_or_404(DuplicateGroup.objects.with_files(), pk=group_id)


@router.post(
    "/duplicates/{group_id}/resolve",
    response={200: ResolutionOut, **errors(404, 409)},
    summary="Resolve a duplicate group",
)
def resolve_duplicates(
    request: HttpRequest, group_id: Id, payload: ResolveIn | None = None
) -> dict:
    """Keep one file (the proposal, or `keep_file_id`); the others go to the recycle bin.

    Nothing is deleted. A file that cannot be moved is listed under `failed` (`ok` is false)
    and the group stays open. 409 when the group is no longer open or the keeper is gone.
    """
    get_object_or_404(DuplicateGroup, pk=group_id)
    keep_file_id = payload.keep_file_id if payload else None
    result = services.resolve_duplicate_group(group_id, keep_file_id)
    return {**result.__dict__, "ok": result.ok}


@router.post(
    "/duplicates/{group_id}/dismiss",
    response={204: None, **errors(404, 409)},
    summary="Not duplicates",
)
def dismiss_duplicates(request: HttpRequest, group_id: Id) -> Status:
    """These files differ on purpose: hide the group until its files change."""
    get_object_or_404(DuplicateGroup, pk=group_id)
    services.dismiss_duplicate_group(group_id)
    return Status(204, None)


@router.get("/broken-files", response=list[BrokenFileOut], summary="Broken files")
@paginate(Page)
def list_broken_files(request: HttpRequest) -> QuerySet:
    """Unreadable, empty, truncated or undecodable files that are still on disk."""
    return TrackFile.objects.broken_listing().order_by("path")


# --- naming -------------------------------------------------------------------------------------


@router.get("/naming", response=NamingOut, summary="Naming templates")
def get_naming(request: HttpRequest) -> NamingScheme:
    """The naming templates (Lidarr-style tokens) and their defaults."""
    return NamingScheme.load()


@router.put("/naming", response={200: NamingOut, **errors(400)}, summary="Change naming templates")
def update_naming(request: HttpRequest, payload: NamingIn) -> NamingScheme:
    """Change templates; existing files keep their names until a rename is applied."""
    return naming_services.save_naming_scheme(payload.changes())


@router.post(
    "/naming/preview", response={200: list[RenameOut], **errors(400)}, summary="Preview renames"
)
def preview_naming(
    request: HttpRequest, payload: RenamePreviewIn
) -> list[naming_services.RenamePlan]:
    """Old -> new path for the chosen files (default: all) under the given templates."""
    return naming_services.preview_renames(
        payload.track_file_ids,
        payload.template_changes(),
        limit=payload.limit,
        only_changed=payload.only_changed,
    )


@router.post(
    "/naming/apply", response={200: list[RenameOut], **errors(400)}, summary="Rename files"
)
def apply_naming(request: HttpRequest, payload: RenameApplyIn) -> list[naming_services.RenamePlan]:
    """Save the templates (when given) and rename the chosen files with safe moves."""
    return naming_services.apply_renames(payload.track_file_ids, payload.template_changes())


# --- history (mounted at /api/history) ----------------------------------------------------------


class HistoryFilters(Schema):
    track_id: Id | None = None
    job_id: Id | None = None
    type: HistoryEvent.Type | None = None


@history_router.get("", response=list[HistoryOut], summary="Want history")
@paginate(Page)
def list_history(request: HttpRequest, filters: Query[HistoryFilters]) -> QuerySet:
    """What happened to each want, newest first: wanted, searched, grabbed, imported,
    rejected, failed, upgraded, recycled, monitored, unmonitored."""
    return HistoryEvent.objects.filtered(**filters.dict()).newest_first()
