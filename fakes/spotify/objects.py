"""Catalogue objects of the fake Spotify, as plain dicts in the Web API's JSON shapes.

`make_track`, `make_album`, `make_artist` and `make_episode` return dicts shaped like Spotify's
TrackObject, AlbumObject, ArtistObject and EpisodeObject, so tests read them as `track["id"]`,
`track["external_ids"]["isrc"]`, `album["name"]`. Keys starting with `_` are the fake's own
bookkeeping (an album's full track list, how many tracks its embedded page shows) and never go
on the wire. `href` fields are added when an object is served, from the fake's own base URL.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

Json = dict[str, Any]

# Keys a full album has that its simplified form (inside a track) does not.
_FULL_ALBUM_ONLY = ("tracks", "_tracks", "_embedded_limit", "external_ids", "label", "copyrights")
# Where `href` of a typed object points, relative to the API root.
_HREF_KIND = {
    "track": "tracks",
    "album": "albums",
    "artist": "artists",
    "episode": "episodes",
    "show": "shows",
    "user": "users",
    "playlist": "playlists",
}


def _urls(kind: str, ident: str) -> Json:
    return {"spotify": f"https://open.spotify.com/{kind}/{ident}"}


def make_artist(id: str, name: str) -> Json:
    """An ArtistObject (2026 shape: no followers, no popularity)."""
    return {
        "id": id,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{id}",
        "genres": [],
        "images": [],
        "external_urls": _urls("artist", id),
    }


def _simple_artist(artist: Json) -> Json:
    return {k: artist[k] for k in ("id", "name", "type", "uri", "external_urls")}


def _precision(release_date: str) -> str:
    return {4: "year", 7: "month"}.get(len(release_date), "day")


def simplified_album(album: Json) -> Json:
    """The SimplifiedAlbumObject a track carries (no tracks, no external ids)."""
    return {k: copy.deepcopy(v) for k, v in album.items() if k not in _FULL_ALBUM_ONLY}


def make_album(
    id: str,
    name: str,
    artists: list[Json],
    *,
    tracks: list[Json] | None = None,
    release_date: str = "2001-03-12",
    album_type: str = "album",
    upc: str | None = None,
    embedded_tracks_limit: int = 50,
) -> Json:
    """An AlbumObject owning `tracks`: each track's `album` becomes this album, and tracks
    without an explicit number are numbered in order. `embedded_tracks_limit` is how many
    tracks the album's embedded `tracks` page shows (the client follows `tracks.next`)."""
    album: Json = {
        "id": id,
        "name": name,
        "type": "album",
        "uri": f"spotify:album:{id}",
        "album_type": album_type,
        "total_tracks": 0,
        "release_date": release_date,
        "release_date_precision": _precision(release_date),
        "artists": [_simple_artist(a) for a in artists],
        "images": [{"url": f"https://i.scdn.co/image/{id}", "height": 640, "width": 640}],
        "external_urls": _urls("album", id),
        "external_ids": {"upc": upc} if upc else {},
        "label": "",
        "copyrights": [],
        "_tracks": [],
        "_embedded_limit": embedded_tracks_limit,
    }
    for number, track in enumerate(tracks or [], start=1):
        attach_track(album, track, number=number)
    return album


def attach_track(album: Json, track: Json, *, number: int | None = None) -> None:
    """Make `track` part of `album` (moving it out of the single it was born in)."""
    previous = track.get("_album")
    if previous is not None and previous is not album:
        previous["_tracks"] = [t for t in previous["_tracks"] if t is not track]
        previous["total_tracks"] = len(previous["_tracks"])
    if not track.get("_numbered") and number is not None:
        track["track_number"] = number
    if not any(t is track for t in album["_tracks"]):
        album["_tracks"].append(track)
    album["total_tracks"] = len(album["_tracks"])
    track["_album"] = album
    track["album"] = simplified_album(album)


