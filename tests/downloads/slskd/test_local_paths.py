"""Where a finished download is on our disk, and refusing hostile remote file names."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import httpx
import pytest

from downloads.slskd import Transfer
from tests.downloads.slskd.support import SONG_1, js, make_client, transfer_record


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    root = tmp_path / "downloads"
    root.mkdir()
    return root


def write(path: Path, size: int, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def event_item(data: dict, kind: str = "DownloadFileComplete") -> dict:
    return {
        "timestamp": "2026-08-22T18:12:08.0000000Z",
        "type": kind,
        "data": json.dumps(data),
        "id": str(uuid.uuid4()),
    }


def test_the_computed_path_is_the_last_remote_folder_and_the_basename(fake, downloads):
    target = write(downloads / "Some Album (2001)" / "01 - First Song.flac", 10)
    client = make_client(fake, downloads_dir=downloads)
    assert client.local_path_for(SONG_1) == target.resolve()
    assert client.expected_local_path(SONG_1) == target.resolve()


def test_a_clash_rename_with_ticks_is_found_by_size_and_age(fake, downloads):
    folder = downloads / "Some Album (2001)"
    write(folder / "01 - First Song.flac", 5, mtime=1_000)  # someone else's, wrong size
    older = write(folder / "01 - First Song_639000000000000001.flac", 10, mtime=2_000)
    newer = write(folder / "01 - First Song_639000123456789012.flac", 10, mtime=3_000)
    write(folder / "01 - First Song_639000999999999999.flac", 7, mtime=4_000)  # wrong size
    write(folder / "01 - First Song_2.flac", 10, mtime=5_000)  # not a ticks suffix
    client = make_client(fake, downloads_dir=downloads)
    transfer = Transfer.from_api(transfer_record(SONG_1, "Completed, Succeeded", size=10))

    assert client.local_path_for(transfer) == newer.resolve()
    os.remove(newer)
    assert client.local_path_for(transfer) == older.resolve()


def test_a_missing_file_is_none(fake, downloads):
    assert make_client(fake, downloads_dir=downloads).local_path_for(SONG_1) is None


def test_without_a_downloads_dir_there_is_no_local_path(fake):
    fake.on("GET", "/options", js({"directories": {}}))
    assert make_client(fake).local_path_for(SONG_1) is None


def test_the_download_event_wins_and_is_re_rooted_onto_our_mount(fake, downloads):
    record = transfer_record(SONG_1, "Completed, Succeeded", size=10)
    renamed = write(downloads / "Some Album (2001)" / "01 - First Song_639000123456789012.flac", 10)
    write(downloads / "Some Album (2001)" / "01 - First Song.flac", 10, mtime=9_999_999_999)
    data = {
        "version": 0,
        "localFilename": "/app/downloads/Some Album (2001)/01 - First Song_639000123456789012.flac",
        "remoteFilename": SONG_1,
        "transfer": record,
    }
    other = {
        "localFilename": "/app/downloads/x.flac",
        "remoteFilename": "Music\\x.flac",
        "transfer": transfer_record("Music\\x.flac"),
    }
    fake.on(
        "GET",
        "/events",
        js(
            [event_item(other), event_item({"x": 1}, "DownloadDirectoryComplete"), event_item(data)]
        ),
    )
    fake.on("GET", "/options", js({"directories": {"downloads": "/app/downloads"}}))
    client = make_client(fake, downloads_dir=downloads)

    assert client.local_path_for(Transfer.from_api(record)) == renamed.resolve()
    assert client.local_path_for(SONG_1, "flacfan") == renamed.resolve()
    assert fake.calls("GET", "/events")[0].url.params["offset"] == "0"


@pytest.mark.parametrize(
    "local_filename",
    [
        "/app/downloads/../../etc/passwd",
        "/etc/passwd",
        "/app/downloads/Some Album (2001)/../../../outside.flac",
        "C:\\Windows\\system32\\x.flac",
        "/app/downloads/a\0b.flac",
        "",
    ],
)
def test_a_hostile_event_path_is_ignored_for_the_computed_one(fake, downloads, local_filename):
    computed = write(downloads / "Some Album (2001)" / "01 - First Song.flac", 10)
    write(downloads.parent / "outside.flac", 10)
    record = transfer_record(SONG_1, "Completed, Succeeded", size=10)
    data = {"localFilename": local_filename, "remoteFilename": SONG_1, "transfer": record}
    fake.on("GET", "/events", js([event_item(data)]))
    fake.on("GET", "/options", js({"directories": {"downloads": "/app/downloads"}}))
    client = make_client(fake, downloads_dir=downloads)
    assert client.local_path_for(Transfer.from_api(record)) == computed.resolve()


def test_unavailable_events_fall_back_to_the_computed_path(fake, downloads):
    target = write(downloads / "Some Album (2001)" / "01 - First Song.flac", 10)
    fake.on("GET", "/events", httpx.ConnectError("Connection refused"))
    client = make_client(fake, downloads_dir=downloads)
    transfer = Transfer.from_api(transfer_record(SONG_1, "Completed, Succeeded", size=10))
    assert client.local_path_for(transfer) == target.resolve()


# Names slskd itself cannot save (no file name, longer than a Linux name may be).
UNSAVEABLE = [
    "Album\\",
    "",
    "x" * 400 + ".flac",
    "Music\\" + "y" * 400 + "\\x.flac",
    "Music\\Album\\" + "é" * 130 + ".flac",
]
# Traversal segments: slskd 0.26 turns them into "_"; before 0.26 they escaped, so we refuse.
TRAVERSING = [
    "..\\..\\x.flac",
    "..\\x.flac",
    "Music\\..\\..",
    "Album\\..",
    ".\\x.flac",
    "Album\\.",
    "../../x.flac",
    "a/../../../x.flac",
    "..",
]
PRE_026_OPTIONS = {"directories": {"downloads": "/app/downloads"}, "transfers": {"download": {}}}


@pytest.mark.parametrize("remote", UNSAVEABLE)
def test_unsaveable_remote_filenames_give_no_path(fake, downloads, remote):
    write(downloads.parent / "x.flac", 10)
    client = make_client(fake, downloads_dir=downloads)
    assert client.expected_local_path(remote) is None
    assert client.local_path_for(remote) is None


@pytest.mark.parametrize("remote", TRAVERSING)
def test_traversal_segments_become_underscores_inside_the_downloads_dir(fake, downloads, remote):
    write(downloads.parent / "x.flac", 10)
    client = make_client(fake, downloads_dir=downloads)
    path = client.expected_local_path(remote)
    assert path is not None and path.is_relative_to(downloads.resolve())
    assert ".." not in path.relative_to(downloads.resolve()).parts


@pytest.mark.parametrize("remote", TRAVERSING + UNSAVEABLE)
def test_before_026_traversing_names_give_no_path(fake, downloads, remote):
    write(downloads.parent / "x.flac", 10)
    fake.on("GET", "/options", js(PRE_026_OPTIONS))
    client = make_client(fake, downloads_dir=downloads)
    assert client.expected_local_path(remote) is None
    assert client.local_path_for(remote) is None


@pytest.mark.parametrize(
    "remote",
    [
        "C:\\x.flac",
        "/etc/passwd",
        "\\\\server\\share\\x.flac",
        "Music\\a\0b\\c\0d.flac",
        "a/b\\c/d.flac",
        "Album\\..x.flac",
        "x.flac",
    ],
)
def test_odd_but_harmless_remote_filenames_stay_inside_the_downloads_dir(fake, downloads, remote):
    client = make_client(fake, downloads_dir=downloads)
    path = client.expected_local_path(remote)
    assert (
        path is not None
        and path.is_relative_to(downloads.resolve())
        and path != downloads.resolve()
    )
    assert "\0" not in str(path)


def test_nul_bytes_are_replaced_like_slskd_does(fake, downloads):
    expected = (downloads / "Album_X" / "Back_.flac").resolve()
    client = make_client(fake, downloads_dir=downloads)
    assert client.expected_local_path("Music\\Album\0X\\Back\0.flac") == expected


@pytest.mark.parametrize("options", [None, PRE_026_OPTIONS])
def test_a_path_with_a_slash_is_split_on_both_slashes_like_slskd_does(fake, downloads, options):
    if options is not None:
        fake.on("GET", "/options", js(options))
    client = make_client(fake, downloads_dir=downloads)
    expected = (downloads / "Live" / "x.flac").resolve()
    assert client.expected_local_path("Music\\AC/DC\\Live/x.flac") == expected


def test_a_symlinked_folder_pointing_outside_is_not_followed(fake, downloads):
    outside = downloads.parent / "elsewhere"
    write(outside / "01 - First Song.flac", 10)
    (downloads / "Some Album (2001)").symlink_to(outside, target_is_directory=True)
    client = make_client(fake, downloads_dir=downloads)
    assert client.local_path_for(SONG_1) is None


def test_a_symlinked_clash_file_pointing_outside_is_skipped(fake, downloads):
    folder = downloads / "Some Album (2001)"
    inside = write(folder / "01 - First Song.flac", 10, mtime=1_000)
    secret = write(downloads.parent / "secret.flac", 10)
    (folder / "01 - First Song_639000123456789012.flac").symlink_to(secret)
    client = make_client(fake, downloads_dir=downloads)
    assert client.local_path_for(Transfer.from_api(transfer_record(size=10))) == inside.resolve()
