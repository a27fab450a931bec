"""Broken files: listed by the API and the UI; re-downloaded through the download engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads import services as download_services
from downloads.models import DownloadJob
from fakes.audio import make_random_bytes_file
from library import services
from library.models import Track, TrackFile
from tests.factories import DownloadJobFactory, TrackFactory, TrackFileFactory
from tests.library.support import music_root, song, truncate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def recycle_bin(settings, tmp_path: Path) -> Path:
    settings.SOULSPOT_RECYCLE_DIR = tmp_path / "recycle"
    return settings.SOULSPOT_RECYCLE_DIR


def broken_file(**kwargs: object) -> TrackFile:
    return TrackFileFactory(is_broken=True, broken_reason="empty file (0 bytes)", **kwargs)


def scan_now() -> None:
    assert services.run_scan(services.start_scan(background=False).pk) == "completed"


def test_re_downloading_queues_one_job_per_track_of_a_broken_file() -> None:
    truncate(song(music_root(), "A", "B", 1, "Song", ext="mp3", seconds=6))
    scan_now()
    track = Track.objects.get()

    result = download_services.redownload_broken_files()

    job = DownloadJob.objects.get()
    assert result.queued == [job.pk] and result.skipped == []
    assert job.track_id == track.pk
    track.refresh_from_db()
    assert track.status == Track.Status.WANTED


def test_tracks_with_a_healthy_copy_no_track_or_an_active_job_are_skipped() -> None:
    healthy_track = TrackFactory()
    TrackFileFactory(track=healthy_track)
    broken_file(track=healthy_track, path="/music/has-copy.flac")
    broken_file(track=None, path="/music/unknown.flac")
    busy = DownloadJobFactory().track
    broken_file(track=busy, path="/music/busy.flac")
    twice = TrackFactory()
    broken_file(track=twice, path="/music/twice-1.flac")
    broken_file(track=twice, path="/music/twice-2.flac")

    result = download_services.redownload_broken_files()

    assert len(result.queued) == 1
    reasons = {skip.item: skip.reason for skip in result.skipped}
    assert reasons["/music/has-copy.flac"].startswith("the track already has a healthy file")
    assert reasons["/music/unknown.flac"] == "no track is known for this file"
    assert "already being downloaded" in reasons["/music/busy.flac"]
    assert reasons["/music/twice-2.flac"] == "a download for this track was queued above"


def test_only_the_chosen_broken_files_are_re_downloaded() -> None:
    chosen, other = broken_file(), broken_file()

    result = download_services.redownload_broken_files([chosen.pk])

    assert DownloadJob.objects.get(pk=result.queued[0]).track_id == chosen.track_id
    assert not DownloadJob.objects.filter(track=other.track).exists()


def test_a_broken_file_can_be_moved_to_the_recycle_bin(recycle_bin: Path) -> None:
    path = make_random_bytes_file(music_root() / "A" / "noise.mp3")
    scan_now()
    file = TrackFile.objects.get()

    result = services.recycle_files([file.pk], reason="broken")

    assert not path.exists() and Path(result.moved[0]["recycled_to"]).is_file()
    file.refresh_from_db()
    assert file.is_missing and file.recycled_to.startswith(str(recycle_bin))


def test_the_api_lists_broken_files_with_reason_track_and_healthy_copy(api_client) -> None:
    track = TrackFactory(title="Song")
    TrackFileFactory(track=track, path="/music/good.flac")
    broken_file(track=track, path="/music/bad.flac")
    broken_file(is_missing=True, path="/music/gone.flac")  # gone: nothing to fix

    body = api_client.get("/api/library/broken-files").json()

    assert body["count"] == 1
    item = body["items"][0]
    assert (item["path"], item["broken_reason"], item["has_healthy_copy"]) == (
        "/music/bad.flac",
        "empty file (0 bytes)",
        True,
    )
    assert item["track"] == {"id": track.pk, "title": "Song", "artist": track.artist.name}


def test_the_api_re_downloads_all_or_chosen_broken_files(api_client) -> None:
    first, second = broken_file(), broken_file()

    chosen = api_client.post(
        "/api/downloads/broken-files/redownload",
        {"file_ids": [first.pk]},
        content_type="application/json",
    )
    rest = api_client.post(
        "/api/downloads/broken-files/redownload", content_type="application/json"
    )

    assert chosen.status_code == 200 and chosen.json()["summary"] == "1 queued"
    body = rest.json()
    assert body["summary"] == "1 queued, 1 skipped"
    assert DownloadJob.objects.filter(track__in=[first.track, second.track]).count() == 2
    assert "already being downloaded" in body["skipped"][0]["reason"]


@pytest.mark.parametrize("url", ["/api/library/broken-files", "/library/broken/"])
def test_the_broken_lists_use_the_same_queries_for_5_or_50_files(
    api_client, logged_in_client, django_assert_max_num_queries, url: str
) -> None:
    client = api_client if url.startswith("/api") else logged_in_client
    for _ in range(5):
        broken_file()
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    for _ in range(45):
        broken_file()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_broken_page_lists_files_and_re_downloads_them(logged_in_client) -> None:
    file = broken_file(path="/music/cut.mp3")

    page = logged_in_client.get("/library/broken/").content.decode()
    response = logged_in_client.post("/downloads/broken/redownload/", {"file": [str(file.pk)]})

    assert "/music/cut.mp3" in page and "empty file (0 bytes)" in page
    assert response.status_code == 302
    assert DownloadJob.objects.filter(track=file.track).exists()


def test_the_broken_page_recycles_one_file(logged_in_client) -> None:
    path = make_random_bytes_file(music_root() / "noise.flac")
    scan_now()
    file = TrackFile.objects.get()

    response = logged_in_client.post(f"/library/broken/{file.pk}/recycle/")

    assert response.status_code == 302 and not path.exists()


def test_a_recycled_file_takes_its_lyrics_along_and_leaves_no_empty_folder(
    logged_in_client, recycle_bin: Path
) -> None:
    path = song(music_root(), "Nova", "Solo", 1, "Lights")
    path.with_suffix(".lrc").write_text("[00:01.00] la\n")
    (path.parent / "cover.jpg").write_bytes(b"\xff\xd8jpeg")
    scan_now()
    file = TrackFile.objects.get()

    services.recycle_files([file.pk], reason="duplicate")

    assert not path.parent.exists() and not (music_root() / "Nova").exists()
    kept = sorted(p.name for p in recycle_bin.rglob("*") if p.is_file())
    assert {"01 - Lights.flac", "01 - Lights.lrc", "cover.jpg"} <= set(kept)
    assert TrackFile.objects.get().recycled_to
    page = logged_in_client.get("/library/").content.decode()
    assert "Lights" in page  # the track is still known...
    assert str(path) not in page  # ...its recycled file is not listed