def make_track(
    id: str,
    name: str,
    artists: list[Json],
    *,
    album: Json | None = None,
    duration_ms: int = 200000,
    isrc: str | None = None,
    disc_number: int = 1,
    track_number: int | None = None,
) -> Json:
    """A TrackObject. Without `album` it is the only track of a single named after it."""
    track: Json = {
        "id": id,
        "name": name,
        "type": "track",
        "uri": f"spotify:track:{id}",
        "artists": [_simple_artist(a) for a in artists],
        "duration_ms": duration_ms,
        "disc_number": disc_number,
        "track_number": track_number or 1,
        "explicit": False,
        "is_local": False,
        "is_playable": True,
        "preview_url": None,
        "external_ids": {"isrc": isrc} if isrc else {},
        "external_urls": _urls("track", id),
        "_numbered": track_number is not None,
    }
    if album is None:
        album = make_album(f"{id}Single", name, artists, album_type="single")
    attach_track(album, track, number=len(album["_tracks"]) + 1)
    return track


def make_episode(
    id: str,
    name: str,
    *,
    show_name: str = "A Podcast",
    duration_ms: int = 1_800_000,
    release_date: str = "2026-01-15",
) -> Json:
    """An EpisodeObject (a podcast episode in a playlist; SoulSpot must skip it)."""
    show_id = f"{id}Show"
    return {
        "id": id,
        "name": name,
        "type": "episode",
        "uri": f"spotify:episode:{id}",
        "duration_ms": duration_ms,
        "release_date": release_date,
        "release_date_precision": _precision(release_date),
        "description": "",
        "explicit": False,
        "is_externally_hosted": False,
        "language": "en",
        "images": [],
        "external_urls": _urls("episode", id),
        "show": {
            "id": show_id,
            "name": show_name,
            "type": "show",
            "uri": f"spotify:show:{show_id}",
            "publisher": show_name,
            "external_urls": _urls("show", show_id),
        },
    }


@dataclass(frozen=True)
class LocalFile:
    """A local file the user added to a playlist in the desktop app: no id, no ISRC."""

    artist: str
    album: str
    title: str
    duration_ms: int

    def as_track(self) -> Json:
        seconds = self.duration_ms // 1000
        parts = (quote_plus(self.artist), quote_plus(self.album), quote_plus(self.title))
        return {
            "id": None,
            "name": self.title,
            "type": "track",
            "uri": f"spotify:local:{':'.join(parts)}:{seconds}",
            "href": None,
            "artists": [{"id": None, "name": self.artist, "type": "artist", "uri": None}],
            "album": {"id": None, "name": self.album, "type": "album", "uri": None, "artists": []},
            "duration_ms": self.duration_ms,
            "disc_number": 0,
            "track_number": 0,
            "explicit": False,
            "is_local": True,
            "external_ids": {},
            "external_urls": {},
        }


def local_file(artist: str, album: str, title: str, duration_ms: int) -> LocalFile:
    """A playlist entry for a local file (`is_local: true`, `id: null`, `spotify:local:` uri)."""
    return LocalFile(artist, album, title, duration_ms)


def episode_as_track(episode: Json) -> Json:
    """How an episode looks to a client that did not ask for episodes: a track-shaped object
    whose `type` is still "episode" (with `episode: true`, `track: false`), the show as album."""
    show = episode["show"]
    return {
        "id": episode["id"],
        "name": episode["name"],
        "type": "episode",
        "uri": episode["uri"],
        "episode": True,
        "track": False,
        "artists": [{"id": show["id"], "name": show["publisher"], "type": "show", "uri": None}],
        "album": {"id": show["id"], "name": show["name"], "type": "show", "album_type": None},
        "duration_ms": episode["duration_ms"],
        "disc_number": 0,
        "track_number": 0,
        "explicit": False,
        "is_local": False,
        "external_ids": {},
        "external_urls": episode["external_urls"],
    }


def public(obj: Any, api_base: str) -> Any:
    """A wire copy of `obj`: bookkeeping keys dropped, `href` of typed objects set from the
    fake's own API base (never api.spotify.com), so `sp.next()` stays on the fake."""
    if isinstance(obj, list):
        return [public(item, api_base) for item in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: public(v, api_base) for k, v in obj.items() if not k.startswith("_")}
    kind = _HREF_KIND.get(str(out.get("type")))
    if kind and out.get("id") and "href" not in obj:
        out["href"] = f"{api_base}/{kind}/{out['id']}"
    return out


def track_json(track: Json, api_base: str) -> Json:
    """The full TrackObject on the wire."""
    return public(track, api_base)


def simplified_track_json(track: Json, api_base: str) -> Json:
    """The SimplifiedTrackObject of an album's track list (no album, no external ids)."""
    wire = public(track, api_base)
    wire.pop("album", None)
    wire.pop("external_ids", None)
    return wire
