"""Album wants: pick one peer's folder, then download it as one child job per track.

Each child job starts with the chosen folder's file as its first candidate and the same track
from other acceptable folders (other peers) as its fallbacks, so a failed file fails over on its
own while the rest of the album carries on. Sidecars (.cue, .log, .jpg) are never required.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction

from downloads import services
from downloads.engine.context import EngineRun
from downloads.engine.wants import candidate_row, context_for, want_for
from downloads.matching import (
    AlbumFolder,
    ScoredFolder,
    SearchFile,
    Want,
    files_from_responses,
    group_album_folders,
    match_track_in_folder,
    rank_album_folders,
)
from downloads.models import Candidate, DownloadJob
from downloads.slskd import SlskdError, SlskdUnreachable
from library import catalog
from library.models import Album, Track, WantSource

logger = logging.getLogger(__name__)
Status = DownloadJob.Status
FOLDERS_TO_TRY = 3
_LEADING_NUMBER = re.compile(r"^\s*(?:(\d)\s*[-.]\s*)?(\d{1,3})[\s._-]+")


def choose_folder(run: EngineRun, job: DownloadJob, files: list[SearchFile]) -> None:
    """Rank the folders a completed album search found and start downloading the best one."""
    ranked = rank_album_folders(want_for(job), group_album_folders(files), context_for(job))
    _save_folder_candidates(job, ranked)
    accepted = [verdict for verdict in ranked if verdict.accepted]
    for verdict in accepted[:FOLDERS_TO_TRY]:
        folder = _browse(run, verdict.folder)
        if folder is not None and _fits(job.album, folder):
            _start_children(job, folder, [v.folder for v in accepted if v is not verdict])
            return
    services.transition(
        job.pk,
        [Status.SEARCHING],
        Status.QUEUED,
        search_id="",
        status_reason=f"no complete folder for “{job.search_query}” among {len(ranked)} found",
    )


def _save_folder_candidates(job: DownloadJob, ranked: list[ScoredFolder]) -> None:
    rows = []
    for position, verdict in enumerate(ranked, start=1):
        folder = verdict.folder
        stand_in = SearchFile(
            username=folder.username,
            filename=folder.path,
            size=sum(f.size for f in folder.audio_files),
        )
        row = candidate_row(job, stand_in, job.search_query)
        row.extension, row.quality, row.score, row.breakdown = (
            "",
            verdict.quality or "",
            round(verdict.score, 3),
            verdict.breakdown,
        )
        if verdict.accepted:
            row.rank = position
        else:
            row.state, row.rejection_reason = (
                Candidate.State.REJECTED,
                (verdict.rejection_reason or "")[:500],
            )
        rows.append(row)
    Candidate.objects.bulk_create(rows[:300])


def _browse(run: EngineRun, folder: AlbumFolder) -> AlbumFolder | None:
    """The folder's full listing: search results may hold only some of its files."""
    try:
        listing = run.client.directory(folder.username, folder.path)
    except SlskdUnreachable:
        raise
    except SlskdError as exc:
        logger.info("cannot browse %s of %s: %s", folder.path, folder.username, exc)
        return None
    peer = folder.audio_files[0] if folder.audio_files else None
    response = {
        "username": folder.username,
        "files": [f.as_search_file() for f in listing],
        "hasFreeUploadSlot": bool(peer and peer.has_free_slot),
        "queueLength": (peer.queue_length or 0) if peer else 0,
        "uploadSpeed": (peer.upload_speed or 0) if peer else 0,
    }
    full = AlbumFolder(folder.username, folder.path, files_from_responses([response]))
    return full if full.audio_files else None


def _fits(album: Album, folder: AlbumFolder) -> bool:
    return album.track_count is None or len(folder.audio_files) == album.track_count


