"""Every way back to a want, end to end: the real worker, the fake slskd, real files.

The fake keeps finished transfers listed as real slskd does and counts every enqueue, so a
test can prove a file was downloaded exactly as often as it should be, never again by accident.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from downloads import services
from downloads.models import Candidate, DownloadJob, RejectedFile
from fakes.audio import make_audio
from fakes.slskd import Network
from library import services as library_services
from library.audio import audio_fingerprint
from library.models import HistoryEvent, Track, TrackFile
from library.tagging import TagSet, write_tags
from metadata import services as metadata_services
from soulspot.lib.queue import enqueue
from tests.engine_support import kill_hard, start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
Status = DownloadJob.Status
SECONDS = 4
ALBUM_SECONDS = 35


@pytest.fixture
def worker(request):
    """A real django-q2 worker against the test database; call it with the fake to start."""
    started = []

    def start(fake):
        process = start_worker(fake, Path(settings.DATA_DIR))
        started.append(process)
        enqueue("downloads.tasks.pump_engine")  # what `serve` does at start
        return process

    yield start
    for process in started:
        kill_hard(process)


def finished(job_id: int) -> bool:
    return DownloadJob.objects.get(pk=job_id).status in DownloadJob.TERMINAL_STATUSES


def library_audio() -> list[Path]:
    music = Path(settings.MUSIC_DIR)
    return sorted(p for p in music.rglob("*") if p.suffix in {".flac", ".mp3"} and p.is_file())


def recycled() -> list[Path]:
    return sorted(p for p in Path(settings.SOULSPOT_RECYCLE_DIR).rglob("*") if p.is_file())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def two_peers(tmp_path: Path) -> tuple[Network, Path, Path]:
    """The same song from a fast peer (first choice) and a slower one (the next candidate)."""
    network = Network.build(tmp_path / "net")
    first = make_audio(tmp_path / "net" / "a.flac", seconds=SECONDS, seed=1)
    second = make_audio(tmp_path / "net" / "b.flac", seconds=SECONDS, seed=2)
    network.add_user("fastpeer", upload_speed=5_000_000).share(
        "Music\\Nova\\Nova - Lights.flac", first
    )
    network.add_user(
        "slowpeer", upload_speed=50_000, has_free_upload_slot=False, queue_length=3
    ).share("Music\\Other\\Nova - Lights.flac", second)
    return network, first, second


def acquired(fake, worker) -> DownloadJob:
    """Nova – Lights wanted and brought into the library by the real worker."""
    job = services.queue_track_download(artist="Nova", title="Lights", duration_ms=SECONDS * 1000)
    worker(fake)
    wait_for(lambda: finished(job.pk))
    job.refresh_from_db()
    return job


def own_and_monitor(audio: Path, folder: Path) -> Track:
    """`audio` imported into the library as Nova – Lights, a track the user wants kept."""
    owned = folder / "Nova - Lights.mp3"
    folder.mkdir()
    shutil.copyfile(audio, owned)
    write_tags(owned, TagSet(title="Lights", artist="Nova"))
    metadata_services.import_folder_now(str(folder))
    track = Track.objects.get(title="Lights")
    Track.objects.filter(pk=track.pk).update(monitored=True)
    return track


def test_wrong_file_on_a_completed_job_recycles_it_and_fetches_the_next_candidate(
    slskd_factory, worker, tmp_path
) -> None:
    network, first, second = two_peers(tmp_path)
    fake = slskd_factory(network)
    job = acquired(fake, worker)
    assert job.status == Status.COMPLETED and job.candidate.username == "fastpeer"

    services.reject_candidate(job, "a different song")
    wait_for(lambda: finished(job.pk))

    job.refresh_from_db()
    assert job.status == Status.COMPLETED and job.candidate.username == "slowpeer"
    in_library = library_audio()
    assert len(in_library) == 1
    assert audio_fingerprint(in_library[0]) == audio_fingerprint(second)
    bin_files = recycled()
    [wrong] = [p for p in bin_files if p.suffix == ".flac"]
    assert audio_fingerprint(wrong) == audio_fingerprint(first)
    assert any("a different song" in p.read_text() for p in bin_files if p.suffix != ".flac")
    assert RejectedFile.objects.filter(username="fastpeer").count() == 1
    # A later search for this want never picks the rejected file again.
    services.reject_candidate(job, "also wrong")
    wait_for(lambda: finished(job.pk))
    job.refresh_from_db()
    assert job.status == Status.NOT_FOUND
    assert fake.stats.enqueues[("fastpeer", "Music\\Nova\\Nova - Lights.flac")] == 1
    assert fake.stats.enqueues[("slowpeer", "Music\\Other\\Nova - Lights.flac")] == 1
    types = set(HistoryEvent.objects.filter(job_id=job.pk).values_list("type", flat=True))
    assert "rejected" in types


def test_download_again_enqueues_the_file_once_more_and_replaces_the_library_copy(
    slskd_factory, worker, tmp_path
) -> None:
    network, first, _ = two_peers(tmp_path)
    fake = slskd_factory(network)
    job = acquired(fake, worker)
    path = Path(job.library_path)
    old_inode = path.stat().st_ino

    services.retry_job(job)
    wait_for(lambda: finished(job.pk))

    job.refresh_from_db()
    assert job.status == Status.COMPLETED, (job.status_reason, job.error)
    assert fake.stats.enqueues[("fastpeer", "Music\\Nova\\Nova - Lights.flac")] == 2
    assert sum(fake.stats.enqueues.values()) == 2
    assert library_audio() == [path]  # the same place, no duplicate
    assert path.stat().st_ino != old_inode  # a new, verified copy
    assert audio_fingerprint(path) == audio_fingerprint(first)
    assert [p for p in recycled() if p.suffix == ".flac"]  # the old copy, never deleted


def test_an_album_over_an_owned_track_downloads_only_the_missing_ones(
    slskd_factory, worker, tmp_path
) -> None:
    network = Network.build(tmp_path / "net")
    folder = tmp_path / "net" / "album"
    titles = ["One", "Two", "Three"]
    # Album tracks have no known length: files this long are songs, not preview clips.
    for n, title in enumerate(titles, start=1):
        make_audio(folder / f"0{n} - {title}.flac", seconds=ALBUM_SECONDS, seed=n)
    network.add_user("albumpeer", upload_speed=5_000_000).share_folder(
        "Music\\Nova\\Night Songs", folder
    )
    owned = make_audio(tmp_path / "own" / "02 - Two.flac", seconds=ALBUM_SECONDS, seed=9)
    write_tags(owned, TagSet(title="Two", artist="Nova", album="Night Songs", track_number=2))
    metadata_services.import_folder_now(str(owned.parent))
    owned_file = TrackFile.objects.get(track__title="Two")
    before = (owned_file.path, sha(Path(owned_file.path)), os.stat(owned_file.path).st_mtime_ns)
    fake = slskd_factory(network)

    album_job = services.queue_album_download(artist="Nova", album="Night Songs", tracks=titles)
    worker(fake)
    wait_for(lambda: finished(album_job.pk))

    album_job.refresh_from_db()
    children = list(album_job.children.values_list("track__title", "status", "error"))
    assert album_job.status == Status.COMPLETED, (album_job.error, children)
    enqueued = sorted(
        name for (_, name), count in fake.stats.enqueues.items() for _ in range(count)
    )
    assert enqueued == [
        "Music\\Nova\\Night Songs\\01 - One.flac",
        "Music\\Nova\\Night Songs\\03 - Three.flac",
    ]
    path = Path(before[0])
    assert (str(path), sha(path), os.stat(path).st_mtime_ns) == before
    assert TrackFile.objects.get(pk=owned_file.pk).track.album.title == "Night Songs"
    assert len(library_audio()) == 3


def test_a_truncated_file_is_found_by_the_scan_and_re_downloaded_to_the_same_path(
    slskd_factory, worker, tmp_path
) -> None:
    network, first, _ = two_peers(tmp_path)
    fake = slskd_factory(network)
    job = acquired(fake, worker)
    path = Path(job.library_path)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)

    scan = library_services.start_scan(background=False)
    library_services.run_scan(scan.pk)
    broken = TrackFile.objects.get(path=str(path))
    assert broken.is_broken
    result = services.redownload_broken_files([broken.pk])
    assert len(result.queued) == 1
    wait_for(lambda: finished(result.queued[0]))

    again = DownloadJob.objects.get(pk=result.queued[0])
    assert again.status == Status.COMPLETED, (again.status_reason, again.error)
    assert Path(again.library_path) == path and library_audio() == [path]
    scan = library_services.start_scan(background=False, full=True)
    library_services.run_scan(scan.pk)
    assert not TrackFile.objects.get(path=str(path)).is_broken
    assert audio_fingerprint(path) == audio_fingerprint(first)


def test_an_upgrade_replaces_the_owned_mp3_once_and_never_again(
    slskd_factory, worker, tmp_path
) -> None:
    network = Network.build(tmp_path / "net")
    flac = make_audio(tmp_path / "net" / "lights.flac", seconds=SECONDS, seed=3)
    lossy = make_audio(tmp_path / "net" / "lights.mp3", seconds=SECONDS, seed=3, bitrate_kbps=320)
    peer = network.add_user("peer", upload_speed=5_000_000)
    peer.share("Music\\Nova\\Nova - Lights.flac", flac)
    peer.share("Music\\Nova MP3\\Nova - Lights.mp3", lossy)
    track = own_and_monitor(lossy, tmp_path / "own")
    assert Track.objects.cutoff_unmet().filter(pk=track.pk).exists()
    fake = slskd_factory(network)
    worker(fake)

    outcomes = []
    for _ in range(5):  # what a schedule of "search cutoff unmet" would do
        try:
            job = services.queue_download_for_track(
                Track.objects.get(pk=track.pk), purpose=DownloadJob.Purpose.UPGRADE
            )
        except services.DownloadError as exc:
            outcomes.append(str(exc))
            continue
        wait_for(lambda job=job: finished(job.pk))
        job.refresh_from_db()
        outcomes.append(job.status)

    assert outcomes[0] == Status.COMPLETED
    assert all("not below its quality cutoff" in outcome for outcome in outcomes[1:]), outcomes
    assert dict(fake.stats.enqueues) == {("peer", "Music\\Nova\\Nova - Lights.flac"): 1}
    files = library_audio()
    assert [p.suffix for p in files] == [".flac"]
    assert [p for p in recycled() if p.suffix == ".mp3"]
    assert not Track.objects.cutoff_unmet().filter(pk=track.pk).exists()
    upgraded = HistoryEvent.objects.get(type=HistoryEvent.Type.UPGRADED, track=track)
    assert (upgraded.detail["from_quality"], upgraded.detail["to_quality"]) == ("mp3_320", "flac")


def test_an_upgrade_that_finds_nothing_better_leaves_the_owned_file_alone(
    slskd_factory, worker, tmp_path
) -> None:
    network = Network.build(tmp_path / "net")
    lossy = make_audio(tmp_path / "net" / "lights.mp3", seconds=SECONDS, seed=3, bitrate_kbps=320)
    network.add_user("peer", upload_speed=5_000_000).share("Music\\Nova\\Nova - Lights.mp3", lossy)
    track = own_and_monitor(lossy, tmp_path / "own")
    before = [(p, sha(p)) for p in library_audio()]
    fake = slskd_factory(network)
    worker(fake)

    job = services.queue_download_for_track(
        Track.objects.get(pk=track.pk), purpose=DownloadJob.Purpose.UPGRADE
    )
    wait_for(lambda: finished(job.pk))

    job.refresh_from_db()
    assert job.status == Status.NOT_FOUND
    assert not fake.stats.enqueues
    assert [(p, sha(p)) for p in library_audio()] == before
    assert Track.objects.get(pk=track.pk).status == Track.Status.OWNED
    reasons = Candidate.objects.filter(job=job).values_list("rejection_reason", flat=True)
    assert any("not better than the file you have (MP3 320)" in r for r in reasons)
