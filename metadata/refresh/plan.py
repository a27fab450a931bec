"""Which lookups a refresh makes: a scope turned into jobs, a batch at a time, and the items
the daily refresh finds stale."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from library.models import Album, Artist, FieldValue, MetadataSettings, Source, Track
from library.provenance import engine
from library.provenance.fields import Row, kind_of
from metadata.models import RefreshMiss

# Lookups per call: about a minute of MusicBrainz's one request a second.
BATCH = 50
# The scheduled refresh asks about this many stale albums (and as many loose tracks) a day.
DUE_PER_RUN = 200


@dataclass(frozen=True)
class Scope:
    """What to refresh. `artist_ids` means the artists, their albums and their tracks, unless
    `expanded` (a continued refresh: their albums and tracks are already in the id lists).
    `all` is every album with a release id and every track with a recording id on no such
    album, walked in id order from `after_album` / `after_track`."""

    track_ids: tuple[int, ...] = ()
    album_ids: tuple[int, ...] = ()
    artist_ids: tuple[int, ...] = ()
    all: bool = False
    after_album: int = 0
    after_track: int = 0
    expanded: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, for a queued task."""
        return {**asdict(self), **{k: list(getattr(self, k)) for k in _ID_FIELDS}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scope:
        ids = {k: tuple(int(i) for i in data.get(k, ())) for k in _ID_FIELDS}
        flags = {k: data[k] for k in ("all", "after_album", "after_track", "expanded") if k in data}
        return cls(**ids, **flags)


_ID_FIELDS = ("track_ids", "album_ids", "artist_ids")


@dataclass(frozen=True)
class Item:
    """A track, album or artist the refresh looked at, and what happened to it."""

    kind: str
    object_id: int
    label: str
    reason: str = ""


@dataclass(frozen=True)
class Job:
    """One lookup and what to record from it. `tracks`: the tracks to match on the release
    (None: the album itself and all its tracks)."""

    row: Row
    tracks: tuple[Track, ...] | None = None


def lookups_needed(scope: Scope) -> int | None:
    """How many MusicBrainz lookups `scope` costs; None for the whole library."""
    if scope.all:
        return None
    return len(plan(scope, None, [])[0])


def plan(scope: Scope, limit: int | None, skipped: list[Item]) -> tuple[list[Job], Scope | None]:
    """The lookups `scope` needs (the first `limit`), and the scope of the rest (None: done).
    Items with nothing to look up are added to `skipped`."""
    if scope.all:
        return _plan_all(scope, limit or BATCH)
    scope = _expanded(scope)
    jobs = _artist_jobs(scope.artist_ids, skipped)
    albums = Album.objects.select_related("artist").filter(pk__in=scope.album_ids).order_by("pk")
    _note_missing(Album, scope.album_ids, {a.pk for a in albums}, skipped)
    for album in albums:
        if album.musicbrainz_release_id:
            jobs.append(Job(album))
        else:
            skipped.append(item_of(album, "no MusicBrainz release id"))
    covered = {album.pk for album in albums if album.musicbrainz_release_id}
    jobs += _track_jobs(scope.track_ids, covered, skipped)
    if limit is None or len(jobs) <= limit:
        return jobs, None
    return jobs[:limit], _rest_of(jobs[limit:])


def due_scope(now: Any = None) -> Scope | None:
    """Albums and loose tracks whose newest MusicBrainz value is older than the settings'
    `refresh_after_days` (or that have none yet), oldest first, `DUE_PER_RUN` of each; None
    when the scheduled refresh is off or nothing is due."""
    days = MetadataSettings.load().refresh_after_days
    if not days:
        return None
    cutoff = (now or timezone.now()) - timedelta(days=days)
    albums = _stale(Album.objects.exclude(musicbrainz_release_id=""), "album", cutoff)
    tracks = _stale(_loose_tracks(Track.objects.all()), "track", cutoff)
    scope = Scope(
        album_ids=tuple(albums.values_list("pk", flat=True)[:DUE_PER_RUN]),
        track_ids=tuple(tracks.values_list("pk", flat=True)[:DUE_PER_RUN]),
    )
    return scope if scope.album_ids or scope.track_ids else None


# -- planning --------------------------------------------------------------------------------


def _plan_all(scope: Scope, limit: int) -> tuple[list[Job], Scope | None]:
    # One row more than asked for tells whether anything is left after this batch.
    albums = Album.objects.select_related("artist").exclude(musicbrainz_release_id="")
    jobs = [Job(a) for a in albums.filter(pk__gt=scope.after_album).order_by("pk")[: limit + 1]]
    if len(jobs) > limit:
        return jobs[:limit], replace(scope, after_album=jobs[limit - 1].row.pk)
    after_album = jobs[-1].row.pk if jobs else scope.after_album
    room = limit - len(jobs)
    tracks = _loose_tracks(Track.objects.filter(pk__gt=scope.after_track)).order_by("pk")
    track_jobs = [Job(t) for t in tracks[: room + 1]]
    if len(track_jobs) <= room:
        return jobs + track_jobs, None
    after_track = track_jobs[room - 1].row.pk if room else scope.after_track
    return jobs + track_jobs[:room], replace(
        scope, after_album=after_album, after_track=after_track
    )


def _loose_tracks(tracks: models.QuerySet) -> models.QuerySet:
    """Tracks with a recording id on no album with a release id (those go with their album)."""
    on_release = models.Q(album__isnull=False) & ~models.Q(album__musicbrainz_release_id="")
    return tracks.exclude(musicbrainz_recording_id="").exclude(on_release)


def _expanded(scope: Scope) -> Scope:
    if scope.expanded or not scope.artist_ids:
        return scope
    albums = Album.objects.filter(artist_id__in=scope.artist_ids).values_list("pk", flat=True)
    tracks = Track.objects.filter(artist_id__in=scope.artist_ids).values_list("pk", flat=True)
    return replace(
        scope,
        album_ids=tuple(dict.fromkeys([*scope.album_ids, *albums])),
        track_ids=tuple(dict.fromkeys([*scope.track_ids, *tracks])),
        expanded=True,
    )


def _note_missing(
    model: type[Row], wanted: tuple[int, ...], found: set[int], skipped: list[Item]
) -> None:
    kind = model.__name__.lower()
    skipped += [Item(kind, pk, "", f"no such {kind}") for pk in wanted if pk not in found]


def _artist_jobs(artist_ids: tuple[int, ...], skipped: list[Item]) -> list[Job]:
    jobs = []
    artists = list(Artist.objects.filter(pk__in=artist_ids).order_by("pk"))
    _note_missing(Artist, artist_ids, {a.pk for a in artists}, skipped)
    for artist in artists:
        if artist.musicbrainz_id:
            jobs.append(Job(artist))
        else:
            skipped.append(item_of(artist, "no MusicBrainz artist id"))
    return jobs


def _track_jobs(track_ids: tuple[int, ...], covered: set[int], skipped: list[Item]) -> list[Job]:
    """Tracks on an album with a release id share one release lookup per album; others are
    looked up by recording."""
    tracks = list(
        Track.objects.select_related("artist", "album").filter(pk__in=track_ids).order_by("pk")
    )
    _note_missing(Track, track_ids, {t.pk for t in tracks}, skipped)
    by_album: dict[int, list[Track]] = {}
    jobs: list[Job] = []
    for track in tracks:
        album = track.album
        if album is not None and album.musicbrainz_release_id:
            if album.pk not in covered:
                by_album.setdefault(album.pk, []).append(track)
        elif track.musicbrainz_recording_id:
            jobs.append(Job(track))
        else:
            skipped.append(item_of(track, "no MusicBrainz recording or release id"))
    return [Job(ts[0].album, tuple(ts)) for ts in by_album.values()] + jobs


def _rest_of(jobs: list[Job]) -> Scope:
    ids: dict[type, list[int]] = {Album: [], Track: [], Artist: []}
    for job in jobs:
        if job.tracks is not None:
            ids[Track].extend(t.pk for t in job.tracks)
        else:
            ids[type(job.row)].append(job.row.pk)
    return Scope(
        track_ids=tuple(ids[Track]),
        album_ids=tuple(ids[Album]),
        artist_ids=tuple(ids[Artist]),
        expanded=True,
    )


def _stale(rows: models.QuerySet, kind: str, cutoff: Any) -> models.QuerySet:
    """`rows` whose newest MusicBrainz value is older than `cutoff` (or that have none), oldest
    first; not those MusicBrainz did not know since `cutoff` (they would come first every day)."""
    of_row = {"kind": kind, "object_id": models.OuterRef("pk")}
    newest = (
        FieldValue.objects.filter(**of_row, source=Source.MUSICBRAINZ)
        .order_by("-fetched_at")
        .values("fetched_at")[:1]
    )
    missed = RefreshMiss.objects.filter(**of_row, missed_at__gte=cutoff)
    return (
        rows.annotate(mb_fetched_at=models.Subquery(newest))
        .filter(models.Q(mb_fetched_at__isnull=True) | models.Q(mb_fetched_at__lt=cutoff))
        .exclude(models.Exists(missed))
        .order_by(models.F("mb_fetched_at").asc(nulls_first=True), "pk")
    )


def item_of(row: Row, reason: str = "") -> Item:
    return Item(kind_of(row), row.pk, engine.label_of(row), reason)
