"""Admin curation: changelists with search and filters in constant queries, and the actions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from downloads.models import DownloadJob
from library import history, services
from library.models import DuplicateGroup, HistoryEvent, LibraryScan, Track, TrackFile
from library.tagging import read_tags
from tests.factories import (
    AlbumCompletenessFactory,
    AlbumFactory,
    ArtistFactory,
    DuplicateGroupFactory,
    LibraryScanFactory,
    ScanProblemFactory,
    TrackFactory,
    TrackFileFactory,
)
from tests.library.support import audio_file, music_root, song

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def recycle_bin(settings, tmp_path: Path) -> Path:
    settings.SOULSPOT_RECYCLE_DIR = tmp_path / "recycle"
    return settings.SOULSPOT_RECYCLE_DIR


def changelist(model: str) -> str:
    return reverse(f"admin:library_{model}_changelist")


def act(client: Client, model: str, action: str, ids: list[int]) -> object:
    data = {"action": action, "_selected_action": [str(pk) for pk in ids]}
    return client.post(changelist(model), data, follow=True)


def scan_now() -> None:
    assert services.run_scan(services.start_scan(background=False).pk) == "completed"


def _rows(model: str, count: int) -> None:
    if model in ("track", "trackfile"):
        for _ in range(count):
            group = DuplicateGroupFactory(files=0)
            track = TrackFactory(album=AlbumFactory())
            TrackFileFactory(track=track, duplicate_group=group, quality="flac")
    elif model == "album":
        AlbumCompletenessFactory.create_batch(count)
        AlbumFactory.create_batch(count)  # never checked
    elif model == "artist":
        ArtistFactory.create_batch(count)
    elif model == "duplicategroup":
        DuplicateGroupFactory.create_batch(count, files=2)
    elif model == "libraryscan":
        LibraryScanFactory.create_batch(count)
    elif model == "scanproblem":
        ScanProblemFactory.create_batch(count)
    elif model == "albumcompleteness":
        AlbumCompletenessFactory.create_batch(count)
    elif model == "historyevent":
        for _ in range(count):
            history.record(HistoryEvent.Type.SEARCHED, "searched", track=TrackFactory(), job_id=1)


CHANGELISTS = [
    ("track", ""),
    ("track", "?file_format=flac&file_quality=flac&broken=0&missing=0&duplicate=1&status=known"),
    ("track", "?q=Song"),
    ("trackfile", "?format=flac&file_quality=flac&is_broken__exact=0&duplicate=1"),
    ("trackfile", "?q=file"),
    ("album", "?complete=0"),
    ("album", "?complete=unchecked&q=Album"),
    ("artist", "?q=Artist"),
    ("duplicategroup", "?status__exact=open"),
    ("libraryscan", ""),
    ("scanproblem", "?kind__exact=broken_audio"),
    ("albumcompleteness", "?is_complete__exact=0"),
    ("historyevent", "?type__exact=searched"),
    ("historyevent", "?q=Song"),
    ("track", "?monitored__exact=0&want_source__exact="),
]


@pytest.mark.parametrize(("model", "query"), CHANGELISTS)
def test_changelists_use_the_same_queries_for_5_or_50_rows(
    admin_client: Client, django_assert_max_num_queries, model: str, query: str
) -> None:
    _rows(model, 5)
    with django_assert_max_num_queries(20) as small:
        response = admin_client.get(changelist(model) + query)
    assert response.status_code == 200 and response.context["cl"].result_count >= 5
    _rows(model, 45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(changelist(model) + query)
    assert response.context["cl"].result_count >= 50


def test_the_track_page_shows_its_files_inline(admin_client: Client) -> None:
    file = TrackFileFactory(path="/music/inline.flac")

    page = admin_client.get(reverse("admin:library_track_change", args=[file.track_id]))

    assert page.status_code == 200 and "/music/inline.flac" in page.content.decode()


def test_the_album_page_shows_its_completeness(admin_client: Client) -> None:
    row = AlbumCompletenessFactory()

    page = admin_client.get(reverse("admin:library_album_change", args=[row.album_id]))

    assert page.status_code == 200 and "Track 3" in page.content.decode()


def test_rescan_reads_the_selected_files_again(admin_client: Client) -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    scan_now()
    audio_file(path, seed=5, seconds=5)
    file = TrackFile.objects.get()

    act(admin_client, "trackfile", "rescan", [file.pk])

    file.refresh_from_db()
    assert file.duration_ms == 5000 and file.size == path.stat().st_size


def test_retag_writes_the_catalogue_into_the_file(admin_client: Client) -> None:
    song(music_root(), "Wrong Artist", "B", 1, "Wrong Title")
    scan_now()
    track = Track.objects.get()
    Track.objects.filter(pk=track.pk).update(title="Right Title", isrc="GBAAA2400001")

    act(admin_client, "track", "retag", [track.pk])

    file = TrackFile.objects.get()
    tags = read_tags(Path(file.path))
    assert (tags.title, tags.isrc, tags.album) == ("Right Title", "GBAAA2400001", "B")
    assert file.tag_score == 6  # re-read after writing


def test_want_again_queues_a_download(admin_client: Client) -> None:
    track = TrackFactory(status=Track.Status.OWNED)

    response = act(admin_client, "track", "want_again", [track.pk])

    assert DownloadJob.objects.filter(track=track).exists()
    assert "1 queued" in response.content.decode()


def test_resolve_duplicates_from_the_group_and_file_lists(admin_client: Client) -> None:
    root = music_root()
    first = song(root, "A", "B", 1, "Song")
    copy = Path(shutil.copyfile(first, first.with_name("01 - Song (1).flac")))
    second = song(root, "C", "D", 1, "Other", seed=2)
    second_copy = Path(shutil.copyfile(second, second.with_name("01 - Other (1).flac")))
    scan_now()
    # The group of the first song, whichever order the scan found the two groups in.
    group = TrackFile.objects.get(path=str(first)).duplicate_group

    act(admin_client, "duplicategroup", "resolve", [group.pk])
    file = TrackFile.objects.get(path=str(second))
    act(admin_client, "trackfile", "resolve_duplicates", [file.pk])

    assert first.exists() and second.exists() and not copy.exists() and not second_copy.exists()
    assert set(DuplicateGroup.objects.values_list("status", flat=True)) == {"resolved"}


def test_broken_files_are_re_downloaded_or_recycled_from_the_file_list(
    admin_client: Client,
) -> None:
    broken = TrackFileFactory(is_broken=True)
    path = audio_file(music_root() / "x.flac")
    scan_now()
    recyclable = TrackFile.objects.get(path=str(path))

    act(admin_client, "trackfile", "redownload", [broken.pk])
    act(admin_client, "trackfile", "recycle", [recyclable.pk])

    assert DownloadJob.objects.filter(track=broken.track).exists()
    assert not path.exists()


def test_album_actions_want_missing_and_check_in_the_background(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = AlbumCompletenessFactory()
    queued: list[tuple] = []
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: queued.append(args))

    act(admin_client, "album", "want_missing", [row.album_id])
    act(admin_client, "album", "check_completeness", [row.album_id])

    assert DownloadJob.objects.count() == 2
    assert queued == [("metadata.tasks.check_album_completeness", row.album_id)]


def test_an_active_scan_can_be_cancelled_from_the_admin(admin_client: Client) -> None:
    scan = services.start_scan(background=False)

    act(admin_client, "libraryscan", "cancel", [scan.pk])

    scan.refresh_from_db()
    assert scan.status == LibraryScan.Status.CANCELLED
    assert admin_client.get(reverse("admin:library_libraryscan_add")).status_code == 403


def test_the_monitor_actions_call_the_service_for_albums_artists_and_tracks(
    admin_client: Client,
) -> None:
    album = AlbumFactory()
    tracks = TrackFactory.create_batch(2, album=album, artist=album.artist)
    single = TrackFactory()

    act(admin_client, "album", "monitor", [album.pk])
    act(admin_client, "track", "monitor", [single.pk])

    assert set(Track.objects.filter(monitored=True)) == {*tracks, single}
    assert HistoryEvent.objects.filter(type="monitored").count() == 3
    act(admin_client, "artist", "unmonitor", [album.artist_id])
    assert set(Track.objects.filter(monitored=True)) == {single}


def test_the_history_is_read_only_in_the_admin(admin_client: Client) -> None:
    event = history.record(HistoryEvent.Type.WANTED, "wanted")

    assert admin_client.get(reverse("admin:library_historyevent_add")).status_code == 403
    page = admin_client.get(reverse("admin:library_historyevent_change", args=[event.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
