"""A minimal `/v1/search`: case-insensitive substring matching with Spotify's field filters.

`q` may hold free words (each must occur in the name, the artists or the album name) and the
filters `track:`, `artist:`, `album:`, `isrc:`, `upc:` and `year:` (a value may be quoted).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fakes.metadata_services.server import Request
from fakes.spotify.objects import Json, public, simplified_album, track_json
from fakes.spotify.wire import ApiError, offset_page

if TYPE_CHECKING:
    from fakes.spotify.webapi import WebApi

TYPES = ("album", "artist", "playlist", "track")
_FILTER = re.compile(r'(\w+):("[^"]*"|\S+)')


def parse_query(q: str) -> tuple[dict[str, str], list[str]]:
    """Filters and free words of a search query, lower-cased."""
    filters = {k.lower(): v.strip('"').lower() for k, v in _FILTER.findall(q)}
    words = _FILTER.sub(" ", q).lower().split()
    return filters, words


def _track_matches(track: Json, filters: dict[str, str], words: list[str]) -> bool:
    artists = " ".join(a["name"] for a in track["artists"]).lower()
    album = track["album"]["name"].lower()
    checks = {
        "track": lambda v: v in track["name"].lower(),
        "artist": lambda v: v in artists,
        "album": lambda v: v in album,
        "isrc": lambda v: v == str(track["external_ids"].get("isrc", "")).lower(),
        "year": lambda v: str(track["album"]["release_date"]).startswith(v),
    }
    if any(k in checks and not checks[k](v) for k, v in filters.items()):
        return False
    text = f"{track['name']} {artists} {album}".lower()
    return all(word in text for word in words)


def _album_matches(album: Json, filters: dict[str, str], words: list[str]) -> bool:
    artists = " ".join(a["name"] for a in album["artists"]).lower()
    checks = {
        "album": lambda v: v in album["name"].lower(),
        "artist": lambda v: v in artists,
        "upc": lambda v: v == str(album["external_ids"].get("upc", "")).lower(),
        "year": lambda v: str(album["release_date"]).startswith(v),
    }
    if any(k in checks and not checks[k](v) for k, v in filters.items()):
        return False
    text = f"{album['name']} {artists}".lower()
    return all(word in text for word in words)


def _name_matches(name: str, filters: dict[str, str], words: list[str], key: str) -> bool:
    if key in filters and filters[key] not in name.lower():
        return False
    return all(word in name.lower() for word in words)


def _results(api: WebApi, kind: str, filters: dict[str, str], words: list[str]) -> list[Any]:
    world = api.world
    if kind == "track":
        found = [t for t in world.all_tracks() if _track_matches(t, filters, words)]
        return [track_json(t, api.api) for t in found]
    if kind == "album":
        albums = [a for a in world.all_albums() if _album_matches(a, filters, words)]
        return [public(simplified_album(a), api.api) for a in albums]
    if kind == "artist":
        artists = world.all_artists()
        return [
            public(a, api.api) for a in artists if _name_matches(a["name"], filters, words, kind)
        ]
    playlists = list(world.playlists.values())
    return [
        api.playlist_summary(p) for p in playlists if _name_matches(p.name, filters, words, kind)
    ]


def search(api: WebApi, request: Request, limit: int, offset: int) -> Json:
    """`{"tracks": paging, "albums": paging, ...}`, one key per requested type."""
    # Spotify's own next links carry the query as `query=`.
    q = request.arg("q") or request.arg("query") or ""
    if not q.strip():
        raise ApiError(400, "No search query")
    kinds = [k.strip() for k in (request.arg("type") or "").split(",") if k.strip()]
    if not kinds:
        raise ApiError(400, "Missing parameter type")
    if any(k not in TYPES for k in kinds):
        raise ApiError(400, "Bad search type field")
    filters, words = parse_query(q)
    extra = {"query": q, "type": ",".join(kinds)}
    answer: Json = {}
    for kind in kinds:
        items = _results(api, kind, filters, words)
        answer[f"{kind}s"] = offset_page(
            f"{api.api}/search", items, limit=limit, offset=offset, extra=extra
        )
    return answer
