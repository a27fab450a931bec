"""`manage.py restore ARCHIVE [--force]`: put a backup back, then reconcile jobs and library."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from soulspot.backups import BackupError, reconcile_after_restore, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into the configured database (SoulSpot must be stopped)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data (it is kept beside, renamed)",
        )

    def handle(self, *args, archive: Path, force: bool, **options) -> None:
        try:
            result = restore_backup(archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        self.stdout.write(
            f"restored the {manifest['database_vendor']} database of SoulSpot "
            f"{manifest['soulspot_version']} taken at {manifest['created_at']}"
        )
        for path in result.moved_aside:
            self.stdout.write(f"kept the replaced file as {path}")
        # An older backup may predate migrations this SoulSpot has.
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(reconcile_after_restore())
