"""Scripted and natural transfer failures (spec §4.6, §10.11)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from fakes.slskd import FakeSlskd, Network

from .helpers import ALBUM, client_for, download, files_under, finished, wait_until

FIRST = f"@@xkqtz\\{ALBUM}\\01 - First Song.flac"


def _first(audio: dict[str, Path], size: int | None = None) -> list[dict]:
    return [{"filename": FIRST, "size": audio["flac"].stat().st_size if size is None else size}]


def test_a_rejected_transfer_never_starts(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    fake.add_failure("rejected", "flacfan", file=FIRST, message="Too many files")
    transfer = finished(api, "flacfan", download(api, "flacfan", _first(audio))[0])
    assert transfer["state"] == "Completed, Rejected"
    assert transfer["exception"] == "Transfer rejected: Too many files"
    assert transfer["startedAt"] == transfer["endedAt"]
    assert transfer["bytesTransferred"] == 0


def test_an_error_mid_transfer_leaves_nothing_in_downloads(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    fake.add_failure("errored", "flacfan", after_bytes=10_000)
    transfer = finished(api, "flacfan", download(api, "flacfan", _first(audio))[0])
    assert transfer["state"] == "Completed, Errored"
    assert transfer["exception"] == "Transfer failed: Remote connection closed"
    assert transfer["bytesTransferred"] == 10_000
    assert files_under(fake.downloads_dir) == []
    (partial,) = files_under(fake.incomplete_dir, "*.flac")
    assert partial.stat().st_size == 10_000
    assert fake.stats.bytes_written == 10_000


def test_a_stalled_transfer_times_out(
    make_fake: Callable[..., FakeSlskd], network: Network, audio: dict[str, Path]
) -> None:
    network.add_failure("timed_out", "flacfan", after_bytes=5_000)
    fake = make_fake(network, transfer_timeout=5.0)  # 0.1 s at 50x
    with client_for(fake) as api:
        transfer = finished(api, "flacfan", download(api, "flacfan", _first(audio))[0])
    assert transfer["state"] == "Completed, TimedOut"
    assert transfer["exception"] == "Inactivity timeout of 5000 milliseconds was reached"
    assert transfer["bytesTransferred"] == 5_000


def test_a_peer_going_offline_errors_the_transfer(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    fake.add_failure("offline", "flacfan")
    transfer = finished(api, "flacfan", download(api, "flacfan", _first(audio))[0])
    assert (transfer["state"], transfer["exception"]) == (
        "Completed, Errored",
        "User flacfan appears to be offline",
    )


def test_a_size_mismatch_is_aborted(api: httpx.Client, audio: dict[str, Path]) -> None:
    real = audio["flac"].stat().st_size
    transfer = finished(api, "flacfan", download(api, "flacfan", _first(audio, size=0))[0])
    assert transfer["state"] == "Completed, Aborted"
    assert transfer["exception"] == (
        f"Transfer aborted: the remote size of {real} does not match expected size 0"
    )


def test_a_share_that_lies_about_its_size_aborts_when_the_client_echoes_it(
    make_fake: Callable[..., FakeSlskd], tmp_path: Path, audio: dict[str, Path]
) -> None:
    network = Network.build(tmp_path / "net")
    network.add_user("liar").share("A\\B\\x.flac", audio["flac"], size=999)
    fake = make_fake(network)
    with client_for(fake) as api:
        ids = download(api, "liar", [{"filename": "A\\B\\x.flac", "size": 999}])
        assert finished(api, "liar", ids[0])["state"] == "Completed, Aborted"


@pytest.mark.parametrize("name", [f"@@xkqtz\\{ALBUM}\\missing.flac", "@@qqqqq\\Private\\x.flac"])
def test_files_the_peer_does_not_share_are_rejected(api: httpx.Client, name: str) -> None:
    user = "flacfan" if "xkqtz" in name else "secretive"
    transfer = finished(api, user, download(api, user, [{"filename": name, "size": 1}])[0])
    assert transfer["state"] == "Completed, Rejected"
    assert transfer["exception"] == "Transfer rejected: File not shared."


def test_a_locked_file_is_rejected(api: httpx.Client, audio: dict[str, Path]) -> None:
    name = "@@qqqqq\\Private\\Artist\\Some Album\\01 - First Song.flac"
    ids = download(api, "secretive", [{"filename": name, "size": audio["flac"].stat().st_size}])
    assert finished(api, "secretive", ids[0])["state"] == "Completed, Rejected"


def test_errored_transfers_are_retried_like_0_26(
    make_fake: Callable[..., FakeSlskd], network: Network, audio: dict[str, Path]
) -> None:
    network.add_failure("errored", "flacfan", times=1)
    fake = make_fake(network, retry_attempts=3, retry_delay=10.0)  # 0.2 s at 50x
    with client_for(fake) as api:
        (transfer_id,) = download(api, "flacfan", _first(audio))
        url = f"/transfers/downloads/flacfan/{transfer_id}"
        failed = wait_until(
            lambda: (t := api.get(url).json())["state"] == "Completed, Errored" and t
        )
        assert failed["attempts"] == 1
        wait_until(lambda: not api.get(url).json()["state"].startswith("Completed"))
        final = wait_until(
            lambda: (t := api.get(url).json())["state"] == "Completed, Succeeded" and t
        )
    assert final["attempts"] == 2


def test_failures_can_be_scripted_over_http(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    body = {"user": "flacfan", "file": f"{ALBUM}\\01 - First Song.flac", "fail": "rejected"}
    reply = httpx.post(f"{fake.url}/_fake/failures", json=body)
    assert reply.status_code == 201
    transfer = finished(api, "flacfan", download(api, "flacfan", _first(audio))[0])
    assert transfer["state"] == "Completed, Rejected"
    assert httpx.post(f"{fake.url}/_fake/failures", json={"fail": "nope"}).status_code == 400
    assert httpx.delete(f"{fake.url}/_fake/failures").status_code == 204
    assert fake.network.failures == []


def test_queued_forever_stays_remotely_queued_until_cancelled(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    fake.add_failure("queued_forever", "flacfan")
    (transfer_id,) = download(api, "flacfan", _first(audio))
    url = f"/transfers/downloads/flacfan/{transfer_id}"
    wait_until(lambda: api.get(url).json()["state"] == "Queued, Remotely")
    assert api.get(url).json()["state"] == "Queued, Remotely"
    api.delete(url)
    assert finished(api, "flacfan", transfer_id)["state"] == "Completed, Cancelled"


def test_taking_a_peer_offline_over_http_makes_enqueue_fail(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    assert httpx.post(f"{fake.url}/_fake/users/flacfan/offline").status_code == 204
    assert api.post("/transfers/downloads/flacfan", json=_first(audio)).status_code == 500
    assert api.get("/users/flacfan/status").json()["presence"] == "Offline"
    assert httpx.post(f"{fake.url}/_fake/users/flacfan/online").status_code == 204
    assert api.post("/transfers/downloads/flacfan", json=_first(audio)).status_code == 201
    assert httpx.post(f"{fake.url}/_fake/users/ghost/online").status_code == 404
