"""Files another part of SoulSpot is still working on, which a folder import must leave alone.

A folder import of slskd's downloads folder would otherwise race the download engine: a file
a live job is downloading (or about to import) would be taken as "Unknown Artist" and the job
would then fail with its file gone. `metadata` may not import `downloads` (see the app import
direction), so the engine registers a provider here when Django starts (`downloads.apps`) and
the importer asks the registry, never the engine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

# A provider returns {path: who holds it}, e.g. {downloads/Album/01.flac: "live download job 7"};
# a folder path reserves everything below it.
Provider = Callable[[], dict[Path, str]]
REFRESH_SECONDS = 2.0  # a long import asks again this often: jobs start while it runs

_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider (idempotent: `AppConfig.ready` may run more than once)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def reserved_paths() -> dict[Path, str]:
    """Every reserved file or folder, symlinks resolved, with who holds it."""
    reserved: dict[Path, str] = {}
    for provider in _providers:
        for path, holder in provider().items():
            reserved.setdefault(Path(os.path.realpath(path)), holder)
    return reserved


class Reservations:
    """The reserved paths as a long import sees them: asked again every few seconds."""

    def __init__(self) -> None:
        self._paths: dict[Path, str] = {}
        self._asked_at = float("-inf")

    def holder(self, path: Path) -> str | None:
        """Who holds `path` (or a folder above it), or None when it is free to import."""
        if time.monotonic() - self._asked_at >= REFRESH_SECONDS:
            self._paths, self._asked_at = reserved_paths(), time.monotonic()
        if not self._paths:
            return None
        real = Path(os.path.realpath(path))  # no RuntimeError on a symlink loop
        for candidate in (real, *real.parents):
            if candidate in self._paths:
                return self._paths[candidate]
        return None
