"""A busy or picky slskd: refused searches stay with their job, long event logs, retry timings."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from downloads import services
from downloads.engine import step
from downloads.models import DownloadJob
from downloads.services import engine_callbacks
from downloads.slskd import Transfer
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.downloads.slskd.support import SONG_1, js, make_client, transfer_record
from tests.engine_support import all_settled, run_engine_until

Status = DownloadJob.Status


def _two_songs(root: Path) -> Network:
    net = Network.build(root)
    peer = net.add_user("peer", upload_speed=9_000_000)
    for n, title in enumerate(["One", "Two"], start=1):
        peer.share(
            f"Music\\Rho\\Rho - {title}.flac", make_audio(root / f"{n}.flac", seconds=5, seed=n)
        )
    return net


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [400, 500])
def test_a_refused_search_stays_with_its_job_and_the_next_job_searches(
    slskd_factory, tmp_path, status
) -> None:
    fake = slskd_factory(_two_songs(tmp_path / "net"))
    services.update_engine(max_concurrent=2)
    first = services.queue_track_download(artist="Rho", title="One", duration_ms=5000)
    second = services.queue_track_download(artist="Rho", title="Two", duration_ms=5000)
    fake.break_route("searches", mode="error", status=status, method="POST", count=1)

    step()

    jobs = {job.pk: job for job in DownloadJob.objects.filter(pk__in=[first.pk, second.pk])}
    refused = [j for j in jobs.values() if j.status == Status.QUEUED]
    searching = [j for j in jobs.values() if j.status == Status.SEARCHING]
    assert len(refused) == 1 and len(searching) == 1, [
        (j.status, j.status_reason) for j in jobs.values()
    ]
    job = refused[0]
    assert "slskd refused the search" in job.status_reason and str(status) in job.status_reason
    assert job.next_attempt_at > datetime.now(UTC) + timedelta(seconds=10)
    assert len(job.tried_queries) == 1
    assert fake.stats.requests["POST searches"] == 2

    # The refused job waits out its backoff: further steps spend no search on it.
    for _ in range(3):
        step()
    assert fake.stats.requests["POST searches"] == 2
    job.refresh_from_db()
    assert job.status == Status.QUEUED and len(job.tried_queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_every_search_is_refused_ends_not_found_after_one_try_per_query(
    slskd_factory, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(engine_callbacks, "BACKOFF_BASE_SECONDS", 0)
    fake = slskd_factory(_two_songs(tmp_path / "net"))
    fake.break_route("searches", mode="error", status=400, method="POST", count=None)
    job = services.queue_track_download(artist="Rho", title="One", duration_ms=5000)
    steps = run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.NOT_FOUND
    assert "slskd refused the search" in job.error and "400" in job.error
    # one search per query, however many steps it took: no loop spending the budget
    assert fake.stats.requests["POST searches"] == len(job.tried_queries) < steps + 1


@pytest.mark.django_db(transaction=True)
def test_slskd_down_still_stops_the_whole_step(slskd_factory, tmp_path) -> None:
    fake = slskd_factory(_two_songs(tmp_path / "net"))
    job = services.queue_track_download(artist="Rho", title="One", duration_ms=5000)
    fake.break_route("searches", mode="error", status=503, method="POST", count=1)
    step()
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.tried_queries == []
    assert job.status_reason.startswith("waiting for slskd")


def _event(n: int, when: datetime, data: dict, kind: str = "DownloadFileComplete") -> dict:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    return {"timestamp": stamp, "type": kind, "data": json.dumps(data), "id": str(n)}


def _paged(events: list[dict]):
    def reply(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = int(request.url.params.get("limit", 100))
        headers = {"X-Total-Count": str(len(events))}
        return httpx.Response(200, json=events[offset : offset + limit], headers=headers)

    return reply


def test_a_busy_daemon_with_thousands_of_newer_events_still_names_the_file(fake, tmp_path) -> None:
    downloads = tmp_path / "downloads"
    landed = downloads / "Elsewhere" / "01 - First Song_639000123456789012.flac"
    landed.parent.mkdir(parents=True)
    landed.write_bytes(b"x" * 10)
    now = datetime.now(UTC)
    record = transfer_record(SONG_1, "Completed, Succeeded", size=10)
    record["endedAt"] = (now - timedelta(hours=3)).isoformat().replace("+00:00", "Z")
    ours = {"localFilename": f"/app/downloads/Elsewhere/{landed.name}", "transfer": record}
    noise = [
        _event(n, now - timedelta(seconds=n), {"transfer": {"id": str(uuid.uuid4())}})
        for n in range(3000)
    ]
    events = [*noise, _event(9999, now - timedelta(hours=3), ours)]
    fake.on("GET", "/events", _paged(events))
    fake.on("GET", "/options", js({"directories": {"downloads": "/app/downloads"}}))
    client = make_client(fake, downloads_dir=downloads)

    assert client.local_path_for(Transfer.from_api(record)) == landed.resolve()


def test_event_paging_stops_once_events_are_older_than_the_transfer(fake, tmp_path) -> None:
    now = datetime.now(UTC)
    record = transfer_record(SONG_1, "Completed, Succeeded", size=10)
    record["endedAt"] = (now - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    old = [_event(n, now - timedelta(days=2, seconds=n), {}) for n in range(5000)]
    fake.on("GET", "/events", _paged(old))
    client = make_client(fake, downloads_dir=tmp_path)
    assert client.local_path_for(Transfer.from_api(record)) is None
    assert len(fake.calls("GET", "/events")) == 1


def test_the_retry_max_delay_is_slskds_own(fake) -> None:
    options = {"transfers": {"download": {"retry": {"attempts": 3, "maxDelay": 300_000}}}}
    fake.on("GET", "/options", js(options))
    client = make_client(fake)
    assert client.download_retry_max_delay() == timedelta(minutes=5)
    record = transfer_record(SONG_1, "Completed, Errored")
    record.update(attempts=1, endedAt="2026-08-22T18:00:00Z")
    transfer = Transfer.from_api(record)
    two_minutes_on = datetime(2026, 8, 22, 18, 2, tzinfo=UTC)
    # With slskd's maxDelay of 5 min a 2-min-old failure may still be retried; the old
    # hard-coded 60 s called it final and gave up on a download slskd was about to retry.
    assert not transfer.is_final_failure(
        3, max_delay=client.download_retry_max_delay(), now=two_minutes_on
    )
    assert transfer.is_final_failure(
        3, max_delay=client.download_retry_max_delay(), now=two_minutes_on + timedelta(minutes=4)
    )


def test_without_readable_options_the_retry_max_delay_is_slskds_default(fake) -> None:
    assert make_client(fake).download_retry_max_delay() == timedelta(seconds=60)
