"""Fixtures for the fake slskd's own tests: real audio, a small network, a fast fake, a client.

Framework-free (no Django, no database): run with `pytest tests/fake_slskd -p no:django`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.audio import make_audio, make_random_bytes_file
from fakes.slskd import FakeConfig, FakeSlskd, Network

from .helpers import ALBUM, client_for

FAST = {"speed_scale": 50.0, "retry_attempts": 1}


@pytest.fixture(scope="session")
def audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One real file per format, generated once per session."""
    root = tmp_path_factory.mktemp("audio")
    files = {
        "flac": make_audio(root / "one.flac", seconds=2.0, seed=1),
        "flac2": make_audio(root / "two.flac", seconds=2.0, seed=2),
        "flac24": make_audio(root / "hires.flac", seconds=1.0, seed=3, bit_depth=24),
        "mp3": make_audio(root / "one.mp3", seconds=2.0, seed=1, bitrate_kbps=320),
        "ogg": make_audio(root / "one.ogg", seconds=1.0, seed=4, bitrate_kbps=160),
        "opus": make_audio(root / "one.opus", seconds=1.0, seed=5),
        "m4a": make_audio(root / "one.m4a", seconds=1.0, seed=6),
        "wav": make_audio(root / "one.wav", seconds=0.5, seed=7),
        "jpg": make_random_bytes_file(root / "cover.jpg", 1500, seed=8),
        "txt": make_random_bytes_file(root / "notes.txt", 200, seed=9),
    }
    return files


@pytest.fixture
def network(tmp_path: Path, audio: dict[str, Path]) -> Network:
    """flacfan (@@ root, fast), mp3user (no root, long queue), ana (`/` paths), a locked share,
    and an offline peer; the same local FLAC is shared by several peers."""
    net = Network.build(tmp_path / "network")
    flacfan = net.add_user("flacfan", root="@@xkqtz", upload_speed=2_000_000)
    flacfan.share(f"{ALBUM}\\01 - First Song.flac", audio["flac"])
    flacfan.share(f"{ALBUM}\\02 - Second Song.flac", audio["flac2"])
    flacfan.share(f"{ALBUM}\\cover.jpg", audio["jpg"])
    mp3user = net.add_user(
        "mp3user", queue_length=37, has_free_upload_slot=False, upload_speed=240_000
    )
    mp3user.share("Music\\Some Artist - Some Album\\01 First Song.mp3", audio["mp3"])
    ana = net.add_user("ana", separator="/", upload_speed=900_000)
    ana.share("/home/ana/music/Some Artist/Some Album/01 - First Song.flac", audio["flac"])
    secret = net.add_user("secretive", root="@@qqqqq")
    secret.share("Private\\Artist\\Some Album\\01 - First Song.flac", audio["flac"], locked=True)
    sleepy = net.add_user("sleepy", online=False)
    sleepy.share("Some Artist\\Some Album\\01 - First Song.flac", audio["flac"])
    return net


@pytest.fixture
def make_fake(tmp_path: Path) -> Iterator[Callable[..., FakeSlskd]]:
    """Start fakes with a fast config (`FAST` plus overrides); all stopped at teardown."""
    started: list[FakeSlskd] = []

    def start(network: Network | None = None, **overrides: Any) -> FakeSlskd:
        api_key = overrides.pop("api_key", "test-api-key-0123456789")
        config = FakeConfig(**{**FAST, **overrides})
        fake = FakeSlskd(
            api_key=api_key,
            downloads_dir=tmp_path / f"downloads{len(started)}",
            network=network,
            config=config,
        )
        fake.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


@pytest.fixture
def fake(make_fake: Callable[..., FakeSlskd], network: Network) -> FakeSlskd:
    return make_fake(network)


@pytest.fixture
def api(fake: FakeSlskd) -> Iterator[httpx.Client]:
    with client_for(fake) as client:
        yield client
