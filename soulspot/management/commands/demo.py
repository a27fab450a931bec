"""`manage.py demo`: SoulSpot wired to fake Soulseek and metadata services, offline.

Generates a small Soulseek network of real audio files (with traps: live versions, remixes,
karaoke, clips, a peer that fails), starts the fake slskd and the fake MusicBrainz / Cover Art
Archive / LRCLIB and a fake Spotify account beside it, adds a few wants, connects the Spotify
account and follows one of its playlists, and runs `serve`. Open the printed URL and log in
with the printed account to watch searches, downloads and imports happen.
"""

from __future__ import annotations

import json
import signal
import socket
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from fakes.lastfm import DEFAULT_API_KEY
from fakes.trap_network import WantSpec, build_trap_network
from soulspot.lib.processes import ChildProcess

DEMO_USER, DEMO_PASSWORD = "demo", "soulspot-demo"
SLSKD_KEY = "demo-slskd-api-key-0123456789"
SPOTIFY_CLIENT_ID = "soulspotDemo"
LASTFM_KEY = DEFAULT_API_KEY  # the key the fake Last.fm accepts
DEMO_PLAYLIST = "plDemoRoad"  # the demo account's own playlist (fakes.spotify.scenarios)


class Command(BaseCommand):
    help = "Run SoulSpot against fake slskd and metadata services with a generated network."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=settings.SOULSPOT_PORT)
        parser.add_argument("--speed-scale", type=float, default=4.0, help="Fake network speed-up.")

    def handle(self, *args, port: int, speed_scale: float, **options) -> None:
        root = Path(settings.DATA_DIR) / "demo"
        network_dir, downloads = root / "network", root / "slskd" / "downloads"
        self.stdout.write("generating the demo network (first run only takes a few seconds)…")
        _network, wants = build_trap_network(network_dir)
        catalog = _write_catalog(root / "catalog.json", wants)
        slskd_port, meta_port, spotify_port = _free_port(), _free_port(), _free_port()
        lastfm_port = _free_port()
        fakes = [
            ChildProcess(
                "fake slskd",
                [
                    sys.executable,
                    "-m",
                    "fakes.slskd",
                    "--port",
                    str(slskd_port),
                    "--api-key",
                    SLSKD_KEY,
                    "--downloads",
                    str(downloads),
                    "--network",
                    str(network_dir),
                    "--speed-scale",
                    str(speed_scale),
                ],
            ),
            ChildProcess(
                "fake metadata",
                [
                    sys.executable,
                    "-m",
                    "fakes.metadata_services",
                    "--port",
                    str(meta_port),
                    "--data",
                    str(catalog),
                ],
            ),
            ChildProcess(
                "fake spotify",
                [
                    sys.executable,
                    "-m",
                    "fakes.spotify",
                    "--port",
                    str(spotify_port),
                    "--scenario",
                    "demo",
                    "--client-id",
                    SPOTIFY_CLIENT_ID,
                ],
            ),
            ChildProcess(
                "fake last.fm",
                [
                    sys.executable,
                    "-m",
                    "fakes.lastfm",
                    "--port",
                    str(lastfm_port),
                    "--scenario",
                    "demo",
                ],
            ),
        ]
        spotify_env = _spotify_env(spotify_port, port)
        env = {**_demo_env(slskd_port, meta_port, downloads), **spotify_env}
        env |= {"LASTFM_URL": f"http://127.0.0.1:{lastfm_port}", "LASTFM_API_KEY": LASTFM_KEY}
        call_command("migrate", interactive=False, verbosity=0)
        _create_user_and_wants(wants)
        for fake in fakes:
            fake.start()
        _connect_spotify(spotify_env)
        self.stdout.write(
            "Spotify: the fake account is connected; 'Road Trip' and Liked Songs are followed"
        )
        self.stdout.write(f"log in as {DEMO_USER!r} with password {DEMO_PASSWORD!r}")
        serve = ChildProcess(
            "soulspot", [sys.executable, "manage.py", "serve", "--port", str(port)], env=env
        )
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        serve.start()
        try:
            while serve.poll() is None and not stopping:
                time.sleep(0.5)
        finally:
            serve.stop(grace_seconds=30)
            for fake in fakes:
                fake.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _demo_env(slskd_port: int, meta_port: int, downloads: Path) -> dict[str, str]:
    meta = f"http://127.0.0.1:{meta_port}"
    return {
        "SLSKD_URL": f"http://127.0.0.1:{slskd_port}",
        "SLSKD_API_KEY": SLSKD_KEY,
        "SLSKD_DOWNLOADS_DIR": str(downloads),
        "SLSKD_SEARCH_TIMEOUT_MS": "4000",
        "MUSICBRAINZ_URL": meta,
        "COVERART_URL": meta,
        "LRCLIB_URL": meta,
        "SOULSPOT_SECRET_KEY": settings.SECRET_KEY,
        "SOULSPOT_DATA_DIR": str(settings.DATA_DIR),
    }


