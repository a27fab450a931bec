"""Builders shared by the import pipeline tests (their fixtures live in conftest.py)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from downloads.models import DownloadJob
from library.models import Track
from library.tagging import TagSet, write_tags
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
