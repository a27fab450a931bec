"""Benchmark of importing a pasted/CSV list as a playlist of wants (the Lists page and
`POST /api/lists`): a generic CSV of N new tracks into an empty SQLite library, then the same
list again (nothing new: every track is found by name).

Run from the repository root:

    .venv/bin/python bench/list_import.py [--rows 10000]

Searches are not queued (SOULSPOT_SEARCH_NEW_WANTS=false): only finding or creating the
tracks, the playlist and the want reasons are timed. A fresh data dir and database are made
and migrated first, untimed.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="soulspot-bench-lists-"))
    try:
        _setup_django(workdir)
        from automation.lists.services import import_list

        text = _csv(args.rows)
        for label in ("first import (all new)", "same list again"):
            started = time.perf_counter()
            result = import_list("bench", text)
            elapsed = time.perf_counter() - started
            print(
                f"{label}: {args.rows} rows in {elapsed:.1f} s "
                f"({args.rows / elapsed:.0f} rows/s, {result.newly_wanted} newly wanted)",
                flush=True,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _csv(rows: int) -> str:
    lines = ["artist,title,album,duration,isrc"]
    lines += [
        f"Artist {n % 700},Song {n},Album {n % 900},{180 + n % 120},GBBEN{n:07d}"
        for n in range(rows)
    ]
    return "\n".join(lines)


def _setup_django(workdir: Path) -> None:
    os.environ.update(
        {
            "SOULSPOT_DATA_DIR": str(workdir / "data"),
            "SOULSPOT_MUSIC_DIR": str(workdir / "music"),
            "SOULSPOT_METADATA_PROVIDERS": "false",
            "SOULSPOT_SEARCH_NEW_WANTS": "false",
            "SOULSPOT_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "soulspot.settings",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


if __name__ == "__main__":
    main()
