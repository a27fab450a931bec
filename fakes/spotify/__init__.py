"""A fake Spotify (accounts + Web API) that behaves like a Development Mode app sees it in 2026.

    from fakes.spotify import FakeSpotify, SpotifyWorld, make_album, make_artist, make_track

    world = SpotifyWorld(user_id="me", display_name="Demo Listener")
    band = make_artist("ar1", "Alpha Band")
    song = make_track("tr1", "Sunrise", [band], isrc="GBAAA0100001")
    dawn = make_album("al1", "Dawn", [band], tracks=[song], upc="0000000000001")
    world.add_playlist("pl1", "Mine", entries=[song, local_file("A", "B", "C", 200000), None])
    world.liked.append(song)
    with FakeSpotify(world, client_id="soulspot-test") as url:
        # SPOTIFY_ACCOUNTS_URL = url, SPOTIFY_API_URL = url + "/v1"
        ...

Give objects base62 ids (letters and digits only, like Spotify's): spotipy refuses any other id
(`sp.playlist_items("pl-1")` raises "Unsupported URL / URI" before sending anything).

Catalogue objects are plain dicts in Spotify's JSON shapes: `make_track(...)["id"]`,
`track["external_ids"]["isrc"]`, `track["album"]["id"]`, `album["name"]`, `artist["uri"]`.
Keys starting with `_` are bookkeeping the wire never shows. `make_album(tracks=[...])` makes
the album own the tracks (their `album` ref and, unless given, `track_number` follow it);
`embedded_tracks_limit` shortens the album's embedded `tracks` page so clients must follow
`tracks.next`. A track made without an album is the only track of a single.

Playlist entries are tracks, episodes (`make_episode`), local files (`local_file(...)`) or
None (an unavailable track: `item: null`). What the fake serves, and where it chose:

- Accounts: `GET /authorize` (auto-consent, 302 with `code` and `state`, or `error=access_denied`
  after `world.deny_next_authorization = True`), `POST /api/token` (authorization_code with the
  PKCE verifier, refresh_token with rotation; HTTP Basic client auth accepted, not required).
- Web API under `/v1` (Bearer token; trailing slashes accepted; hrefs absolute on the fake):
  `me`, `me/playlists`, `playlists/{id}` (`fields` supported), `playlists/{id}/items`,
  `me/tracks`, `me/albums`, `me/following?type=artist` (cursor paging), `albums/{id}`,
  `albums/{id}/tracks`, `tracks/{id}`, `artists/{id}`, `artists/{id}/albums` (limit ≤ 10),
  `episodes/{id}`, `search` (limit ≤ 10). Removed for Development Mode apps, answering 403:
  `playlists/{id}/tracks` and the batch lookups `tracks?ids=`, `albums?ids=`, `artists?ids=`.
- Items of a playlist the user neither owns nor collaborates on: 403 "Forbidden"; its
  `GET /playlists/{id}` then carries `items` as `{href, total}` only.
- Episodes: with `episode` in `additional_types` an entry carries the EpisodeObject. Without it
  (the default is tracks only) the real API still returns the entry, as a track-shaped object
  whose `type` is "episode" (`episode: true`, `track: false`, the show as `album`). Either way a
  client recognises an episode by `item.type == "episode"`. Tracks carry `episode: false`.
- `me/tracks` and `me/albums` need the `user-library-read` scope, `me/following` needs
  `user-follow-read`; without it: 403 "Insufficient client scope".
- `playlists/{id}` embeds the first 50 items (so its `next` is a valid `/items` URL).

Faults and observation: `fake.fail_next(path_regex, status, headers=, body=, times=)`,
`fake.rate_limit_next(retry_after=3)`, `fake.quota_exceeded()`, `fake.expire_access_tokens()`,
`fake.api_requests(path_regex)`, `fake.token_requests()`, `fake.access_token_lifetime`,
`fake.issue_token(scope)` (a token pair without the browser dance). Over HTTP:
`POST /_fake/spotify/fault {"path", "status", "headers", "body", "times"}`,
`POST /_fake/spotify/expire-tokens`, `GET /_fake/spotify/tokens`, `GET /_fake/requests`.

Run it: `python -m fakes.spotify --port 8767 --scenario demo|acceptance --client-id ID`.
"""

from __future__ import annotations

from fakes.spotify.fake import FakeSpotify, SpotifyApp
from fakes.spotify.objects import (
    LocalFile,
    local_file,
    make_album,
    make_artist,
    make_episode,
    make_track,
)
from fakes.spotify.world import Playlist, SpotifyWorld

LOCAL = LocalFile

__all__ = [
    "LOCAL",
    "FakeSpotify",
    "LocalFile",
    "Playlist",
    "SpotifyApp",
    "SpotifyWorld",
    "local_file",
    "make_album",
    "make_artist",
    "make_episode",
    "make_track",
]
