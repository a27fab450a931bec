"""Album wants: one peer's complete folder, with per-file failover to an equivalent folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads import services
from downloads.engine.albums import parse_track_name
from downloads.models import Candidate, DownloadJob
from downloads.services import engine_callbacks
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.engine_support import run_engine_until

pytestmark = pytest.mark.django_db(transaction=True)
Status = DownloadJob.Status
TITLES = ["Dawn", "Noon", "Dusk"]


def _album_network(root: Path) -> Network:
    net = Network.build(root)
    full = net.add_user("albumfan", root="@@fan", upload_speed=4_000_000)
    backup = net.add_user("backup", upload_speed=1_000_000)
    partial = net.add_user("partial", upload_speed=8_000_000)
    for n, title in enumerate(TITLES, start=1):
        audio = make_audio(
            root / f"{n}.flac", seconds=35, seed=n
        )  # unknown lengths under 31 s look like clips
        full.share(f"Music\\Omicron\\Skyline (2010)\\0{n} - {title}.flac", audio)
        backup.share(f"Albums\\Omicron - Skyline\\{n}. Omicron - {title}.flac", audio)
        if n < 3:
            partial.share(f"Music\\Omicron\\Skyline\\0{n} {title}.flac", audio)
    full.share("Music\\Omicron\\Skyline (2010)\\Skyline.cue", root / "1.flac", size=300)
    full.share("Music\\Omicron\\Skyline (2010)\\folder.jpg", root / "1.flac", size=3000)
    return net


def _children_settled() -> bool:
    children = DownloadJob.objects.filter(parent__isnull=False)
    return (
        children.exists()
        and not children.exclude(status__in=[Status.IMPORTING, Status.FAILED]).exists()
    )


def test_an_album_comes_from_one_complete_folder_with_failover_per_file(
    slskd_factory, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(engine_callbacks, "BACKOFF_BASE_SECONDS", 0)
    network = _album_network(tmp_path / "net")
    network.add_failure(
        "errored",
        "albumfan",
        file="@@fan\\Music\\Omicron\\Skyline (2010)\\02 - Noon.flac",
        after_bytes=1000,
    )
    fake = slskd_factory(network, retry_attempts=1)
    album_job = services.queue_album_download(artist="Omicron", album="Skyline", tracks=TITLES)
    run_engine_until(_children_settled, timeout=90)

    album_job.refresh_from_db()
    assert album_job.status == Status.DOWNLOADING
    assert album_job.candidate.username == "albumfan"
    assert album_job.candidate.filename == "@@fan\\Music\\Omicron\\Skyline (2010)"
    children = {
        c.track.title: c
        for c in DownloadJob.objects.filter(parent=album_job).select_related("track", "candidate")
    }
    assert set(children) == set(TITLES)
    assert all(c.status == Status.IMPORTING for c in children.values()), [
        (t, c.status, c.error) for t, c in children.items()
    ]
    assert children["Dawn"].candidate.username == "albumfan"
    assert children["Dusk"].candidate.username == "albumfan"
    assert children["Noon"].candidate.username == "backup"  # failed over to the equivalent folder
    # The incomplete folder was considered and refused with a reason.
    refused = Candidate.objects.get(job=album_job, username="partial")
    assert refused.state == Candidate.State.REJECTED and refused.rejection_reason
    # Sidecars were never required nor downloaded as tracks.
    assert not any(name.endswith((".cue", ".jpg")) for _, name in fake.stats.enqueues)


def test_the_album_job_completes_when_every_track_is_in_the_library(
    slskd_factory, tmp_path
) -> None:
    slskd_factory(_album_network(tmp_path / "net"))
    album_job = services.queue_album_download(artist="Omicron", album="Skyline", tracks=TITLES)
    run_engine_until(_children_settled, timeout=90)
    for child in DownloadJob.objects.filter(parent=album_job):
        services.complete_job(child.pk, f"/music/{child.pk}.flac")
    run_engine_until(
        lambda: DownloadJob.objects.get(pk=album_job.pk).status == Status.COMPLETED, timeout=10
    )


def test_an_album_with_an_unknown_track_list_takes_the_folders_files(
    slskd_factory, tmp_path
) -> None:
    slskd_factory(_album_network(tmp_path / "net"))
    album_job = services.queue_album_download(artist="Omicron", album="Skyline")
    run_engine_until(_children_settled, timeout=90)
    album_job.refresh_from_db()
    titles = list(
        album_job.album.tracks.order_by("track_number").values_list("track_number", "title")
    )
    assert titles == [(1, "Dawn"), (2, "Noon"), (3, "Dusk")]


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("01 - Dawn.flac", (None, 1, "Dawn")),
        ("1-03 Dusk.mp3", (1, 3, "Dusk")),
        ("Noon.flac", (None, None, "Noon")),
    ],
)
def test_track_names_are_parsed_from_file_names(name: str, parsed: tuple) -> None:
    assert parse_track_name(name) == parsed


def test_retrying_a_failed_album_retries_only_its_missing_tracks(
    slskd_factory, tmp_path, monkeypatch
) -> None:
    slskd_factory(_album_network(tmp_path / "net"))
    album_job = services.queue_album_download(artist="Omicron", album="Skyline", tracks=TITLES)
    run_engine_until(_children_settled, timeout=90)
    children = list(DownloadJob.objects.filter(parent=album_job).order_by("pk"))
    services.complete_job(children[0].pk, "/music/1.flac")
    services.complete_job(children[1].pk, "/music/2.flac")
    services.cancel_job(children[2])
    run_engine_until(
        lambda: DownloadJob.objects.get(pk=album_job.pk).status == Status.FAILED, timeout=10
    )
    services.retry_job(DownloadJob.objects.get(pk=album_job.pk))
    statuses = list(
        DownloadJob.objects.filter(parent=album_job).order_by("pk").values_list("status", flat=True)
    )
    assert statuses == [Status.COMPLETED, Status.COMPLETED, Status.QUEUED]
    assert DownloadJob.objects.get(pk=album_job.pk).status == Status.DOWNLOADING
    assert DownloadJob.objects.filter(parent=album_job).count() == 3  # nothing re-created
