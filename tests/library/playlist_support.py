"""What the playlist tests share: the playlist folder, owned tracks with real files, and running
what the code under test scheduled for after its commit (tests never commit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from library.models import Track
from tests.factories import TrackFileFactory


@pytest.fixture
def music(settings) -> Path:
    """The music dir, where playlists are written too (symlinks resolved, as paths are stored)."""
    settings.SOULSPOT_PLAYLIST_DIR = settings.MUSIC_DIR
    return Path(settings.MUSIC_DIR).resolve()


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable:
    """`with committed(): ...` runs what the block scheduled for after its commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def commit(django_capture_on_commit_callbacks) -> Callable:
    """`commit(function, *args)` calls it and runs what it scheduled for after its commit."""

    def run(function: Callable, *args: object, **kwargs: object) -> object:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def with_file(track: Track, path: Path, **file: object) -> Track:
    """`track`, owned: a (one-byte) file at `path` and its TrackFile row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    TrackFileFactory(track=track, path=str(path), **file)
    return track
