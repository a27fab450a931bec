"""The data the fake MusicBrainz, Cover Art Archive and LRCLIB serve.

One catalogue feeds all three fakes, so a release added once has MusicBrainz data, a front cover
and (optionally) lyrics for its tracks. Ids are UUIDs derived from names, so the built-in demo
catalogue has the same ids on every run.

Builder API (tests):

    catalog = MetadataCatalog()
    added = catalog.add_release(
        "Fountain City", "Dynamo Go",
        tracks=[("Crying On My Street", 144306, "NZAB10900001"), ("Fountain City", 172760)],
        date="2009-04-03", primary_type="Album",
    )
    added.release_id, added.release_group_id, added.recording_ids, added.artist_ids
    catalog.add_lyrics("Dynamo Go", "Fountain City", album="Fountain City", duration_s=172.76,
                       synced="[00:01.00] la", plain="la")

JSON (`--data FILE`) uses the same words: {"releases": [{"title", "artist", "date", "tracks":
[{"title", "length_ms", "isrcs"}] or "discs": [[...], ...], ...}], "lyrics": [{...}]}.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_NAMESPACE = uuid.UUID("6f1f9a4e-6a51-4d8e-9b0c-50a1c0ffee00")


def stable_id(*parts: object) -> str:
    """A UUID that depends only on `parts`."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def normalize(text: str | None) -> str:
    """Lower-case, drop punctuation and squeeze spaces (used for matching in the fakes)."""
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").casefold()).split())


@dataclass
class Artist:
    id: str
    name: str
    sort_name: str


@dataclass
class Recording:
    id: str
    title: str
    length_ms: int | None
    artist_ids: list[str]
    isrcs: list[str] = field(default_factory=list)


@dataclass
class Track:
    id: str
    position: int
    number: str
    title: str
    length_ms: int | None
    recording_id: str


@dataclass
class Medium:
    position: int
    format: str
    tracks: list[Track]


@dataclass
class ReleaseGroup:
    id: str
    title: str
    primary_type: str | None
    secondary_types: list[str]
    artist_ids: list[str]


@dataclass
class Release:
    id: str
    title: str
    status: str
    date: str | None
    country: str | None
    artist_ids: list[str]
    release_group_id: str
    media: list[Medium]
    barcode: str | None = None
    disambiguation: str = ""
    # (label name, catalogue number or None), as MusicBrainz's label info lists them.
    labels: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def track_count(self) -> int:
        return sum(len(m.tracks) for m in self.media)


@dataclass
class Cover:
    image_id: str
    color: tuple[int, int, int]
    size_px: int = 1000


@dataclass
class LyricsRecord:
    id: int
    track_name: str
    artist_name: str
    album_name: str | None
    duration_s: float | None
    instrumental: bool = False
    plain: str | None = None
    synced: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The record exactly as LRCLIB's /api/get and /api/search return it."""
        return {
            "id": self.id,
            "name": self.track_name,
            "trackName": self.track_name,
            "artistName": self.artist_name,
            "albumName": self.album_name,
            "duration": self.duration_s,
            "instrumental": self.instrumental,
            "plainLyrics": self.plain,
            "syncedLyrics": self.synced,
        }


@dataclass(frozen=True)
class TrackSpec:
    """What a test says about one track when adding a release."""

    title: str
    length_ms: int | None = 200_000
    isrcs: tuple[str, ...] = ()
    recording_id: str | None = None  # reuse an existing recording (same song on two releases)
    artist: str | Sequence[str] | None = None  # defaults to the release artist

    @classmethod
    def coerce(cls, value: TrackSpec | str | Sequence[Any] | dict[str, Any]) -> TrackSpec:
        """Accept a TrackSpec, a title, a (title, length_ms[, isrc]) tuple or a JSON dict."""
        if isinstance(value, TrackSpec):
            return value
        if isinstance(value, str):
            return cls(value)
        if isinstance(value, dict):
            isrcs = value.get("isrcs") or ([value["isrc"]] if value.get("isrc") else [])
            return cls(
                value["title"],
                value.get("length_ms", 200_000),
                tuple(isrcs),
                value.get("recording_id"),
                value.get("artist"),
            )
        title, length_ms, *rest = value
        isrcs: tuple[str, ...] = ()
        if rest and rest[0]:
            isrcs = (rest[0],) if isinstance(rest[0], str) else tuple(rest[0])
        return cls(title, length_ms, isrcs)


@dataclass(frozen=True)
class AddedRelease:
    """Ids created by `MetadataCatalog.add_release`."""

    release_id: str
    release_group_id: str
    artist_ids: list[str]
    recording_ids: list[str]
    track_ids: list[str]
    cover_image_id: str | None


