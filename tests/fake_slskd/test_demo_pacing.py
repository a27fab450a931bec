"""`make demo` must be watchable: realistic song lengths, files of MBs, transfers of seconds.

The full demo network takes ~20 s to generate, so these tests build a shorter variant of the
same network and generate one file at the demo's real length to time a real transfer.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from fakes.audio import make_audio
from fakes.slskd import FakeConfig, FakeSlskd, Network
from fakes.trap_network import CLIP_SECONDS, DEMO_PACING, build_trap_network

from .helpers import client_for, download

# Long enough to tell apart from the tests' five-second songs, short enough to generate fast.
SHORT_DEMO = dataclasses.replace(DEMO_PACING, song_seconds=12, long_song_seconds=45)


def _shared_lengths(network: Network) -> dict[str, float | None]:
    """Remote path -> length mutagen reads from the real file behind it."""
    return {
        shared.remote: shared.reported_attributes().get("length")
        for user in network.users.values()
        for shared in user.files
    }


def test_the_network_builds_with_the_pacing_lengths_and_speeds(tmp_path: Path) -> None:
    network, wants = build_trap_network(tmp_path / "net", SHORT_DEMO)
    by_title = {want.title: want.seconds for want in wants}
    assert by_title["Sunrise"] == 12 and by_title["Long Road"] == 45
    assert by_title["Home"] == SHORT_DEMO.home_seconds == 14
    lengths = _shared_lengths(network)
    for want in wants:
        if want.right_path is not None:
            assert abs(lengths[want.right_path] - want.seconds) <= 1, want
    clip = next(path for path in lengths if path.endswith("Previews\\Delta - Long Road.flac"))
    assert abs(lengths[clip] - CLIP_SECONDS) <= 1
    saved = json.loads((tmp_path / "net" / "scenario.json").read_text())
    speeds = {user["name"]: user["uploadSpeed"] for user in saved["users"]}
    assert speeds == {
        "goodpeer": DEMO_PACING.good_speed,
        "otherpeer": DEMO_PACING.other_speed,
        "busypeer": DEMO_PACING.busy_speed,
        "lossypeer": DEMO_PACING.lossy_speed,
    }


def test_a_second_build_reuses_the_audio_keyed_by_its_length(tmp_path: Path) -> None:
    build_trap_network(tmp_path / "net", SHORT_DEMO)
    files = tmp_path / "net" / "files"
    first = {path.name: path.stat().st_mtime_ns for path in files.iterdir()}
    assert {"a1-12s.flac", "d-45s.mp3", "dclip-30s.flac"} <= set(first)  # new length, new file
    assert not any(".partial." in name for name in first)
    started = time.monotonic()
    _network, wants = build_trap_network(tmp_path / "net", SHORT_DEMO)
    assert time.monotonic() - started < 1.0 and len(wants) == 11
    assert {path.name: path.stat().st_mtime_ns for path in files.iterdir()} == first


def test_the_demo_pacing_means_files_of_megabytes_and_transfers_of_seconds(
    tmp_path: Path,
) -> None:
    assert 150 <= DEMO_PACING.song_seconds <= 240 and DEMO_PACING.long_song_seconds <= 240
    assert DEMO_PACING.long_song_seconds > CLIP_SECONDS * 2  # the clip trap stays a clip
    for speed in (DEMO_PACING.good_speed, DEMO_PACING.other_speed, DEMO_PACING.lossy_speed):
        assert 300_000 <= speed <= 800_000
    song = make_audio(tmp_path / "song.flac", seconds=DEMO_PACING.song_seconds, seed=1)
    size = song.stat().st_size
    assert 1_000_000 < size < 10_000_000
    assert 2 <= size / DEMO_PACING.other_speed <= 15


def test_a_demo_transfer_at_real_speed_takes_seconds_and_shows_progress(tmp_path: Path) -> None:
    network = Network.build(tmp_path / "net")
    peer = network.add_user("otherpeer", upload_speed=DEMO_PACING.other_speed)
    # A demo-length FLAC (~2 MB) from the demo's slower right-file peer: a few seconds.
    song = make_audio(tmp_path / "net" / "song.flac", seconds=DEMO_PACING.song_seconds, seed=2)
    shared = peer.share("Music\\Artist\\Album\\01 - Song.flac", song)
    config = FakeConfig(speed_scale=1.0, retry_attempts=1)
    with FakeSlskd(downloads_dir=tmp_path / "dl", network=network, config=config) as fake:
        api = client_for(fake)
        size = song.stat().st_size
        [transfer_id] = download(api, "otherpeer", [{"filename": shared.remote, "size": size}])
        url = f"/transfers/downloads/otherpeer/{transfer_id}"
        started, seen = time.monotonic(), []
        while not (state := api.get(url).json())["state"].startswith("Completed"):
            if state["state"] == "InProgress":
                seen.append(state["bytesTransferred"])
            time.sleep(0.1)
        took = time.monotonic() - started
    assert state["state"] == "Completed, Succeeded" and state["bytesTransferred"] == size
    expected = size / DEMO_PACING.other_speed
    assert 2 <= expected * 0.8 <= took <= expected + 3, (took, expected)
    assert len(set(seen)) >= 10, seen  # the progress bar moves, poll after poll
    assert seen == sorted(seen) and seen[-1] < size
