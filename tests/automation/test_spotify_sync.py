"""The Spotify library as a want source, against the fake Spotify through HTTP.

The acceptance world: an owned playlist of 120 entries (3 pages; a local file, an unavailable
entry and an episode among them), a collaborative playlist, another user's playlist (403 in
Development Mode), Liked Songs, 2 saved albums, 3 followed artists.
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from django_q.models import Schedule

from automation import tasks
from automation.models import SpotifyFollowedArtist, SpotifyPlaylist, SpotifySources
from downloads.models import DownloadJob
from library.models import Album, Playlist, Track, TrackWant
from tests.spotify_support import connect_through_pages, run_queued

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acceptance(settings, scenario, fake_spotify):
    settings.SOULSPOT_SEARCH_NEW_WANTS = False
    return scenario, fake_spotify


@pytest.fixture
def connected(acceptance, api_client, logged_in_client):
    connect_through_pages(api_client, logged_in_client)
    run_queued()  # the first sync: playlists listed, nothing followed yet
    return acceptance


def _items_calls(fake, playlist_id: str) -> int:
    return len(fake.api_requests(rf"/v1/playlists/{playlist_id}/items"))


def _follow(api_client, playlist_id: str, followed: bool = True):
    return api_client.patch(
        f"/api/spotify/playlists/{playlist_id}",
        {"followed": followed},
        content_type="application/json",
    )


def test_connecting_lists_the_playlists_and_wants_nothing(connected, api_client) -> None:
    scenario, _fake = connected
    status = api_client.get("/api/spotify/status").json()
    assert status["connected"] and status["account"]["id"] == "me"
    assert status["last_sync"] is not None and status["next_sync"] is not None
    rows = {p["id"]: p for p in api_client.get("/api/spotify/playlists").json()["items"]}
    assert set(rows) == scenario.readable_playlist_ids | scenario.unreadable_playlist_ids
    for playlist_id in scenario.unreadable_playlist_ids:
        assert rows[playlist_id]["readable"] is False
        assert "Development Mode" in rows[playlist_id]["error"]
    assert rows[scenario.own_playlist_id]["owned"] and rows[scenario.own_playlist_id]["readable"]
    assert not Track.objects.filter(monitored=True).exists()


def test_the_chosen_sources_become_exactly_the_expected_wants(connected, api_client) -> None:
    scenario, fake = connected
    assert _follow(api_client, scenario.own_playlist_id).status_code == 200
    settings_answer = api_client.patch(
        "/api/spotify/settings",
        {"liked_songs": True, "saved_albums": True, "followed_artists": True},
        content_type="application/json",
    )
    assert settings_answer.status_code == 200
    assert api_client.post("/api/spotify/sync").status_code == 202
    run_queued()

    wanted = Track.objects.filter(monitored=True, status=Track.Status.WANTED)
    playlist_wants = wanted.filter(want_reasons__source="spotify").distinct()
    assert set(playlist_wants.values_list("spotify_id", flat=True)) == scenario.expected_track_ids
    assert not playlist_wants.filter(isrc="").exists()
    assert _items_calls(fake, scenario.own_playlist_id) == 3
    source = SpotifyPlaylist.objects.get(spotify_id=scenario.own_playlist_id)
    assert "1 local files, 1 unavailable, 1 episodes" in source.last_result
    # The mirror is in Spotify's order.
    mirror = source.playlist
    ordered = list(mirror.entries.order_by("position").values_list("track__spotify_id", flat=True))
    assert ordered == scenario.own_playlist_track_ids
    liked = Playlist.objects.get(spotify_id="liked")
    assert liked.entries.count() == len(scenario.liked_track_ids)
    # Two album wants, with their tracks in order.
    albums = Album.objects.filter(spotify_id__in=scenario.expected_album_ids)
    assert albums.count() == 2 and all(a.monitored for a in albums)
    jobs = DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM, album__in=albums)
    assert jobs.count() == 2
    album_tracks = Track.objects.filter(album__in=albums)
    assert set(album_tracks.values_list("spotify_id", flat=True)) == (
        scenario.expected_album_track_ids
    )
    followed = set(SpotifyFollowedArtist.objects.values_list("spotify_id", flat=True))
    assert followed == set(scenario.followed_artist_ids)


def test_a_second_sync_with_unchanged_snapshots_reads_no_items(connected, api_client) -> None:
    scenario, fake = connected
    _follow(api_client, scenario.own_playlist_id)
    run_queued()
    before = _items_calls(fake, scenario.own_playlist_id)
    api_client.post("/api/spotify/sync")
    run_queued()
    assert before == 3
    assert _items_calls(fake, scenario.own_playlist_id) == before
    # Queued twice (sync now while the schedule's run is queued): the second reads nothing.
    source = SpotifyPlaylist.objects.get(spotify_id=scenario.own_playlist_id)
    assert tasks.sync_spotify_playlist(source.pk) == "unchanged since its last sync"
    assert _items_calls(fake, scenario.own_playlist_id) == before


def test_a_track_removed_from_the_playlist_stops_being_wanted_unless_liked(
    connected, api_client
) -> None:
    scenario, _fake = connected
    api_client.patch(
        "/api/spotify/settings", {"liked_songs": True}, content_type="application/json"
    )
    _follow(api_client, scenario.own_playlist_id)
    api_client.post("/api/spotify/sync")
    run_queued()
    world = scenario.world
    playlist = world.playlists[scenario.own_playlist_id]
    liked_too = scenario.own_playlist_track_ids[4]  # also in Liked Songs
    dropped = scenario.own_playlist_track_ids[0]
    keep = [e.item for e in playlist.entries if _entry_id(e.item) not in (liked_too, dropped)]
    world.set_entries(scenario.own_playlist_id, keep)
    api_client.post("/api/spotify/sync")
    run_queued()
    gone = Track.objects.get(spotify_id=dropped)
    assert (gone.status, gone.monitored) == (Track.Status.KNOWN, False)
    still = Track.objects.get(spotify_id=liked_too)
    assert (still.status, still.monitored) == (Track.Status.WANTED, True)


def _entry_id(entry) -> str | None:
    return entry.get("id") if isinstance(entry, dict) else None


def test_unfollowing_releases_the_wants_and_removes_the_mirror(connected, api_client) -> None:
    scenario, _fake = connected
    _follow(api_client, scenario.own_playlist_id)
    run_queued()
    assert Track.objects.filter(monitored=True).count() == 117
    answer = _follow(api_client, scenario.own_playlist_id, followed=False)
    assert answer.status_code == 200 and answer.json()["followed"] is False
    assert not Track.objects.filter(monitored=True).exists()
    assert not TrackWant.objects.filter(source="spotify").exists()
    assert not Playlist.objects.filter(source=Playlist.Source.SPOTIFY).exists()


def test_a_playlist_that_answers_403_is_marked_not_readable(connected, api_client) -> None:
    scenario, fake = connected
    fake.fail_next(rf"/v1/playlists/{scenario.own_playlist_id}/items", 403)
    _follow(api_client, scenario.own_playlist_id)
    run_queued()
    source = SpotifyPlaylist.objects.get(spotify_id=scenario.own_playlist_id)
    assert source.readable is False and "Development Mode" in source.error


def test_a_saved_album_is_wanted_once_whatever_became_of_its_want(connected, api_client) -> None:
    _scenario, _fake = connected
    api_client.patch(
        "/api/spotify/settings", {"saved_albums": True}, content_type="application/json"
    )
    api_client.post("/api/spotify/sync")
    run_queued()
    assert DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM).count() == 2
    DownloadJob.objects.all().delete()  # the user removed them from the queue
    api_client.post("/api/spotify/sync")
    run_queued()
    assert not DownloadJob.objects.exists()


def test_retry_after_delays_the_next_call_without_holding_the_worker(connected, api_client) -> None:
    scenario, fake = connected
    _follow(api_client, scenario.own_playlist_id)
    Schedule.objects.all().delete()
    source = SpotifyPlaylist.objects.get(spotify_id=scenario.own_playlist_id)
    SpotifyPlaylist.objects.filter(pk=source.pk).update(synced_snapshot_id="")
    from django_q.models import OrmQ

    OrmQ.objects.all().delete()
    fake.rate_limit_next(retry_after=3)
    started = time.monotonic()
    answer = tasks.sync_spotify_playlist(source.pk)
    assert time.monotonic() - started < 1.5, "the worker slept on a 429"
    assert "rate limited" in answer
    sources = SpotifySources.get()
    assert sources.next_call_at >= timezone.now() + timezone.timedelta(seconds=2)
    again = Schedule.objects.get(schedule_type=Schedule.ONCE)
    assert again.next_run >= sources.next_call_at - timezone.timedelta(seconds=1)
    assert again.args and "sync_spotify_playlist" in again.args
    # Another Spotify task before then makes no call either: it waits its turn.
    calls = len(fake.api_requests())
    assert "waiting" in tasks.sync_spotify_liked()
    assert len(fake.api_requests()) == calls


def test_quota_exceeded_pauses_spotify_until_the_next_day(connected, api_client) -> None:
    _scenario, fake = connected
    fake.quota_exceeded()
    SpotifySources.objects.filter(pk=1).update(next_sync_at=timezone.now())
    answer = tasks.spotify_tick()
    assert "paused" in answer
    status = api_client.get("/api/spotify/status").json()
    assert status["paused_until"] is not None and "quota" in status["paused_reason"]
    calls = len(fake.api_requests())
    assert "paused" in tasks.sync_spotify()
    assert len(fake.api_requests()) == calls


def test_disconnect_forgets_the_tokens(connected, api_client) -> None:
    answer = api_client.post("/api/spotify/disconnect")
    assert answer.status_code == 200 and answer.json()["connected"] is False
    assert api_client.post("/api/spotify/sync").status_code == 409


def test_synced_tracks_carry_spotify_as_the_source_of_their_fields(connected, api_client) -> None:
    scenario, _fake = connected
    _follow(api_client, scenario.own_playlist_id)
    api_client.post("/api/spotify/sync")
    run_queued()

    track = Track.objects.filter(want_reasons__source="spotify").exclude(isrc="").first()
    provenance = api_client.get(f"/api/library/tracks/{track.pk}").json()["provenance"]
    assert provenance["title"]["source"] == "spotify"
    assert provenance["isrc"] == {**provenance["isrc"], "value": track.isrc, "source": "spotify"}
    album = api_client.get(f"/api/library/albums/{track.album_id}").json()["provenance"]
    assert album["date"]["source"] == "spotify" and album["date"]["value"]
