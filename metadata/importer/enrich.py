"""Asking the providers about a track: MusicBrainz data, cover art, lyrics.

A provider that is down (or switched off) never stops an import: the gap is noted in the
`Enrichment` and recorded by `gaps.record`, and the scheduled fill-in task asks again later.
A provider that answers "there is none" closes the question for good.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from library.models import FieldValue, MetadataSettings, Source, Track
from library.models import Kind as RowKind
from library.naming.scheme import COVER_NAME
from library.provenance import engine
from library.tagging import InvalidImage, prepare_cover
from metadata import genres
from metadata.importer import merge
from metadata.models import AlbumCover, MetadataGap
from metadata.providers import coverart, lrclib, musicbrainz
from metadata.providers.base import ProviderError, ProviderUnavailable
from metadata.providers.lrclib import Lyrics
from metadata.providers.musicbrainz import TrackMetadata

logger = logging.getLogger(__name__)
Kind = MetadataGap.Kind
FOLDER_IMAGES = ("cover.jpg", "folder.jpg", "front.jpg", "album.jpg", "cover.png", "folder.png")
MAX_FOLDER_IMAGE_BYTES = 15 * 1024 * 1024
_LRC_STAMP = re.compile(r"^\s*(\[[0-9:.]+\]\s*)+", re.M)
_LRC_TAG = re.compile(r"^\s*\[[a-z]+:.*\]\s*$", re.M | re.I)


@dataclass
class Enrichment:
    """What this import learned, and what it could not learn (kind -> why)."""

    meta: TrackMetadata | None = None
    cover: bytes | None = None  # JPEG, already resized
    cover_source: str = ""
    lyrics: Lyrics | None = None
    gaps: dict[str, str] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)

    @property
    def plain_lyrics(self) -> str | None:
        if self.lyrics is None or self.lyrics.instrumental:
            return None
        if self.lyrics.plain:
            return self.lyrics.plain
        return _strip_timestamps(self.lyrics.synced) if self.lyrics.synced else None

    @property
    def synced_lyrics(self) -> str | None:
        lyrics = self.lyrics
        return None if lyrics is None or lyrics.instrumental else lyrics.synced


def providers_enabled() -> bool:
    return bool(settings.METADATA_PROVIDERS_ENABLED)


def is_identified(track: Track) -> bool:
    """Already matched to MusicBrainz (recording and release): no need to ask again."""
    album = track.album
    return bool(track.musicbrainz_recording_id and album and album.musicbrainz_release_id)


def lookup_musicbrainz(track: Track, result: Enrichment) -> None:
    """Identify the track on MusicBrainz and store what was learned on Track/Album/Artist."""
    if is_identified(track):
        result.answered.add(Kind.MUSICBRAINZ)
        return
    try:
        # The primary artist, not the credit: "A feat. B" is spelled differently everywhere.
        meta = musicbrainz.lookup_track(
            artist=track.artist.name,
            title=track.title,
            duration_ms=track.duration_ms,
            isrc=track.isrc or None,
            album=track.album.title if track.album else None,
        )
    except ProviderUnavailable as exc:
        result.gaps[Kind.MUSICBRAINZ] = str(exc)
        return
    except ProviderError as exc:  # a refusal: asking again will not help
        logger.warning("MusicBrainz refused to identify %s: %s", track, exc)
        meta = None
    result.answered.add(Kind.MUSICBRAINZ)
    if meta is not None:
        merge.apply_recording(track, meta)
        result.meta = meta


def find_cover(
    track: Track,
    album_dir: Path,
    result: Enrichment,
    *,
    source: Path | None = None,
    embedded: Callable[[], bytes | None] | None = None,
) -> None:
    """The album cover: the library's cover.jpg, CAA, a known image URL, the source folder's
    image, or the one embedded in the file — in that order."""
    if track.album is None:
        if Kind.MUSICBRAINZ in result.gaps:
            result.gaps[Kind.COVER] = "waiting for MusicBrainz to name the album"
        else:
            result.answered.add(Kind.COVER)  # a loose track has no album folder to decorate
        return
    existing = album_dir / COVER_NAME
    if existing.is_file():
        result.cover, result.cover_source = existing.read_bytes(), AlbumCover.Source.LIBRARY
        result.answered.add(Kind.COVER)
        return
    unavailable = _remote_cover(track, result)
    if result.cover is None:
        _local_cover(source, embedded, result)
    if result.cover is None and unavailable:
        result.gaps[Kind.COVER] = unavailable
    else:
        result.answered.add(Kind.COVER)


def remember_cover_source(track: Track, source: str) -> None:
    """Note where the album's cover.jpg came from (shown in the admin)."""
    if track.album is not None:
        AlbumCover.objects.update_or_create(album=track.album, defaults={"source": source})


