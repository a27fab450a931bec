"""The fake Web API as spotipy 2.26 and plain HTTP see it: shapes, paging, 2026 rules."""

from __future__ import annotations

import httpx
import pytest
from spotipy.exceptions import SpotifyException

from fakes.spotify import local_file, make_episode, make_track
from tests.fake_spotify.conftest import SCOPES, link


def _walk(sp, page: dict) -> list[dict]:
    """Every item of an offset-paged list, following `next` as a sync would."""
    items = list(page["items"])
    while page["next"]:
        page = sp.next(page)
        items += page["items"]
    return items


def _get(fake, path: str, **params: object) -> httpx.Response:
    token = fake.issue_token(SCOPES)["access_token"]
    return httpx.get(fake.url + path, params=params, headers={"Authorization": f"Bearer {token}"})


def test_own_playlist_items_come_in_three_pages_with_absolute_next_urls(linked, acceptance):
    sp, fake = linked.sp, linked.fake

    first = sp.playlist_items(acceptance.own_playlist_id, limit=50)
    entries = _walk(sp, first)

    calls = fake.api_requests(r"/items$")
    assert [c.arg("offset") for c in calls] == ["0", "50", "100"]
    assert first["total"] == 120 and len(entries) == 120
    assert first["next"].startswith(fake.url + "/v1/playlists/plOwn120/items?")
    assert first["href"].startswith(fake.url) and first["previous"] is None
    tracks = [e["item"] for e in entries if e["item"] and not e["is_local"]]
    tracks = [t for t in tracks if t["type"] == "track"]
    assert [t["id"] for t in tracks] == acceptance.own_playlist_track_ids
    assert all(t["external_ids"]["isrc"] and t["album"]["id"] and t["duration_ms"] for t in tracks)


def test_local_unavailable_and_episode_entries_look_like_spotifys(linked, acceptance):
    entries = _walk(linked.sp, linked.sp.playlist_items(acceptance.own_playlist_id, limit=50))

    local = [e for e in entries if e["is_local"]]
    missing = [e for e in entries if e["item"] is None]
    episodes = [e for e in entries if e["item"] and e["item"]["type"] == "episode"]
    assert len(local) == len(missing) == len(episodes) == 1
    assert local[0]["item"]["id"] is None
    assert local[0]["item"]["uri"] == "spotify:local:Home+Taper:Cassette:Demo+Take:187"
    assert episodes[0]["item"]["show"]["name"] == "Music Talk"  # asked for: an EpisodeObject
    assert [entries.index(e) for e in local + missing + episodes] == [10, 60, 110]


def test_without_episode_in_additional_types_an_episode_is_track_shaped(fake, acceptance):
    page = _get(fake, "/v1/playlists/plOwn120/items", offset=100, limit=50).json()

    episode = page["items"][10]["item"]
    track = page["items"][0]["item"]
    assert (episode["type"], episode["episode"], episode["track"]) == ("episode", True, False)
    assert episode["album"]["name"] == "Music Talk" and "show" not in episode
    assert (track["type"], track["episode"], track["track"]) == ("track", False, True)


def test_a_legacy_playlist_uses_the_track_key(linked):
    song = make_track("trLegacy", "Old Key", [])
    linked.fake.world.add_playlist("plLegacy", "Legacy", entries=[song], legacy_track_key=True)

    entry = linked.sp.playlist_items("plLegacy")["items"][0]

    assert "item" not in entry and entry["track"]["id"] == "trLegacy"


def test_items_of_a_followed_playlist_are_forbidden_but_collaborative_ones_readable(
    linked, acceptance
):
    sp = linked.sp

    with pytest.raises(SpotifyException) as error:
        sp.playlist_items(acceptance.followed_playlist_id)
    collab = _walk(sp, sp.playlist_items(acceptance.collaborative_playlist_id))
    followed = sp.playlist(acceptance.followed_playlist_id)

    assert (error.value.http_status, error.value.msg.split("\n ")[-1]) == (403, "Forbidden")
    assert [e["item"]["id"] for e in collab] == acceptance.collaborative_track_ids
    assert followed["items"] == {
        "href": f"{linked.fake.url}/v1/playlists/plFollowed/items",
        "total": 5,
    }


