"""Monitoring tracks, albums and artists: the service, its cascade, its history, the API."""

from __future__ import annotations

import pytest
from django.test import Client

from library import services
from library.models import HistoryEvent, Track, WantSource
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db
Status = Track.Status


def _patch(client: Client, path: str, body: dict) -> object:
    return client.patch(path, body, content_type="application/json")


def _events(type: str) -> list[tuple[int | None, str]]:
    rows = HistoryEvent.objects.filter(type=type).order_by("pk")
    return list(rows.values_list("track_id", "message"))


def test_monitoring_a_track_without_a_file_makes_it_wanted_and_records_it() -> None:
    track = TrackFactory(title="Echo", artist__name="Nu")

    changed = services.set_monitored(track, True)

    track.refresh_from_db()
    assert changed == [track.pk]
    assert (track.monitored, track.status, track.want_source) == (True, Status.WANTED, "typed")
    assert track.wanted_at is not None
    assert _events("monitored") == [(track.pk, "Monitored Nu – Echo")]


def test_monitoring_an_owned_track_keeps_it_owned() -> None:
    track = TrackFactory(status=Status.OWNED)
    TrackFileFactory(track=track, quality="flac")

    services.set_monitored(track, True)

    track.refresh_from_db()
    assert track.monitored and track.status == Status.OWNED and track.wanted_at is None


def test_unmonitoring_a_wanted_track_makes_it_known_and_leaves_its_files_alone() -> None:
    track = TrackFactory(status=Status.WANTED, monitored=True)
    broken = TrackFileFactory(track=track, is_broken=True, path="/music/kept.flac")

    services.set_monitored(track, False)

    track.refresh_from_db()
    broken.refresh_from_db()
    assert (track.monitored, track.status) == (False, Status.KNOWN)
    assert broken.path == "/music/kept.flac" and not broken.is_missing
    assert _events("unmonitored") == [(track.pk, f"Unmonitored {track}")]


def test_unmonitoring_an_owned_track_keeps_it_owned() -> None:
    track = TrackFactory(status=Status.OWNED, monitored=True)

    services.set_monitored(track, False)

    track.refresh_from_db()
    assert (track.monitored, track.status) == (False, Status.OWNED)


def test_setting_the_same_flag_again_changes_and_records_nothing() -> None:
    track = TrackFactory(monitored=True, status=Status.WANTED)

    assert services.set_monitored(track, True) == []
    assert not HistoryEvent.objects.exists()


def test_an_album_passes_its_flag_to_each_of_its_tracks() -> None:
    album = AlbumFactory(title="Waves", artist__name="Nu")
    missing = TrackFactory(album=album, artist=album.artist)
    owned = TrackFactory(album=album, artist=album.artist, status=Status.OWNED)
    TrackFileFactory(track=owned)
    elsewhere = TrackFactory(artist=album.artist)

    changed = services.set_monitored(album, True)

    album.refresh_from_db()
    assert album.monitored and sorted(changed) == sorted([missing.pk, owned.pk])
    assert set(Track.objects.filter(monitored=True)) == {missing, owned}
    assert Track.objects.get(pk=missing.pk).status == Status.WANTED
    assert Track.objects.get(pk=missing.pk).want_source == WantSource.ALBUM
    assert Track.objects.get(pk=owned.pk).status == Status.OWNED
    assert not Track.objects.get(pk=elsewhere.pk).monitored
    messages = [message for _, message in _events("monitored")]
    assert all(message.endswith("with the album Nu – Waves (2001)") for message in messages)

    services.set_monitored(album, False)

    album.refresh_from_db()
    assert not album.monitored and not Track.objects.filter(monitored=True).exists()
    assert Track.objects.get(pk=missing.pk).status == Status.KNOWN
    assert len(_events("unmonitored")) == 2


def test_an_artist_passes_its_flag_to_its_albums_and_all_their_tracks() -> None:
    artist = ArtistFactory()
    album = AlbumFactory(artist=artist)
    on_album = TrackFactory(album=album, artist=artist)
    single = TrackFactory(artist=artist)
    guest = TrackFactory(album=album)  # another artist's credit on this artist's album
    other = TrackFactory()

    services.set_monitored(artist, True)

    album.refresh_from_db()
    assert artist.monitored and album.monitored
    assert set(Track.objects.filter(monitored=True)) == {on_album, single, guest}
    assert not Track.objects.get(pk=other.pk).monitored
    assert set(Track.objects.values_list("want_source", flat=True).filter(monitored=True)) == {
        WantSource.WATCHLIST
    }


def test_patch_monitors_a_track_and_answers_its_detail(api_client: Client) -> None:
    track = TrackFactory()

    response = _patch(api_client, f"/api/library/tracks/{track.pk}", {"monitored": True})

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == track.pk and body["monitored"] is True and body["status"] == "wanted"
    assert body["want_source"] == "typed" and body["files"] == []
    off = _patch(api_client, f"/api/library/tracks/{track.pk}", {"monitored": False}).json()
    assert off["monitored"] is False and off["status"] == "known"


def test_patch_an_album_and_an_artist(api_client: Client) -> None:
    album = AlbumFactory()
    track = TrackFactory(album=album, artist=album.artist)

    body = _patch(api_client, f"/api/library/albums/{album.pk}", {"monitored": True}).json()
    assert body["monitored"] is True and body["tracks"][0]["monitored"] is True
    assert body["tracks"][0]["id"] == track.pk

    artist = _patch(
        api_client, f"/api/library/artists/{album.artist_id}", {"monitored": False}
    ).json()
    assert artist["monitored"] is False and artist["albums"][0]["id"] == album.pk
    assert not Track.objects.get(pk=track.pk).monitored


@pytest.mark.parametrize("kind", ["tracks", "albums", "artists"])
def test_patching_an_unknown_object_is_a_404_and_a_bad_value_a_422(
    api_client: Client, kind: str
) -> None:
    assert _patch(api_client, f"/api/library/{kind}/999999", {"monitored": True}).status_code == 404
    track = TrackFactory(album=AlbumFactory())
    pk = {"tracks": track.pk, "albums": track.album_id, "artists": track.artist_id}[kind]
    bad = _patch(api_client, f"/api/library/{kind}/{pk}", {"monitored": "perhaps"})
    assert bad.status_code == 422
    assert not HistoryEvent.objects.exists()


def test_patch_without_a_flag_changes_nothing(api_client: Client) -> None:
    track = TrackFactory()

    response = _patch(api_client, f"/api/library/tracks/{track.pk}", {})

    assert response.status_code == 200 and response.json()["monitored"] is False
    assert not HistoryEvent.objects.exists()


def test_patch_needs_authentication(user) -> None:
    track = TrackFactory()
    assert _patch(Client(), f"/api/library/tracks/{track.pk}", {"monitored": True}).status_code in (
        401,
        403,
    )
    assert not Track.objects.get(pk=track.pk).monitored
