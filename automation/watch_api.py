"""REST endpoints for watched artists (mounted at /api/watchlist). Each calls one service.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from automation.models import ReleaseGroup, SpotifySources, WatchedArtist
from automation.watching import checks, followed, watches
from automation.watching.errors import WatchError
from automation.watching.watches import WatchOptions
from soulspot.lib.pagination import Page
from soulspot.lib.queue import enqueue
from soulspot.lib.schemas import Id, Text, errors

router = Router(tags=["watchlist"])


class WatchIn(Schema):
    musicbrainz_id: UUID | None = Field(None, description="A MusicBrainz artist id.")
    artist_id: Id | None = Field(None, description="A library artist with a MusicBrainz id.")
    release_types: list[Text] | None = Field(
        None, max_length=20, description="album, ep, single, broadcast, other (default album, ep)."
    )
    excluded_secondary_types: list[Text] | None = Field(
        None, max_length=20, description="Never wanted: compilation, live... (default: all)."
    )
    want: Text | None = Field(None, description="future (default), all or none.")
    quality_profile_id: Id | None = None


class WatchPatch(Schema):
    release_types: list[Text] | None = Field(None, max_length=20)
    excluded_secondary_types: list[Text] | None = Field(None, max_length=20)
    want: Text | None = None
    quality_profile_id: Id | None = None


class WatchOut(Schema):
    id: int
    artist_id: int
    artist_name: str = Field(alias="artist.name")
    musicbrainz_id: str
    release_types: list[str]
    excluded_secondary_types: list[str]
    want: str
    quality_profile_id: int | None
    source: str
    watched_since: datetime
    last_checked_at: datetime | None
    next_check_at: datetime | None
    last_result: str
    error: str


class ReleaseGroupOut(Schema):
    id: int
    musicbrainz_id: str
    title: str
    primary_type: str
    secondary_types: list[str]
    first_release_date: str
    state: str
    reason: str
    release_id: str
    release_choice: str
    album_id: int | None
    found_at: datetime
    wanted_at: datetime | None


class FollowedSwitch(Schema):
    watch_followed_artists: bool = Field(
        description="Artists followed on Spotify become watched artists (default options)."
    )


class CheckQueuedOut(Schema):
    detail: str
    watches: int


def _options(payload: WatchIn | WatchPatch) -> WatchOptions:
    return WatchOptions(
        release_types=payload.release_types,
        excluded_secondary_types=payload.excluded_secondary_types,
        want=payload.want,
        quality_profile_id=payload.quality_profile_id,
    )


def _watch(watch_id: int) -> WatchedArtist:
    return get_object_or_404(WatchedArtist.objects.select_related("artist"), pk=watch_id)


@router.get("", response=list[WatchOut], summary="Watched artists")
@paginate(Page)
def list_watches(request: HttpRequest) -> QuerySet:
    return WatchedArtist.objects.select_related("artist").order_by("artist__name", "pk")


@router.post("", response={201: WatchOut, **errors(400, 404, 503)}, summary="Watch an artist")
def create_watch(request: HttpRequest, payload: WatchIn) -> Status:
    """Watch a MusicBrainz artist (`musicbrainz_id`, linked to or added to the library) or a
    library artist (`artist_id`, which needs its MusicBrainz id). Its first check is queued."""
    options = _options(payload)
    if payload.artist_id is not None:
        watch = watches.watch_library_artist(payload.artist_id, options)
    elif payload.musicbrainz_id:
        watch = watches.watch_musicbrainz_artist(str(payload.musicbrainz_id), options)
    else:
        raise WatchError("musicbrainz_id: give a MusicBrainz artist id or an artist_id")
    enqueue("automation.tasks.check_watched_artist", watch.pk)
    return Status(201, _watch(watch.pk))


@router.post("/check", response={202: CheckQueuedOut}, summary="Check every watch now")
def check_all(request: HttpRequest) -> Status:
    count = checks.request_check()
    enqueue("automation.tasks.check_watched_artists")
    return Status(202, {"detail": "checks queued", "watches": count})


@router.get("/spotify-followed", response=FollowedSwitch, summary="Watch followed artists?")
def get_followed_switch(request: HttpRequest) -> SpotifySources:
    return SpotifySources.get()


@router.put("/spotify-followed", response=FollowedSwitch, summary="Watch followed artists")
def set_followed_switch(request: HttpRequest, payload: FollowedSwitch) -> SpotifySources:
    """On: each artist followed on Spotify is found on MusicBrainz by its exact name and
    watched (a few per minute, at MusicBrainz's pace); one without a match is noted, not
    watched. Off: no new watches; the watches made stay."""
    return followed.set_watch_followed_artists(payload.watch_followed_artists)


@router.get("/{watch_id}", response={200: WatchOut, **errors(404)}, summary="One watch")
def get_watch(request: HttpRequest, watch_id: Id) -> WatchedArtist:
    return _watch(watch_id)


@router.patch("/{watch_id}", response={200: WatchOut, **errors(400, 404)}, summary="Change a watch")
def update_watch(request: HttpRequest, watch_id: Id, payload: WatchPatch) -> WatchedArtist:
    """Options given are changed; what was wanted already stays wanted."""
    return watches.update_watch(_watch(watch_id), _options(payload))


@router.delete("/{watch_id}", response={204: None, **errors(404)}, summary="Stop watching")
def delete_watch(request: HttpRequest, watch_id: Id) -> Status:
    """The watch and its release-group records go; albums and wants it made stay."""
    watches.unwatch(_watch(watch_id))
    return Status(204, None)


@router.post(
    "/{watch_id}/check", response={202: CheckQueuedOut, **errors(404)}, summary="Check a watch now"
)
def check_one(request: HttpRequest, watch_id: Id) -> Status:
    watch = _watch(watch_id)
    checks.request_check(watch.pk)
    enqueue("automation.tasks.check_watched_artist", watch.pk)
    return Status(202, {"detail": "check queued", "watches": 1})


@router.get(
    "/{watch_id}/releases",
    response={200: list[ReleaseGroupOut], **errors(404)},
    summary="A watch's release groups",
)
@paginate(Page)
def list_releases(request: HttpRequest, watch_id: Id) -> QuerySet:
    """Newest first, each with its state and the reason for it."""
    _watch(watch_id)
    return ReleaseGroup.objects.filter(watch_id=watch_id).order_by("-release_date", "title", "pk")
