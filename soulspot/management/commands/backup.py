"""`manage.py backup [--output DIR]`: one archive of the running SoulSpot's database and key."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soulspot.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a backup archive (database snapshot, secret key, manifest); safe while running."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", type=Path, default=None, help="Folder for the archive (default: backups)"
        )

    def handle(self, *args, output: Path | None, **options) -> None:
        try:
            path = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(path))