def test_my_playlists_lists_own_collaborative_and_followed_ones(linked, acceptance):
    playlists = _walk(linked.sp, linked.sp.current_user_playlists(limit=2))

    by_id = {p["id"]: p for p in playlists}
    assert set(by_id) == acceptance.readable_playlist_ids | acceptance.unreadable_playlist_ids
    assert by_id["plOwn120"]["items"]["total"] == 120 and by_id["plOwn120"]["tracks"] is None
    assert by_id["plCollab"]["collaborative"] is True
    assert by_id["plFollowed"]["owner"]["id"] == "spotify-fan"


def test_the_snapshot_changes_on_every_change_and_never_otherwise(fake, acceptance):
    world = fake.world

    def snapshot() -> str:
        return _get(fake, "/v1/playlists/plOwn120", fields="snapshot_id").json()["snapshot_id"]

    before = snapshot()
    unchanged = snapshot()
    world.rename_playlist("plOwn120", "Renamed")
    renamed = snapshot()
    world.set_entries("plOwn120", [local_file("A", "B", "C", 1000)])
    replaced = snapshot()

    assert before == unchanged
    assert len({before, renamed, replaced}) == 3


def test_fields_keeps_only_the_named_keys(linked, acceptance):
    fields = "id,name,snapshot_id,owner,collaborative,items(total)"

    playlist = linked.sp.playlist(acceptance.own_playlist_id, fields=fields)
    nested = linked.sp.playlist_items(
        acceptance.own_playlist_id, fields="total,items(item(id,external_ids.isrc))", limit=1
    )

    assert set(playlist) == {"id", "name", "snapshot_id", "owner", "collaborative", "items"}
    assert playlist["items"] == {"total": 120}
    assert nested == {
        "total": 120,
        "items": [{"item": {"id": "trAcc001", "external_ids": {"isrc": "QZACC2600001"}}}],
    }


def test_liked_songs_still_use_the_track_key(linked, acceptance):
    liked = _walk(linked.sp, linked.sp.current_user_saved_tracks(limit=4))

    assert [e["track"]["id"] for e in liked] == acceptance.liked_track_ids
    assert all(e["added_at"] for e in liked)


def test_saved_albums_embed_a_short_track_page_that_must_be_followed(linked, acceptance):
    sp = linked.sp

    albums = [e["album"] for e in _walk(sp, sp.current_user_saved_albums(limit=50))]
    short = albums[1]
    rest = _walk(sp, short["tracks"])

    assert {a["id"] for a in albums} == acceptance.expected_album_ids
    assert (short["total_tracks"], short["tracks"]["total"], len(short["tracks"]["items"])) == (
        12,
        12,
        5,
    )
    assert short["tracks"]["next"].startswith(f"{linked.fake.url}/v1/albums/{short['id']}/tracks")
    assert len(rest) == 12 and "album" not in rest[0] and "external_ids" not in rest[0]
    assert short["external_ids"] == {"upc": "0000000000012"}
    assert short["release_date_precision"] == "day"


def test_followed_artists_page_by_cursor(linked, acceptance):
    sp = linked.sp

    first = sp.current_user_followed_artists(limit=2)["artists"]
    second = sp.next(first)["artists"]

    assert first["cursors"]["after"] == first["items"][-1]["id"]
    assert first["next"].startswith(linked.fake.url + "/v1/me/following?")
    assert second["next"] is None and second["cursors"]["after"] is None
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert ids == acceptance.followed_artist_ids and first["total"] == 3


def test_album_tracks_and_track_and_artist_albums_lookups(linked, acceptance):
    sp = linked.sp

    track = sp.track("trAcc001")
    album_tracks = sp.album_tracks("alAcc01")  # spotipy adds a trailing slash
    albums = sp.artist_albums("arAcc01", limit=10)

    assert track["external_ids"] == {"isrc": "QZACC2600001"}
    assert track["album"]["id"] == "alAcc01" and track["track_number"] == 1
    assert album_tracks["total"] == 9
    assert [a["id"] for a in albums["items"]] == ["alAcc01"]