class MetadataCatalog:
    """In-memory MusicBrainz-like data plus covers and lyrics."""

    def __init__(self) -> None:
        self.artists: dict[str, Artist] = {}
        self.recordings: dict[str, Recording] = {}
        self.releases: dict[str, Release] = {}
        self.release_groups: dict[str, ReleaseGroup] = {}
        self.covers: dict[str, Cover] = {}
        self.lyrics: list[LyricsRecord] = []

    # -- builders --------------------------------------------------------------------------

    def add_artist(self, name: str, sort_name: str | None = None) -> str:
        artist_id = stable_id("artist", name)
        self.artists.setdefault(artist_id, Artist(artist_id, name, sort_name or name))
        return artist_id

    def add_release(
        self,
        title: str,
        artist: str | Sequence[str],
        tracks: Iterable[Any] = (),
        *,
        discs: Iterable[Iterable[Any]] | None = None,
        date: str | None = "2020-01-01",
        country: str | None = "XW",
        status: str = "Official",
        primary_type: str | None = "Album",
        secondary_types: Sequence[str] = (),
        release_group_id: str | None = None,
        medium_format: str = "Digital Media",
        cover: bool = True,
        release_id: str | None = None,
        disambiguation: str = "",
        label: str | None = None,
        catalog_number: str | None = None,
    ) -> AddedRelease:
        """Add a release (and its group, artists and recordings); returns the new ids.

        Pass `tracks` for a one-disc release or `discs` (a list of track lists) for several.
        Pass `release_group_id` of an earlier release to add another edition of that album.
        `label` and `catalog_number` make its label info (served with inc=labels). An artist
        added earlier with `add_artist(name, sort_name)` keeps that sort name.
        """
        artist_ids = self._artist_ids(artist)
        release_id = release_id or stable_id("release", title, *artist_ids, date, country, status)
        group_id = release_group_id or stable_id("release-group", title, *artist_ids)
        if group_id not in self.release_groups:
            self.release_groups[group_id] = ReleaseGroup(
                group_id, title, primary_type, list(secondary_types), artist_ids
            )
        media = [
            self._medium(release_id, pos, disc, artist_ids, medium_format)
            for pos, disc in enumerate(discs if discs is not None else [tracks], start=1)
        ]
        self.releases[release_id] = Release(
            release_id, title, status, date, country, artist_ids, group_id, media
        )
        self.releases[release_id].disambiguation = disambiguation
        if label or catalog_number:
            self.releases[release_id].labels = [(label or "", catalog_number)]
        cover_id = self._add_cover(release_id) if cover else None
        track_list = [t for m in media for t in m.tracks]
        return AddedRelease(
            release_id,
            group_id,
            artist_ids,
            [t.recording_id for t in track_list],
            [t.id for t in track_list],
            cover_id,
        )

    def add_lyrics(
        self,
        artist: str,
        title: str,
        *,
        album: str | None = None,
        duration_s: float | None = None,
        synced: str | None = None,
        plain: str | None = None,
        instrumental: bool = False,
    ) -> int:
        """Add an LRCLIB record and return its id."""
        record_id = 1000 + len(self.lyrics) + 1
        self.lyrics.append(
            LyricsRecord(record_id, title, artist, album, duration_s, instrumental, plain, synced)
        )
        return record_id

    def remove_cover(self, release_id: str) -> None:
        self.covers.pop(release_id, None)

    def _artist_ids(self, artist: str | Sequence[str]) -> list[str]:
        names = [artist] if isinstance(artist, str) else list(artist)
        return [self.add_artist(name) for name in names]

    def _medium(
        self,
        release_id: str,
        position: int,
        specs: Iterable[Any],
        artist_ids: list[str],
        medium_format: str,
    ) -> Medium:
        tracks = []
        for number, raw in enumerate(specs, start=1):
            spec = TrackSpec.coerce(raw)
            recording_id = self._recording_for(spec, artist_ids)
            track_id = stable_id("track", release_id, position, number)
            length = spec.length_ms if spec.length_ms is not None else None
            tracks.append(Track(track_id, number, str(number), spec.title, length, recording_id))
        return Medium(position, medium_format, tracks)

    def _recording_for(self, spec: TrackSpec, release_artist_ids: list[str]) -> str:
        if spec.recording_id:
            if spec.recording_id not in self.recordings:
                raise KeyError(f"unknown recording {spec.recording_id}")
            return spec.recording_id
        artist_ids = self._artist_ids(spec.artist) if spec.artist else release_artist_ids
        recording_id = stable_id("recording", spec.title, *artist_ids, spec.length_ms, *spec.isrcs)
        self.recordings.setdefault(
            recording_id,
            Recording(recording_id, spec.title, spec.length_ms, artist_ids, list(spec.isrcs)),
        )
        return recording_id

    def _add_cover(self, release_id: str) -> str:
        digest = uuid.UUID(release_id).bytes
        image_id = str(int.from_bytes(digest[:4], "big"))
        self.covers[release_id] = Cover(image_id, (digest[4], digest[5], digest[6]))
        return image_id

    # -- queries used by the fakes ---------------------------------------------------------

    def releases_with_recording(self, recording_id: str) -> list[tuple[Release, Medium, Track]]:
        found = []
        for release in self.releases.values():
            for medium in release.media:
                found.extend(
                    (release, medium, track)
                    for track in medium.tracks
                    if track.recording_id == recording_id
                )
        return found

    def recordings_with_isrc(self, isrc: str) -> list[Recording]:
        return [r for r in self.recordings.values() if isrc.upper() in r.isrcs]

    def releases_in_group(self, group_id: str) -> list[Release]:
        return [r for r in self.releases.values() if r.release_group_id == group_id]

    def release_groups_of_artist(self, artist_id: str) -> list[ReleaseGroup]:
        """The groups credited to the artist, in the order they were added."""
        return [g for g in self.release_groups.values() if artist_id in g.artist_ids]

    def credit_name(self, artist_ids: Sequence[str]) -> str:
        return " & ".join(self.artists[a].name for a in artist_ids)

    # -- JSON ------------------------------------------------------------------------------

    @classmethod
    def from_json(cls, path: str | Path) -> MetadataCatalog:
        """Load a catalogue file (format in the module docstring)."""
        data = json.loads(Path(path).read_text())
        catalog = cls()
        catalog.load(data)
        return catalog

    def load(self, data: dict[str, Any]) -> None:
        for entry in data.get("releases", []):
            entry = dict(entry)
            title, artist = entry.pop("title"), entry.pop("artist")
            self.add_release(title, artist, **entry)
        for entry in data.get("lyrics", []):
            entry = dict(entry)
            self.add_lyrics(entry.pop("artist"), entry.pop("title"), **entry)
