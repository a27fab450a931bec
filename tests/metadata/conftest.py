"""Fixtures for the import pipeline tests: folders, real audio files and metadata fakes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes.audio import make_audio
from fakes.metadata_services import FakeMetadataServices, MetadataCatalog
from tests.metadata.lastfm_support import fake_lastfm, world  # noqa: F401 (fixtures)
from tests.metadata.support import FORMATS, LENGTH_MS, PLAIN, SECONDS, SYNCED, Dirs


@pytest.fixture
def dirs(settings, tmp_path: Path) -> Dirs:
    settings.DATA_DIR = tmp_path / "data"
    settings.SLSKD_DOWNLOADS_DIR = tmp_path / "downloads"
    settings.SOULSPOT_IMPORT_DIRS = [tmp_path / "downloads", tmp_path / "data" / "import"]
    settings.SOULSPOT_QUARANTINE_DIR = settings.DATA_DIR / "quarantine"
    settings.SOULSPOT_RECYCLE_DIR = settings.DATA_DIR / "recycle"
    settings.SOULSPOT_STAGING_DIR = Path(settings.MUSIC_DIR).resolve() / ".soulspot-staging"
    settings.SOULSPOT_PLAYLIST_DIR = settings.MUSIC_DIR
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
