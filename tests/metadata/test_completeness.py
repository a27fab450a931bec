"""Album completeness against the MusicBrainz release (through the real client and a fake MB)."""

from __future__ import annotations

import pytest

from downloads import services as download_services
from downloads.models import DownloadJob
from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from library import services
from library.models import AlbumCompleteness, Track
from metadata import completeness as metadata_completeness
from metadata import services as metadata_services
from metadata import tasks as metadata_tasks
from metadata.providers import cache
from tests.factories import AlbumCompletenessFactory, AlbumFactory, TrackFactory, TrackFileFactory
from tests.library.support import music_root, song
from tests.metadata_support import catalog, fake_fixture

pytestmark = pytest.mark.django_db
__all__ = ["catalog"]  # fixtures


musicbrainz = fake_fixture(FakeMusicBrainz)


@pytest.fixture
def night_drive(catalog: MetadataCatalog) -> object:
    return catalog.add_release(
        "Night Drive",
        "Neon Harbor",
        tracks=[("Intro", 61_000), ("Afterglow", 245_000, "GBNEO2400001"), ("Outro", 90_000)],
    )


def scan_now() -> None:
    assert services.run_scan(services.start_scan(background=False).pk) == "completed"


def own_first_track(release) -> None:
    song(
        music_root(),
        "Neon Harbor",
        "Night Drive",
        1,
        "Intro",
        musicbrainz_release_id=release.release_id,
        musicbrainz_recording_id=release.recording_ids[0],
    )
    scan_now()


def test_an_album_is_compared_with_its_musicbrainz_release(musicbrainz, night_drive) -> None:
    own_first_track(night_drive)
    album = Track.objects.get().album

    row = metadata_services.check_album_completeness(album.pk)

    assert (row.source, row.release_id, row.expected_count, row.owned_count) == (
        "musicbrainz",
        night_drive.release_id,
        3,
        1,
    )
    assert [(m["number"], m["title"], m["isrc"]) for m in row.missing] == [
        (2, "Afterglow", "GBNEO2400001"),
        (3, "Outro", ""),
    ]
    assert not row.is_complete and row.error == ""


def test_owning_the_rest_completes_the_album_after_the_next_scan(musicbrainz, night_drive) -> None:
    own_first_track(night_drive)
    metadata_services.check_album_completeness(Track.objects.get().album_id)
    root = music_root()
    song(root, "Neon Harbor", "Night Drive", 2, "Afterglow", seed=2, isrc="GBNEO2400001")
    song(root, "Neon Harbor", "Night Drive", 3, "Outro", seed=3)

    scan_now()  # no network: the stored track list is compared again

    row = AlbumCompleteness.objects.get()
    assert (row.owned_count, row.missing, row.is_complete) == (3, [], True)


def test_wanting_the_missing_tracks_queues_downloads_for_them(musicbrainz, night_drive) -> None:
    own_first_track(night_drive)
    album_id = Track.objects.get().album_id
    metadata_services.check_album_completeness(album_id)

    result = download_services.want_missing_tracks(album_id)

    jobs = DownloadJob.objects.select_related("track").order_by("track__track_number")
    assert result.queued == [job.pk for job in jobs.order_by("pk")]
    assert [(j.track.title, j.track.track_number, j.track.album_id) for j in jobs] == [
        ("Afterglow", 2, album_id),
        ("Outro", 3, album_id),
    ]
    afterglow = jobs[0].track
    assert (afterglow.isrc, afterglow.musicbrainz_recording_id, afterglow.status) == (
        "GBNEO2400001",
        night_drive.recording_ids[1],
        Track.Status.WANTED,
    )
    again = download_services.want_missing_tracks(album_id)
    assert again.queued == [] and len(again.skipped) == 2  # already being downloaded


def test_an_unreachable_musicbrainz_is_recorded_and_the_last_track_list_kept(
    musicbrainz, night_drive
) -> None:
    own_first_track(night_drive)
    album_id = Track.objects.get().album_id
    metadata_services.check_album_completeness(album_id)
    musicbrainz.stop()

    with cache.bypass():  # the release's track list would otherwise come from the cache
        row = metadata_services.check_album_completeness(album_id)

    assert row.error.startswith("musicbrainz:") and row.expected_count == 3
    assert len(row.missing) == 2