def find_lyrics(track: Track, result: Enrichment) -> None:
    try:
        result.lyrics = lrclib.get_lyrics(
            track.artist.name,
            track.title,
            album=track.album.title if track.album else None,
            duration_ms=track.duration_ms,
        )
    except ProviderUnavailable as exc:
        result.gaps[Kind.LYRICS] = str(exc)
        return
    except ProviderError as exc:
        logger.warning("LRCLIB refused lyrics for %s: %s", track, exc)
    result.answered.add(Kind.LYRICS)


def _remote_cover(track: Track, result: Enrichment) -> str:
    """Try CAA, then the album's image URL; returns why a provider could not answer, or ""."""
    album = track.album
    reasons = []
    if album.musicbrainz_release_id:
        reasons.append(
            _try_cover(
                result,
                AlbumCover.Source.COVERART,
                coverart.front_cover,
                album.musicbrainz_release_id,
            )
        )
    elif Kind.MUSICBRAINZ in result.gaps:
        reasons.append("waiting for MusicBrainz to name the release")
    if result.cover is None and providers_enabled():  # downloading it needs the providers on
        urls = AlbumCover.objects.filter(album=album).exclude(image_url="")
        image_url = urls.values_list("image_url", flat=True).first()
        if image_url:
            reasons.append(
                _try_cover(result, AlbumCover.Source.URL, coverart.fetch_image, image_url)
            )
    return "; ".join(r for r in reasons if r)


def _try_cover(
    result: Enrichment, source: str, fetch: Callable[[str], bytes | None], argument: str
) -> str:
    try:
        data = fetch(argument)
    except ProviderUnavailable as exc:
        return str(exc)
    except ProviderError as exc:
        logger.warning("no usable cover from %s: %s", source, exc)
        return ""
    if data:
        _use_cover(result, data, source)
    return ""


def _local_cover(
    source: Path | None, embedded: Callable[[], bytes | None] | None, result: Enrichment
) -> None:
    if source is not None:
        for image in _folder_images(source.parent):
            if _use_cover(result, image.read_bytes(), AlbumCover.Source.FOLDER):
                return
    data = embedded() if embedded is not None else None
    if data:
        _use_cover(result, data, AlbumCover.Source.EMBEDDED)


def _folder_images(folder: Path) -> list[Path]:
    """Album art files in a source folder (names only are listed: folders can be huge)."""
    try:
        names = {name.casefold(): folder / name for name in os.listdir(folder)}
    except OSError:
        return []
    found = [names[n] for n in FOLDER_IMAGES if n in names]
    return [p for p in found if p.is_file() and p.stat().st_size <= MAX_FOLDER_IMAGE_BYTES]


def _use_cover(result: Enrichment, data: bytes, source: str) -> bool:
    try:
        result.cover = prepare_cover(data, int(settings.COVER_MAX_PX))
    except InvalidImage as exc:
        logger.warning("ignoring a cover from %s: %s", source, exc)
        return False
    result.cover_source = source
    return True


def _strip_timestamps(synced: str) -> str:
    text = _LRC_TAG.sub("", synced)
    return _LRC_STAMP.sub("", text).strip() + "\n"


def lookup_genres(track: Track) -> None:
    """Genres from Last.fm's top tags (track, else album, else artist), canonical and at most
    the settings' count, recorded as Last.fm's offer. Without an API key Last.fm is off; when
    it is down the daily genre fill asks again later."""
    if not settings.LASTFM_API_KEY or not providers_enabled():
        return
    try:
        record_lastfm_genres(track)
    except ProviderUnavailable as exc:
        logger.info("Last.fm genres for %s later: %s", track, exc)
    except ProviderError as exc:
        logger.info("Last.fm has no genres for %s: %s", track, exc)


def record_lastfm_genres(track: Track) -> None:
    """Ask Last.fm now and record its genres for `track` (raises the provider's errors)."""
    count = MetadataSettings.load().genre_count
    album = track.album.title if track.album else None
    found = genres.lastfm_genres(track.artist.name, track.title, album, limit=count)
    engine.record(track, Source.LASTFM, {"genres": found or None})


def fill_missing_genres(limit: int = 200) -> int:
    """Ask Last.fm about owned tracks it has not given genres for yet (a bounded batch; its
    answers are cached, so a track asked about recently costs no request). Returns how many
    were asked about; stops at the first sign Last.fm is down."""
    if not settings.LASTFM_API_KEY or not providers_enabled():
        return 0
    asked = FieldValue.objects.filter(kind=RowKind.TRACK, field="genres", source=Source.LASTFM)
    tracks = (
        Track.objects.having_files(is_missing=False)
        .exclude(pk__in=asked.values("object_id"))
        .with_relations()
        .order_by("pk")[:limit]
    )
    count = 0
    for track in tracks:
        try:
            record_lastfm_genres(track)
        except ProviderUnavailable as exc:
            logger.info("Last.fm is unavailable, genres later: %s", exc)
            break
        except ProviderError:
            pass
        count += 1
    return count
