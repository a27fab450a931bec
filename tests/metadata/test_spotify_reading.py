"""Reading the connected account through the fake Spotify: paging (offset, cursor, an album's
`tracks.next`), entry kinds, and every failure typed (429 at once, 403, 404, 401, 5xx)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from fakes.spotify import local_file, make_album, make_artist, make_episode, make_track
from metadata.providers import spotify
from tests.spotify_support import connect, fake_spotify, stored_token, successful_refreshes, world

pytestmark = pytest.mark.django_db
__all__ = ["fake_spotify", "world"]  # fixtures

BAND = make_artist("ar1", "Alpha Band")


def _tracks(count: int, prefix: str = "t") -> list[dict]:
    return [
        make_track(f"{prefix}{n}", f"Song {n}", [BAND], isrc=f"GBAAA01{n:05d}")
        for n in range(count)
    ]


@pytest.fixture
def connected(fake_spotify):
    connect()
    fake_spotify.clear_requests()
    return fake_spotify


def test_a_120_entry_playlist_takes_three_item_calls_and_counts_every_kind(
    connected, world
) -> None:
    entries: list = _tracks(100)
    entries += [local_file("Me", "Demos", f"Demo {n}", 180_000) for n in range(8)]
    entries += [None] * 7 + [make_episode(f"ep{n}", f"Episode {n}") for n in range(5)]
    world.add_playlist("pl1", "Big", entries=entries)

    got = list(spotify.playlist_entries("pl1"))

    calls = connected.api_requests(r"^/v1/playlists/pl1/items")
    assert len(calls) == 3
    assert calls[0].arg("limit") == "50" and "episode" in calls[0].arg("additional_types")
    assert Counter(e.kind for e in got) == {
        "track": 100,
        "local": 8,
        "unavailable": 7,
        "episode": 5,
    }
    assert [e.position for e in got] == list(range(120))
    first = got[0].track
    assert first is not None and (first.id, first.isrc, first.artists[0].name) == (
        "t0",
        "GBAAA0100000",
        "Alpha Band",
    )
    local = got[100].track
    assert local is not None and local.id == "" and local.name == "Demo 0"


def test_entries_in_the_legacy_track_key_are_read(connected, world) -> None:
    world.add_playlist("old", "Old shape", entries=_tracks(3), legacy_track_key=True)

    got = list(spotify.playlist_entries("old"))

    assert [e.track.id for e in got if e.track] == ["t0", "t1", "t2"]
    assert {e.kind for e in got} == {"track"}


def test_one_playlist_is_one_call_with_only_the_fields_needed(connected, world) -> None:
    world.add_playlist("pl2", "Mix", entries=_tracks(70))
    world.add_playlist("theirs", "Theirs", owner_id="dj", owner_name="DJ", collaborative=True)

    mix = spotify.playlist("pl2")
    theirs = spotify.playlist("theirs")

    assert (mix.id, mix.name, mix.owner_id, mix.tracks_total) == ("pl2", "Mix", "me", 70)
    assert mix.snapshot_id and not mix.collaborative
    assert (theirs.owner_name, theirs.collaborative) == ("DJ", True)
    [call, _] = connected.api_requests(r"^/v1/playlists/")
    assert "items(total)" in call.arg("fields") and "owner(id,display_name)" in call.arg("fields")


def test_my_playlists_pages_through_every_playlist(connected, world) -> None:
    for n in range(60):
        world.add_playlist(f"p{n}", f"List {n}")

    got = list(spotify.my_playlists())

    assert sorted(p.id for p in got) == sorted(f"p{n}" for n in range(60))
    assert len(connected.api_requests(r"^/v1/me/playlists")) == 2


def test_liked_songs_are_entries_too(connected, world) -> None:
    world.liked.extend(_tracks(55))

    got = list(spotify.saved_tracks())

    assert len(got) == 55 and {e.kind for e in got} == {"track"}
    assert len(connected.api_requests(r"^/v1/me/tracks")) == 2


def test_followed_artists_come_over_cursor_pages(connected, world) -> None:
    world.followed_artists.extend(make_artist(f"a{n}", f"Artist {n}") for n in range(120))

    got = list(spotify.followed_artists())

    assert [a.id for a in got] == [f"a{n}" for n in range(120)]
    calls = connected.api_requests(r"^/v1/me/following")
    assert len(calls) == 3
    assert [c.arg("after") for c in calls] == [None, "a49", "a99"]


def test_a_saved_album_follows_tracks_next_when_its_embedded_page_is_short(
    connected, world
) -> None:
    long_album = make_album(
        "al1", "Long", [BAND], tracks=_tracks(70, "lt"), upc="0001", embedded_tracks_limit=20
    )
    short_album = make_album("al2", "Short", [BAND], tracks=_tracks(3, "st"))
    world.saved_albums.extend([long_album, short_album])

    albums = {a.id: a for a in spotify.saved_albums()}

    assert [t.id for t in albums["al1"].tracks] == [f"lt{n}" for n in range(70)]
    assert albums["al1"].upc == "0001" and albums["al1"].total_tracks == 70
    assert all(t.album and t.album.id == "al1" for t in albums["al1"].tracks)
    assert len(albums["al2"].tracks) == 3
    # 20 embedded, then the `next` pages as Spotify gives them (same page size).
    pages = connected.api_requests(r"^/v1/albums/al1/tracks")
    assert [p.arg("offset") for p in pages] == ["20", "40", "60"]
    assert connected.api_requests(r"^/v1/albums/al2") == []


def test_a_429_is_raised_at_once_with_its_retry_after(connected, world) -> None:
    world.add_playlist("pl3", "Mix", entries=_tracks(2))
    connected.rate_limit_next(retry_after=3)

    started = time.monotonic()
    with pytest.raises(spotify.SpotifyRateLimited) as caught:
        list(spotify.playlist_entries("pl3"))

    assert time.monotonic() - started < 1
    assert caught.value.retry_after == 3
    assert not isinstance(caught.value, spotify.SpotifyQuotaExceeded)
    assert len(connected.api_requests()) == 1  # not retried behind our back
    assert len(list(spotify.playlist_entries("pl3"))) == 2  # and nothing is stuck


def test_a_spent_daily_quota_is_its_own_429(connected) -> None:
    connected.quota_exceeded()

    started = time.monotonic()
    with pytest.raises(spotify.SpotifyQuotaExceeded) as caught:
        spotify.current_user()

    assert time.monotonic() - started < 1
    assert caught.value.retry_after == 86400
    assert isinstance(caught.value, spotify.SpotifyUnavailable)


def test_a_429_on_a_later_page_stops_the_iteration_there(connected, world) -> None:
    world.add_playlist("pl4", "Mix", entries=_tracks(60))
    got = []

    with pytest.raises(spotify.SpotifyRateLimited):
        for entry in spotify.playlist_entries("pl4"):
            got.append(entry)
            if len(got) == 50:
                connected.rate_limit_next(retry_after=7)

    assert len(got) == 50


def test_someone_else_s_playlist_is_forbidden_and_an_unknown_one_not_found(
    connected, world
) -> None:
    world.add_playlist("foreign", "Theirs", owner_id="dj", entries=_tracks(2))

    with pytest.raises(spotify.SpotifyForbidden):
        list(spotify.playlist_entries("foreign"))
    with pytest.raises(spotify.SpotifyNotFound):
        spotify.playlist("nope404")
    with pytest.raises(spotify.SpotifyNotFound, match="not a Spotify id"):
        list(spotify.playlist_entries("../../me"))
    assert len(connected.api_requests()) == 2  # the malformed id never left SoulSpot


def test_a_token_refused_early_is_renewed_once_and_the_call_retried(connected) -> None:
    before = stored_token()
    connected.expire_access_tokens()  # Spotify says expired; our clock says an hour left

    assert spotify.current_user().id == "me"

    assert len(successful_refreshes(connected)) == 1
    assert stored_token()["access_token"] != before["access_token"]
    assert [r.path for r in connected.api_requests()] == ["/v1/me/", "/v1/me/"]


def test_a_second_401_after_renewing_is_an_outage_not_a_loop(connected) -> None:
    connected.fail_next(r"^/v1/me", 401, times=2)

    with pytest.raises(spotify.SpotifyUnavailable):
        spotify.current_user()

    assert len(connected.api_requests()) == 2
    assert len(successful_refreshes(connected)) == 1
    assert spotify.connection().error == ""  # the connection itself is fine


def test_a_brief_5xx_is_retried_and_a_lasting_one_is_an_outage(connected) -> None:
    connected.fail_next(r"^/v1/me", 503)
    assert spotify.current_user().id == "me"

    connected.fail_next(r"^/v1/me", 502, times=10)
    with pytest.raises(spotify.SpotifyUnavailable):
        spotify.current_user()
    assert len(connected.api_requests()) == 2 + 3  # one retry, then two more and give up


def test_a_garbled_answer_is_an_outage(connected, world) -> None:
    connected.fail_next(r"^/v1/me", 200, body=b"<html>oops</html>")
    with pytest.raises(spotify.SpotifyUnavailable, match="not a JSON object"):
        spotify.current_user()

    world.add_playlist("pl5", "Mix", entries=_tracks(1))
    connected.fail_next(r"^/v1/playlists/pl5/items", 200, body={"items": "many"})
    with pytest.raises(spotify.SpotifyUnavailable, match="list of items"):
        list(spotify.playlist_entries("pl5"))


def test_an_unreachable_or_silent_spotify_is_an_outage(connected, settings) -> None:
    settings.SPOTIFY_TIMEOUT_SECONDS = 1
    connected.hang_seconds = 3
    connected.set_mode("hang")
    started = time.monotonic()
    with pytest.raises(spotify.SpotifyUnavailable):
        spotify.current_user()
    assert time.monotonic() - started < 2.5

    connected.set_mode("ok")
    connected.stop()
    with pytest.raises(spotify.SpotifyUnavailable):
        spotify.current_user()
