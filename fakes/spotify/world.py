"""What the fake Spotify user has: playlists, Liked Songs, saved albums, followed artists."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fakes.spotify.objects import Json, LocalFile

# An entry is a track dict, an episode dict, a LocalFile, or None (an unavailable track).
Entry = Json | LocalFile | None
_EPOCH = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PlaylistEntry:
    item: Entry
    added_at: str
    added_by: str


@dataclass
class Playlist:
    """A playlist; `snapshot_id` changes on every change to it and never otherwise."""

    id: str
    name: str
    owner_id: str
    owner_name: str
    collaborative: bool = False
    public: bool = False
    description: str = ""
    legacy_track_key: bool = False
    entries: list[PlaylistEntry] = field(default_factory=list)
    version: int = 1

    @property
    def snapshot_id(self) -> str:
        raw = f"{self.version:08d}:{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class SpotifyWorld:
    """The account the fake serves. Mutate it between requests; the fake reads it live.

    `liked` is newest first, like Spotify's Liked Songs. A playlist owned by someone else is
    readable (its items are served) only when it is collaborative: the fake user is then one
    of its collaborators. Other users' playlists added with `add_playlist` are followed (listed
    in `followed_playlist_ids`, so they appear in /me/playlists) unless `followed=False`.
    """

    def __init__(
        self,
        user_id: str = "me",
        display_name: str = "Demo Listener",
        *,
        account_id: str | None = None,
    ) -> None:
        self.user_id = user_id
        self.display_name = display_name
        self.account_id = account_id or f"acct-{user_id}"
        self.playlists: dict[str, Playlist] = {}
        self.liked: list[Json] = []
        self.saved_albums: list[Json] = []
        self.followed_artists: list[Json] = []
        self.followed_playlist_ids: list[str] = []
        self.deny_next_authorization = False
        self.lock = threading.RLock()

    # -- playlists -------------------------------------------------------------------------

    def add_playlist(
        self,
        id: str,
        name: str,
        *,
        owner_id: str | None = None,
        owner_name: str | None = None,
        collaborative: bool = False,
        entries: list[Entry] | None = None,
        legacy_track_key: bool = False,
        public: bool = False,
        followed: bool | None = None,
    ) -> Playlist:
        """Add a playlist (owned by the user unless `owner_id` names someone else)."""
        owner = owner_id or self.user_id
        playlist = Playlist(
            id=id,
            name=name,
            owner_id=owner,
            owner_name=owner_name or (self.display_name if owner == self.user_id else owner),
            collaborative=collaborative,
            public=public,
            legacy_track_key=legacy_track_key,
        )
        with self.lock:
            playlist.entries = self._entries(playlist, entries or [])
            self.playlists[id] = playlist
            follows = followed if followed is not None else owner != self.user_id
            if follows and id not in self.followed_playlist_ids:
                self.followed_playlist_ids.append(id)
        return playlist

    def _entries(self, playlist: Playlist, items: list[Entry]) -> list[PlaylistEntry]:
        return [
            PlaylistEntry(item, _stamp(_EPOCH + timedelta(minutes=n)), playlist.owner_id)
            for n, item in enumerate(items)
        ]

    def set_entries(self, playlist_id: str, entries: list[Entry]) -> Playlist:
        """Replace a playlist's entries; its snapshot changes."""
        with self.lock:
            playlist = self.playlists[playlist_id]
            playlist.entries = self._entries(playlist, entries)
            playlist.version += 1
        return playlist

    def rename_playlist(self, playlist_id: str, name: str) -> Playlist:
        """Rename a playlist; its snapshot changes."""
        with self.lock:
            playlist = self.playlists[playlist_id]
            playlist.name = name
            playlist.version += 1
        return playlist

    def remove_playlist(self, playlist_id: str) -> None:
        """Delete (or unfollow) a playlist: it leaves /me/playlists and answers 404."""
        with self.lock:
            self.playlists.pop(playlist_id, None)
            if playlist_id in self.followed_playlist_ids:
                self.followed_playlist_ids.remove(playlist_id)

    def readable(self, playlist: Playlist) -> bool:
        """Development Mode serves items only of playlists the user owns or collaborates on."""
        return playlist.owner_id == self.user_id or playlist.collaborative

    def my_playlists(self) -> list[Playlist]:
        """/me/playlists: the user's own, collaborative and followed playlists."""
        with self.lock:
            return [
                p
                for p in self.playlists.values()
                if self.readable(p) or p.id in self.followed_playlist_ids
            ]

    # -- library ---------------------------------------------------------------------------

    def liked_entries(self) -> list[tuple[str, Json]]:
        """Liked Songs with their `added_at`, newest first."""
        with self.lock:
            newest = _EPOCH + timedelta(days=365)
            return [(_stamp(newest - timedelta(hours=n)), t) for n, t in enumerate(self.liked)]

    def saved_album_entries(self) -> list[tuple[str, Json]]:
        with self.lock:
            newest = _EPOCH + timedelta(days=300)
            return [
                (_stamp(newest - timedelta(hours=n)), a) for n, a in enumerate(self.saved_albums)
            ]

    # -- catalogue lookups -----------------------------------------------------------------

    def all_tracks(self) -> list[Json]:
        """Every track the world knows (playlists, library, albums), each once."""
        with self.lock:
            seen: dict[str, Json] = {}
            for track in self._candidate_tracks():
                if isinstance(track, dict) and track.get("type") == "track" and track.get("id"):
                    seen.setdefault(track["id"], track)
            return list(seen.values())

    def _candidate_tracks(self) -> list[Any]:
        found: list[Any] = [e.item for p in self.playlists.values() for e in p.entries]
        found += self.liked
        found += [t for album in self.saved_albums for t in album["_tracks"]]
        return found

    def all_albums(self) -> list[Json]:
        seen: dict[str, Json] = {a["id"]: a for a in self.saved_albums}
        for track in self.all_tracks():
            seen.setdefault(track["_album"]["id"], track["_album"])
        return list(seen.values())

    def all_artists(self) -> list[Json]:
        seen: dict[str, Json] = {a["id"]: a for a in self.followed_artists}
        for thing in self.all_tracks() + self.all_albums():
            for artist in thing["artists"]:
                seen.setdefault(artist["id"], artist)
        return list(seen.values())

    def all_episodes(self) -> list[Json]:
        with self.lock:
            items = [e.item for p in self.playlists.values() for e in p.entries]
        return [i for i in items if isinstance(i, dict) and i.get("type") == "episode"]

    def find(self, kind: str, ident: str) -> Json | None:
        """A track, album, artist or episode by id, or None."""
        pool = {
            "track": self.all_tracks,
            "album": self.all_albums,
            "artist": self.all_artists,
            "episode": self.all_episodes,
        }[kind]()
        return next((thing for thing in pool if thing["id"] == ident), None)
