"""What a scan makes of a folder: files found, catalogued per format, broken with reasons, ignored.

    .venv/bin/python -m bench.scan_formats ../shared/corpus/real-audio [--database-url URL]

Copies the folder into a temporary music folder, scans it into a throw-away library (SQLite, or
the PostgreSQL database given) and prints: files on disk, TrackFile rows (healthy/broken),
scan problems, rows per format, how many tracks got their artist from tags rather than the
path, every broken file with its reason and every file that was not catalogued (what the walk
skipped as not audio). Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="soulspot-scan-formats-"))
    music = work / "music"
    shutil.copytree(args.folder, music)
    os.environ.update(
        SOULSPOT_DATA_DIR=str(work / "data"),
        SOULSPOT_MUSIC_DIR=str(music),
        DJANGO_SETTINGS_MODULE="soulspot.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    (work / "data").mkdir()
    import django

    django.setup()
    from django.core.management import call_command

    from library import services
    from library.models import ScanProblem, TrackFile

    call_command("migrate", verbosity=0)
    scan = services.start_scan(background=False)
    status = services.run_scan(scan.pk)
    rows = TrackFile.objects.select_related("track__artist")
    on_disk = sorted(p for p in music.rglob("*") if p.is_file())
    broken = rows.filter(is_broken=True)
    print(f"scan: {status}")
    print(f"files on disk: {len(on_disk)}")
    total, bad = rows.count(), broken.count()
    print(f"catalogued: {total} (healthy {total - bad}, broken {bad})")
    print(f"scan problems: {ScanProblem.objects.count()}")
    formats = Counter(rows.filter(is_broken=False).values_list("format", flat=True))
    print("healthy per format:", ", ".join(f"{k} {v}" for k, v in formats.most_common()))
    unknown = rows.filter(track__artist__name="Unknown Artist").count()
    print(f"tracks named from their path (Unknown Artist): {unknown}")
    for path, reason in broken.order_by("path").values_list("path", "broken_reason"):
        print(f"  broken  {Path(path).relative_to(music)}: {reason}")
    broken_paths = set(broken.values_list("path", flat=True))
    for problem in ScanProblem.objects.exclude(path__in=broken_paths).order_by("path"):
        print(f"  problem {problem.path}: {problem.detail}")
    catalogued = set(rows.values_list("path", flat=True))
    for path in on_disk:
        if str(path) not in catalogued:
            print(f"  ignored {path.relative_to(music)} ({path.stat().st_size} bytes)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
