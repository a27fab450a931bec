"""Files another part of SoulSpot is still working on, which a folder import must leave alone.

A folder import of slskd's downloads folder would otherwise race the download engine: a file
a live job is downloading (or about to import) would be taken as "Unknown Artist" and the job
would then fail with its file gone. `metadata` may not import `downloads` (see the app import
direction), so the engine registers a provider here when Django starts (`downloads.apps`) and
the importer asks the registry, never the engine.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REFRESH_SECONDS = 2.0  # a long import asks again this often: jobs start while it runs
# slskd saves a second file of the same name as `<stem>_<DateTime.UtcNow.Ticks><ext>`.
_CLASH_RENAME = re.compile(r"(?P<stem>.*)_\d{15,20}(?P<ext>\.[^.]*)?")


@dataclass(frozen=True)
class Reservation:
    """`path` (a file, or a folder and all below it) belongs to `holder` ("live download job 7").

    With `by_name`, the file name `path.name` is reserved anywhere below `path.parent`, slskd's
    clash renames included: where exactly slskd puts a download depends on its version and
    options, which the importer cannot ask.
    """

    path: Path
    holder: str
    by_name: bool = False


Provider = Callable[[], Iterable[Reservation]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider (idempotent: `AppConfig.ready` may run more than once)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def reserved() -> list[Reservation]:
    """Every reservation, symlinks in their paths resolved."""
    found = []
    for provider in _providers:
        for one in provider():
            found.append(Reservation(_real(one.path), one.holder, one.by_name))
    return found


class Reservations:
    """The reservations as a long import sees them: asked again every few seconds."""

    def __init__(self) -> None:
        self._paths: dict[Path, str] = {}
        self._names: dict[str, list[tuple[Path, str]]] = {}
        self._asked_at = float("-inf")

    def holder(self, path: Path) -> str | None:
        """Who holds `path` (or a folder above it), or None when it is free to import."""
        if time.monotonic() - self._asked_at >= REFRESH_SECONDS:
            self._refresh()
        if not self._paths and not self._names:
            return None
        real = _real(path)
        for candidate in (real, *real.parents):
            if candidate in self._paths:
                return self._paths[candidate]
        clash = _CLASH_RENAME.fullmatch(real.name)
        names = {real.name, f"{clash['stem']}{clash['ext'] or ''}" if clash else real.name}
        for name in names:
            for folder, holder in self._names.get(name, []):
                if real.is_relative_to(folder):
                    return holder
        return None

    def _refresh(self) -> None:
        self._paths, self._names = {}, {}
        for one in reserved():
            if one.by_name:
                self._names.setdefault(one.path.name, []).append((one.path.parent, one.holder))
            else:
                self._paths.setdefault(one.path, one.holder)
        self._asked_at = time.monotonic()


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))  # not Path.resolve: no RuntimeError on a symlink loop
