"""Enqueue, the transfer state machine, files on disk, listing, removal and events (spec §4, §5)."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from fakes.slskd import FakeSlskd, Network

from .helpers import ALBUM, client_for, download, files_under, finished, wait_until

FIRST = f"@@xkqtz\\{ALBUM}\\01 - First Song.flac"
SECOND = f"@@xkqtz\\{ALBUM}\\02 - Second Song.flac"
LOCAL_DIR = "Some Album (2001)"
STAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}"


def _files(audio: dict[str, Path], *pairs: tuple[str, str]) -> list[dict]:
    return [{"filename": name, "size": audio[key].stat().st_size} for name, key in pairs]


def test_a_download_lands_the_real_bytes_in_the_last_remote_folder(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    (transfer_id,) = download(api, "flacfan", _files(audio, (FIRST, "flac")))
    transfer = finished(api, "flacfan", transfer_id)
    assert transfer["state"] == "Completed, Succeeded"
    landed = fake.downloads_dir / LOCAL_DIR / "01 - First Song.flac"
    wait_until(landed.exists)
    assert landed.read_bytes() == audio["flac"].read_bytes()
    size = audio["flac"].stat().st_size
    assert (transfer["bytesTransferred"], transfer["bytesRemaining"]) == (size, 0)
    assert (transfer["percentComplete"], transfer["attempts"], transfer["removed"]) == (
        100,
        1,
        False,
    )
    assert transfer["remainingTime"] == "00:00:00"
    assert re.fullmatch(STAMP, transfer["requestedAt"])  # read back from the DB: no Z
    assert re.fullmatch(STAMP, transfer["enqueuedAt"])
    assert re.fullmatch(STAMP + "Z", transfer["startedAt"])
    assert re.fullmatch(STAMP + "Z", transfer["endedAt"])
    assert re.fullmatch(r"\d{2}:\d{2}:\d{2}(\.\d{7})?", transfer["elapsedTime"])
    wait_until(lambda: not files_under(fake.incomplete_dir, "*.flac"))


def test_the_enqueue_reply_has_the_0_26_shape(api: httpx.Client, audio: dict[str, Path]) -> None:
    reply = api.post("/transfers/downloads/flacfan", json=_files(audio, (FIRST, "flac")))
    assert reply.status_code == 201
    body = reply.json()
    assert body["failed"] == []
    (transfer,) = body["enqueued"]
    assert transfer["state"] == "Queued, Locally"
    assert transfer["requestedAt"].endswith("Z")  # the in-memory record has a UTC kind
    assert "enqueuedAt" not in transfer and "startedAt" not in transfer
    assert (transfer["direction"], transfer["attempts"], transfer["averageSpeed"]) == (
        "Download",
        0,
        0,
    )
    assert uuid.UUID(transfer["id"])


def test_extra_keys_and_string_sizes_are_accepted(
    api: httpx.Client, audio: dict[str, Path]
) -> None:
    item = {"filename": FIRST, "size": str(audio["flac"].stat().st_size), "bitRate": 1, "x": []}
    (transfer_id,) = download(api, "flacfan", [item])
    assert finished(api, "flacfan", transfer_id)["state"] == "Completed, Succeeded"


def test_it_walks_through_every_state_and_publishes_progress(
    make_fake: Callable[..., FakeSlskd], network: Network, audio: dict[str, Path]
) -> None:
    network.user("flacfan").upload_speed = 10_000  # x5 = 50 kB/s: about half a second
    fake = make_fake(network, speed_scale=5.0)
    with client_for(fake) as api:
        (transfer_id,) = download(api, "flacfan", _files(audio, (FIRST, "flac")))
        seen = []
        while not seen or not seen[-1]["state"].startswith("Completed"):
            seen.append(api.get(f"/transfers/downloads/flacfan/{transfer_id}").json())
    states = list(dict.fromkeys(t["state"] for t in seen))
    assert states == [
        "Queued, Locally",
        "Requested",
        "Queued, Remotely",
        "Initializing",
        "InProgress",
        "Completed, Succeeded",
    ]
    moving = [t for t in seen if t["state"] == "InProgress"]
    assert any(0 < t["percentComplete"] < 100 for t in moving)
    assert moving[0]["averageSpeed"] == 0  # 0 during the first (simulated) second
    assert any(t["averageSpeed"] > 0 and "remainingTime" in t for t in moving)


def test_the_state_flips_before_the_file_is_moved(
    make_fake: Callable[..., FakeSlskd], network: Network, audio: dict[str, Path]
) -> None:
    fake = make_fake(network, move_delay=20.0)  # 0.4 s at 50x
    landed = fake.downloads_dir / LOCAL_DIR / "01 - First Song.flac"
    with client_for(fake) as api:
        (transfer_id,) = download(api, "flacfan", _files(audio, (FIRST, "flac")))
        assert finished(api, "flacfan", transfer_id)["state"] == "Completed, Succeeded"
        assert not landed.exists()
        assert api.get("/events").json() == []
        wait_until(landed.exists)
        wait_until(lambda: api.get("/events").json())


def test_a_name_clash_is_renamed_with_dotnet_ticks_and_the_old_record_is_superseded(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    files = _files(audio, (FIRST, "flac"))
    (first_id,) = download(api, "flacfan", files)
    finished(api, "flacfan", first_id)
    (second_id,) = download(api, "flacfan", files)
    finished(api, "flacfan", second_id)
    second = wait_until(lambda: fake.transfer(second_id).local_path)
    assert re.fullmatch(r"01 - First Song_\d{18}\.flac", second.name)
    assert second.parent == fake.downloads_dir / LOCAL_DIR
    assert api.get(f"/transfers/downloads/x/{first_id}").json()["removed"] is True
    visible = api.get("/transfers/downloads/flacfan").json()["directories"][0]["files"]
    assert [t["id"] for t in visible] == [second_id]
    assert fake.stats.enqueues[("flacfan", FIRST)] == 2


def test_an_active_file_is_not_enqueued_twice(
    make_fake: Callable[..., FakeSlskd], network: Network, audio: dict[str, Path]
) -> None:
    network.add_failure("queued_forever", "flacfan")
    for mode, expected in (("0.26", [{}]), ("0.24", [FIRST])):
        fake = make_fake(network, enqueue_mode=mode)
        with client_for(fake) as api:
            download(api, "flacfan", _files(audio, (FIRST, "flac")))
            again = api.post("/transfers/downloads/flacfan", json=_files(audio, (FIRST, "flac")))
            assert again.status_code == 201
            assert again.json() == {"enqueued": [], "failed": expected}
        assert fake.stats.enqueues[("flacfan", FIRST)] == 1


def test_invalid_enqueue_bodies_are_400_with_a_message(api: httpx.Client) -> None:
    item = {"filename": FIRST, "size": 1}
    for body in ([], [None], [item, item], [{"filename": "@@x\\..\\evil.flac", "size": 1}], {}):
        reply = api.post("/transfers/downloads/flacfan", json=body)
        assert reply.status_code == 400, body
        assert isinstance(reply.json(), str)
    assert api.get("/transfers/downloads").json() == []


def test_more_than_two_concurrent_enqueues_get_429(
    make_fake: Callable[..., FakeSlskd], network: Network, audio: dict[str, Path]
) -> None:
    fake = make_fake(network, enqueue_post_hold=0.4)
    statuses: list[int] = []
    names = [FIRST, SECOND, f"@@xkqtz\\{ALBUM}\\cover.jpg"]

    def post(name: str) -> None:
        with client_for(fake) as api:
            reply = api.post("/transfers/downloads/flacfan", json=[{"filename": name, "size": 1}])
            statuses.append(reply.status_code)

    threads = [threading.Thread(target=post, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 201, 429]


def test_an_offline_peer_is_500_and_nothing_is_inserted(api: httpx.Client) -> None:
    for username in ("sleepy", "nobody"):
        reply = api.post(
            f"/transfers/downloads/{username}", json=[{"filename": "a.flac", "size": 1}]
        )
        assert reply.status_code == 500
        assert reply.json() == f"User {username} appears to be offline"
    assert api.get("/transfers/downloads").json() == []


def test_listing_endpoints(api: httpx.Client, audio: dict[str, Path]) -> None:
    ids = download(api, "flacfan", _files(audio, (FIRST, "flac"), (SECOND, "flac2")))
    everything = api.get("/transfers/downloads").json()
    assert [u["username"] for u in everything] == ["flacfan"]
    (directory,) = everything[0]["directories"]
    assert (directory["directory"], directory["fileCount"]) == (f"@@xkqtz\\{ALBUM}", 2)
    assert [t["id"] for t in directory["files"]] == ids
    assert api.get("/transfers/downloads/flacfan").json()["username"] == "flacfan"
    missing = api.get("/transfers/downloads/mp3user")
    assert (missing.status_code, missing.content) == (404, b"")
    assert api.get(f"/transfers/downloads/someone-else/{ids[0]}").json()["id"] == ids[0]
    assert api.get(f"/transfers/downloads/flacfan/{uuid.uuid4()}").status_code == 404
    assert api.get("/transfers/downloads/flacfan/01 - First Song.flac").status_code == 400


def test_cancel_then_remove(fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]) -> None:
    fake.add_failure("queued_forever", "flacfan")
    (transfer_id,) = download(api, "flacfan", _files(audio, (FIRST, "flac")))
    url = f"/transfers/downloads/flacfan/{transfer_id}"
    wait_until(lambda: api.get(url).json()["state"] == "Queued, Remotely")
    assert api.delete(url, params={"remove": "true"}).status_code == 204
    cancelled = finished(api, "flacfan", transfer_id)
    assert (cancelled["state"], cancelled["removed"]) == ("Completed, Cancelled", False)
    assert cancelled["exception"] == "The operation was canceled."
    assert api.delete(url, params={"remove": "true"}).status_code == 204
    assert api.get(url).json()["removed"] is True
    assert api.get("/transfers/downloads/flacfan").status_code == 404
    assert api.delete(f"/transfers/downloads/flacfan/{uuid.uuid4()}").status_code == 204
    assert api.delete("/transfers/downloads/flacfan/not-a-guid").status_code == 400


def test_delete_all_completed_removes_every_completed_record(
    api: httpx.Client, audio: dict[str, Path]
) -> None:
    ids = download(api, "flacfan", _files(audio, (FIRST, "flac"), (SECOND, "flac2")))
    for transfer_id in ids:
        finished(api, "flacfan", transfer_id)
    assert api.delete("/transfers/downloads/all/completed").status_code == 204
    assert api.get("/transfers/downloads").json() == []
    kept = api.get("/transfers/downloads", params={"includeRemoved": "true"}).json()
    assert kept[0]["directories"][0]["fileCount"] == 2


def test_events_report_each_file_and_the_finished_directory_once(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    ids = download(api, "flacfan", _files(audio, (FIRST, "flac"), (SECOND, "flac2")))
    wait_until(lambda: len(fake.events.all()) == 3)
    reply = api.get("/events", params={"offset": 0, "limit": 10})
    assert reply.headers["X-Total-Count"] == "3"
    events = reply.json()
    assert events[0]["type"] == "DownloadDirectoryComplete"  # newest first
    files = [e for e in events if e["type"] == "DownloadFileComplete"]
    assert len(files) == 2
    data = json.loads(files[0]["data"])
    assert data["transfer"]["id"] in ids
    assert Path(data["localFilename"]).read_bytes()
    assert data["remoteFilename"] == data["transfer"]["filename"]
    directory = json.loads(events[0]["data"])
    assert directory["remoteDirectoryName"] == f"@@xkqtz\\{ALBUM}"
    assert directory["localDirectoryName"] == str(fake.downloads_dir / LOCAL_DIR)
    assert len(api.get("/events", params={"offset": 1, "limit": 1}).json()) == 1


def test_legacy_mode_replies_201_empty_after_the_remote_queue(
    make_fake: Callable[..., FakeSlskd], network: Network, audio: dict[str, Path]
) -> None:
    fake = make_fake(network, enqueue_mode="legacy")
    with client_for(fake) as api:
        reply = api.post("/transfers/downloads/flacfan", json=_files(audio, (FIRST, "flac")))
        assert (reply.status_code, reply.content) == (201, b"")
        (transfer,) = api.get("/transfers/downloads/flacfan").json()["directories"][0]["files"]
        assert "enqueuedAt" in transfer


def test_queue_position_is_stored_in_place_in_queue(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    fake.add_failure("queued_forever", "mp3user")
    name = "Music\\Some Artist - Some Album\\01 First Song.mp3"
    (transfer_id,) = download(api, "mp3user", _files(audio, (name, "mp3")))
    url = f"/transfers/downloads/mp3user/{transfer_id}"
    wait_until(lambda: api.get(url).json()["state"] == "Queued, Remotely")
    assert api.get(f"{url}/position").json() == 37
    assert api.get(url).json()["placeInQueue"] == 37
