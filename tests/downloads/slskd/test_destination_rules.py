"""slskd's own destination rules (0.26 `DeriveDestination`/`FileSafety`), checked three ways.

Each case says where slskd 0.26 puts a file (worked out by hand from slskd's source). The client's
computation, the fake's own implementation (fakes/slskd/paths.py, which does not import the
client) and, for every name slskd accepts, the fake's real file on disk after a download enqueued
through SoulSpot's client must all agree, so a wrong rule on either side fails here.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from downloads.slskd import SlskdClient, Transfer
from downloads.slskd.destination import Origin, relative_path
from fakes.audio import make_audio
from fakes.slskd import FakeConfig, FakeSlskd, Network
from fakes.slskd.paths import DestinationInputs, derive_destination, file_name_safely

API_KEY = "test-api-key-0123456789"
BATCH = "6f1c2b1e-0d7a-4a51-9e63-0c6b1f3f8a10"
SEARCH = "0b3f3c7e-5a0e-4b6f-9a57-3f7c9d1e2a44"

# (remote filename, subdirectory pattern or None for the default, origin fields, expected)
CASES = [
    ("@@abcde\\01.flac", None, {}, "01.flac"),
    ("@@abcde\\Music\\AC/DC\\Back in Black\\01.flac", None, {}, "Back in Black/01.flac"),
    ("@@a\\Music\\AC/DC\\Back in Black\\01.flac", None, {}, "Back in Black/01.flac"),
    ("Music\\Album\\\\01.flac", None, {}, "Album/01.flac"),
    ("Music\\Album\\\\01.flac", "${SOURCE_PATH}", {}, "Music/Album/01.flac"),
    ("@@abcde\\Music\\Album\\01.flac", "${SOURCE_PATH}", {}, "Music/Album/01.flac"),
    ("@@a\\Music\\AC/DC\\01.flac", "${SOURCE_PATH}", {}, "@@a/Music/AC/DC/01.flac"),
    ("C:\\Music\\Album\\01.flac", "${SOURCE_PATH}", {}, "Music/Album/01.flac"),
    ("c:/01.flac", None, {}, "01.flac"),
    ("C:\\@@abcde\\Album\\01.flac", "${SOURCE_PATH}", {}, "Album/01.flac"),
    # SanitizePath runs before the root is stripped, so a UNC host stays a folder.
    ("\\\\server\\share\\Album\\01.flac", "${SOURCE_PATH}", {}, "server/share/Album/01.flac"),
    ("//server/share/Album/01.flac", None, {}, "Album/01.flac"),
    ("@@abcde\\@@fghij\\01.flac", None, {}, "01.flac"),
    ("Music\\..\\.\\Album\\01.flac", "${SOURCE_PATH}", {}, "Music/_/_/Album/01.flac"),
    ("Music\\Album\\..", None, {}, "Album/_"),
    ("..\\01.flac", None, {}, "_/01.flac"),
    ("Music\\a\0b\\c\0d.flac", None, {}, "a_b/c_d.flac"),
    ("Music\\Album\\01.flac", "{}", {}, "01.flac"),
    ("Music\\Album\\01.flac", "${unknown}/${source_directory}", {}, "${unknown}/Album/01.flac"),
    (
        "@@abcde\\Music\\Album\\01.flac",
        "${SOURCE_USERNAME}\\${SOURCE_DIRECTORY}",
        {"username": "dj/shadow"},
        "dj_shadow/Album/01.flac",
    ),
    (
        "Music\\Album\\01.flac",
        "${BATCH_ID}/${BATCH_EXTERNAL_ID}/${SEARCH_ID}/${SEARCH_TEXT}",
        {},
        "unknown_batch_id/unknown_batch_external_id/unknown_search_id/unknown_search_text/01.flac",
    ),
    (
        "Music\\Album\\01.flac",
        "${BATCH_ID}/${SEARCH_TEXT}",
        {"batch_id": BATCH, "search_id": SEARCH, "search_text": "ac/dc  live"},
        f"{BATCH}/ac_dc  live/01.flac",
    ),
    (
        "Music\\Album\\01.flac",
        "${SOURCE_DIRECTORY}",
        {"batch_id": BATCH, "batch_destination": "Incoming\\\\New/./x"},
        "Incoming/New/_/x/01.flac",
    ),
    ("Music\\Album\\01.flac", None, {"batch_destination": "   "}, "Album/01.flac"),
]


def _fake_rule(remote: str, pattern: str | None, origin: dict) -> str:
    inputs = DestinationInputs(
        pattern or "${SOURCE_DIRECTORY}",
        origin.get("username", ""),
        origin.get("batch_id"),
        origin.get("batch_destination"),
        origin.get("search_id"),
        origin.get("search_text"),
    )
    folder, name = derive_destination(remote, inputs), file_name_safely(remote)
    return f"{folder}/{name}" if folder else str(name)


@pytest.mark.parametrize(("remote", "pattern", "origin", "expected"), CASES)
def test_client_and_fake_both_follow_slskd_026(remote, pattern, origin, expected) -> None:
    assert relative_path(remote, pattern, Origin(**origin)) == expected
    assert _fake_rule(remote, pattern, origin) == expected


# Cases slskd 0.26 accepts for download (`.`/`..` segments and a blank destination are a 400).
ON_DISK = [
    (remote, pattern, origin, expected)
    for remote, pattern, origin, expected in CASES
    if not {"..", "."} & set(remote.replace("\\", "/").split("/"))
    and "\0" not in remote
    and not origin.get("batch_id")
    and (origin.get("batch_destination") or "x").strip()
    and "SEARCH_TEXT" not in (pattern or "")
]


def _start_fake(tmp_path: Path, remote: str, **config) -> FakeSlskd:
    net = Network.build(tmp_path / "net")
    audio = make_audio(tmp_path / "net" / "a.flac", seconds=0.5, seed=3)
    net.add_user("dj/shadow", upload_speed=5_000_000).share(remote, audio)
    fake = FakeSlskd(
        api_key=API_KEY,
        downloads_dir=tmp_path / "slskd" / "downloads",
        network=net,
        config=FakeConfig(**{"speed_scale": 50.0, "retry_attempts": 1, **config}),
    )
    fake.start()
    return fake


def _download(
    fake: FakeSlskd, remote: str, destination: str | None = None
) -> tuple[Path, Transfer]:
    client = SlskdClient(fake.url, API_KEY, downloads_dir=fake.downloads_dir)
    size = fake.network.user("dj/shadow").files[0].real_size()
    result = client.enqueue_files("dj/shadow", [(remote, size)], destination=destination)
    (transfer,) = result.transfers
    deadline = time.monotonic() + 15
    while fake.transfer(transfer.id).local_path is None:
        assert time.monotonic() < deadline, fake.transfer(transfer.id)
        time.sleep(0.02)
    return fake.transfer(transfer.id).local_path, transfer


@pytest.mark.parametrize(("remote", "pattern", "origin", "expected"), ON_DISK)
def test_the_fake_saves_where_the_client_looks(tmp_path, remote, pattern, origin, expected) -> None:
    config = {"destination_subdirectory": pattern} if pattern else {}
    fake = _start_fake(tmp_path, remote, **config)
    try:
        landed, transfer = _download(fake, remote, origin.get("batch_destination"))
        downloads = fake.downloads_dir
        assert landed == downloads / expected
        client = SlskdClient(fake.url, API_KEY, downloads_dir=downloads)
        assert client.expected_local_path(transfer) == landed.resolve()
        fake.events.clear()  # no event to read: the computed path alone must find the file
        assert client.local_path_for(transfer) == landed.resolve()
    finally:
        fake.stop()


def test_a_batch_destination_and_batch_id_are_honoured_on_disk(tmp_path) -> None:
    remote = "@@abcde\\Music\\Album\\01.flac"
    fake = _start_fake(tmp_path, remote, destination_subdirectory="${BATCH_ID}/${SOURCE_PATH}")
    try:
        landed, transfer = _download(fake, remote)
        assert transfer.batch_id
        assert landed == fake.downloads_dir / transfer.batch_id / "Music/Album/01.flac"
        client = SlskdClient(fake.url, API_KEY, downloads_dir=fake.downloads_dir)
        assert client.expected_local_path(transfer) == landed.resolve()
        fake.reset()
        landed, transfer = _download(fake, remote, "Incoming\\New")
        assert landed == fake.downloads_dir / "Incoming/New/01.flac"
        fake.events.clear()
        assert client.local_path_for(transfer) == landed.resolve()
    finally:
        fake.stop()


def test_before_026_the_old_rules_and_the_per_user_enqueue_are_used(tmp_path) -> None:
    remote = "@@abcde\\Music\\Album\\\\01.flac"
    fake = _start_fake(tmp_path, remote, version="0.25.1.0", enqueue_mode="0.24")
    try:
        landed, transfer = _download(fake, remote)
        assert landed == fake.downloads_dir / "01.flac"
        assert transfer.batch_id is None and fake.batches.batches == {}
        client = SlskdClient(fake.url, API_KEY, downloads_dir=fake.downloads_dir)
        fake.events.clear()
        assert client.local_path_for(transfer) == landed.resolve()
    finally:
        fake.stop()
