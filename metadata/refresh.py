"""Refreshing the catalogue from MusicBrainz, like beets' `mbsync`.

    report = refresh(Scope(album_ids=(7,)), preview=True)   # what would change; nothing kept
    report = refresh(Scope(album_ids=(7,)), preview=False)  # recorded, files re-tagged later

Each album with a MusicBrainz release id costs one release lookup; its answer is recorded as
MusicBrainz's offer for the album, its album artist (when the release credits exactly that one
artist) and every local track matched to a release track (by recording id, else disc and
position, else title). A track on no such album but with a recording id costs a recording
lookup; an artist with a MusicBrainz id an artist lookup. The engine decides what the offers
change: a manual edit keeps winning, a change of words becomes a conflict, a changed value asks
for the files to be re-tagged.

One call does at most `limit` lookups (MusicBrainz answers one a second) and says in
`report.remaining` what is left; the task `metadata.tasks.refresh_metadata` carries on with it.
A lookup that fails is reported and the refresh goes on with the next item: nothing recorded
for that item, nothing lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from library import normalize
from library.models import Album, Artist, FieldConflict, FieldValue, MetadataSettings, Source, Track
from library.provenance import engine
from library.provenance.engine import Change
from library.provenance.fields import Row, kind_of
from metadata import musicbrainz_values as values
from metadata.providers import musicbrainz as mb
from metadata.providers.base import ProviderUnavailable
from metadata.refresh_matching import match_tracks
from soulspot.lib.errors import SoulSpotError
from soulspot.lib.queue import enqueue

# Lookups per call: about a minute of MusicBrainz's one request a second.
BATCH = 50
# A refresh asked for over the API answers at once up to this many lookups (a few seconds);
# a larger one is queued, and cannot be previewed.
SYNC_LOOKUPS = 5
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
class OpenedConflict:
    kind: str
    object_id: int
    label: str
    field: str
    offers: list[dict]


@dataclass
class RefreshReport:
    """What a refresh did (or, in a preview, would do)."""

    preview: bool
    changes: list[Change] = field(default_factory=list)
    conflicts: list[OpenedConflict] = field(default_factory=list)
    refreshed: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)  # no MusicBrainz id, not on the release
    not_found: list[Item] = field(default_factory=list)  # MusicBrainz has no such id (any more)
    errors: list[Item] = field(default_factory=list)  # MusicBrainz unavailable or refused
    remaining: Scope | None = None
    unavailable: ProviderUnavailable | None = None

    def __str__(self) -> str:
        verb = "would change" if self.preview else "changed"
        text = f"{len(self.refreshed)} refreshed, {verb} {len(self.changes)} values"
        counts = {
            "conflicts": len(self.conflicts),
            "skipped": len(self.skipped),
            "not found": len(self.not_found),
            "failed": len(self.errors),
        }
        return text + "".join(f", {n} {what}" for what, n in counts.items() if n)


@dataclass(frozen=True)
class _Job:
    """One lookup and what to record from it. `tracks`: the tracks to match on the release
    (None: the album itself and all its tracks)."""

    row: Row
    tracks: tuple[Track, ...] | None = None


def refresh(scope: Scope, *, preview: bool, limit: int | None = None) -> RefreshReport:
    """Ask MusicBrainz again about `scope` (at most `limit` lookups) and record its answers.

    With `preview` nothing is kept: the answers are recorded inside a transaction that is
    rolled back, so the report lists the changes a refresh would make and no value, conflict
    or re-tag request survives. Lookups happen outside any transaction.
    """
    report = RefreshReport(preview=preview)
    jobs, report.remaining = plan(scope, limit or BATCH, report.skipped)
    answers = ((job, _fetch(job, report)) for job in jobs)
    if preview:
        fetched = [(job, answer) for job, answer in answers if answer is not None]
        engine.dry_run(lambda: [_record(job, answer, report) for job, answer in fetched])
    else:
        for job, answer in answers:
            if answer is not None:
                _record(job, answer, report)
    return report


class RefreshTooLarge(SoulSpotError):
    """A preview was asked for more than can be looked up while the client waits."""


@dataclass(frozen=True)
class Queued:
    """A refresh too large to wait for, queued; `lookups` None for the whole library."""

    lookups: int | None
    detail: str = "refresh queued"


def request_refresh(scope: Scope, *, preview: bool) -> RefreshReport | Queued:
    """What the API and pages call: a small scope is refreshed (or previewed) now and its
    report returned; a larger one is queued (`Queued`). A preview of a larger one is refused
    (RefreshTooLarge); so is a small refresh MusicBrainz answered none of (its
    ProviderUnavailable is raised, nothing was recorded)."""
    lookups = lookups_needed(scope)
    if lookups is None or lookups > SYNC_LOOKUPS:
        if preview:
            raise RefreshTooLarge(
                f"too large to preview: at most {SYNC_LOOKUPS} MusicBrainz lookups "
                "(one per album, artist or loose track); refresh it without a preview"
            )
        queue_refresh(scope)
        return Queued(lookups)
    report = refresh(scope, preview=preview)
    if report.unavailable is not None and not report.refreshed:
        raise report.unavailable
    return report


def lookups_needed(scope: Scope) -> int | None:
    """How many MusicBrainz lookups `scope` costs; None for the whole library."""
    if scope.all:
        return None
    return len(plan(scope, None, [])[0])


def plan(scope: Scope, limit: int | None, skipped: list[Item]) -> tuple[list[_Job], Scope | None]:
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
            jobs.append(_Job(album))
        else:
            skipped.append(_item(album, "no MusicBrainz release id"))
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


def _plan_all(scope: Scope, limit: int) -> tuple[list[_Job], Scope | None]:
    # One row more than asked for tells whether anything is left after this batch.
    albums = Album.objects.select_related("artist").exclude(musicbrainz_release_id="")
    jobs = [_Job(a) for a in albums.filter(pk__gt=scope.after_album).order_by("pk")[: limit + 1]]
    if len(jobs) > limit:
        return jobs[:limit], replace(scope, after_album=jobs[limit - 1].row.pk)
    after_album = jobs[-1].row.pk if jobs else scope.after_album
    room = limit - len(jobs)
    tracks = _loose_tracks(Track.objects.filter(pk__gt=scope.after_track)).order_by("pk")
    track_jobs = [_Job(t) for t in tracks[: room + 1]]
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


def _artist_jobs(artist_ids: tuple[int, ...], skipped: list[Item]) -> list[_Job]:
    jobs = []
    artists = list(Artist.objects.filter(pk__in=artist_ids).order_by("pk"))
    _note_missing(Artist, artist_ids, {a.pk for a in artists}, skipped)
    for artist in artists:
        if artist.musicbrainz_id:
            jobs.append(_Job(artist))
        else:
            skipped.append(_item(artist, "no MusicBrainz artist id"))
    return jobs


def _track_jobs(track_ids: tuple[int, ...], covered: set[int], skipped: list[Item]) -> list[_Job]:
    """Tracks on an album with a release id share one release lookup per album; others are
    looked up by recording."""
    tracks = list(
        Track.objects.select_related("artist", "album").filter(pk__in=track_ids).order_by("pk")
    )
    _note_missing(Track, track_ids, {t.pk for t in tracks}, skipped)
    by_album: dict[int, list[Track]] = {}
    jobs: list[_Job] = []
    for track in tracks:
        album = track.album
        if album is not None and album.musicbrainz_release_id:
            if album.pk not in covered:
                by_album.setdefault(album.pk, []).append(track)
        elif track.musicbrainz_recording_id:
            jobs.append(_Job(track))
        else:
            skipped.append(_item(track, "no MusicBrainz recording or release id"))
    return [_Job(ts[0].album, tuple(ts)) for ts in by_album.values()] + jobs


def _rest_of(jobs: list[_Job]) -> Scope:
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
    newest = (
        FieldValue.objects.filter(kind=kind, object_id=models.OuterRef("pk"))
        .filter(source=Source.MUSICBRAINZ)
        .order_by("-fetched_at")
        .values("fetched_at")[:1]
    )
    return (
        rows.annotate(mb_fetched_at=models.Subquery(newest))
        .filter(models.Q(mb_fetched_at__isnull=True) | models.Q(mb_fetched_at__lt=cutoff))
        .order_by(models.F("mb_fetched_at").asc(nulls_first=True), "pk")
    )


# -- asking and recording --------------------------------------------------------------------


def _fetch(job: _Job, report: RefreshReport) -> Any:
    """MusicBrainz's answer for `job`, or None after reporting why there is none."""
    row = job.row
    try:
        with _fresh_answers():
            if isinstance(row, Album):
                return mb.get_release(row.musicbrainz_release_id)
            if isinstance(row, Track):
                return mb.get_recording(row.musicbrainz_recording_id)
            return mb.get_artist(row.musicbrainz_id)
    except mb.MusicBrainzNotFound:
        report.not_found.append(_item(row, f"MusicBrainz has no {_id_name(row)} {_mb_id(row)}"))
    except mb.MusicBrainzError as exc:
        report.errors.append(_item(row, str(exc)))
        if isinstance(exc, ProviderUnavailable):
            report.unavailable = exc
    return None


