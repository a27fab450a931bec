"""The files live download jobs are working on, so a folder import leaves them alone.

Registered with `metadata.importer.reservations` when Django starts (see `downloads.apps`):
the importer may not import this app, so it asks through that registry (issue 10, finding 13).
"""

from __future__ import annotations

import os
from pathlib import Path

from downloads.models import DownloadJob
from downloads.slskd import download_paths
from library import paths as library_paths


def live_job_paths() -> dict[Path, str]:
    """{file or album folder: "live download job N"} for every job in a live status.

    A job importing has its file (`local_path`); one downloading has the file its candidate
    will become in the downloads folder (and slskd's `_<ticks>` renames of it); a track of an
    album want reserves the whole album folder, which slskd fills one file at a time.
    """
    downloads = library_paths.downloads_dir()
    live = DownloadJob.objects.filter(status__in=DownloadJob.LIVE_STATUSES)
    rows = live.values_list("pk", "local_path", "parent_id", "kind", "candidate__filename")
    reserved: dict[Path, str] = {}
    for pk, local_path, parent_id, kind, remote in rows:
        holder = f"live download job {pk}"
        if local_path:
            reserved[Path(local_path)] = holder
        if downloads is None or not remote:
            continue
        for path in _expected(downloads, remote, album=kind == DownloadJob.Kind.ALBUM):
            reserved.setdefault(path, holder)
        expected = download_paths.expected_path(downloads, remote)
        if parent_id is not None and expected is not None:
            reserved.setdefault(expected.parent, f"live download job {parent_id}")
    # A file shared at a peer's root lands in the downloads folder itself: its folder is not
    # the album's, and reserving it would block every import of that folder.
    if downloads is not None:
        reserved.pop(Path(os.path.realpath(downloads)), None)
        reserved.pop(downloads, None)
    return reserved


def _expected(downloads: Path, remote: str, *, album: bool) -> list[Path]:
    if album:  # an album job's candidate is the remote folder: slskd names it by its last part
        separator = download_paths.remote_separator(remote)
        probe = f"{remote.rstrip(separator)}{separator}probe"
        inside = download_paths.expected_path(downloads, probe)
        return [inside.parent] if inside is not None else []
    expected = download_paths.expected_path(downloads, remote)
    if expected is None:
        return []
    return [expected, *download_paths.clash_variants(expected)]
