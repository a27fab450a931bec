"""The engine's global switches: pause everything, resume, concurrency."""

from __future__ import annotations

from downloads.models import EngineSettings
from downloads.services.errors import DownloadError
from downloads.services.transitions import wake_engine


def pause_all() -> EngineSettings:
    EngineSettings.load()
    EngineSettings.objects.filter(pk=1).update(paused=True)
    return EngineSettings.load()


def resume_all() -> EngineSettings:
    EngineSettings.load()
    EngineSettings.objects.filter(pk=1).update(paused=False)
    wake_engine()
    return EngineSettings.load()


def update_engine(
    *, paused: bool | None = None, max_concurrent: int | None = None
) -> EngineSettings:
    if max_concurrent is not None and not 1 <= max_concurrent <= 10:
        raise DownloadError("max_concurrent must be between 1 and 10")
    if paused is True:
        pause_all()
    elif paused is False:
        resume_all()
    if max_concurrent is not None:
        EngineSettings.load()
        EngineSettings.objects.filter(pk=1).update(max_concurrent=max_concurrent)
        wake_engine()
    return EngineSettings.load()
