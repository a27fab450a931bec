"""REST endpoints for the library (mounted at /api/library). Each calls one service or query.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from library import services
from library.models import (
    Album,
    AlbumCompleteness,
    Artist,
    DuplicateGroup,
    LibraryScan,
    Track,
    TrackFile,
)
from library.schemas import (
    AlbumDetailOut,
    AlbumOut,
    ArtistDetailOut,
    ArtistOut,
    BrokenFileOut,
    DuplicateGroupOut,
    ErrorOut,
    IncompleteAlbumOut,
    ProblemOut,
    ResolutionOut,
    ResolveIn,
    ScanConflictOut,
    ScanIn,
    ScanOut,
    StatsOut,
    TrackOut,
)

router = Router(tags=["library"])
MAX_PAGE = 500


class Page(LimitOffsetPagination):
    """limit/offset pages of at most 500 rows; the answer carries `items` and `count`."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)


def _action(result: services.ActionResult) -> dict:
    return {"summary": result.summary(), "queued": result.queued, "skipped": result.skipped}


# --- scans --------------------------------------------------------------------------------------


@router.post(
    "/scans",
    response={202: ScanOut, 400: ErrorOut, 409: ScanConflictOut},
    summary="Start a scan",
)
def start_scan(request: HttpRequest, payload: ScanIn) -> Status:
    """Queue a scan for the worker; 409 names the scan already running (only one at a time)."""
    try:
        scan = services.start_scan(
            payload.path, full=payload.full, deep=payload.deep, requested_by="api"
        )
    except services.ScanAlreadyRunning as exc:
        return Status(409, {"detail": str(exc), "scan_id": exc.scan.pk})
    except services.ScanError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(202, scan)


@router.get("/scans", response=list[ScanOut], summary="Recent scans")
@paginate(Page)
def list_scans(request: HttpRequest) -> QuerySet:
    return LibraryScan.objects.recent()


@router.get("/scans/{scan_id}", response=ScanOut, summary="One scan and its progress")
def get_scan(request: HttpRequest, scan_id: int) -> LibraryScan:
    return get_object_or_404(LibraryScan, pk=scan_id)


@router.get("/scans/{scan_id}/problems", response=list[ProblemOut], summary="A scan's problems")
@paginate(Page)
def list_scan_problems(request: HttpRequest, scan_id: int) -> QuerySet:
    """Every path the scan could not handle: unreadable, broken, vanished, odd names…"""
    scan = get_object_or_404(LibraryScan, pk=scan_id)
    return scan.problems.order_by("pk")


@router.post(
    "/scans/{scan_id}/cancel", response={200: ScanOut, 409: ErrorOut}, summary="Cancel a scan"
)
def cancel_scan(request: HttpRequest, scan_id: int) -> Status:
    get_object_or_404(LibraryScan, pk=scan_id)
    try:
        return Status(200, services.cancel_scan(scan_id))
    except services.ScanError as exc:
        return Status(409, {"detail": str(exc)})


# --- catalogue ----------------------------------------------------------------------------------


class TrackFilters(Schema):
    q: str = ""
    status: Track.Status | None = None
    artist_id: int | None = None
    album_id: int | None = None
    format: TrackFile.Format | None = None
    quality: str | None = None
    broken: bool | None = None
    missing: bool | None = None
    duplicate: bool | None = None


@router.get("/tracks", response=list[TrackOut], summary="Tracks, with their files")
@paginate(Page)
def list_tracks(request: HttpRequest, filters: Query[TrackFilters]) -> QuerySet:
    """Search (title, artist, album) and filter by status or by their files' facts."""
    return Track.objects.with_files().filtered(**filters.dict())


@router.get("/tracks/{track_id}", response=TrackOut, summary="One track")
def get_track(request: HttpRequest, track_id: int) -> Track:
    return get_object_or_404(Track.objects.with_files(), pk=track_id)


@router.get("/albums", response=list[AlbumOut], summary="Albums")
@paginate(Page)
def list_albums(request: HttpRequest, q: str = "", artist_id: int | None = None) -> QuerySet:
    albums = Album.objects.with_counts().search(q)
    return albums.filter(artist_id=artist_id) if artist_id else albums


@router.get("/albums/incomplete", response=list[IncompleteAlbumOut], summary="Incomplete albums")
@paginate(Page)
def list_incomplete_albums(request: HttpRequest) -> QuerySet:
    """Albums missing tracks of their release, with the missing tracks."""
    rows = AlbumCompleteness.objects.incomplete().select_related("album__artist")
    return rows.order_by("album__artist__name", "album__title", "pk")


@router.get("/albums/{album_id}", response=AlbumDetailOut, summary="One album, with tracks")
def get_album(request: HttpRequest, album_id: int) -> dict:
    album = get_object_or_404(Album.objects.with_counts(), pk=album_id)
    tracks = Track.objects.with_files().filter(album=album)
    completeness = AlbumCompleteness.objects.filter(album=album).first()
    return {**_fields(album, AlbumOut), "tracks": list(tracks), "completeness": completeness}


@router.get("/artists", response=list[ArtistOut], summary="Artists")
@paginate(Page)
def list_artists(request: HttpRequest, q: str = "") -> QuerySet:
    return Artist.objects.with_counts().search(q)


@router.get("/artists/{artist_id}", response=ArtistDetailOut, summary="One artist")
def get_artist(request: HttpRequest, artist_id: int) -> dict:
    artist = get_object_or_404(Artist.objects.with_counts(), pk=artist_id)
    albums = artist.albums.order_by("year", "title")
    return {**_fields(artist, ArtistOut), "albums": list(albums)}


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


@router.get("/duplicates/{group_id}", response=DuplicateGroupOut, summary="One duplicate group")
def get_duplicate_group(request: HttpRequest, group_id: int) -> DuplicateGroup:
    return get_object_or_404(DuplicateGroup.objects.with_files(), pk=group_id)


@router.post(
    "/duplicates/{group_id}/resolve",
    response={200: ResolutionOut, 409: ErrorOut},
    summary="Resolve a duplicate group",
)
def resolve_duplicates(
    request: HttpRequest, group_id: int, payload: ResolveIn | None = None
) -> Status:
    """Keep one file (the proposal, or `keep_file_id`); the others go to the recycle bin.

    Nothing is deleted. A file that cannot be moved is listed under `failed` (`ok` is false)
    and the group stays open.
    """
    get_object_or_404(DuplicateGroup, pk=group_id)
    try:
        result = services.resolve_duplicate_group(
            group_id, payload.keep_file_id if payload else None
        )
    except services.DuplicateError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, {**result.__dict__, "ok": result.ok})


@router.post(
    "/duplicates/{group_id}/dismiss",
    response={204: None, 409: ErrorOut},
    summary="Not duplicates",
)
def dismiss_duplicates(request: HttpRequest, group_id: int) -> Status:
    """These files differ on purpose: hide the group until its files change."""
    get_object_or_404(DuplicateGroup, pk=group_id)
    try:
        services.dismiss_duplicate_group(group_id)
    except services.DuplicateError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(204, None)


@router.get("/broken-files", response=list[BrokenFileOut], summary="Broken files")
@paginate(Page)
def list_broken_files(request: HttpRequest) -> QuerySet:
    """Unreadable, empty, truncated or undecodable files that are still on disk."""
    return TrackFile.objects.broken_listing().order_by("path")
