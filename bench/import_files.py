"""Benchmark helper: push generated "downloads" through the importer's file-handling steps.

    .venv/bin/python -m bench.import_files --count 200 --workdir /tmp/soulspot-bench

Times, per stage, what the importer does to each file without Django or a database:
read + verify, tag a staging copy, render the library path, and move it into the library.
The library ends up with exactly `count` files, or the run fails.
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fakes.audio import make_audio
from library.audio import verify_download
from library.naming import DEFAULT_TEMPLATES, NamingContext, choose_template, render_path, safe_join
from library.safe_files import safe_move
from library.tagging import TagSet, write_tags

FORMATS = ("flac", "mp3", "opus", "m4a")
DISTINCT_SOURCES = 4  # per format; copies of these keep generation fast for big counts


def make_downloads(folder: Path, count: int, *, seconds: float = 5.0) -> list[Path]:
    """`count` real audio files in `folder`, cycling through FORMATS."""
    sources = folder / "_sources"
    templates = {
        (ext, seed): make_audio(sources / f"{seed}.{ext}", seconds=seconds, seed=seed)
        for ext in FORMATS
        for seed in range(DISTINCT_SOURCES)
    }
    files = []
    for index in range(count):
        key = (FORMATS[index % len(FORMATS)], index % DISTINCT_SOURCES)
        files.append(Path(shutil.copy(templates[key], folder / f"download-{index:05d}.{key[0]}")))
    return files


def context_for(index: int, path: Path) -> NamingContext:
    """A plausible album layout: 10 tracks per album, 5 albums per artist."""
    album = index // 10
    return NamingContext(
        artist_name=f"Artist {album // 5}",
        album_title=f"Album {album}",
        release_year=1990 + album % 30,
        track_title=f"Track title {index}",
        track_number=index % 10 + 1,
        extension=path.suffix,
    )


def import_one(index: int, path: Path, staging: Path, library: Path, timer: Timer) -> Path:
    """The importer's file steps for one download; returns its path in the library."""
    with timer("verify"):
        result = verify_download(path, expected_duration_ms=None)
        if not result.ok:
            raise RuntimeError(f"{path}: {result.reason}")
    ctx = context_for(index, path)
    with timer("tag"):
        staged = Path(shutil.copy(path, staging / path.name))  # never tag the download itself
        tags = TagSet(title=ctx.track_title, artist=ctx.artist_name, album=ctx.album_title)
        write_tags(staged, tags)
    with timer("render_path"):
        template = choose_template(DEFAULT_TEMPLATES, ctx)
        dest = safe_join(library, render_path(template, ctx))
    with timer("move"):
        return safe_move(staged, dest)


class Timer:
    """Accumulates wall time per stage name."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.totals[stage] += time.perf_counter() - start


def run(count: int, workdir: Path, progress: Callable[[str], None] = print) -> dict[str, float]:
    """Generate `count` downloads under `workdir`, import them, return seconds per stage."""
    downloads, staging, library = workdir / "downloads", workdir / "staging", workdir / "music"
    for folder in (downloads, staging, library):
        folder.mkdir(parents=True, exist_ok=True)
    progress(f"generating {count} files in {downloads} ...")
    files = make_downloads(downloads, count)
    timer = Timer()
    for index, path in enumerate(files):
        import_one(index, path, staging, library, timer)
    imported = sum(1 for p in library.rglob("*") if p.is_file())
    if imported != count:
        raise RuntimeError(f"expected {count} files in the library, found {imported}")
    return dict(timer.totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--workdir", type=Path, required=True, help="must not exist yet")
    args = parser.parse_args()
    if args.workdir.exists():
        parser.error(f"{args.workdir} exists; pick a fresh directory")
    totals = run(args.count, args.workdir)
    for stage, seconds in totals.items():
        print(f"{stage:12} {seconds:8.3f} s  {1000 * seconds / args.count:7.2f} ms/file")
    print(f"{'total':12} {sum(totals.values()):8.3f} s")


if __name__ == "__main__":
    main()