@pytest.mark.parametrize(
    "path",
    ["/v1/me/", "/v1/me/playlists/", "/v1/playlists/plOwn120/items/", "/v1/albums/alAcc01/"],
)
def test_trailing_slashes_are_accepted(fake, path):
    answer = _get(fake, path)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/v1/playlists/plOwn120/items", {"limit": 51}, 400, "Invalid limit"),
        ("/v1/playlists/plOwn120/items", {"limit": "ten"}, 400, "Invalid limit"),
        ("/v1/playlists/plOwn120/items", {"offset": -1}, 400, "Invalid offset"),
        ("/v1/me/playlists", {"limit": 0}, 400, "Invalid limit"),
        ("/v1/me/tracks", {"limit": 51}, 400, "Invalid limit"),
        ("/v1/search", {"q": "song", "type": "track", "limit": 11}, 400, "Invalid limit"),
        ("/v1/artists/arAcc01/albums", {"limit": 20}, 400, "Invalid limit"),
        ("/v1/playlists/plOwn120/tracks", {}, 403, "Forbidden"),
        ("/v1/tracks", {"ids": "trAcc001,trAcc002"}, 403, "Forbidden"),
        ("/v1/albums/", {"ids": "alAcc01"}, 403, "Forbidden"),
        ("/v1/tracks/nope", {}, 404, "Resource not found"),
        ("/v1/playlists/nope/items", {}, 404, "Resource not found"),
        ("/v1/no/such/endpoint", {}, 404, "Service not found"),
    ],
)
def test_api_errors_use_spotifys_error_shape(fake, path, params, status, message):
    answer = _get(fake, path, **params)

    assert answer.status_code == status
    assert answer.json() == {"error": {"status": status, "message": message}}


def test_an_items_limit_of_zero_gives_the_total_only(fake):
    page = _get(fake, "/v1/playlists/plOwn120/items", limit=0).json()

    assert (page["items"], page["total"], page["next"]) == ([], 120, None)


def test_without_a_token_or_the_scope_the_api_refuses(fake):
    missing = httpx.get(fake.url + "/v1/me")
    unknown = httpx.get(fake.url + "/v1/me", headers={"Authorization": "Bearer made-up"})
    narrow = link(fake, scope="playlist-read-private")

    with pytest.raises(SpotifyException) as error:
        narrow.sp.current_user_saved_tracks()

    assert (
        missing.json()
        == unknown.json()
        == {"error": {"status": 401, "message": "Invalid access token"}}
    )
    assert error.value.http_status == 403


def test_search_matches_names_and_field_filters(linked, acceptance):
    sp = linked.sp

    by_isrc = sp.search("isrc:QZACC2600005", type="track", limit=10)
    by_words = sp.search('artist:"Acceptance Artist 02" song', type="track,artist", limit=10)
    following = sp.next(by_words["tracks"])

    assert [t["id"] for t in by_isrc["tracks"]["items"]] == ["trAcc005"]
    assert by_words["tracks"]["total"] == 9 and len(by_words["tracks"]["items"]) == 9
    assert following is None or following["tracks"]["items"] == []
    assert by_words["artists"]["total"] == 0  # no artist is named "... song"


def test_an_episode_and_an_album_can_be_looked_up_by_id(fake):
    fake.world.add_playlist("plPod", "Pods", entries=[make_episode("ep9", "Nine")])

    episode = _get(fake, "/v1/episodes/ep9").json()
    album = _get(fake, "/v1/albums/alSav02").json()

    assert episode["type"] == "episode" and episode["href"] == f"{fake.url}/v1/episodes/ep9"
    assert album["tracks"]["total"] == 12 and len(album["tracks"]["items"]) == 5


_HOSTILE = [
    "-1",
    "9" * 30,
    "1e3",
    "((",
    "a(b",
    "items(item",
    "\x00",
    "ü",
    "%",
    "a,,b..c",
    "x" * 3000,
]
_PATHS = [
    "/v1/me/playlists",
    "/v1/playlists/plOwn120",
    "/v1/playlists/plOwn120/items",
    "/v1/me/tracks",
    "/v1/me/albums",
    "/v1/me/following",
    "/v1/albums/alSav02/tracks",
    "/v1/artists/arAcc01/albums",
    "/v1/search",
]


@pytest.mark.parametrize("path", _PATHS)
def test_hostile_query_values_never_get_a_server_error(fake, path):
    headers = {"Authorization": f"Bearer {fake.issue_token(SCOPES)['access_token']}"}
    keys = ["limit", "offset", "fields", "additional_types", "after", "q", "include_groups"]

    with httpx.Client(base_url=fake.url, headers=headers) as client:
        answers = [
            client.get(path, params={"type": "artist", "q": "x", key: value})
            for key in keys
            for value in _HOSTILE
        ]

    assert all(a.status_code < 500 for a in answers)
    assert all(a.headers["content-type"] == "application/json" for a in answers)
    assert {a.status_code for a in answers} >= {200, 400}
