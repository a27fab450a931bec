"""Spotify's JSON turned into `shapes`; an answer missing what we need counts as an outage.

Shapes as of the 2026 Web API (spec §1.3): playlist entries carry their object under `item`
(older answers: `track`), which may be null (removed from Spotify) or an episode; local files
have no ids; simplified playlists count their entries under `items.total` (older: `tracks`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from metadata.providers.spotify.errors import SpotifyUnavailable
from metadata.providers.spotify.shapes import (
    EntryKind,
    PlaylistEntry,
    SpotifyAlbum,
    SpotifyAlbumRef,
    SpotifyArtist,
    SpotifyPlaylist,
    SpotifyTrack,
    SpotifyUser,
)

T = TypeVar("T")
Json = dict[str, Any]


def parse(build: Callable[[], T]) -> T:
    """Run a JSON-to-dataclass conversion; a missing key or wrong type means a garbled answer."""
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise SpotifyUnavailable(f"unexpected Spotify response shape: {exc!r}") from exc


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _int(value: object, default: int = 0) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def page_items(page: Json) -> list[Json]:
    """The entries of a paging object; a page without a list is garbled."""
    items = page["items"]
    if not isinstance(items, list):
        raise SpotifyUnavailable("a Spotify page without a list of items")
    return items


def user(raw: Json) -> SpotifyUser:
    return SpotifyUser(id=str(raw["id"]), display_name=_text(raw.get("display_name")))


def artist(raw: Json) -> SpotifyArtist:
    return SpotifyArtist(id=_text(raw.get("id")), name=_text(raw.get("name")))


def artists(raw: object) -> tuple[SpotifyArtist, ...]:
    return tuple(artist(a) for a in raw or () if isinstance(a, dict))


def album_ref(raw: Json) -> SpotifyAlbumRef:
    total = raw.get("total_tracks")
    return SpotifyAlbumRef(
        id=_text(raw.get("id")),
        name=_text(raw.get("name")),
        artists=artists(raw.get("artists")),
        release_date=_text(raw.get("release_date")),
        album_type=_text(raw.get("album_type")),
        total_tracks=total if isinstance(total, int) else None,
    )


def track(raw: Json, album: SpotifyAlbumRef | None = None) -> SpotifyTrack:
    """A track object; `album` stands in for a simplified track's missing album."""
    embedded = raw.get("album")
    external_ids = raw.get("external_ids") or {}
    return SpotifyTrack(
        id=_text(raw.get("id")),
        name=_text(raw.get("name")),
        artists=artists(raw.get("artists")),
        album=album_ref(embedded) if isinstance(embedded, dict) else album,
        duration_ms=_int(raw.get("duration_ms")),
        isrc=_text(external_ids.get("isrc")),
        disc_number=_int(raw.get("disc_number"), 1),
        track_number=_int(raw.get("track_number")),
    )


def entry(raw: Json, position: int) -> PlaylistEntry:
    """One playlist or saved-tracks row, whatever it holds."""
    item = raw.get("item") or raw.get("track")
    if item is not None and not isinstance(item, dict):
        raise SpotifyUnavailable("a Spotify playlist entry that is not an object")
    kind: EntryKind
    if item is None:
        kind = "unavailable"
    elif raw.get("is_local") or item.get("is_local"):
        kind = "local"
    elif item.get("type") == "episode":
        kind = "episode"
    elif not item.get("id"):
        kind = "unavailable"  # a track object Spotify no longer serves
    else:
        kind = "track"
    parsed = track(item) if kind in ("track", "local") and item is not None else None
    return PlaylistEntry(kind=kind, track=parsed, position=position)


def playlist(raw: Json) -> SpotifyPlaylist:
    owner = raw.get("owner") or {}
    counted = raw.get("items") if isinstance(raw.get("items"), dict) else raw.get("tracks")
    return SpotifyPlaylist(
        id=str(raw["id"]),
        name=_text(raw.get("name")),
        owner_id=_text(owner.get("id")),
        owner_name=_text(owner.get("display_name")),
        collaborative=bool(raw.get("collaborative")),
        snapshot_id=_text(raw.get("snapshot_id")),
        tracks_total=_int((counted or {}).get("total")),
    )


def album(raw: Json, track_items: list[Json]) -> SpotifyAlbum:
    """A full album whose tracks (simplified: no album, no ISRC) are `track_items`."""
    ref = album_ref(raw)
    return SpotifyAlbum(
        id=str(raw["id"]),
        name=ref.name,
        artists=ref.artists,
        release_date=ref.release_date,
        album_type=ref.album_type,
        total_tracks=ref.total_tracks if ref.total_tracks is not None else len(track_items),
        upc=_text((raw.get("external_ids") or {}).get("upc")),
        tracks=tuple(track(t, ref) for t in track_items if isinstance(t, dict)),
    )
