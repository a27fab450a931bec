"""The files live download jobs are working on, so a folder import leaves them alone.

Registered with `metadata.importer.reservations` when Django starts (see `downloads.apps`):
the importer may not import this app, so it asks through that registry (issue 10, finding 13).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from downloads.models import DownloadJob
from downloads.slskd.download_paths import safe_segment
from library import paths as library_paths
from metadata.importer.reservations import Reservation


def live_job_files() -> Iterator[Reservation]:
    """The files of every job in a live status.

    A job importing has its file (`local_path`). A job downloading (or about to) has the file
    its candidate becomes, reserved by name anywhere in the downloads folder: where slskd
    puts it depends on slskd's version and options. The tracks of an album want are jobs of
    their own, so an album folder slskd is still filling is covered file by file.
    """
    downloads = library_paths.downloads_dir()
    live = DownloadJob.objects.filter(status__in=DownloadJob.LIVE_STATUSES)
    rows = live.values_list("pk", "local_path", "kind", "candidate__filename")
    for pk, local_path, kind, remote in rows:
        holder = f"live download job {pk}"
        if local_path:
            yield Reservation(Path(local_path), holder)
        if downloads is None or not remote or kind == DownloadJob.Kind.ALBUM:
            continue  # an album job's candidate is the remote folder, not a file
        for name in _saved_names(remote):
            yield Reservation(downloads / name, holder, by_name=True)


def _saved_names(remote: str) -> set[str]:
    """The names slskd may save a remote file under: its last part, whichever separator the
    peer used (Soulseek paths are usually Windows-style, some peers send `/`)."""
    parts = {remote.rsplit("\\", 1)[-1], remote.rsplit("/", 1)[-1]}
    parts.add(remote.replace("\\", "/").rsplit("/", 1)[-1])
    return {name for name in map(safe_segment, parts) if name}
