"""Fixtures the library tests share (the minimal part of the import tests' `dirs`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Dirs:
    music: Path
    data: Path

    @property
    def recycle(self) -> Path:
        return self.data / "recycle"


@pytest.fixture
def dirs(settings, tmp_path: Path) -> Dirs:
    """The music dir (symlinks resolved, as library paths are stored) and a fresh data dir."""
    settings.DATA_DIR = tmp_path / "data"
    settings.SOULSPOT_RECYCLE_DIR = settings.DATA_DIR / "recycle"
    settings.SOULSPOT_PLAYLIST_DIR = settings.MUSIC_DIR
    settings.DATA_DIR.mkdir(parents=True)
    return Dirs(Path(settings.MUSIC_DIR).resolve(), settings.DATA_DIR)