def _spotify_env(spotify_port: int, port: int) -> dict[str, str]:
    fake = f"http://127.0.0.1:{spotify_port}"
    return {
        "SPOTIFY_CLIENT_ID": SPOTIFY_CLIENT_ID,
        "SPOTIFY_ACCOUNTS_URL": fake,
        "SPOTIFY_API_URL": fake + "/v1",
        "SPOTIFY_REDIRECT_URI": f"http://127.0.0.1:{port}/spotify/callback",
    }


def _connect_spotify(spotify_env: dict[str, str]) -> None:
    """Connect the fake's demo account as a user would (the fake consents at once), list its
    playlists, and follow one playlist and Liked Songs: serve's workers sync them into wants.
    Every run connects afresh: the fake forgets its tokens when it stops."""
    from automation.models import SpotifyPlaylist
    from automation.spotify import status, sync
    from metadata.providers import spotify

    for name, value in spotify_env.items():
        setattr(settings, name, value)
    _wait_for(spotify_env["SPOTIFY_ACCOUNTS_URL"] + "/_fake/requests")
    spotify.disconnect()
    consent = httpx.get(spotify.start_authorization(), follow_redirects=False, timeout=10)
    answer = parse_qs(urlsplit(consent.headers["location"]).query)
    spotify.complete_authorization(answer["code"][0], answer["state"][0])
    sync.list_and_plan()
    sync.follow_playlist(SpotifyPlaylist.objects.get(spotify_id=DEMO_PLAYLIST), True)
    status.update_sources(liked_songs=True)  # read at once by serve's workers


def _wait_for(url: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _write_catalog(path: Path, wants: list[WantSpec]) -> Path:
    """MusicBrainz releases and LRCLIB lyrics for the demo's wants, so imports get enriched."""
    releases, lyrics = [], []
    for n, want in enumerate(wants, start=1):
        if want.right_user is None:
            continue
        isrc = f"XXDEM26{n:05d}"
        releases.append(
            {
                "title": f"{want.title} (Single)",
                "artist": want.artist,
                "date": "2026-01-01",
                "primary_type": "Single",
                "tracks": [[want.title, want.seconds * 1000, isrc]],
            }
        )
        lyrics.append(
            {
                "artist": want.artist,
                "title": want.title,
                "duration_s": want.seconds,
                "plain": f"This is {want.title}\nby {want.artist}",
                "synced": f"[00:00.50] This is {want.title}\n[00:02.00] by {want.artist}",
            }
        )
    path.write_text(json.dumps({"releases": releases, "lyrics": lyrics}, indent=1))
    return path


def _create_user_and_wants(wants: list[WantSpec]) -> None:
    from downloads import services
    from downloads.models import DownloadJob

    users = get_user_model().objects
    if not users.filter(username=DEMO_USER).exists():
        users.create_superuser(DEMO_USER, password=DEMO_PASSWORD)
    if DownloadJob.objects.exists():
        return  # a second run keeps the first run's jobs and library
    for want in wants:
        services.queue_track_download(
            artist=want.artist, title=want.title, duration_ms=want.seconds * 1000
        )
