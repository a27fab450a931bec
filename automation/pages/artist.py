"""The artist page's reads and writes: its releases by type with how much of each is owned,
its cover, its watch settings and "search missing".

Rows come from the watch's release groups (MusicBrainz's view of the discography) and from the
library's albums of the artist that no release group points to. Owned/total counts come from
the library: a release group without an album is 0 of an unknown total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models

from automation.models import PRIMARY_TYPES, ReleaseGroup, WatchedArtist
from downloads.services.wanted import WantedSearch, search_wanted_tracks
from library import covers
from library.models import Album, Artist, Track, TrackFile
from soulspot.lib.schemas import MAX_ITEMS

TYPE_ORDER = [*PRIMARY_TYPES, "compilation", "live", "soundtrack"]
COVER_FILES = 200  # enough paths to find a cover folder among an artist's albums


@dataclass
class ReleaseRow:
    title: str
    date: str
    type: str
    owned: int = 0
    total: int | None = None
    album_id: int | None = None
    group: ReleaseGroup | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.owned / self.total) if self.total else 0


@dataclass
class ArtistOverview:
    artist: Artist
    watch: WatchedArtist | None
    sections: list[tuple[str, list[ReleaseRow]]] = field(default_factory=list)
    cover_album_id: int | None = None
    missing_tracks: int = 0


def artist_overview(artist: Artist) -> ArtistOverview:
    """Everything the artist page shows, in a fixed number of queries."""
    watch = WatchedArtist.objects.filter(artist=artist).select_related("quality_profile").first()
    albums = _albums_with_counts(artist)
    groups = list(watch.releases.order_by("release_date", "title")) if watch else []
    rows = [_group_row(g, albums.get(g.album_id)) for g in groups]
    linked = {g.album_id for g in groups}
    rows += [_album_row(a) for a in albums.values() if a.pk not in linked]
    return ArtistOverview(
        artist=artist,
        watch=watch,
        sections=_by_type(rows),
        cover_album_id=_cover_album(artist),
        missing_tracks=Track.objects.missing().filter(artist=artist).count(),
    )


def _albums_with_counts(artist: Artist) -> dict[int, Album]:
    owned = models.Count("tracks", filter=models.Q(tracks__status=Track.Status.OWNED))
    albums = (
        Album.objects.filter(artist=artist)
        .annotate(known=models.Count("tracks"), owned=owned)
        .select_related("completeness")
        .order_by("year", "title")
    )
    return {album.pk: album for album in albums}


def _total(album: Album) -> int:
    completeness = getattr(album, "completeness", None)
    expected = completeness.expected_count if completeness else 0
    return max(expected, album.known)


def _group_row(group: ReleaseGroup, album: Album | None) -> ReleaseRow:
    types = [group.primary_type or "other", *group.secondary_types]
    row = ReleaseRow(group.title, group.first_release_date, " + ".join(types), group=group)
    if album is not None:
        row.owned, row.total, row.album_id = album.owned, _total(album), album.pk
    return row


def _album_row(album: Album) -> ReleaseRow:
    year = str(album.year or "")
    return ReleaseRow(album.title, year, album.release_type, album.owned, _total(album), album.pk)


def _by_type(rows: Iterable[ReleaseRow]) -> list[tuple[str, list[ReleaseRow]]]:
    sections: dict[str, list[ReleaseRow]] = {}
    for row in rows:
        sections.setdefault(row.type, []).append(row)
    rank = {name: i for i, name in enumerate(TYPE_ORDER)}
    return sorted(sections.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def _cover_album(artist: Artist) -> int | None:
    """An album of the artist with a cover.jpg in the music folder, for the page's picture."""
    files = TrackFile.objects.filter(track__album__artist=artist, is_missing=False)
    by_album: dict[int, list[str]] = {}
    for album_id, path in files.order_by("pk").values_list("track__album_id", "path")[:COVER_FILES]:
        by_album.setdefault(album_id, []).append(path)
    return next((pk for pk, paths in by_album.items() if covers.cover_among(paths)), None)


# --- writes ----------------------------------------------------------------------------------
# Watching goes through `automation.watching.watches`, like the API.


def search_missing_of_artist(artist: Artist) -> WantedSearch:
    """Queue a search for each of the artist's monitored tracks that have no healthy file."""
    missing = (
        Track.objects.missing()
        .filter(artist=artist)
        .order_by(models.F("last_searched_at").asc(nulls_first=True), "pk")
    )
    return search_wanted_tracks(missing.values_list("pk", flat=True)[:MAX_ITEMS])
