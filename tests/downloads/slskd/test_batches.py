"""Enqueueing through slskd 0.26's batches endpoint, and the per-user fallback before 0.26."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from downloads import services
from downloads.models import Candidate, DownloadJob
from downloads.services import engine_callbacks
from downloads.slskd import transfer_api
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.downloads.slskd.support import SONG_1, SONG_2, js, make_client, transfer_record
from tests.engine_support import all_settled, run_engine_until

Status = DownloadJob.Status


def _batch_reply(transfers: list[dict], failures: list[dict], status: int):
    batch = {"id": "b5d1f0c3-8f00-4b8e-9f7e-1d2c3b4a5f60", "username": "flacfan"}
    return js({"batch": {**batch, "transfers": transfers}, "failures": failures}, status)


def test_a_207_keeps_each_refused_files_reason(fake) -> None:
    fake.on("GET", "/application/version", js("0.26.0.0"))
    queued = transfer_record(SONG_1)
    reason = "Error: The remote file is locked"
    fake.on(
        "POST",
        "/transfers/downloads/batches",
        _batch_reply([queued], [{"filename": SONG_2, "message": reason}], 207),
    )
    fake.on("GET", "/transfers/downloads/flacfan", js({"username": "flacfan", "directories": []}))
    client = make_client(fake)

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    (posted,) = fake.calls("POST", "/transfers/downloads/batches")
    body = json.loads(posted.content)
    assert body["username"] == "flacfan" and body["id"]
    assert body["files"] == [
        {"filename": SONG_1, "size": 27345678},
        {"filename": SONG_2, "size": 22100456},
    ]
    assert [t.id for t in result.transfers] == [queued["id"]]
    assert [(f.filename, f.message) for f in result.failed] == [(SONG_2, reason)]
    assert fake.calls("POST", "/transfers/downloads/flacfan") == []


def test_a_timed_out_batch_is_looked_up_by_its_own_id(fake, monkeypatch) -> None:
    batch_id = uuid.UUID("0d9e2c55-7a47-4bd6-a3c1-5f6b7c8d9e01")
    monkeypatch.setattr(transfer_api.uuid, "uuid4", lambda: batch_id)
    fake.on("GET", "/application/version", js("0.26.1.0"))
    fake.on("POST", "/transfers/downloads/batches", httpx.ReadTimeout("slow"))
    queued = transfer_record(SONG_1)
    lookup = f"/transfers/downloads/batches/{batch_id}"
    fake.on("GET", lookup, js({"id": str(batch_id), "transfers": [queued]}))

    result = make_client(fake).enqueue_files("flacfan", [(SONG_1, 27345678)])

    posted = json.loads(fake.calls("POST", "/transfers/downloads/batches")[0].content)
    assert posted["id"] == str(batch_id) and len(fake.calls("GET", lookup)) == 1
    assert [t.id for t in result.transfers] == [queued["id"]]


@pytest.mark.django_db(transaction=True)
def test_a_refusal_reason_from_a_batch_is_recorded_on_the_job(
    slskd_factory, tmp_path, monkeypatch
) -> None:
    # The legacy endpoint answers `failed: [{}]` on 0.26: the job only said "slskd did not queue
    # it". Through batches the reason slskd gives reaches the candidate and the job.
    monkeypatch.setattr(engine_callbacks, "BACKOFF_BASE_SECONDS", 0)
    net = Network.build(tmp_path / "net")
    audio = make_audio(tmp_path / "net" / "a.flac", seconds=5, seed=2)
    peer = net.add_user("peer", upload_speed=9_000_000)
    peer.share("Music\\Nu\\Nu - Echo.flac", audio, enqueue_error="Disk quota exceeded")
    fake = slskd_factory(net, retry_attempts=1)
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    run_engine_until(all_settled)
    job.refresh_from_db()
    failed = Candidate.objects.get(job=job, username="peer")
    assert failed.state == Candidate.State.FAILED
    assert "Error: Disk quota exceeded" in failed.rejection_reason
    assert "Disk quota exceeded" in (job.error + job.status_reason)
    assert fake.batches.batches, "the engine enqueued through the batches endpoint"


@pytest.mark.django_db(transaction=True)
def test_before_026_the_engine_falls_back_to_the_per_user_enqueue(slskd_factory, tmp_path) -> None:
    net = Network.build(tmp_path / "net")
    audio = make_audio(tmp_path / "net" / "a.flac", seconds=5, seed=2)
    net.add_user("peer", upload_speed=9_000_000).share("@@abcde\\Nu - Echo.flac", audio)
    fake = slskd_factory(net, version="0.25.1.0", enqueue_mode="0.24", retry_attempts=1)
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.IMPORTING, (job.status_reason, job.error)
    # pre-0.26 slskd keeps the `@@abcde` share root as the folder, and we found the file there
    assert job.local_path.endswith("@@abcde/Nu - Echo.flac")
    assert fake.batches.batches == {}
    assert fake.stats.enqueue_requests == 1
