"""Creating wants: a job for a track or an album, one at a time or in a batch."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from downloads.models import DownloadJob
from downloads.services.errors import AlreadyQueued, DownloadError
from downloads.services.transitions import (
    one_live_job_per_track,
    refuse_if_already_wanted,
    transition,
    wake_engine,
)
from library import catalog
from library.models import Album, Track, WantSource

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
    active = (
        DownloadJob.objects.active().filter(album=album_row, kind=DownloadJob.Kind.ALBUM).first()
    )
    if active is not None:
        raise AlreadyQueued(active)
    _add_album_tracks(album_row, tracks or [], artist=artist)
    if tracks:
        Album.objects.filter(pk=album_row.pk).update(track_count=len(tracks))
    Album.objects.filter(pk=album_row.pk).update(monitored=True)
    job = DownloadJob.objects.create(
        kind=DownloadJob.Kind.ALBUM,
        album=album_row,
        priority=priority,
        max_attempts=settings.DOWNLOAD_ATTEMPTS,
    )
    if tracks and not album_row.tracks.missing_from_library().exists():
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