@transaction.atomic
def _start_children(job: DownloadJob, folder: AlbumFolder, alternatives: list[AlbumFolder]) -> None:
    album = job.album
    tracks = list(album.tracks.order_by("disc_number", "track_number", "pk"))
    plan = _plan_from_tracks(album, tracks, folder) if tracks else _plan_from_files(album, folder)
    owned = set(
        album.tracks.exclude(pk__in=album.tracks.missing_from_library()).values_list(
            "pk", flat=True
        )
    )
    created = 0
    for track, file in plan:
        if track.pk in owned:
            continue  # its file stays as it is: only missing tracks are downloaded
        try:
            child = services.queue_download_for_track(
                track,
                priority=job.priority,
                parent=job,
                source=WantSource.ALBUM,
                want_key=f"album:{album.pk}",
            )
        except services.AlreadyQueued:
            continue
        created += 1
        _add_candidates(child, track, file, alternatives)
    if album.track_count is None:
        Album.objects.filter(pk=album.pk).update(track_count=len(plan))
    chosen = job.candidates.filter(username=folder.username, filename=folder.path).first()
    if not job.children.exists():
        services.transition(
            job.pk,
            [Status.SEARCHING],
            Status.COMPLETED,
            candidate=chosen,
            status_reason=f"already owned: all {len(plan)} tracks are in the library",
        )
        return
    services.transition(
        job.pk,
        [Status.SEARCHING],
        Status.DOWNLOADING,
        candidate=chosen,
        status_reason=f"downloading {created} tracks from {folder.username}: {folder.path}"[:500],
    )
    if chosen is not None:
        Candidate.objects.filter(pk=chosen.pk).update(state=Candidate.State.TRYING)


def _plan_from_tracks(
    album: Album, tracks: list[Track], folder: AlbumFolder
) -> list[tuple[Track, SearchFile | None]]:
    return [(track, match_track_in_folder(_track_want(album, track), folder)) for track in tracks]


def _plan_from_files(album: Album, folder: AlbumFolder) -> list[tuple[Track, SearchFile]]:
    """No track list known: the folder's files become the album's tracks."""
    plan = []
    for position, file in enumerate(
        sorted(folder.audio_files, key=lambda f: f.filename.lower()), 1
    ):
        disc, number, title = parse_track_name(file.basename)
        track = catalog.album_track(album, title)
        Track.objects.filter(pk=track.pk).update(
            track_number=track.track_number or number or position,
            disc_number=disc,
            duration_ms=track.duration_ms or ((file.length_s or 0) * 1000 or None),
        )
        plan.append((track, file))
    return plan


def _add_candidates(
    child: DownloadJob, track: Track, file: SearchFile | None, alternatives: list[AlbumFolder]
) -> None:
    want = _track_want(child.track.album, track) if child.track.album else None
    files = [file] if file else []
    for other in alternatives[:FOLDERS_TO_TRY]:
        match = match_track_in_folder(want, other) if want else None
        if match is not None:
            files.append(match)
    rows = []
    for rank, found in enumerate(files, start=1):
        row = candidate_row(child, found, child.parent.search_query if child.parent else "")
        row.rank = rank
        row.breakdown = {"from_album_folder": found.folder}
        rows.append(row)
    Candidate.objects.bulk_create(rows)


def _track_want(album: Album, track: Track) -> Want:
    return Want(
        artist=album.artist.name,
        title=track.title,
        album=album.title,
        duration_ms=track.duration_ms,
    )


def parse_track_name(basename: str) -> tuple[int | None, int | None, str]:
    """'1-03 - Song.flac' -> (1, 3, 'Song'); names without numbers keep their stem."""
    stem = basename.rsplit(".", 1)[0]
    match = _LEADING_NUMBER.match(stem)
    if not match:
        return None, None, stem.strip() or basename
    disc = int(match.group(1)) if match.group(1) else None
    title = stem[match.end() :].strip(" -._") or stem
    return disc, int(match.group(2)), title


def follow_albums(run: EngineRun) -> None:
    """An album job finishes when all its track jobs have."""
    parents = DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM, status=Status.DOWNLOADING)
    for job in parents:
        statuses = list(job.children.values_list("status", flat=True))
        done = sum(status == Status.COMPLETED for status in statuses)
        if any(status not in DownloadJob.TERMINAL_STATUSES for status in statuses):
            DownloadJob.objects.filter(pk=job.pk).update(
                progress=100 * done / max(len(statuses), 1),
                status_reason=f"{done} of {len(statuses)} tracks in the library",
            )
        elif done == len(statuses):
            services.transition(
                job.pk, [Status.DOWNLOADING], Status.COMPLETED, progress=100, status_reason=""
            )
        else:
            error = f"{len(statuses) - done} of {len(statuses)} tracks could not be downloaded"
            services.transition(
                job.pk, [Status.DOWNLOADING], Status.FAILED, error=error, status_reason=""
            )
