"""Shared by the scheduled-search tests: a fake Soulseek network sharing one file per title,
missing tracks of one artist, and the search budget set small."""

from __future__ import annotations

from pathlib import Path

from downloads.models import DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from library.models import Track
from tests.factories import ArtistFactory, TrackFactory

WORDS = [
    "Alfa",
    "Bravo",
    "Charlie",
    "Delta",
    "Echo",
    "Foxtrot",
    "Golf",
    "Hotel",
    "India",
    "Juliett",
    "Kilo",
    "Lima",
    "Mike",
    "November",
    "Oscar",
    "Papa",
    "Quebec",
    "Romeo",
    "Sierra",
    "Tango",
    "Uniform",
    "Victor",
    "Whiskey",
    "Xray",
    "Yankee",
    "Zulu",
    "Amber",
    "Cobalt",
    "Indigo",
    "Scarlet",
]


def network(root: Path, titles: list[str]) -> Network:
    net = Network.build(root)
    peer = net.add_user("peer", has_free_upload_slot=True, upload_speed=9_000_000)
    audio = make_audio(root / "song.flac", seconds=5, seed=1)
    for title in titles:
        peer.share(f"Music\\Rho\\Rho - {title}.flac", audio)
    return net


def missing(title: str, **fields: object) -> Track:
    artist = fields.pop("artist", None) or ArtistFactory(name="Rho")
    fields = {"monitored": True, "status": Track.Status.WANTED, "duration_ms": 5000, **fields}
    return TrackFactory(title=title, artist=artist, **fields)


def budget(settings, limit: int, window: int) -> None:
    settings.SLSKD_SEARCH_BUDGET = limit
    settings.SLSKD_SEARCH_WINDOW_SECONDS = window


def queued_track_ids() -> set[int]:
    jobs = DownloadJob.objects.filter(status=DownloadJob.Status.QUEUED)
    return set(jobs.values_list("track_id", flat=True))
