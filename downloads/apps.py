from __future__ import annotations

from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "downloads"

    def ready(self) -> None:
        # A folder import must not take a file a live job is downloading or importing; the
        # importer (metadata) cannot import this app, so this app tells it.
        from downloads.reserved import live_job_files
        from metadata.importer import reservations

        reservations.register(live_job_files)
