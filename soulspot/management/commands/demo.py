"""`manage.py demo`: SoulSpot wired to fake Soulseek and metadata services, offline.

Generates a small Soulseek network of real audio files (with traps: live versions, remixes,
karaoke, clips, a peer that fails), paced to be watched: songs of a few minutes, peers uploading
a few hundred KB/s in real time, so each transfer takes seconds and the whole run a few minutes.
It starts the fake slskd and the fake MusicBrainz / Cover Art
Archive / LRCLIB and a fake Spotify account beside it, adds a few wants, connects the Spotify
account and follows one of its playlists, and runs `serve`. Open the printed URL and log in
with the printed account to watch searches, downloads and imports happen; the command prints
which pages to open and what they will show.
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
from django.urls import reverse

from fakes.lastfm import DEFAULT_API_KEY
from fakes.trap_network import DEMO_PACING, WantSpec, build_trap_network
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
        # 1 = real time: the demo network's peers upload at a few hundred KB/s, so a newcomer sees
        # progress bars move; a higher value speeds the whole fake network up.
        parser.add_argument(
            "--speed-scale", type=float, default=1.0, help="Fake network speed-up (1 = real time)."
        )

    def handle(self, *args, port: int, speed_scale: float, **options) -> None:
        root = Path(settings.DATA_DIR) / "demo"
        network_dir, downloads = root / "network", root / "slskd" / "downloads"
        self.stdout.write("generating the demo network (about 20 seconds on the first run only)…")
        _network, wants = build_trap_network(network_dir, DEMO_PACING)
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
        serve = ChildProcess(
            "soulspot", [sys.executable, "manage.py", "serve", "--port", str(port)], env=env
        )
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        serve.start()
        guide = demo_guide(f"http://{_browser_host()}:{port}", len(wants))
        try:
            while serve.poll() is None and not stopping:
                # Printed once SoulSpot answers, so the newcomer sees it after serve's start-up
                # lines and the URL works the moment it appears.
                if guide and _listening(port):
                    self.stdout.write(guide)
                    guide = ""
                time.sleep(0.5)
        finally:
            serve.stop(grace_seconds=30)
            for fake in fakes:
                fake.stop()


def demo_guide(base: str, wants: int) -> str:
    """What the newcomer should open, with which login, and what they will see happen."""
    pages = [
        ("dashboard", reverse("dashboard"), "activity at a glance"),
        ("downloads", reverse("downloads:list"), "searches, then progress bars, one by one"),
        ("wanted", reverse("downloads:wanted"), "what is still missing (shrinks as files land)"),
        ("imports", reverse("metadata:imports"), "each finished file tagged and enriched"),
        ("library", reverse("library:tracks"), "the imported tracks"),
    ]
    lines = [
        "",
        f"SoulSpot demo: open {base}/ and log in as {DEMO_USER!r}, password {DEMO_PASSWORD!r}",
        f"What happens: {wants} wants are searched one at a time on the fake Soulseek network;",
        "  the right file is picked past the traps (live, remix, karaoke, a 30-second clip,",
        "  another artist's song, an MP3 128, a busy peer) and transferred in real time at",
        "  400-700 KB/s (3 to 12 seconds per file), then tagged, enriched and moved into the",
        "  library. 'Mu - Nowhere' exists only as a live recording, so it stays wanted.",
        "  The Spotify playlist 'Road Trip' and Liked Songs are synced into wants too.",
        "  All of it takes two to three minutes. Where to look:",
    ]
    lines += [f"  {name:<10} {base}{path:<22} {what}" for name, path, what in pages]
    lines += ["Ctrl-C stops SoulSpot and the fakes; the next run keeps the library.", ""]
    return "\n".join(lines)


def _browser_host() -> str:
    """The address a browser on this machine uses (serve may listen on every interface)."""
    host = settings.SOULSPOT_HOST
    return "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host


def _listening(port: int) -> bool:
    try:
        with socket.create_connection((_browser_host(), port), timeout=0.2):
            return True
    except OSError:
        return False


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
