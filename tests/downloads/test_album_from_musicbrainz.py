"""POST /api/downloads/albums by MusicBrainz release or release group, against the fake
MusicBrainz (real musicbrainzngs on the wire, real database)."""

from __future__ import annotations

import pytest

from downloads.models import DownloadJob
from downloads.services.queueing import ALREADY_OWNED
from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from fakes.metadata_services.demo_catalog import add_editions
from library.models import Album, Track
from tests.factories import AlbumFactory, ArtistFactory, TrackFileFactory
from tests.metadata_support import catalog, fake_fixture

pytestmark = pytest.mark.django_db
UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"
__all__ = ["catalog"]  # fixtures


fake = fake_fixture(FakeMusicBrainz, MUSICBRAINZ_MAX_ATTEMPTS=1, SOULSPOT_COUNTRY="")


@pytest.fixture
def two_discs(catalog: MetadataCatalog):
    """Two discs, an "Intro" on each (two recordings), ISRCs on some tracks."""
    return catalog.add_release(
        "Twin Peaks Live",
        "Neon Harbor",
        discs=[
            [("Intro", 61_000, "GBNEO2400001"), ("Afterglow", 245_000, "GBNEO2400002")],
            [("Intro", 59_000), ("Outro", 90_000, "GBNEO2400004")],
        ],
        date="2019-06-01",
    )


def _want(client, **body: object):
    return client.post("/api/downloads/albums", body, content_type="application/json")


def test_a_release_want_writes_the_album_and_its_tracks_from_musicbrainz(
    api_client, fake, two_discs
) -> None:
    response = _want(api_client, musicbrainz_release_id=two_discs.release_id)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "album" and body["status"] == "queued"
    assert (body["artist"], body["title"]) == ("Neon Harbor", "Twin Peaks Live")
    album = Album.objects.get(pk=body["album_id"])
    assert album.musicbrainz_release_id == two_discs.release_id
    assert album.musicbrainz_release_group_id == two_discs.release_group_id
    assert (album.year, album.track_count, album.disc_count, album.monitored) == (2019, 4, 2, True)
    rows = album.tracks.order_by("disc_number", "track_number").values_list(
        "disc_number", "track_number", "title", "duration_ms", "musicbrainz_recording_id", "isrc"
    )
    assert list(rows) == [
        (1, 1, "Intro", 61_000, two_discs.recording_ids[0], "GBNEO2400001"),
        (1, 2, "Afterglow", 245_000, two_discs.recording_ids[1], "GBNEO2400002"),
        (2, 1, "Intro", 59_000, two_discs.recording_ids[2], ""),
        (2, 2, "Outro", 90_000, two_discs.recording_ids[3], "GBNEO2400004"),
    ]


def test_a_release_group_want_takes_the_chosen_edition_and_says_why(
    api_client, fake, catalog
) -> None:
    ids = add_editions(catalog)

    response = _want(api_client, musicbrainz_release_group_id=ids["group"], priority=7)

    assert response.status_code == 201, response.json()
    body = response.json()
    album = Album.objects.get(pk=body["album_id"])
    assert album.musicbrainz_release_id == ids["digital"] and album.track_count == 12
    assert album.musicbrainz_release_group_id == ids["group"]
    assert body["priority"] == 7
    assert "the most common track count (12 tracks" in body["status_reason"]


def test_wanting_the_same_release_again_is_409_without_asking_musicbrainz(
    api_client, fake, two_discs
) -> None:
    assert _want(api_client, musicbrainz_release_id=two_discs.release_id).status_code == 201
    fake.clear_requests()

    again = _want(api_client, musicbrainz_release_id=two_discs.release_id)

    assert again.status_code == 409
    assert "already being downloaded" in again.json()["detail"]
    assert fake.requests == []
    assert DownloadJob.objects.count() == 1 and Track.objects.count() == 4


def test_a_group_whose_chosen_edition_is_queued_is_409(api_client, fake, catalog) -> None:
    ids = add_editions(catalog)
    assert _want(api_client, musicbrainz_release_id=ids["digital"]).status_code == 201

    response = _want(api_client, musicbrainz_release_group_id=ids["group"])

    assert response.status_code == 409
    assert DownloadJob.objects.count() == 1


def test_an_album_already_owned_completes_at_once(api_client, fake, two_discs) -> None:
    first = _want(api_client, musicbrainz_release_id=two_discs.release_id).json()
    DownloadJob.objects.filter(pk=first["id"]).update(status=DownloadJob.Status.CANCELLED)
    for track in Track.objects.all():
        TrackFileFactory(track=track)

    response = _want(api_client, musicbrainz_release_id=two_discs.release_id)

    assert response.status_code == 201
    assert response.json()["status"] == "completed"
    assert response.json()["status_reason"] == ALREADY_OWNED
    assert Track.objects.count() == 4  # the same tracks, not a second set


def test_an_album_wanted_by_names_is_tied_to_the_release(api_client, fake, two_discs) -> None:
    album = AlbumFactory(title="twin peaks live", artist=ArtistFactory(name="Neon Harbor"))

    response = _want(api_client, musicbrainz_release_id=two_discs.release_id)

    assert response.json()["album_id"] == album.pk
    album.refresh_from_db()
    assert album.musicbrainz_release_id == two_discs.release_id and album.year == 2001


def test_an_unknown_release_is_404_naming_it(api_client, fake) -> None:
    response = _want(api_client, musicbrainz_release_id=UNKNOWN_MBID)

    assert response.status_code == 404
    assert response.json() == {"detail": f"MusicBrainz has no release {UNKNOWN_MBID}"}
    assert not Album.objects.exists()


def test_an_unknown_release_group_is_404_naming_it(api_client, fake) -> None:
    response = _want(api_client, musicbrainz_release_group_id=UNKNOWN_MBID)

    assert response.status_code == 404
    assert UNKNOWN_MBID in response.json()["detail"]


@pytest.mark.parametrize("mode", ["stopped", "503"])
def test_musicbrainz_down_is_503_and_nothing_is_written(api_client, fake, two_discs, mode) -> None:
    if mode == "stopped":
        fake.stop()
    else:
        fake.set_mode("503")

    response = _want(api_client, musicbrainz_release_id=two_discs.release_id)

    assert response.status_code == 503
    assert response.json()["detail"].startswith("MusicBrainz is unavailable")
    assert not Album.objects.exists() and not DownloadJob.objects.exists()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"musicbrainz_release_id": "not-a-uuid"}, "musicbrainz_release_id"),
        ({"musicbrainz_release_group_id": "1234"}, "musicbrainz_release_group_id"),
        ({"artist": "A", "album": "B", "musicbrainz_release_id": UNKNOWN_MBID}, "exactly one"),
        (
            {"musicbrainz_release_id": UNKNOWN_MBID, "musicbrainz_release_group_id": UNKNOWN_MBID},
            "exactly one",
        ),
        ({}, "exactly one"),
        ({"artist": "A"}, "artist and album are both required"),
        ({"musicbrainz_release_id": UNKNOWN_MBID, "tracks": ["x"]}, "year and tracks"),
    ],
)
def test_a_want_must_name_the_album_exactly_one_way(api_client, fake, body, words) -> None:
    response = _want(api_client, **body)

    assert response.status_code == 422
    assert words in str(response.json()["detail"])
    assert fake.requests == [] and not Album.objects.exists()


def test_a_want_by_names_still_works(api_client, fake) -> None:
    response = _want(api_client, artist="Nu", album="Waves", tracks=["One", "Two"])

    assert response.status_code == 201 and response.json()["title"] == "Waves"
    assert fake.requests == []
