"""`manage.py import PATH`: adopt a folder of music files into the library, inline."""

from __future__ import annotations

import shutil
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from metadata import services
from metadata.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Import the audio files under PATH into the library: match them to wants, tag, name "
        "and move them (or copy with --copy). Safe to run again; already imported files are "
        "skipped. Unlike the web page and the API, any folder is accepted (not only "
        "SOULSPOT_IMPORT_DIRS): whoever runs this at the server's shell can read it anyway. "
        "Symlinks are never followed and files of live download jobs are left alone."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="absolute path of a folder (or one file)")
        parser.add_argument(
            "--copy", action="store_true", help="leave the original files where they are"
        )
        parser.add_argument(
            "--deep",
            action="store_true",
            help="decode every file (ffmpeg, flac -t) first; files that do not decode are not "
            "imported and are listed as failed",
        )

    def handle(self, *args: object, path: str, copy: bool, deep: bool, **options: object) -> None:
        missing = [tool for tool in ("ffmpeg", "flac") if deep and not shutil.which(tool)]
        if missing:
            raise CommandError(f"--deep needs {' and '.join(missing)} installed")
        try:
            batch = services.import_folder_now(
                path, keep_source=copy, deep=deep, progress=self._progress
            )
        except services.ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_summary(batch)))
        problems = batch.items.problems().order_by("pk")
        for item in problems.filter(state="failed")[:50]:
            self.stdout.write(f"  failed: {item.source_path}: {item.reason}")
        self._warnings(batch)

    def _warnings(self, batch: ImportBatch) -> None:
        """Files imported but not cleanly (tags not written...): one line per kind of warning
        with its count, then the files, so a batch of untaggable files never looks clean."""
        warnings = list(batch.items.warnings().order_by("pk").values_list("source_path", "reason"))
        if not warnings:
            return
        self.stdout.write(self.style.WARNING(f"{len(warnings)} imported with warnings:"))
        for reason, count in Counter(reason for _, reason in warnings).most_common():
            self.stdout.write(self.style.WARNING(f"  {count} × {reason}"))
        for path, reason in warnings[:50]:
            self.stdout.write(f"  warning: {path}: {reason}")

    def _progress(self, batch: ImportBatch) -> None:
        line = f"[{batch.done}/{batch.total}] {_counts(batch)}"
        if self.stdout.isatty():  # one line that updates in place
            self.stdout.write(f"\r{line}", ending="")
            self.stdout.flush()
        elif batch.done == batch.total or batch.done % 100 == 0:
            self.stdout.write(line)


def _counts(batch: ImportBatch) -> str:
    return f"imported {batch.imported}, skipped {batch.skipped}, failed {batch.failed}"


def _summary(batch: ImportBatch) -> str:
    return f"Import #{batch.pk} of {batch.path} {batch.status}: {_counts(batch)} of {batch.total}"
