"""api.spotify.com/v1 as a Development Mode app sees it in 2026 (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes.metadata_services.server import Request, Response
from fakes.spotify.accounts import AccessToken, Accounts
from fakes.spotify.objects import (
    Json,
    LocalFile,
    episode_as_track,
    public,
    simplified_album,
    simplified_track_json,
    track_json,
)
from fakes.spotify.search import search
from fakes.spotify.wire import ApiError, apply_fields, bounded_int, offset_page, parse_fields
from fakes.spotify.world import Playlist, PlaylistEntry, SpotifyWorld

LIBRARY_SCOPE = "user-library-read"
FOLLOW_SCOPE = "user-follow-read"
BIG = 10**6


class WebApi:
    """Routes `/v1/...` to handlers. Every URL it emits is built from `base_url`."""

    def __init__(self, world: SpotifyWorld, accounts: Accounts) -> None:
        self.world = world
        self.accounts = accounts
        self.base_url = ""

    @property
    def api(self) -> str:
        return f"{self.base_url}/v1"

    def handle(self, request: Request) -> Response:
        token, problem = self.accounts.bearer(request)
        try:
            if token is None:
                raise ApiError(401, problem, {"WWW-Authenticate": 'Bearer realm="spotify"'})
            if request.method not in ("GET", "HEAD"):
                raise ApiError(405, "Method not allowed")
            parts = [p for p in request.path.split("/")[2:] if p]
            handler, args = self._route(parts)
            return Response.json(handler(request, token, *args))
        except ApiError as exc:
            return exc.response()

    def _route(self, parts: list[str]) -> tuple[Callable[..., Any], list[str]]:
        fixed: dict[tuple[str, ...], Callable[..., Any]] = {
            ("me",): self.me,
            ("me", "playlists"): self.my_playlists,
            ("me", "tracks"): self.liked,
            ("me", "albums"): self.saved_albums,
            ("me", "following"): self.following,
            ("search",): self.search,
            ("tracks",): self.batch_removed,
            ("albums",): self.batch_removed,
            ("artists",): self.batch_removed,
        }
        if tuple(parts) in fixed:
            return fixed[tuple(parts)], []
        patterns: dict[tuple[str, str | None], Callable[..., Any]] = {
            ("playlists", None): self.playlist,
            ("playlists", "items"): self.playlist_items,
            ("playlists", "tracks"): self.batch_removed,
            ("albums", None): self.album,
            ("albums", "tracks"): self.album_tracks,
            ("tracks", None): self.track,
            ("artists", None): self.artist,
            ("artists", "albums"): self.artist_albums,
            ("episodes", None): self.episode,
        }
        if len(parts) in (2, 3):
            key = (parts[0], parts[2] if len(parts) == 3 else None)
            if key in patterns:
                return patterns[key], [parts[1]]
        raise ApiError(404, "Service not found")

    # -- user ------------------------------------------------------------------------------

    def me(self, request: Request, token: AccessToken) -> Json:
        world = self.world
        return {
            **self.user(world.user_id, world.display_name),
            "account_id": world.account_id,
            "images": [],
        }

    def user(self, user_id: str, display_name: str | None = None) -> Json:
        json: Json = {
            "id": user_id,
            "type": "user",
            "uri": f"spotify:user:{user_id}",
            "href": f"{self.api}/users/{user_id}",
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user_id}"},
        }
        if display_name is not None:
            json["display_name"] = display_name
        return json

    # -- playlists -------------------------------------------------------------------------

    def my_playlists(self, request: Request, token: AccessToken) -> Json:
        limit = bounded_int(request.arg("limit"), 20, 1, 50, "limit")
        offset = bounded_int(request.arg("offset"), 0, 0, BIG, "offset")
        items = [self.playlist_summary(p) for p in self.world.my_playlists()]
        return offset_page(f"{self.api}/me/playlists", items, limit=limit, offset=offset)

    def playlist_summary(self, playlist: Playlist) -> Json:
        """SimplifiedPlaylistObject (2026: `items` {href,total}, `tracks` null)."""
        return {
            "id": playlist.id,
            "name": playlist.name,
            "type": "playlist",
            "uri": f"spotify:playlist:{playlist.id}",
            "href": f"{self.api}/playlists/{playlist.id}",
            "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist.id}"},
            "description": playlist.description,
            "images": [],
            "owner": self.user(playlist.owner_id, playlist.owner_name),
            "collaborative": playlist.collaborative,
            "public": playlist.public,
            "primary_color": None,
            "snapshot_id": playlist.snapshot_id,
            "items": {"href": self._items_url(playlist), "total": len(playlist.entries)},
            "tracks": None,
        }

    def _items_url(self, playlist: Playlist) -> str:
        return f"{self.api}/playlists/{playlist.id}/items"

    def _playlist(self, ident: str) -> Playlist:
        with self.world.lock:
            playlist = self.world.playlists.get(ident)
        if playlist is None:
            raise ApiError(404, "Resource not found")
        return playlist

    def playlist(self, request: Request, token: AccessToken, ident: str) -> Json:
        playlist = self._playlist(ident)
        tree = parse_fields(request.arg("fields") or "") if request.arg("fields") else None
        json = {**self.playlist_summary(playlist), "followers": {"href": None, "total": 0}}
        if self.world.readable(playlist):
            json["items"] = self._items_page(playlist, request, 50, 0)
        return apply_fields(json, tree)

    def playlist_items(self, request: Request, token: AccessToken, ident: str) -> Json:
        playlist = self._playlist(ident)
        limit = bounded_int(request.arg("limit"), 20, 0, 50, "limit")
        offset = bounded_int(request.arg("offset"), 0, 0, BIG, "offset")
        tree = parse_fields(request.arg("fields") or "") if request.arg("fields") else None
        if not self.world.readable(playlist):
            raise ApiError(403, "Forbidden")
        return apply_fields(self._items_page(playlist, request, limit, offset), tree)

    def _items_page(self, playlist: Playlist, request: Request, limit: int, offset: int) -> Json:
        types = {t.strip() for t in (request.arg("additional_types") or "track").split(",")}
        extra = {"additional_types": request.arg("additional_types") or ""}
        with self.world.lock:
            entries = list(playlist.entries)
        page = offset_page(
            self._items_url(playlist),
            entries,
            limit=limit,
            offset=offset,
            extra={k: v for k, v in extra.items() if v},
        )
        page["items"] = [self._entry(playlist, e, types) for e in page["items"]]
        return page

    def _entry(self, playlist: Playlist, entry: PlaylistEntry, types: set[str]) -> Json:
        item = entry.item
        wire: Json | None
        if item is None:
            wire = None
        elif isinstance(item, LocalFile):
            wire = item.as_track()
        elif item["type"] == "episode":
            wire = public(item, self.api) if "episode" in types else episode_as_track(item)
        else:
            wire = {**track_json(item, self.api), "episode": False, "track": True}
        return {
            "added_at": entry.added_at,
            "added_by": self.user(entry.added_by),
            "is_local": isinstance(item, LocalFile),
            "primary_color": None,
            "track" if playlist.legacy_track_key else "item": wire,
            "video_thumbnail": {"url": None},
        }

    # -- library ---------------------------------------------------------------------------

    def _require(self, token: AccessToken, scope: str) -> None:
        if scope not in token.scope.split():
            raise ApiError(403, "Insufficient client scope")

    def liked(self, request: Request, token: AccessToken) -> Json:
        self._require(token, LIBRARY_SCOPE)
        limit = bounded_int(request.arg("limit"), 20, 1, 50, "limit")
        offset = bounded_int(request.arg("offset"), 0, 0, BIG, "offset")
        page = offset_page(
            f"{self.api}/me/tracks", self.world.liked_entries(), limit=limit, offset=offset
        )
        page["items"] = [
            {"added_at": at, "track": track_json(t, self.api)} for at, t in page["items"]
        ]
        return page

    def saved_albums(self, request: Request, token: AccessToken) -> Json:
        self._require(token, LIBRARY_SCOPE)
        limit = bounded_int(request.arg("limit"), 20, 1, 50, "limit")
        offset = bounded_int(request.arg("offset"), 0, 0, BIG, "offset")
        page = offset_page(
            f"{self.api}/me/albums", self.world.saved_album_entries(), limit=limit, offset=offset
        )
        page["items"] = [{"added_at": at, "album": self.album_json(a)} for at, a in page["items"]]
        return page

    def following(self, request: Request, token: AccessToken) -> Json:
        self._require(token, FOLLOW_SCOPE)
        if request.arg("type") != "artist":
            raise ApiError(400, "Bad request: type must be artist")
        limit = bounded_int(request.arg("limit"), 20, 1, 50, "limit")
        artists = list(self.world.followed_artists)
        after = request.arg("after")
        start = 0
        if after:
            ids = [a["id"] for a in artists]
            start = ids.index(after) + 1 if after in ids else len(artists)
        chunk = artists[start : start + limit]
        last = chunk[-1]["id"] if chunk and start + limit < len(artists) else None
        url = f"{self.api}/me/following?type=artist"
        return {
            "artists": {
                "href": f"{url}&limit={limit}" + (f"&after={after}" if after else ""),
                "items": [public(a, self.api) for a in chunk],
                "limit": limit,
                "next": f"{url}&after={last}&limit={limit}" if last else None,
                "cursors": {"after": last, "before": None},
                "total": len(artists),
            }
        }

    # -- catalogue -------------------------------------------------------------------------

    def _find(self, kind: str, ident: str) -> Json:
        found = self.world.find(kind, ident)
        if found is None:
            raise ApiError(404, "Resource not found")
        return found

    def album_json(self, album: Json) -> Json:
        """Full AlbumObject whose embedded `tracks` page holds `_embedded_limit` tracks."""
        json = public(album, self.api)
        tracks = [simplified_track_json(t, self.api) for t in album["_tracks"]]
        url = f"{self.api}/albums/{album['id']}/tracks"
        json["tracks"] = offset_page(url, tracks, limit=album["_embedded_limit"], offset=0)
        return json

    def album(self, request: Request, token: AccessToken, ident: str) -> Json:
        return self.album_json(self._find("album", ident))

    def album_tracks(self, request: Request, token: AccessToken, ident: str) -> Json:
        album = self._find("album", ident)
        limit = bounded_int(request.arg("limit"), 20, 1, 50, "limit")
        offset = bounded_int(request.arg("offset"), 0, 0, BIG, "offset")
        tracks = [simplified_track_json(t, self.api) for t in album["_tracks"]]
        url = f"{self.api}/albums/{ident}/tracks"
        return offset_page(url, tracks, limit=limit, offset=offset)

    def track(self, request: Request, token: AccessToken, ident: str) -> Json:
        return track_json(self._find("track", ident), self.api)

    def episode(self, request: Request, token: AccessToken, ident: str) -> Json:
        return public(self._find("episode", ident), self.api)

    def artist(self, request: Request, token: AccessToken, ident: str) -> Json:
        return public(self._find("artist", ident), self.api)

    def artist_albums(self, request: Request, token: AccessToken, ident: str) -> Json:
        self._find("artist", ident)
        limit = bounded_int(request.arg("limit"), 5, 1, 10, "limit")
        offset = bounded_int(request.arg("offset"), 0, 0, BIG, "offset")
        groups = request.arg("include_groups") or "album,single,compilation,appears_on"
        wanted = {g.strip() for g in groups.split(",")}
        albums = []
        for album in self.world.all_albums():
            group = _album_group(album, ident)
            if group in wanted:
                albums.append({**public(simplified_album(album), self.api), "album_group": group})
        extra = {"include_groups": groups}
        url = f"{self.api}/artists/{ident}/albums"
        return offset_page(url, albums, limit=limit, offset=offset, extra=extra)

    def search(self, request: Request, token: AccessToken) -> Json:
        limit = bounded_int(request.arg("limit"), 5, 1, 10, "limit")
        offset = bounded_int(request.arg("offset"), 0, 0, 1000, "offset")
        return search(self, request, limit, offset)

    def batch_removed(self, request: Request, token: AccessToken, *ident: str) -> Json:
        """Batch lookups and /playlists/{id}/tracks are gone for Development Mode apps."""
        raise ApiError(403, "Forbidden")


def _album_group(album: Json, artist_id: str) -> str | None:
    if any(a["id"] == artist_id for a in album["artists"]):
        return str(album["album_type"])
    on_tracks = any(a["id"] == artist_id for t in album["_tracks"] for a in t["artists"])
    return "appears_on" if on_tracks else None
