"""`manage.py metadata cache [--clear | --clear-expired]`: the provider answer cache."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from metadata.providers import cache


class Command(BaseCommand):
    help = "Metadata engine housekeeping. `cache`: figures of the provider answer cache."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        cache_parser = commands.add_parser(
            "cache",
            help="per kind of request: rows (fresh/expired), hits, misses and hit rate",
        )
        clearing = cache_parser.add_mutually_exclusive_group()
        clearing.add_argument(
            "--clear",
            action="store_true",
            help="forget every remembered answer and reset the hit/miss counts",
        )
        clearing.add_argument(
            "--clear-expired", action="store_true", help="delete only the expired answers"
        )

    def handle(self, *args: object, subcommand: str, **options: object) -> None:
        if options["clear"]:
            deleted = cache.clear_cache()
            self.stdout.write(self.style.SUCCESS(f"Cache cleared: {deleted} answers forgotten."))
        elif options["clear_expired"]:
            deleted = cache.clear_expired()
            self.stdout.write(self.style.SUCCESS(f"{deleted} expired answers deleted."))
        self._figures()

    def _figures(self) -> None:
        figures = cache.cache_figures()
        if not figures:
            self.stdout.write("The cache is empty.")
            return
        header = ("kind", "rows", "fresh", "expired", "hits", "misses", "hit rate")
        rows = [header] + [
            (
                f.kind,
                str(f.entries),
                str(f.fresh),
                str(f.expired),
                str(f.hits),
                str(f.misses),
                "-" if f.hit_rate is None else f"{f.hit_rate:.0%}",
            )
            for f in figures
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
            ]
            self.stdout.write("  ".join(cells).rstrip())
