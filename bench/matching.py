"""Benchmark of the matcher: rank one want against 1k, 10k and 100k synthetic search results.

Run from the repository root:

    .venv/bin/python bench/matching.py [--sizes 1000 10000 100000] [--runs 5] [--profile]

The candidates imitate what a Soulseek search for "radiohead creep" returns: the real track in
many rips and formats, live/remix/karaoke versions, other artists' songs called "Creep", other
tracks from a "Creep" single folder, compilations, previews, sidecar files, and thousands of
peers with their own share roots, folder habits, slots and queues.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from downloads.matching import MatchContext, Want, files_from_responses, rank

WANT = Want(artist="Radiohead", title="Creep", album="Pablo Honey", duration_ms=238_640)
LENGTH = 239

ALBUM_FOLDERS = [
    "Radiohead\\Pablo Honey",
    "Radiohead\\1993 - Pablo Honey",
    "Radiohead - Pablo Honey (1993)",
    "Radiohead - Pablo Honey (1993) [FLAC]",
    "Radiohead\\Pablo Honey (2009 Collector's Edition)\\CD1",
    "Music\\Radiohead\\[1993] Pablo Honey {24-96}",
    "Radiohead - Discography\\1993 - Pablo Honey",
    "Radiohead\\Pablo Honey [320]",
]
GOOD_STEMS = [
    "02 - Creep",
    "02. Creep",
    "02 Creep",
    "Radiohead - Creep",
    "02 - Radiohead - Creep",
    "radiohead_-_creep",
    "Radiohead - Pablo Honey - 02 - Creep",
    "02 - Creep (Remastered)",
    "A2 Creep",
]
OTHER_FOLDERS = [
    ("Radiohead\\Creep (Single)", ["01 - Creep", "02 - Lewis (Mistreated)", "03 - Inside My Head"]),
    ("Radiohead\\Creep EP", ["01 - Creep", "02 - Yes I Am", "03 - Blow Out (Remix)"]),
    ("Radiohead\\Live at Reading 2009", ["07 - Creep", "08 - Paranoid Android"]),
    ("Radiohead\\Singles", ["Creep (Acoustic)", "Creep (Live)", "Creep (Instrumental)"]),
    ("Remixes\\Radiohead", ["Creep (DJ Foo Remix)", "Creep (Sped Up)", "Creep (Nightcore)"]),
    ("Karaoke Hits Vol 12", ["Creep (In the Style of Radiohead) [Karaoke Version]"]),
    ("Various Artists\\90s Alternative", ["07 - Radiohead - Creep", "08 - Radiohead - High & Dry"]),
    ("Radiohead\\The Best Of Radiohead", ["01 - Creep", "05 - Just"]),
]
DECOY_ARTISTS = [
    ("TLC", "CrazySexyCool", "04 - Creep"),
    ("Stone Temple Pilots", "Core", "08 - Creep"),
    ("Scala & Kolacny Brothers", "Dream On", "03 - Creep (Radiohead cover)"),
    ("Postmodern Jukebox", "Twist Is the New Twerk", "Creep"),
    ("Korn", "Live", "Creep (Radiohead Cover)"),
    ("Vitamin String Quartet", "Strung Out On OK Computer", "12 - Creep"),
]
SIDECARS = ["cover.jpg", "folder.jpg", "Radiohead - Creep.cue", "Creep.log", "info.nfo"]
FORMATS = [  # (weight, extension, stream attributes)
    (25, "flac", {"bitDepth": 16, "sampleRate": 44100}),
    (8, "flac", {"bitDepth": 24, "sampleRate": 96000}),
    (5, "flac", {}),
    (22, "mp3", {"bitRate": 320}),
    (4, "mp3", {"bitRate": 319}),
    (8, "mp3", {"bitRate": 245, "isVariableBitRate": True}),
    (6, "mp3", {"bitRate": 256}),
    (6, "mp3", {"bitRate": 192}),
    (6, "mp3", {"bitRate": 128}),
    (5, "mp3", {}),
    (3, "m4a", {"bitRate": 256}),
    (1, "ogg", {"bitRate": 320}),
    (1, "opus", {"bitRate": 160}),
]


def synthetic_responses(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """slskd `/responses` JSON holding about `count` files from count/4 peers."""
    rng = random.Random(seed)
    responses: list[dict[str, Any]] = []
    total = 0
    while total < count:
        files = _peer_files(rng, min(rng.randint(1, 7), count - total))
        total += len(files)
        responses.append(_response(rng, files))
    return responses


def _response(rng: random.Random, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "username": "".join(rng.choices(string.ascii_lowercase + string.digits, k=9)),
        "files": files,
        "fileCount": len(files),
        "hasFreeUploadSlot": rng.random() < 0.6,
        "queueLength": int(rng.expovariate(1 / 25)),
        "uploadSpeed": int(rng.lognormvariate(13, 1.2)),
        "lockedFiles": [],
        "token": 1,
    }


def _peer_files(rng: random.Random, count: int) -> list[dict[str, Any]]:
    root = "@@" + "".join(rng.choices(string.ascii_lowercase, k=5))
    if rng.random() < 0.3:
        root += "\\" + rng.choice(["Music", "Audio", "mp3", "FLAC", "share", "Musik"])
    return [_file(rng, root) for _ in range(count)]


def _file(rng: random.Random, root: str) -> dict[str, Any]:
    roll = rng.random()
    length = LENGTH + rng.choice([0, 0, 0, 1, -1, 2, 6, -40])
    if roll < 0.50:
        folder, stem = rng.choice(ALBUM_FOLDERS), rng.choice(GOOD_STEMS)
    elif roll < 0.75:
        folder, stems = rng.choice(OTHER_FOLDERS)
        stem = rng.choice(stems)
    elif roll < 0.85:
        artist, album, stem = rng.choice(DECOY_ARTISTS)
        folder = f"{artist}\\{album}"
    elif roll < 0.90:
        folder, stem, length = "Radiohead\\Previews", "Creep", 30
    else:
        return _sidecar(rng, root)
    if rng.random() < 0.2:  # a peer's own tag makes the folder unique
        folder += f" [{rng.randint(1, 9999)}]"
    weights, *_ = zip(*FORMATS, strict=True)
    _, ext, attributes = rng.choices(FORMATS, weights=weights)[0]
    entry = {"filename": f"{root}\\{folder}\\{stem}.{ext}", "size": rng.randint(10**6, 9 * 10**7)}
    entry.update(attributes, code=1, extension=ext if rng.random() < 0.7 else "", length=length)
    return entry


def _sidecar(rng: random.Random, root: str) -> dict[str, Any]:
    name = rng.choice(SIDECARS)
    return {"filename": f"{root}\\Radiohead\\Creep (Single)\\{name}", "size": 1234, "code": 1}


def _times_ms(func: Any, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    """Print one row per size: parse time, rank time, accepted count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the 10k run")
    args = parser.parse_args()
    ctx = MatchContext()
    header = f"{'files':>8} {'parse ms':>9} {'rank ms':>9} {'min ms':>8} {'us/file':>8}"
    print(f"{header} {'accepted':>9}   (median of {args.runs} runs, 3 at 100k)")
    for size in args.sizes:
        responses = synthetic_responses(size)
        files = files_from_responses(responses)
        runs = args.runs if size <= 10_000 else min(3, args.runs)
        parse_ms = statistics.median(_times_ms(lambda r=responses: files_from_responses(r), runs))
        rank_times = _times_ms(lambda f=files: rank(WANT, f, ctx), runs)
        rank_ms = statistics.median(rank_times)
        accepted = sum(1 for s in rank(WANT, files, ctx) if s.accepted)
        per_file = rank_ms * 1000 / len(files)
        row = f"{len(files):>8} {parse_ms:>9.1f} {rank_ms:>9.1f} {min(rank_times):>8.1f}"
        print(f"{row} {per_file:>8.2f} {accepted:>9}")
    if args.profile:
        _profile(ctx)


def _profile(ctx: MatchContext) -> None:
    import cProfile
    import pstats

    files = files_from_responses(synthetic_responses(10_000))
    profiler = cProfile.Profile()
    profiler.runcall(rank, WANT, files, ctx)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
