"""Benchmark of the library scanner, from the repository root:

    .venv/bin/python bench/scan.py [--files 2000] [--catalogued 100000] [--skip-beets]

Prints, side by side, in one run:
1. A full scan of a generated 2,000-file library (FLAC, MP3, Ogg, Opus and AAC, with planted
   duplicates and broken files) by SoulSpot on all cores and on one, by a plain single-process
   mutagen + hashlib loop, and by `beet import -A` (beets from PyPI in a throwaway venv under
   .bench/, autotagging off). All files are read once before timing, so every contender runs on
   a warm page cache: this compares the work done, not the disk.
2. A rescan of 100,000 catalogued files where nothing changed. The files are tiny real MP3s,
   each with its own tags, catalogued by a real SoulSpot scan the first time (then cached).
3. Response times and query counts of list endpoints, pages and admin changelists at 100,000
   tracks (in-process Django test client: middleware, auth, ORM and JSON all included).

Libraries and databases are cached under .bench/scan/ (gitignored), so reruns are fast. Each
part runs in its own process, with its own SOULSPOT_DATA_DIR and SOULSPOT_MUSIC_DIR.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH = ROOT / ".bench" / "scan"
FORMATS = ("flac", "mp3", "ogg", "opus", "m4a")
ENCODERS = {
    "flac": ["-c:a", "flac"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "256k"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "6"],
    "opus": ["-c:a", "libopus", "-b:a", "160k"],
    "m4a": ["-c:a", "aac", "-b:a", "256k"],
}
LIBRARY_VERSION = "3"  # bump when the generated library changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="files in the full-scan library")
    parser.add_argument("--catalogued", type=int, default=100_000, help="files for the rescan")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each song")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each contender")
    parser.add_argument("--skip-beets", action="store_true")
    parser.add_argument("--part", choices=["full", "rescan"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        setup_django(
            BENCH / (f"full-{args.files}" if args.part == "full" else f"rescan-{args.catalogued}")
        )
        result = full_part(args) if args.part == "full" else rescan_part(args)
        print(json.dumps(result))
        return
    report({part: run_part(part) for part in ("full", "rescan")}, args)


def run_part(part: str) -> dict:
    """One part in a fresh process; its progress goes to stderr, its figures come back as JSON."""
    argv = [a for a in sys.argv[1:] if not a.startswith("--part")]
    done = subprocess.run(
        [sys.executable, __file__, "--part", part, *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def setup_django(home: Path) -> None:
    (home / "data").mkdir(parents=True, exist_ok=True)
    (home / "music").mkdir(parents=True, exist_ok=True)
    for name in ("DATABASE_URL", "SOULSPOT_DATABASE_NAME", "SOULSPOT_API_KEY"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="soulspot.settings",
        SOULSPOT_DATA_DIR=str(home / "data"),
        SOULSPOT_MUSIC_DIR=str(home / "music"),
        SOULSPOT_METADATA_PROVIDERS="false",
        SOULSPOT_LOG_LEVEL="WARNING",
        SOULSPOT_DEBUG="false",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


# --- part 1: full scan of a generated library ---------------------------------------------------


def full_part(args: argparse.Namespace) -> dict:
    from django.conf import settings

    music = Path(settings.MUSIC_DIR)
    plan = generate_library(music, args.files, args.seconds)
    files = sorted(str(p) for p in music.rglob("*") if p.is_file())
    warm = sum(len(Path(f).read_bytes()) for f in files)  # the same warm cache for everyone
    say(f"library ready: {len(files)} files, {warm / 1e9:.2f} GB")
    cores = os.cpu_count() or 1
    result: dict[str, Any] = {
        "files": len(files),
        "bytes": warm,
        "cores": cores,
        "load": os.getloadavg()[0],
    }
    contenders = {
        "plain": lambda: plain_loop(files),
        f"soulspot_{cores}": lambda: soulspot_full_scan(cores),
        "soulspot_1": lambda: soulspot_full_scan(1),
    }
    for round_ in range(args.rounds):  # interleaved, so a busy moment hits everyone alike
        for name, work in contenders.items():
            if name.startswith("soulspot"):
                empty_catalogue()  # setup, not timed: every SoulSpot run is a first scan
            seconds, outcome = timed(work)
            result.setdefault(name, []).append(seconds)
            if name.startswith("soulspot"):
                result["found"] = outcome
            say(f"round {round_ + 1}: {name} {seconds:.2f} s")
    result["planted"] = plan
    result["beets"] = None if args.skip_beets else beets_import(music)
    return result


def generate_library(music: Path, count: int, seconds: float) -> dict:
    """Songs copied from a few encodes and re-tagged (distinct bytes), plus planted trouble."""
    marker = music.parent / "library.json"  # outside the library: not a file to scan
    expected = f"{LIBRARY_VERSION}:{count}:{seconds}"
    if marker.exists() and marker.read_text().split("\n")[0] == expected:
        return json.loads(marker.read_text().split("\n", 1)[1])
    shutil.rmtree(music, ignore_errors=True)
    music.mkdir(parents=True)
    sources = encode_sources(music.parent / "sources", seconds)
    exact, same, broken = count // 20, count // 40, count // 40
    unique = count - exact - same - broken
    say(
        f"generating {count} files ({unique} songs, {exact} exact copies, {same} other-format "
        f"copies, {broken} broken)…"
    )
    songs = [write_song(music, sources, n) for n in range(unique)]
    for n in range(exact):
        shutil.copyfile(songs[n], songs[n].with_name(songs[n].stem + " (1)" + songs[n].suffix))
    for n in range(exact, exact + same):
        write_song(music, sources, n, fmt=FORMATS[(n + 1) % len(FORMATS)])
    for n in range(broken):
        plant_broken(music, sources, n)
    plan = {"duplicate_groups": exact + same, "broken": broken}
    marker.write_text(f"{expected}\n{json.dumps(plan)}")
    return plan


def encode_sources(folder: Path, seconds: float) -> dict[str, list[Path]]:
    """Four encodes per format: a tone under noise, so FLAC sizes look like real music."""
    folder.mkdir(parents=True, exist_ok=True)
    sources: dict[str, list[Path]] = {}
    for fmt in FORMATS:
        for seed in range(4):
            path = folder / f"{seed}-{seconds}.{fmt}"
            if not path.exists():
                tone = f"sine=f={220 + 110 * seed}:d={seconds},volume=0.3[a]"
                noise = f"anoisesrc=d={seconds}:a=0.08:seed={seed}[b]"
                lavfi = f"{tone};{noise};[a][b]amix=inputs=2"
                subprocess.run(
                    [
                        "ffmpeg",
                        "-nostdin",
                        "-loglevel",
                        "error",
                        "-y",
                        "-f",
                        "lavfi",
                        "-i",
                        lavfi,
                        "-ac",
                        "2",
                        "-ar",
                        "48000" if fmt == "opus" else "44100",
                        *ENCODERS[fmt],
                        str(path),
                    ],
                    check=True,
                )
            sources.setdefault(fmt, []).append(path)
    return sources


def write_song(music: Path, sources: dict, n: int, fmt: str | None = None) -> Path:
    from library.tagging import TagSet, write_tags

    fmt = fmt or FORMATS[n % len(FORMATS)]
    artist, album, number = f"Artist {n // 50:03d}", f"Album {n // 10:04d}", n % 10 + 1
    path = music / artist / album / f"{number:02d} - Song {n:05d}.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sources[fmt][n % 4], path)
    tags = TagSet(title=f"Song {n:05d}", artist=artist, album=album, track_number=number)
    write_tags(path, tags)
    return path


def plant_broken(music: Path, sources: dict, n: int) -> None:
    folder = music / "Broken"
    folder.mkdir(exist_ok=True)
    kind = n % 3
    if kind == 0:  # cut short, as an interrupted download
        source = sources[FORMATS[n % len(FORMATS)]][0]
        data = source.read_bytes()
        (folder / f"cut-{n}{source.suffix}").write_bytes(data[: len(data) // 2])
    elif kind == 1:
        (folder / f"empty-{n}.{'mp3' if n % 2 else 'flac'}").write_bytes(b"")
    else:
        noise = random.Random(n).randbytes(200_000)
        (folder / f"noise-{n}.{'flac' if n % 2 else 'mp3'}").write_bytes(noise)


def plain_loop(files: list[str]) -> int:
    """What a simple scanner does: one process, mutagen for tags, hashlib for the hash."""
    import mutagen

    read = 0
    for path in files:
        with contextlib.suppress(Exception):  # broken files count too: the loop moves on
            mutagen.File(path)
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1024 * 1024):
                digest.update(chunk)
        read += 1
    return read


def empty_catalogue() -> None:
    from library.models import Album, Artist, DuplicateGroup, Track, TrackFile

    for model in (TrackFile, DuplicateGroup, Track, Album, Artist):
        model.objects.all().delete()


def soulspot_full_scan(workers: int) -> dict:
    from django.conf import settings

    from library import services

    settings.SOULSPOT_SCAN_WORKERS = workers
    scan = services.start_scan(full=True, background=False, requested_by="bench")
    services.run_scan(scan.pk)
    scan.refresh_from_db()
    return {
        "files": scan.files_total,
        "broken": scan.broken_total,
        "duplicate_groups": scan.duplicate_groups,
        "status": scan.status,
    }


def beets_import(music: Path) -> dict:
    """`beet import -A` (no autotagging, files left in place) in a throwaway venv."""
    beet = shutil.which("beet") or str(BENCH / "beets-venv" / "bin" / "beet")
    if not Path(beet).exists():
        say("installing beets from PyPI into .bench/scan/beets-venv …")
        venv = BENCH / "beets-venv"
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", "beets"],
                check=True,
                timeout=600,
                capture_output=True,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            shutil.rmtree(venv, ignore_errors=True)
            return {"error": f"beets could not be installed ({exc})"}
    home = BENCH / "beets-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    (home / "config.yaml").write_text(
        f"directory: {music}\nlibrary: {home / 'library.db'}\nplugins: []\n"
        "import:\n  copy: no\n  move: no\n  write: no\n  autotag: no\n  log: null\n"
    )
    env = {**os.environ, "BEETSDIR": str(home)}
    seconds, done = timed(
        lambda: subprocess.run(
            [beet, "import", "-A", "-q", str(music)],
            env=env,
            capture_output=True,
            text=True,
        )
    )
    if done.returncode:
        return {"error": f"beet import failed: {done.stderr.strip()[-300:]}"}
    items = subprocess.run([beet, "ls", "-f", "x"], env=env, capture_output=True, text=True)
    version = subprocess.run([beet, "version"], env=env, capture_output=True, text=True)
    return {
        "seconds": seconds,
        "items": len(items.stdout.splitlines()),
        "version": version.stdout.split("\n")[0],
    }


# --- parts 2 and 3: rescan of a large catalogue, and list response times -----------------------


def rescan_part(args: argparse.Namespace) -> dict:
    from django.conf import settings

    from library import services
    from library.models import LibraryScan

    music = Path(settings.MUSIC_DIR)
    count = generate_catalogue_files(music, args.catalogued)
    if not LibraryScan.objects.filter(status="completed", files_total=count).exists():
        say(f"cataloguing {count} files with a first SoulSpot scan (once; cached)…")
        seconds, _ = timed(lambda: services.run_scan(services.start_scan(background=False).pk))
        say(f"first scan: {seconds:.1f} s")
    sum(1 for _ in music.rglob("*.mp3"))  # warm the directory and inode caches
    runs = []
    for _ in range(3):
        scan = services.start_scan(background=False, requested_by="bench")
        seconds, _ = timed(lambda s=scan: services.run_scan(s.pk))
        scan.refresh_from_db()
        runs.append(seconds)
        say(
            f"no-change rescan: {seconds:.2f} s (new {scan.files_new}, "
            f"changed {scan.files_changed}, removed {scan.files_removed})"
        )
    return {"files": count, "rescan": runs, "checks": list_timings(), "load": os.getloadavg()[0]}


def generate_catalogue_files(music: Path, count: int) -> int:
    """`count` tiny MP3s (0.3 s, 32 kbps), each with its own ID3 tag, 10 per album."""
    marker = music.parent / "library.json"
    if marker.exists() and marker.read_text() == f"{LIBRARY_VERSION}:{count}":
        return count
    shutil.rmtree(music, ignore_errors=True)
    say(f"writing {count} tiny MP3 files (once; cached)…")
    frames = tiny_mp3(music.parent / "tiny.mp3")
    for n in range(count):
        artist, album = f"Artist {n // 50:05d}", f"Album {n // 10:05d}"
        folder = music / artist / album
        if n % 10 == 0:
            folder.mkdir(parents=True)
        tag = id3({"TIT2": f"Track {n}", "TPE1": artist, "TALB": album, "TRCK": str(n % 10 + 1)})
        (folder / f"{n % 10 + 1:02d} - Track {n}.mp3").write_bytes(tag + frames)
    marker.write_text(f"{LIBRARY_VERSION}:{count}")
    return count


def tiny_mp3(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=f=440:d=0.3",
            "-ac",
            "1",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "32k",
            "-id3v2_version",
            "0",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


def id3(frames: dict[str, str]) -> bytes:
    """A minimal ID3v2.4 tag with UTF-8 text frames."""

    def syncsafe(n: int) -> bytes:
        return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])

    body = b""
    for frame_id, text in frames.items():
        data = b"\x03" + text.encode()
        body += frame_id.encode() + syncsafe(len(data)) + b"\0\0" + data
    return b"ID3\x04\0\0" + syncsafe(len(body)) + body


def list_timings() -> list[dict]:
    """Median of 5 requests (after one warm-up) and the query count of each list."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import ApiKey

    user = get_user_model().objects.filter(username="bench").first()
    user = user or get_user_model().objects.create_superuser("bench", password="bench-password")
    api = Client(headers={"X-API-Key": ApiKey.generate("bench")[1]})
    web = Client()
    web.force_login(user)
    urls = [
        (api, "/api/library/tracks"),
        (api, "/api/library/tracks?q=Track%2099999"),
        (api, "/api/library/tracks?format=mp3&broken=false"),
        (api, "/api/library/albums"),
        (api, "/api/library/artists"),
        (api, "/api/library/duplicates"),
        (api, "/api/library/broken-files"),
        (api, "/api/library/scans"),
        (api, "/api/library/albums/incomplete"),
        (api, "/api/library/stats"),
        (web, "/library/"),
        (web, "/library/?q=Track%2099999"),
        (web, "/library/broken/"),
        (web, "/admin/library/track/"),
        (web, "/admin/library/track/?file_format=mp3"),
        (web, "/admin/library/trackfile/"),
        (web, "/admin/library/trackfile/?q=Track%2012345"),
        (web, "/admin/library/album/"),
        (web, "/admin/library/artist/"),
        (web, "/admin/library/duplicategroup/"),
        (web, "/admin/library/libraryscan/"),
    ]
    results = []
    for client, url in urls:
        assert client.get(url).status_code == 200, url
        times, cpu = [], []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.process_time()
                seconds, response = timed(lambda c=client, u=url: c.get(u))
                cpu.append(time.process_time() - started)
            assert response.status_code == 200, url
            times.append(seconds)
        results.append(
            {
                "url": url,
                "ms": 1000 * statistics.median(times),
                "cpu_ms": 1000 * statistics.median(cpu),
                "queries": len(queries.captured_queries),
            }
        )
    return results


