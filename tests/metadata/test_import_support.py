"""Shared fixtures and builders for the import pipeline tests.

Test modules import the fixtures they use from here (pytest registers them by name).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from downloads.models import DownloadJob
from fakes.audio import make_audio
from fakes.metadata_services import FakeMetadataServices, MetadataCatalog
from library.models import Album, Track
from metadata.tagging import TagSet, write_tags
from tests.factories import ArtistFactory, CandidateFactory, DownloadJobFactory

SECONDS = 3.0
LENGTH_MS = 3000
FORMATS = ("flac", "mp3", "m4a", "ogg", "opus")
SYNCED = "[00:00.50] Neon lights\n[00:02.00] Fade to black\n"
PLAIN = "Neon lights\nFade to black\n"


@dataclass
class Dirs:
    music: Path
    downloads: Path
    data: Path

    @property
    def quarantine(self) -> Path:
        return self.data / "quarantine"

    @property
    def recycle(self) -> Path:
        return self.data / "recycle"

    def library_files(self) -> list[Path]:
        """Audio files in the library (our staging folder and temp files excluded)."""
        return sorted(
            p
            for p in self.music.rglob("*")
            if p.is_file()
            and p.suffix in {".flac", ".mp3", ".m4a", ".ogg", ".opus"}
            and not any(part.startswith(".") for part in p.relative_to(self.music).parts)
        )


@pytest.fixture
def dirs(settings, tmp_path: Path) -> Dirs:
    settings.DATA_DIR = tmp_path / "data"
    settings.SLSKD_DOWNLOADS_DIR = tmp_path / "downloads"
    settings.SOULSPOT_QUARANTINE_DIR = None
    settings.SOULSPOT_RECYCLE_DIR = None
    settings.SOULSPOT_STAGING_DIR = None
    settings.SOULSPOT_PLAYLIST_DIR = None
    for folder in (settings.DATA_DIR, settings.SLSKD_DOWNLOADS_DIR):
        folder.mkdir(parents=True)
    return Dirs(Path(settings.MUSIC_DIR).resolve(), tmp_path / "downloads", tmp_path / "data")


@pytest.fixture(scope="session")
def audio_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small real file per format (copied by each test; ffmpeg runs once per format)."""
    folder = tmp_path_factory.mktemp("audio-sources")
    return {fmt: make_audio(folder / f"source.{fmt}", seconds=SECONDS, seed=7) for fmt in FORMATS}


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_release(
        "Night Drive",
        "Neon Harbor",
        tracks=[("Intro", LENGTH_MS), ("Afterglow", LENGTH_MS, "GBNEO2400001"), ("Outro", 9000)],
        date="2024-03-15",
    )
    catalog.add_lyrics(
        "Neon Harbor",
        "Afterglow",
        album="Night Drive",
        duration_s=SECONDS,
        synced=SYNCED,
        plain=PLAIN,
    )
    catalog.add_lyrics(
        "Neon Harbor", "Intro", album="Night Drive", duration_s=SECONDS, instrumental=True
    )
    return catalog


@pytest.fixture
def providers(settings, catalog: MetadataCatalog) -> Iterator[FakeMetadataServices]:
    """MusicBrainz, Cover Art Archive and LRCLIB fakes on one port, switched on."""
    server = FakeMetadataServices(catalog)
    url = server.start()
    settings.MUSICBRAINZ_URL = settings.COVERART_URL = settings.LRCLIB_URL = url
    settings.METADATA_PROVIDERS_ENABLED = True
    settings.MUSICBRAINZ_RATE_LIMIT_SECONDS = 0
    settings.METADATA_PROVIDER_TIMEOUT_SECONDS = 2
    yield server
    server.stop()


def downloaded_file(
    dirs: Dirs, sources: dict[str, Path], fmt: str, name: str = "02 Afterglow", **tags: object
) -> Path:
    """A "download" in slskd's folder, with the junk tags peers' files tend to have."""
    path = dirs.downloads / "peer" / "Neon Harbor - Night Drive" / f"{name}.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sources[fmt], path)
    junk = {"title": "afterglow (www.free-mp3.example)", "artist": "neon harbour", "genre": "Synth"}
    write_tags(path, TagSet(**(junk | tags)))
    return path


def want(title: str = "Afterglow", artist: str = "Neon Harbor", **fields: object) -> Track:
    """A wanted track as the Spotify import would create it (names and length, no ids)."""
    fields.setdefault("duration_ms", LENGTH_MS)
    return Track.objects.create(
        title=title, artist=ArtistFactory(name=artist), status=Track.Status.WANTED, **fields
    )


def importing_job(track: Track, path: Path, **fields: object) -> DownloadJob:
    """A job the engine has handed over: status importing, file on disk, candidate chosen."""
    job = DownloadJobFactory(track=track, status=DownloadJob.Status.IMPORTING, **fields)
    candidate = CandidateFactory(
        job=job,
        size=path.stat().st_size,
        filename=f"@@peer\\Music\\{path.name}",
        extension=path.suffix[1:],
    )
    DownloadJob.objects.filter(pk=job.pk).update(candidate=candidate, local_path=str(path))
    job.refresh_from_db()
    return job


def album_of(track: Track) -> Album | None:
    return Track.objects.select_related("album").get(pk=track.pk).album
