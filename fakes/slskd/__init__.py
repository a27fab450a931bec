"""A fake slskd 0.26 that speaks the real REST wire protocol (see docs/slskd-api.md).

Standard library only (plus mutagen to read real audio attributes). Searches and downloads run
on background threads over a simulated network of peers sharing real audio files, and downloads
write real bytes into the downloads directory. See README.md in this package for the scenario
format, the `/_fake/...` control endpoints and the CLI.

    network = Network.build(tmp / "net")
    user = network.add_user("flacfan", root="@@xkqtz")
    user.share("Music\\\\Artist\\\\Album\\\\01 - Song.flac", make_audio(tmp / "net/01.flac"))
    with FakeSlskd(downloads_dir=tmp / "dl", network=network,
                   config=FakeConfig(speed_scale=20)) as fake:
        httpx.get(f"{fake.url}/api/v0/application", headers={"X-API-Key": fake.api_key})
"""

from __future__ import annotations

from .config import FakeConfig
from .fake import DEFAULT_API_KEY, FakeSlskd
from .network import FAILURE_KINDS, Failure, Network, SharedFile, User
from .scenario import ScenarioError
from .stats import Break, Stats
from .transfers import Transfer

__all__ = [
    "DEFAULT_API_KEY",
    "FAILURE_KINDS",
    "Break",
    "Failure",
    "FakeConfig",
    "FakeSlskd",
    "Network",
    "ScenarioError",
    "SharedFile",
    "Stats",
    "Transfer",
    "User",
]
