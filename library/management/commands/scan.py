"""`manage.py scan [PATH] [--full] [--deep]`: scan the music folder here, with a progress bar."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import DatabaseError

from library import paths as library_paths
from library import services
from library.models import LibraryScan

PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Scan the music folder (or PATH inside it): read new and changed files, mark removed "
        "ones missing, find broken files and duplicates. An interrupted scan is resumed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", help="a folder inside the music folder")
        parser.add_argument("--full", action="store_true", help="re-read every file")
        parser.add_argument("--deep", action="store_true", help="also decode all audio (slow)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            LibraryScan.objects.exists()
        except DatabaseError as exc:
            # A fresh install: the tables do not exist yet, and a raw OperationalError or
            # ProgrammingError would not tell the user what to do.
            message = f"the database is not ready ({exc}): run `manage.py migrate` first"
            raise CommandError(message.replace("\n", " ")) from None
        scan = self._scan_to_run(options)
        bar = ProgressBar(self.stderr, enabled=not options["no_progress"])
        try:
            outcome = services.run_scan(scan.pk, progress=bar.update)
        except KeyboardInterrupt:
            message = f"interrupted: scan #{scan.pk} was cancelled"
            raise CommandError(message, returncode=130) from None
        finally:
            bar.close()
        if outcome == "skipped":
            raise CommandError(f"scan #{scan.pk} is being run by another process")
        scan.refresh_from_db()
        self.stdout.write(summary(scan))
        self._print_problems(scan)

    def _scan_to_run(self, options: dict[str, Any]) -> LibraryScan:
        try:
            return services.start_scan(
                options["path"],
                full=options["full"],
                deep=options["deep"],
                requested_by="command",
                background=False,
            )
        except services.ScanAlreadyRunning as exc:
            # Resume it if its runner died; otherwise run_scan reports that it is taken.
            self.stderr.write(f"{exc}; resuming it if it was interrupted")
            return exc.scan
        except services.ScanError as exc:
            raise CommandError(str(exc)) from None

    def _print_problems(self, scan: LibraryScan) -> None:
        problems = list(scan.problems.all()[:PROBLEMS_SHOWN])
        for problem in problems:
            self.stdout.write(f"  {problem.get_kind_display()}: {problem.path} — {problem.detail}")
        if scan.problem_count > len(problems):
            more = scan.problem_count - len(problems)
            self.stdout.write(f"  … and {more} more: see /library/scans/{scan.pk}/")


def summary(scan: LibraryScan) -> str:
    unchanged = (scan.files_total or 0) - scan.files_new - scan.files_changed
    status = scan.get_status_display().lower()
    return (
        f"Scan #{scan.pk} {status} in {scan.duration_seconds or 0:.1f} s: "
        f"{scan.files_total or 0} files ({unchanged} unchanged, {scan.files_new} new, "
        f"{scan.files_changed} changed, {scan.files_removed} removed, "
        f"{scan.files_broken} broken); {scan.problem_count} problems. "
        f"{_scope(scan)}: {scan.broken_total or 0} broken files"
        f"{', ' if _scope(scan) == 'Library' else '; library: '}"
        f"{scan.duplicate_groups or 0} duplicate groups."
    )


def _scope(scan: LibraryScan) -> str:
    """What `broken_total` counts: the whole library, or only the folder that was scanned
    (duplicate groups are always counted library-wide)."""
    music = library_paths.music_root()
    if scan.path in {"", music}:
        return "Library"
    return scan.path.removeprefix(music.rstrip("/") + "/")


class ProgressBar:
    """One self-rewriting line on a terminal; a line every few seconds otherwise."""

    WIDTH = 30

    def __init__(self, out: OutputWrapper, *, enabled: bool = True) -> None:
        self.out = out
        self.enabled = enabled
        self.tty = out.isatty()
        self.started = time.monotonic()
        self.first_seen: int | None = None
        self.last_line = 0.0

    def update(self, scan: LibraryScan) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not self.tty and now - self.last_line < 5 and scan.phase != scan.Phase.DONE:
            return
        self.last_line = now
        line = self.line(scan, now)
        text = f"\r{line}" if self.tty else line
        self.out.write(text, style_func=str, ending="" if self.tty else "\n")  # no error red
        self.out.flush()

    def line(self, scan: LibraryScan, now: float) -> str:
        total, seen = scan.files_total or 0, scan.files_seen
        if self.first_seen is None:
            self.first_seen = seen  # unchanged files are counted at once: rate only what is read
        elapsed = max(now - self.started, 1e-6)
        rate = (seen - self.first_seen) / elapsed
        fraction = seen / total if total else 1.0
        filled = int(self.WIDTH * fraction)
        eta = _clock((total - seen) / rate) if rate > 0 else "-:--"
        return (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {100 * fraction:5.1f}% "
            f"{seen}/{total} files  {rate:7.1f} files/s  ETA {eta}  "
            f"{scan.get_phase_display().lower():<30}"
        )

    def close(self) -> None:
        if self.enabled and self.tty:
            self.out.write("", style_func=str)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