def _fresh_answers() -> contextlib.AbstractContextManager:
    # TODO(lead): return metadata.providers.cache.bypass() once the real cache is on main: a
    # refresh must see MusicBrainz's current answer, not one remembered for 30 days.
    return contextlib.nullcontext()


def _record(job: _Job, answer: Any, report: RefreshReport) -> None:
    """Record one answer, all of it or nothing, and note the conflicts it opened."""
    row = job.row
    with transaction.atomic(), _noting_conflicts(job, report):
        if isinstance(answer, mb.ReleaseInfo):
            _record_release(row, answer, job.tracks, report)
            return
        if isinstance(answer, mb.RecordingMatch):
            report.changes += engine.record(
                row, Source.MUSICBRAINZ, values.recording_values(answer)
            )
        else:
            report.changes += engine.record(row, Source.MUSICBRAINZ, values.artist_values(answer))
        report.refreshed.append(_item(row))


def _record_release(
    album: Album, release: mb.ReleaseInfo, only: tuple[Track, ...] | None, report: RefreshReport
) -> None:
    if only is None:
        report.changes += engine.record(album, Source.MUSICBRAINZ, values.album_values(release))
        _record_album_artist(album, release, report)
        report.refreshed.append(_item(album))
    tracks = list(only if only is not None else album.tracks.select_related("artist"))
    matched, unmatched = match_tracks(tracks, release)
    for track, medium, release_track in matched:
        offer = values.track_values(medium, release_track)
        report.changes += engine.record(track, Source.MUSICBRAINZ, offer)
        report.refreshed.append(_item(track))
    report.skipped += [_item(t, "not on the MusicBrainz release") for t in unmatched]


