"""Creating wants: a job for a track or an album, one at a time or in a batch."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from downloads.models import DownloadJob
from downloads.services.errors import AlreadyQueued, DownloadError
from downloads.services.transitions import (
    one_live_job_per_track,
    refuse_if_already_wanted,
    wake_engine,
)
from library import catalog
from library.models import Album, Track, WantSource


@transaction.atomic
def queue_download_for_track(
    track: Track,
    *,
    priority: int = 0,
    parent: DownloadJob | None = None,
    force: bool = False,
    purpose: str = DownloadJob.Purpose.WANT,
    source: str = WantSource.TYPED,
) -> DownloadJob:
    """A new job for `track`; refuses when one is already active for it.

    `source` is where the want came from (kept only if the track had none). The job follows
    the track's quality profile (an album child: its album job's).
    """
    refuse_if_already_wanted(track.pk)
    catalog.mark_wanted(track, force=force, source=source)
    with one_live_job_per_track(track.pk):
        job = DownloadJob.objects.create(
            kind=DownloadJob.Kind.TRACK,
            track=track,
            purpose=purpose,
            priority=priority,
            parent=parent,
            quality_profile_id=parent.quality_profile_id if parent else track.quality_profile_id,
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
    for number, title in enumerate(tracks or [], start=1):
        track = catalog.find_or_create_track(artist=artist, title=title, album=album, year=year)
        Track.objects.filter(pk=track.pk, track_number__isnull=True).update(track_number=number)
    if tracks:
        Album.objects.filter(pk=album_row.pk).update(track_count=len(tracks))
    job = DownloadJob.objects.create(
        kind=DownloadJob.Kind.ALBUM,
        album=album_row,
        priority=priority,
        max_attempts=settings.DOWNLOAD_ATTEMPTS,
    )
    transaction.on_commit(wake_engine)
    return job