def test_a_release_musicbrainz_does_not_know_is_an_error_not_a_crash(musicbrainz) -> None:
    album = AlbumFactory(musicbrainz_release_id="00000000-0000-4000-8000-000000000000")

    row = metadata_services.check_album_completeness(album.pk)

    assert row.error.startswith("musicbrainz:") and row.expected == [] and not row.is_complete


def test_a_spotify_album_says_its_source_is_not_available_yet_and_falls_back() -> None:
    album = AlbumFactory(spotify_id="4aawyAB9vmqN3uQ7FjRGTy", track_count=2)
    TrackFileFactory(track=TrackFactory(album=album, artist=album.artist, track_number=1))

    row = metadata_services.check_album_completeness(album.pk)

    assert row.error == "spotify: Spotify album track lists are not available yet"
    assert metadata_completeness.sources_for(album)[0].source == "spotify"


def test_the_track_total_in_the_tags_is_the_last_resort() -> None:
    root = music_root()
    for number in (1, 2, 4):
        song(root, "A", "B", number, f"Song {number}", seed=number, track_total=5)
    scan_now()

    row = metadata_services.check_album_completeness(Track.objects.first().album_id)

    assert (row.source, row.expected_count, row.owned_count) == ("tags", 5, 3)
    assert [m["number"] for m in row.missing] == [3, 5]
    result = download_services.want_missing_tracks(row.album_id)
    assert result.queued == [] and result.skipped[0].reason == "only the track count is known"


def test_an_album_without_any_track_list_says_so() -> None:
    album = AlbumFactory()

    row = metadata_services.check_album_completeness(album.pk)

    assert row.error.startswith("no track list") and not row.is_complete


def test_the_periodic_check_covers_owned_albums_not_checked_recently(
    musicbrainz, night_drive
) -> None:
    own_first_track(night_drive)
    AlbumFactory()  # nothing owned: not checked

    assert metadata_tasks.check_due_albums() == "checked 1 albums"
    assert metadata_tasks.check_due_albums() == "checked 0 albums"


def test_the_task_checks_one_album(musicbrainz, night_drive) -> None:
    own_first_track(night_drive)
    album_id = Track.objects.get().album_id

    assert (
        metadata_tasks.check_album_completeness(album_id)
        == f"album #{album_id}: 1/3 owned, 2 missing"
    )
    assert metadata_tasks.check_album_completeness(999_999) == "album #999999 is gone"


def test_the_api_lists_incomplete_albums_and_wants_their_missing_tracks(api_client) -> None:
    row = AlbumCompletenessFactory()
    AlbumCompletenessFactory(is_complete=True, missing=[], owned_count=3)

    body = api_client.get("/api/library/albums/incomplete").json()
    wanted = api_client.post(f"/api/downloads/albums/{row.album_id}/want-missing")

    assert body["count"] == 1
    item = body["items"][0]
    assert item["album"]["id"] == row.album_id and item["album"]["artist"]["name"]
    assert [m["title"] for m in item["missing"]] == ["Track 2", "Track 3"]
    assert (item["owned_count"], item["expected_count"]) == (1, 3)
    assert wanted.status_code == 200 and wanted.json()["summary"] == "2 queued"


def test_the_api_checks_an_album_now(api_client, musicbrainz, night_drive) -> None:
    own_first_track(night_drive)
    album_id = Track.objects.get().album_id

    body = api_client.post(f"/api/metadata/albums/{album_id}/check").json()

    assert (body["owned_count"], body["expected_count"], body["album"]["id"]) == (1, 3, album_id)
    unchecked = AlbumFactory()
    missing = api_client.post(f"/api/downloads/albums/{unchecked.pk}/want-missing")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "this album was never checked for completeness"}


@pytest.mark.parametrize("url", ["/api/library/albums/incomplete", "/library/albums/incomplete/"])
def test_the_incomplete_lists_use_the_same_queries_for_5_or_50_albums(
    api_client, logged_in_client, django_assert_max_num_queries, url: str
) -> None:
    client = api_client if url.startswith("/api") else logged_in_client
    AlbumCompletenessFactory.create_batch(5)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    AlbumCompletenessFactory.create_batch(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_incomplete_page_wants_the_missing_tracks(logged_in_client) -> None:
    row = AlbumCompletenessFactory()

    page = logged_in_client.get("/library/albums/incomplete/").content.decode()
    response = logged_in_client.post(f"/downloads/albums/{row.album_id}/want-missing/")

    assert "Track 2" in page and "1 of 3 tracks" in page
    assert response.status_code == 302 and DownloadJob.objects.count() == 2
