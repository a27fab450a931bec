"""POST /api/metadata/refresh: preview and apply a small scope at once, queue a large one."""

from __future__ import annotations

import pytest
from django_q.models import OrmQ

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from library.models import Album, FieldConflict, FieldValue, RetagRequest
from metadata.refresh import SYNC_LOOKUPS
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, TrackFileFactory
from tests.metadata_support import fake_fixture
from tests.spotify_support import run_queued

pytestmark = pytest.mark.django_db
URL = "/api/metadata/refresh"

fake = fake_fixture(FakeMusicBrainz, MUSICBRAINZ_MAX_ATTEMPTS=1)


def _album(catalog: MetadataCatalog, title: str = "Night Ferry") -> Album:
    added = catalog.add_release(
        title,
        "Harbor Lights",
        tracks=["Cold Water", "Undertow"],
        label="Tidal Records",
        date="2021-05-07",
    )
    artist = ArtistFactory(name="Harbor Lights")
    album = AlbumFactory(
        title=title, artist=artist, musicbrainz_release_id=added.release_id, year=2021
    )
    TrackFactory(title="cold water", artist=artist, album=album, track_number=1)
    track = TrackFactory(title="Undertow (Demo)", artist=artist, album=album, track_number=2)
    TrackFileFactory(track=track)
    return album


def _post(api_client, body: dict):
    return api_client.post(URL, body, content_type="application/json")


def test_a_preview_answers_the_changes_and_keeps_nothing(
    api_client, fake, catalog: MetadataCatalog
) -> None:
    album = _album(catalog)

    response = _post(api_client, {"album_ids": [album.pk], "preview": True})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["preview"] is True
    cold = album.tracks.get(track_number=1)
    assert {
        "kind": "track",
        "id": cold.pk,
        "label": "Harbor Lights – Cold Water",
        "field": "title",
        "old": "cold water",
        "new": "Cold Water",
        "source": "musicbrainz",
    } in body["changes"]
    assert [(c["field"], c["offers"][0]["value"]) for c in body["conflicts"]] == [
        ("title", "Undertow")
    ]
    assert not FieldValue.objects.exists() and not FieldConflict.objects.exists()
    assert not RetagRequest.objects.exists()
    assert album.tracks.get(track_number=1).title == "cold water"


def test_confirming_applies_the_changes(api_client, fake, catalog: MetadataCatalog) -> None:
    album = _album(catalog)

    response = _post(api_client, {"album_ids": [album.pk], "preview": False})

    assert response.status_code == 200, response.content
    assert response.json()["summary"].startswith("3 refreshed, changed")
    assert album.tracks.get(track_number=1).title == "Cold Water"
    assert FieldConflict.objects.open().get().field == "title"
    assert RetagRequest.objects.exists()


def test_a_large_scope_is_queued_and_cannot_be_previewed(
    api_client, fake, catalog: MetadataCatalog
) -> None:
    ids = [_album(catalog, f"Album {n}").pk for n in range(SYNC_LOOKUPS + 1)]

    refused = _post(api_client, {"album_ids": ids, "preview": True})
    queued = _post(api_client, {"album_ids": ids})

    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("too large to preview")
    assert queued.status_code == 202
    assert queued.json() == {"detail": "refresh queued", "lookups": SYNC_LOOKUPS + 1}
    assert fake.requests == []
    run_queued("metadata.tasks.refresh")
    labels = Album.objects.filter(pk__in=ids).values_list("label", flat=True)
    assert set(labels) == {"Tidal Records"}


def test_the_whole_library_is_queued(api_client, fake, catalog: MetadataCatalog) -> None:
    _album(catalog)

    assert _post(api_client, {"all": True, "preview": True}).status_code == 400
    response = _post(api_client, {"all": True})

    assert response.status_code == 202
    assert response.json()["lookups"] is None
    assert OrmQ.objects.count() == 1


def test_musicbrainz_down_answers_503_and_records_nothing(
    api_client, fake, catalog: MetadataCatalog
) -> None:
    album = _album(catalog)
    fake.set_mode("503")

    response = _post(api_client, {"album_ids": [album.pk]})

    assert response.status_code == 503
    assert "MusicBrainz" in response.json()["detail"]
    assert not FieldValue.objects.exists()
    assert album.tracks.get(track_number=1).title == "cold water"


def test_an_unknown_release_is_reported_in_the_answer(
    api_client, fake, catalog: MetadataCatalog
) -> None:
    album = AlbumFactory(musicbrainz_release_id="00000000-0000-4000-8000-000000000000")

    response = _post(api_client, {"album_ids": [album.pk]})

    assert response.status_code == 200
    assert [(i["kind"], i["id"]) for i in response.json()["not_found"]] == [("album", album.pk)]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"preview": True},
        {"album_ids": [1], "track_ids": [2]},
        {"album_ids": [1], "all": True},
        {"album_ids": []},
        {"album_ids": [0]},
        {"album_ids": [2**63]},
        {"track_ids": list(range(1, 502))},
    ],
)
def test_anything_but_exactly_one_bounded_scope_is_refused(api_client, body: dict) -> None:
    response = _post(api_client, body)

    assert response.status_code == 422
    assert OrmQ.objects.count() == 0


def test_a_small_refresh_without_providers_switched_on_answers_503(api_client) -> None:
    album = AlbumFactory(musicbrainz_release_id="00000000-0000-4000-8000-000000000000")

    response = _post(api_client, {"album_ids": [album.pk], "preview": True})

    assert response.status_code == 503
