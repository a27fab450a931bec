"""The scheduled fill-in: ask the providers again for what imports could not get.

For each track with due gaps: MusicBrainz first (it may name the release, which the cover
needs), then cover art and lyrics; then the library file is re-tagged, renamed if its
templated path changed, and given its sidecars. Gaps still open are pushed back with backoff.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from library import paths as library_paths
from library.audio import AudioInfo, UnreadableAudio, read_audio
from library.models import Track, TrackFile
from library.naming import scheme as naming_scheme
from library.naming.renamer import move_file, tidy_folder
from library.provenance.tags import catalogue_tags
from library.safe_files import DestinationExists
from library.tagging import TaggingError, read_cover
from metadata.importer import conflicts, enrich, gaps, library_records, placement
from metadata.importer.enrich import Enrichment
from metadata.models import MetadataGap

logger = logging.getLogger(__name__)
Kind = MetadataGap.Kind
DEFAULT_LIMIT = 25
CLAIM_MINUTES = 10  # a worker that dies mid-track lets another retry after this long


def fill_due_gaps(limit: int = DEFAULT_LIMIT) -> str:
    """Retry the gaps that are due, for at most `limit` tracks; returns a short summary."""
    due = MetadataGap.objects.due()
    if not enrich.providers_enabled():
        return f"metadata providers are switched off; {due.count()} gaps wait"
    track_ids = list(dict.fromkeys(due.values_list("track_id", flat=True)[: limit * 3]))[:limit]
    filled = sum(len(fill_track(track_id)) for track_id in track_ids)
    still_open = MetadataGap.objects.count()
    return f"filled {filled} gaps of {len(track_ids)} tracks; {still_open} still open"


def fill_track(track_id: int, *, due_only: bool = True) -> list[str]:
    """Fill one track's gaps now; returns the kinds that were filled."""
    kinds = _claim(track_id, due_only)
    track = Track.objects.with_relations().filter(pk=track_id).first()
    if not kinds or track is None:
        return []
    result = Enrichment()
    if Kind.MUSICBRAINZ in kinds:
        enrich.lookup_musicbrainz(track, result)
    row = _library_file(track)
    if row is None:  # nothing on disk to decorate; the catalogue data above still counts
        result.answered.update(kinds - {Kind.MUSICBRAINZ})
    else:
        _decorate(track, row, kinds, result)
    gaps.record(track, result, attempted=True)
    return sorted(kinds & result.answered)


def _claim(track_id: int, due_only: bool) -> set[str]:
    gap_rows = MetadataGap.objects.filter(track_id=track_id)
    if due_only:
        gap_rows = gap_rows.filter(next_attempt_at__lte=timezone.now())
    kinds = set(gap_rows.values_list("kind", flat=True))
    lease = timezone.now() + timedelta(minutes=CLAIM_MINUTES)
    gap_rows.filter(kind__in=kinds).update(next_attempt_at=lease)
    return kinds


def _library_file(track: Track) -> TrackFile | None:
    row = TrackFile.objects.present().filter(track=track).order_by("-pk").first()
    if row is None or not Path(row.path).is_file():
        return None
    return row


def _decorate(track: Track, row: TrackFile, kinds: set[str], result: Enrichment) -> None:
    path = Path(row.path)
    try:
        info = read_audio(path)
    except (UnreadableAudio, OSError) as exc:
        logger.warning("cannot refresh %s: %s", path, exc)
        return
    dest = naming_scheme.destination(
        track,
        extension=path.suffix.lower(),
        quality_key=conflicts.quality_of(info),
        original_filename=path.name,
    )
    if Kind.COVER in kinds or (result.meta and not (dest.parent / enrich.COVER_NAME).exists()):
        enrich.find_cover(track, dest.parent, result, embedded=lambda: _cover(path))
    if Kind.LYRICS in kinds:
        enrich.find_lyrics(track, result)
    if result.meta or result.cover or result.lyrics:
        _refresh(track, row, path, dest, info, result)


def _refresh(
    track: Track, row: TrackFile, path: Path, dest: Path, info: AudioInfo, result: Enrichment
) -> None:
    """Re-tag the library file with what was learned, move it to its new name, add sidecars."""
    # Without a MusicBrainz match nothing better than the import's guess is known now either:
    # names the file does not carry stay out of it (the import may have left them out).
    guessed = set() if result.meta else _catalogue_names(track)
    tags = catalogue_tags(track, info.tags, guessed=guessed)
    sha, _ = placement.rewrite(path, tags, result.cover, result.plain_lyrics)
    if dest != path:
        try:
            move_file(path, dest)
        except DestinationExists:
            logger.warning("not renaming %s: %s is taken", path, dest)
        except library_paths.OutsideLibrary as exc:
            logger.warning("not renaming %s: %s", path, exc)
        else:
            tidy_folder(path.parent)
            path = dest
    if result.cover and placement.write_sidecar(path.parent / enrich.COVER_NAME, result.cover):
        enrich.remember_cover_source(track, result.cover_source)
    if result.synced_lyrics:
        placement.write_sidecar(path.with_suffix(".lrc"), result.synced_lyrics.encode("utf-8"))
    stat = path.stat()
    TrackFile.objects.filter(pk=row.pk).update(
        path=str(path),
        sha256=sha,
        size=stat.st_size,
        mtime=stat.st_mtime,
        last_scanned_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if str(path) != row.path:
        library_records.refresh_playlists([track.pk])


def _cover(path: Path) -> bytes | None:
    try:
        return read_cover(path)
    except TaggingError:
        return None


def _catalogue_names(track: Track) -> set[str]:
    album = track.album
    names = {track.artist.name, album.title, album.artist.name} if album else {track.artist.name}
    return {name for name in names if name}