def _record_album_artist(album: Album, release: mb.ReleaseInfo, report: RefreshReport) -> None:
    """Offer the release's artist fields to the album's artist row, only when that row is
    the release's artist: already carrying its id, or carrying none and the same name."""
    offer = values.album_artist_values(release)
    artist = Album.objects.select_related("artist").get(pk=album.pk).artist
    if offer is None or artist.musicbrainz_id not in ("", offer["musicbrainz_id"]):
        return
    if not artist.musicbrainz_id and normalize.differs_in_words(artist.name, offer["name"]):
        return
    report.changes += engine.record(artist, Source.MUSICBRAINZ, offer)


@contextlib.contextmanager
def _noting_conflicts(job: _Job, report: RefreshReport) -> Iterator[None]:
    """Add to the report the conflicts the recording inside opened on the job's rows."""
    rows = _conflict_rows(job)
    before = set(rows.values_list("pk", flat=True))
    yield
    for conflict in rows.exclude(pk__in=before).order_by("pk"):
        report.conflicts.append(
            OpenedConflict(
                conflict.kind,
                conflict.object_id,
                conflict.label,
                conflict.field,
                conflict.offers,
            )
        )


def _conflict_rows(job: _Job) -> models.QuerySet:
    row = job.row
    open_ones = FieldConflict.objects.open()
    if not isinstance(row, Album):
        return open_ones.filter(kind=kind_of(row), object_id=row.pk)
    # An album's refresh touches the album, its tracks and its artist.
    return open_ones.filter(
        models.Q(album_id=row.pk) | models.Q(kind="artist", object_id=row.artist_id)
    )


def _item(row: Row, reason: str = "") -> Item:
    return Item(kind_of(row), row.pk, engine.label_of(row), reason)


def _id_name(row: Row) -> str:
    names: dict[type, str] = {Album: "release", Track: "recording", Artist: "artist"}
    return names[type(row)]


def _mb_id(row: Row) -> str:
    getters: dict[type, Callable[[Any], str]] = {
        Album: lambda a: a.musicbrainz_release_id,
        Track: lambda t: t.musicbrainz_recording_id,
        Artist: lambda a: a.musicbrainz_id,
    }
    return getters[type(row)](row)


TASK = "metadata.tasks.refresh_metadata"


def queue_refresh(scope: Scope) -> None:
    """Refresh `scope` in the background, a batch at a time (`refresh_in_batches`)."""
    enqueue(TASK, scope.as_dict())


def refresh_in_batches(scope: Scope) -> str:
    """Refresh the first batch of `scope` now and queue the rest; a summary for the task log.
    When MusicBrainz answered nothing in this batch (it is down), nothing more is queued."""
    report = refresh(scope, preview=False)
    gave_up = report.unavailable is not None and not report.refreshed
    if report.remaining is not None and not gave_up:
        queue_refresh(report.remaining)
        return f"MusicBrainz refresh: {report}; the rest queued"
    return f"MusicBrainz refresh: {report}" + (
        "; MusicBrainz unavailable, stopped" if gave_up else ""
    )
