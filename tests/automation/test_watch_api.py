"""/api/watchlist and the discography completion endpoint, against the fake MusicBrainz."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import OrmQ

from automation.models import ReleaseGroup, WatchedArtist
from automation.watching import checks
from downloads.models import DownloadJob
from fakes.metadata_services import FakeMusicBrainz
from library.models import QualityProfile
from tests.automation.watch_support import ARTIST, add_discography
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.metadata_support import catalog, fake_fixture

pytestmark = pytest.mark.django_db
fake = fake_fixture(FakeMusicBrainz)
__all__ = ["catalog"]  # fixtures
State = ReleaseGroup.State


@pytest.fixture
def disco(catalog):
    return add_discography(catalog)


def _send(client: Client, method: str, path: str, body: object = None):
    return getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")


def _queued() -> list[tuple]:
    """(task path, *args) of every task queued for the worker."""
    tasks = [q.task["args"] for q in OrmQ.objects.order_by("pk")]
    return [(args[0], *args[2:]) for args in tasks]


def test_watching_a_musicbrainz_artist_answers_the_watch_and_queues_its_check(
    api_client, fake, disco
) -> None:
    response = _send(
        api_client,
        "post",
        "/api/watchlist",
        {"musicbrainz_id": disco.artist_id, "release_types": ["album"], "want": "all"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["artist_name"] == ARTIST and body["want"] == "all"
    assert body["release_types"] == ["album"] and "live" in body["excluded_secondary_types"]
    assert ("automation.tasks.check_watched_artist", body["id"]) in _queued()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("release_types", ["album", "lp"]),
        ("excluded_secondary_types", ["boring"]),
        ("want", "some"),
    ],
)
def test_a_bad_option_is_a_400_naming_the_field(api_client, fake, disco, field, value) -> None:
    response = _send(
        api_client, "post", "/api/watchlist", {"musicbrainz_id": disco.artist_id, field: value}
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}:")
    assert not WatchedArtist.objects.exists()


def test_a_library_artist_without_a_musicbrainz_id_must_be_picked_from_a_search(api_client) -> None:
    artist = ArtistFactory(name="Nobody Knows")

    response = _send(api_client, "post", "/api/watchlist", {"artist_id": artist.pk})

    assert response.status_code == 400
    assert "pick the artist from a MusicBrainz search" in response.json()["detail"]


def test_a_library_artist_with_its_id_is_watched_without_asking_musicbrainz(
    api_client, fake, disco
) -> None:
    artist = ArtistFactory(name=ARTIST, musicbrainz_id=disco.artist_id)
    profile = QualityProfile.objects.order_by("pk").first() or QualityProfile.objects.create(
        name="Any"
    )

    response = _send(
        api_client,
        "post",
        "/api/watchlist",
        {"artist_id": artist.pk, "quality_profile_id": profile.pk},
    )

    assert response.status_code == 201
    assert response.json()["quality_profile_id"] == profile.pk
    assert fake.requests == []


def test_an_unknown_musicbrainz_artist_is_a_404(api_client, fake) -> None:
    response = _send(
        api_client,
        "post",
        "/api/watchlist",
        {"musicbrainz_id": "00000000-0000-4000-8000-000000000000"},
    )

    assert response.status_code == 404


def test_watching_twice_is_refused(api_client, fake, disco) -> None:
    _send(api_client, "post", "/api/watchlist", {"musicbrainz_id": disco.artist_id})

    again = _send(api_client, "post", "/api/watchlist", {"musicbrainz_id": disco.artist_id})

    assert again.status_code == 400 and "watched already" in again.json()["detail"]
    assert WatchedArtist.objects.count() == 1


def test_patch_changes_options_and_delete_keeps_what_was_wanted(api_client, fake, disco) -> None:
    watch_id = _send(
        api_client,
        "post",
        "/api/watchlist",
        {"musicbrainz_id": disco.artist_id, "want": "all", "release_types": ["album"]},
    ).json()["id"]
    checks.check_watch(watch_id)

    patched = _send(api_client, "patch", f"/api/watchlist/{watch_id}", {"want": "none"})
    assert patched.status_code == 200 and patched.json()["want"] == "none"
    assert (
        _send(api_client, "patch", f"/api/watchlist/{watch_id}", {"want": "x"}).status_code == 400
    )

    assert api_client.delete(f"/api/watchlist/{watch_id}").status_code == 204
    assert not WatchedArtist.objects.exists()
    assert DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM).count() == 2
    assert api_client.get(f"/api/watchlist/{watch_id}").status_code == 404


def test_releases_are_listed_with_their_state_and_reason(api_client, fake, disco) -> None:
    watch_id = _send(
        api_client,
        "post",
        "/api/watchlist",
        {"musicbrainz_id": disco.artist_id, "want": "all", "release_types": ["album"]},
    ).json()["id"]
    checks.check_watch(watch_id)

    body = api_client.get(f"/api/watchlist/{watch_id}/releases").json()

    assert body["count"] == 5
    by_title = {row["title"]: row for row in body["items"]}
    assert by_title["First Light"]["state"] == "wanted" and by_title["First Light"]["album_id"]
    assert by_title["Hit Song"]["reason"] == "single is not a release type you watch"
    assert api_client.get("/api/watchlist/999/releases").status_code == 404


def test_check_now_makes_watches_due_and_queues_the_check(api_client, fake, disco) -> None:
    watch_id = _send(
        api_client, "post", "/api/watchlist", {"musicbrainz_id": disco.artist_id}
    ).json()["id"]
    checks.check_watch(watch_id)
    OrmQ.objects.all().delete()

    one = api_client.post(f"/api/watchlist/{watch_id}/check")
    every = api_client.post("/api/watchlist/check")

    assert one.status_code == every.status_code == 202
    assert every.json()["watches"] == 1
    assert WatchedArtist.objects.get(pk=watch_id).next_check_at <= timezone.now()
    assert _queued() == [
        ("automation.tasks.check_watched_artist", watch_id),
        ("automation.tasks.check_watched_artists",),
    ]
    assert api_client.post("/api/watchlist/999/check").status_code == 404


def test_listing_takes_the_same_queries_however_many_watches(api_client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/watchlist").status_code == 200
        return len(captured)

    def add(n: int) -> None:
        artist = ArtistFactory(musicbrainz_id=f"{n:08d}-0000-4000-8000-000000000000")
        WatchedArtist.objects.create(artist=artist, musicbrainz_id=artist.musicbrainz_id)

    add(0)
    one = queries()
    for n in range(1, 6):
        add(n)
    assert queries() == one
    assert api_client.get("/api/watchlist").json()["count"] == 6


def test_complete_discography_wants_missing_and_incomplete_albums(api_client, fake, disco) -> None:
    artist = ArtistFactory(name=ARTIST, musicbrainz_id=disco.artist_id)
    partial = AlbumFactory(
        artist=artist,
        title="Second Sun",
        musicbrainz_release_group_id=disco.second,
        musicbrainz_release_id=disco.second_release,
        track_count=8,
    )
    TrackFactory(artist=artist, album=partial, title="Second 1", status="owned")

    gaps = api_client.get(f"/api/library/artists/{artist.pk}/discography-gaps").json()
    assert {(g["title"], g["status"]) for g in gaps["items"]} == {
        ("First Light", "missing"),
        ("Second Sun", "incomplete"),
    }

    response = _send(api_client, "post", f"/api/library/artists/{artist.pk}/complete-discography")

    assert response.status_code == 202, response.content
    wanted = {row["title"]: row for row in response.json()["wanted"]}
    assert set(wanted) == {"First Light", "Second Sun"}
    assert wanted["Second Sun"]["album_id"] == partial.pk
    assert DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM).count() == 2


def test_complete_discography_wants_only_the_ticked_release_groups(api_client, fake, disco) -> None:
    artist = ArtistFactory(name=ARTIST, musicbrainz_id=disco.artist_id)

    response = _send(
        api_client,
        "post",
        f"/api/library/artists/{artist.pk}/complete-discography",
        {"release_group_ids": [disco.second]},
    )

    assert [row["title"] for row in response.json()["wanted"]] == ["Second Sun"]
    assert DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM).count() == 1


def test_complete_discography_needs_the_artists_musicbrainz_id(api_client) -> None:
    artist = ArtistFactory()

    response = _send(api_client, "post", f"/api/library/artists/{artist.pk}/complete-discography")

    assert response.status_code == 400
    assert (
        _send(api_client, "post", "/api/library/artists/999/complete-discography").status_code
        == 404
    )
