"""Benchmark of the import pipeline: 1,000 generated files tagged and moved into a library
through the real import service (database included), metadata providers switched off.

Run from the repository root:

    .venv/bin/python bench/import.py [--count 1000] [--mode folder|downloads] [--runs 1]

`folder` imports one folder like `manage.py import` (identify by tags, create the catalogue,
name, tag, move, record); `downloads` imports one DownloadJob per file like the download
engine's handoff. Input files (real FLAC/MP3/Opus/M4A made by ffmpeg, tagged) are generated
once and cached under .bench/; each run copies them to a fresh folder and migrates a fresh
SQLite database, none of which is timed. Only the import is timed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CACHE = REPO / ".bench" / "import-inputs"
INPUT_VERSION = 1  # bump when the generated inputs change


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--mode", choices=["folder", "downloads"], default="folder")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    args = parser.parse_args()
    inputs = cached_inputs(args.count)
    rates = [run_once(inputs, args.count, args.mode, args.profile) for _ in range(args.runs)]
    best = max(rates)
    print(f"best of {args.runs}: {best:.0f} files/s ({args.count} files, mode {args.mode})")


def cached_inputs(count: int) -> Path:
    """Tagged audio files for `count` tracks, generated on the first run only."""
    folder = CACHE / f"v{INPUT_VERSION}-{count}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    print(f"generating {count} input files in {folder} (once; not timed) ...", flush=True)
    from bench.import_files import context_for, make_downloads
    from library.tagging import TagSet, write_tags

    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for index, path in enumerate(make_downloads(staging, count)):
        ctx = context_for(index, path)
        relative = Path(f"{ctx.artist_name} - {ctx.album_title}") / path.name
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        path.rename(staging / relative)
        write_tags(
            staging / relative,
            TagSet(
                title=ctx.track_title,
                artist=ctx.artist_name,
                album=ctx.album_title,
                track_number=ctx.track_number,
                date=str(ctx.release_year),
                genre="Benchmark",
            ),
        )
    shutil.rmtree(staging / "_sources")
    staging.rename(folder)
    marker.touch()
    return folder


def run_once(inputs: Path, count: int, mode: str, profile: bool) -> float:
    workdir = Path(tempfile.mkdtemp(prefix="soulspot-bench-import-"))
    try:
        downloads = workdir / "downloads"
        shutil.copytree(inputs, downloads, ignore=shutil.ignore_patterns(".complete"))
        _setup_django(workdir, downloads)
        prepare = _prepare_downloads if mode == "downloads" else _prepare_folder
        work = prepare(downloads)
        started = time.perf_counter()
        if profile:
            _profiled(work)
        else:
            work()
        elapsed = time.perf_counter() - started
        _check(workdir / "music", count)
        rate = count / elapsed
        print(f"imported {count} files in {elapsed:.2f} s: {rate:.0f} files/s", flush=True)
        return rate
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _setup_django(workdir: Path, downloads: Path) -> None:
    """A fresh data dir, library and database for this run (environment set before setup)."""
    os.environ.update(
        {
            "SOULSPOT_DATA_DIR": str(workdir / "data"),
            "SOULSPOT_MUSIC_DIR": str(workdir / "music"),
            "SLSKD_DOWNLOADS_DIR": str(downloads),
            "SOULSPOT_METADATA_PROVIDERS": "false",
            "SOULSPOT_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "soulspot.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.conf import settings

    if not settings.configured or not hasattr(_setup_django, "done"):
        django.setup()
        _setup_django.done = True  # type: ignore[attr-defined]
    else:  # a later run in the same process: point the settings at the fresh folders
        _repoint(workdir, downloads)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _repoint(workdir: Path, downloads: Path) -> None:
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATA_DIR = workdir / "data"
    settings.MUSIC_DIR = workdir / "music"
    settings.SLSKD_DOWNLOADS_DIR = downloads
    # The folders that default to places inside the data and music dirs follow them.
    settings.SOULSPOT_RECYCLE_DIR = settings.DATA_DIR / "recycle"
    settings.SOULSPOT_QUARANTINE_DIR = settings.DATA_DIR / "quarantine"
    settings.SOULSPOT_STAGING_DIR = settings.MUSIC_DIR.resolve() / ".soulspot-staging"
    settings.SOULSPOT_PLAYLIST_DIR = settings.MUSIC_DIR
    for folder in (settings.DATA_DIR, settings.MUSIC_DIR):
        folder.mkdir(parents=True, exist_ok=True)
    settings.DATABASES["default"]["NAME"] = settings.DATA_DIR / "soulspot.sqlite3"
    connections["default"].settings_dict["NAME"] = settings.DATABASES["default"]["NAME"]


def _prepare_folder(downloads: Path):
    from metadata import services

    def work() -> None:
        batch = services.import_folder_now(str(downloads))
        if batch.imported != batch.total:
            problems = list(batch.items.problems().values_list("reason", flat=True)[:5])
            raise RuntimeError(f"only {batch.imported} of {batch.total} imported: {problems}")

    return work


def _prepare_downloads(downloads: Path):
    """One wanted track and one `importing` job per file, as the engine hands them over."""
    from downloads.models import Candidate, DownloadJob
    from library import catalog
    from library.models import Track
    from library.tagging import read_tags
    from metadata import services

    job_ids = []
    for path in sorted(p for p in downloads.rglob("*") if p.is_file()):
        tags = read_tags(path)
        track = catalog.find_or_create_track(artist=tags.artist, title=tags.title)
        Track.objects.filter(pk=track.pk).update(status=Track.Status.WANTED)
        job = DownloadJob.objects.create(
            track=track, status=DownloadJob.Status.IMPORTING, local_path=str(path)
        )
        candidate = Candidate.objects.create(
            job=job, username="peer", filename=path.name, size=path.stat().st_size
        )
        DownloadJob.objects.filter(pk=job.pk).update(candidate=candidate)
        job_ids.append(job.pk)

    def work() -> None:
        for job_id in job_ids:
            services.import_download(job_id)

    return work


def _profiled(work) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(work)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def _check(music: Path, count: int) -> None:
    from library.models import TrackFile

    files = [p for p in music.rglob("*") if p.is_file() and not p.name.startswith(".")]
    audio = [p for p in files if p.suffix in {".flac", ".mp3", ".opus", ".m4a"}]
    if len(audio) != count or TrackFile.objects.count() != count:
        raise RuntimeError(f"expected {count} files, found {len(audio)} on disk")


if __name__ == "__main__":
    main()
