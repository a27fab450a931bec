"""Creating wants: a job for a track or an album (by names, or a MusicBrainz release or
release group), one at a time or in a batch."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from downloads.models import DownloadJob
from downloads.services.errors import AlreadyQueued, DownloadError, UnknownRelease
from downloads.services.transitions import (
    one_live_job_per_track,
    refuse_if_already_wanted,
    transition,
    wake_engine,
)
from library import catalog
from library.models import Album, Track, WantSource
from metadata.providers import musicbrainz

Purpose = DownloadJob.Purpose
Status = DownloadJob.Status
ALREADY_OWNED = "already owned: every track of this album is in the library"
# An album's track list is written this many tracks per transaction (see _add_album_tracks).
TRACKS_PER_TRANSACTION = 50


@transaction.atomic
def queue_download_for_track(
    track: Track,
    *,
    priority: int = 0,
    parent: DownloadJob | None = None,
    purpose: str = Purpose.WANT,
    source: str | None = WantSource.TYPED,
    want_key: str = "",
) -> DownloadJob:
    """A new job for `track`; refuses when one is already live for it.

    The track becomes monitored; `source` and `want_key` say why it is wanted (None: it is
    wanted already and this is another search for it). A re-download wants an owned track
    again (its file is replaced once the new one verifies); an upgrade leaves the owned track
    as it is until a better file has replaced its file.
    """
    refuse_if_already_wanted(track.pk)
    if purpose == Purpose.UPGRADE and not Track.objects.cutoff_unmet().filter(pk=track.pk).exists():
        raise DownloadError(f"{track} is not below its quality cutoff: nothing to upgrade")
    catalog.mark_wanted(track, force=purpose == Purpose.REDOWNLOAD, source=source, key=want_key)
    profile = parent.quality_profile if parent else track.quality_profile
    with one_live_job_per_track(track.pk):
        job = DownloadJob.objects.create(
            kind=DownloadJob.Kind.TRACK,
            purpose=purpose,
            track=track,
            priority=priority,
            parent=parent,
            quality_profile=profile,
            max_attempts=settings.DOWNLOAD_ATTEMPTS,
        )
    transaction.on_commit(wake_engine)
    return job


def queue_track_download(
    *,
    artist: str,
    title: str,
    album: str = "",
    duration_ms: int | None = None,
    isrc: str = "",
    priority: int = 0,
) -> DownloadJob:
    """Want a track by its names (the API's `POST /api/downloads`)."""
    if not artist.strip() or not title.strip():
        raise DownloadError("artist and title are both required")
    track = catalog.find_or_create_track(
        artist=artist, title=title, album=album, duration_ms=duration_ms, isrc=isrc
    )
    return queue_download_for_track(track, priority=priority)


@transaction.atomic
def queue_album_download(
    *,
    artist: str,
    album: str,
    year: int | None = None,
    tracks: list[str] | None = None,
    priority: int = 0,
) -> DownloadJob:
    """Want a whole album: one album job that finds a folder, then one child job per track."""
    if not artist.strip() or not album.strip():
        raise DownloadError("artist and album are both required")
    album_row = catalog.album_named(catalog.artist_named(artist), album, year=year)
    _refuse_if_album_queued(album_row)
    _add_album_tracks(album_row, tracks or [], artist=artist)
    if tracks:
        Album.objects.filter(pk=album_row.pk).update(track_count=len(tracks))
    return _start_album_job(album_row, priority=priority, known_tracks=bool(tracks))


def queue_album_from_release(release_id: str, *, priority: int = 0, note: str = "") -> DownloadJob:
    """Want one MusicBrainz release (edition): its album with the release's ids, year and
    counts, its tracks in order (disc, number, length, recording id, ISRC), then the album job
    as for a want by names. `note` (why this release) is kept as the job's status reason.

    Raises AlreadyQueued when the release is already being downloaded, UnknownRelease when
    MusicBrainz does not know it, MusicBrainzUnavailable when MusicBrainz cannot answer.
    """
    queued = Album.objects.filter(musicbrainz_release_id=release_id).order_by("pk").first()
    if queued is not None:
        _refuse_if_album_queued(queued)  # before asking MusicBrainz: no request wasted
    try:
        release = musicbrainz.get_release(release_id)  # a network call: outside transactions
    except musicbrainz.MusicBrainzNotFound as exc:
        raise UnknownRelease(f"MusicBrainz has no release {release_id}") from exc
    return _queue_release(release, priority=priority, note=note)


def queue_album_from_release_group(
    release_group_id: str, *, priority: int = 0, country: str | None = None
) -> DownloadJob:
    """Want an album by its MusicBrainz release group: the edition `choose_release_for_group`
    picks is wanted as by `queue_album_from_release`, the reason for the pick on the job."""
    try:
        choice = musicbrainz.choose_release_for_group(release_group_id, country=country)
    except musicbrainz.MusicBrainzNotFound as exc:
        raise UnknownRelease(f"MusicBrainz has no release group {release_group_id}") from exc
    return queue_album_from_release(choice.release_id, priority=priority, note=choice.reason)


@transaction.atomic
def _queue_release(release: musicbrainz.ReleaseInfo, *, priority: int, note: str) -> DownloadJob:
    places = [(m.position, t) for m in release.media for t in m.tracks]
    album_row = catalog.album_for_release(
        catalog.ReleaseFacts(
            artist=release.artist,
            title=release.title,
            release_id=release.id,
            release_group_id=release.release_group_id or "",
            year=release.year,
            track_count=len(places) or None,
            disc_count=release.disc_count or None,
        )
    )
    _refuse_if_album_queued(album_row)
    for start in range(0, len(places), TRACKS_PER_TRANSACTION):
        with transaction.atomic():  # chunked as in _add_album_tracks
            for disc, track in places[start : start + TRACKS_PER_TRANSACTION]:
                catalog.release_track(album_row, _track_facts(disc, track))
    return _start_album_job(album_row, priority=priority, known_tracks=bool(places), note=note)


def _track_facts(disc: int, track: musicbrainz.ReleaseTrack) -> catalog.ReleaseTrackFacts:
    return catalog.ReleaseTrackFacts(
        title=track.title,
        artist=track.artist,
        disc_number=disc,
        track_number=track.position,
        duration_ms=track.length_ms,
        recording_id=track.recording_id,
        isrc=track.isrc or "",
    )


def _refuse_if_album_queued(album: Album) -> None:
    active = DownloadJob.objects.active().filter(album=album, kind=DownloadJob.Kind.ALBUM).first()
    if active is not None:
        raise AlreadyQueued(active)


def _start_album_job(
    album: Album, *, priority: int, known_tracks: bool, note: str = ""
) -> DownloadJob:
    """The album job, once its track list is written; completed at once when every listed
    track is owned already."""
    Album.objects.filter(pk=album.pk).update(monitored=True)
    job = DownloadJob.objects.create(
        kind=DownloadJob.Kind.ALBUM,
        album=album,
        priority=priority,
        max_attempts=settings.DOWNLOAD_ATTEMPTS,
        status_reason=note[:500],
    )
    if known_tracks and not album.tracks.missing_from_library().exists():
        # Every track is in the library already: nothing to search for.
        transition(job.pk, [Status.QUEUED], Status.COMPLETED, status_reason=ALREADY_OWNED)
        return DownloadJob.objects.get(pk=job.pk)
    transaction.on_commit(wake_engine)
    return job


def _add_album_tracks(album: Album, titles: list[str], *, artist: str) -> None:
    """The album's tracks in order, written `TRACKS_PER_TRANSACTION` at a time: SQLite has
    one writer, and a short transaction per chunk lets the background worker in between
    (fewer commits than one per statement, never one long lock for the whole list)."""
    for start in range(0, len(titles), TRACKS_PER_TRANSACTION):
        chunk = titles[start : start + TRACKS_PER_TRANSACTION]
        with transaction.atomic():
            for number, title in enumerate(chunk, start=start + 1):
                track = catalog.album_track(album, title, artist=artist)
                Track.objects.filter(pk=track.pk, track_number__isnull=True).update(
                    track_number=number
                )
