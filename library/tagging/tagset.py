"""The TagSet every reader and writer exchanges, and the tagging errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INT_FIELDS = {"track_number", "track_total", "disc_number", "disc_total"}


class TaggingError(Exception):
    """Tags could not be read or written."""


class UnsupportedFormat(TaggingError):
    """The container has no tag writer here (e.g. WMA, APE)."""


class InvalidImage(TaggingError, ValueError):
    """Bytes given as cover art are not a usable image."""


@dataclass
class TagSet:
    """The tags SoulSpot manages; None (or an empty list) means "not set"."""

    title: str | None = None
    artist: str | None = None
    artists: list[str] = field(default_factory=list)
    album: str | None = None
    album_artist: str | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    date: str | None = None
    genre: str | None = None
    isrc: str | None = None
    musicbrainz_recording_id: str | None = None
    musicbrainz_release_id: str | None = None
    musicbrainz_release_group_id: str | None = None
    musicbrainz_artist_id: str | None = None
    musicbrainz_album_artist_id: str | None = None
    spotify_id: str | None = None
    label: str | None = None
    catalog_number: str | None = None
    country: str | None = None
    artist_sort: str | None = None
    album_artist_sort: str | None = None

    @property
    def primary_artist(self) -> str:
        """The first of several credited artists: the catalogue's Artist for the track.

        ARTISTS (or a multi-value ARTIST, read as a list) names them when the display ARTIST is
        just them joined ("piman; jzig", "piman / jzig"); a single "A; B" string is split the
        same way. Scanner and importer both use this, so they agree on the artist.
        """
        if len(self.artists) > 1 and _fold(self.artist) == _fold(" ".join(self.artists)):
            return self.artists[0].strip()
        return (self.artist or "").split("; ")[0].strip()

    @property
    def year(self) -> int | None:
        """The year at the start of `date` ("2003-05-01" -> 2003)."""
        match = re.match(r"\s*(\d{4})", self.date or "")
        return int(match.group(1)) if match else None


def _fold(text: str | None) -> str:
    """Case and punctuation (separators included) folded away."""
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").casefold()).split())


def parse_int(text: str) -> int | None:
    """Leading number of a tag value ("3/12" -> 3); None for empty, junk or 0."""
    match = re.match(r"\s*(\d+)", text or "")
    number = int(match.group(1)) if match else 0
    return number or None  # 0 means "unknown" in trkn/disk atoms and some taggers