# --- report -------------------------------------------------------------------------------------


def report(results: dict, args: argparse.Namespace) -> None:
    full, rescan = results["full"], results["rescan"]
    files, cores = full["files"], full["cores"]
    rows = [
        (f"SoulSpot full scan ({cores} processes)", full[f"soulspot_{cores}"]),
        ("SoulSpot full scan (1 process)", full["soulspot_1"]),
        ("plain mutagen + hashlib loop (1 process)", full["plain"]),
    ]
    beets = full["beets"]
    if beets and "seconds" in beets:
        rows.append((f"beet import -A ({beets['version']}, no hashing)", [beets["seconds"]]))
    size = full["bytes"] / 1e9
    print(
        f"\nFull scan of {files} files ({size:.2f} GB; flac/mp3/ogg/opus/m4a), {cores} cores, "
        f"warm page cache, load average {full['load']:.1f} at the start"
    )
    print(f"  {'':48} {'best s':>7} {'median s':>9} {'files/s':>8}")
    for label, runs in rows:
        best = min(runs)
        print(f"  {label:48} {best:7.2f} {statistics.median(runs):9.2f} {files / best:8.0f}")
    if not beets:
        print("  beet import -A: skipped (--skip-beets)")
    elif "error" in beets:
        print(f"  beet import -A: not measured: {beets['error']}")
    else:
        print(f"  (beets imported {beets['items']} items, once; it does not hash files)")
    found, planted = full["found"], full["planted"]
    exact = all(found[key] == planted[key] for key in ("broken", "duplicate_groups"))
    print(
        f"  found {found['broken']} broken files and {found['duplicate_groups']} duplicate "
        f"groups; planted {planted['broken']} and {planted['duplicate_groups']}: "
        f"{'exact' if exact else 'MISMATCH'}"
    )
    runs = rescan["rescan"]
    print(
        f"\nNo-change rescan of {rescan['files']:,} catalogued files (tiny real MP3s): "
        f"median {statistics.median(runs):.2f} s, best {min(runs):.2f} s "
        "(target < 10 s)"
    )
    print(
        f"\nLists at {rescan['files']:,} tracks (median of 5 requests, in-process client, "
        f"target < 200 ms; load average {rescan['load']:.1f})"
    )
    print(f"  {'':52} {'wall':>9} {'CPU':>9} {'queries':>8}")
    for check in rescan["checks"]:
        print(
            f"  {check['url']:52} {check['ms']:6.1f} ms {check['cpu_ms']:6.1f} ms "
            f"{check['queries']:8d}"
        )


if __name__ == "__main__":
    main()
