"""What the API and page fuzz tests share: real rows for every id a URL can name."""

from __future__ import annotations

from library.models import FieldConflict, Playlist, QualityProfile, Source, Track
from library.provenance import engine
from tests.factories import (
    AlbumFactory,
    CandidateFactory,
    DownloadJobFactory,
    DuplicateGroupFactory,
    LibraryScanFactory,
    TrackFactory,
    TrackFileFactory,
)


def existing_ids() -> dict[str, int]:
    """One row of each kind a path names, so mutants of one slot reach past the 404."""
    track_file = TrackFileFactory()
    album = AlbumFactory()
    job = DownloadJobFactory(track=TrackFactory())
    CandidateFactory(job=job)
    return {
        "track_id": track_file.track_id,
        "album_id": album.pk,
        "artist_id": album.artist_id,
        "job_id": job.pk,
        "group_id": DuplicateGroupFactory().pk,
        "scan_id": LibraryScanFactory().pk,
        "file_id": track_file.pk,
        "track_file_id": track_file.pk,
        "keep_file_id": track_file.pk,
        "playlist_id": Playlist.objects.create(name="Fuzzed").pk,
        "conflict_id": _conflict(track_file.track).pk,
        "profile_id": QualityProfile.get_default().pk,
        "object_id": track_file.track_id,
    }


def _conflict(track: Track) -> FieldConflict:
    """An open conflict on the track's title (MusicBrainz names it in other words)."""
    engine.record(track, Source.MUSICBRAINZ, {"title": f"{track.title} Other Words"})
    return FieldConflict.objects.get(object_id=track.pk, field="title")
