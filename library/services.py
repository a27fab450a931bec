"""Library services: scans, duplicates, broken files, album completeness, re-tagging, stats,
monitoring.

The REST API, the HTMX views, the admin actions, the `scan` command and the tasks all call
these functions; the machinery lives in `library.scanner`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from library import catalog, history, playlists, quality
from library import paths as library_paths
from library.models import (
    Album,
    Artist,
    LibraryScan,
    QualityProfile,
    Track,
    TrackFile,
    TrackWant,
    WantSource,
)
from library.scanner import completeness, config, duplicates, engine, stats
from library.scanner.batch import BatchCounts, BatchWriter
from library.scanner.engine import runner_is_dead
from library.scanner.reader import read_file
from library.scanner.recycle import recycle
from library.scanner.retag import RetagResult
from library.scanner.retag import retag_files as write_tags_from_catalogue
from soulspot.lib.errors import Conflict, NotFound, SoulSpotError
from soulspot.lib.queue import enqueue
from soulspot.lib.results import Skipped

ScanStatus = LibraryScan.Status
DuplicateError = duplicates.DuplicateError
Resolution = duplicates.Resolution
# A queued scan whose task has not claimed it after this long is enqueued again.
QUEUED_GRACE = timedelta(seconds=60)


class ScanError(SoulSpotError):
    """A scan request that cannot be carried out (400); the message says why."""


class ScanAlreadyRunning(ScanError, Conflict):
    """Only one scan at a time (409); the API answer names it in `scan_id`."""

    def __init__(self, scan: LibraryScan) -> None:
        state = "running" if scan.status == ScanStatus.RUNNING else "queued"
        super().__init__(f"scan #{scan.pk} of {scan.path} is already {state}")
        self.scan = scan

    def body(self) -> dict:
        return {**super().body(), "scan_id": self.scan.pk}


class ScanNotRunning(ScanError, Conflict):
    """The scan to cancel has already finished (409)."""


class NeverChecked(NotFound):
    """The album has no completeness check yet, so nothing is known to be missing (404)."""


@dataclass
class ActionResult:
    """What a bulk action did: download jobs queued, and what it skipped and why."""

    queued: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    moved: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.queued)} queued"] if self.queued else []
        parts += [f"{len(self.moved)} moved to the recycle bin"] if self.moved else []
        parts += [f"{len(self.skipped)} skipped"] if self.skipped else []
        return ", ".join(parts) or "nothing to do"


# --- scans --------------------------------------------------------------------------------------


def scan_root(path: str | None = None) -> str:
    """The folder to scan: the music folder, or a folder inside it (absolute or relative)."""
    music = library_paths.music_root()
    if not path:
        return music
    folder = os.path.abspath(os.path.join(music, os.path.expanduser(path)))
    if folder != music and not folder.startswith(music.rstrip("/") + "/"):
        raise ScanError(f"{path} is not inside the music folder ({music})")
    if not os.path.isdir(folder):
        raise ScanError(f"{path} is not a folder")
    if not library_paths.is_inside(Path(folder).resolve(), [library_paths.music_dir()]):
        raise ScanError(f"{path} leads outside the music folder ({music}) through a symlink")
    return folder


def start_scan(
    path: str | None = None,
    *,
    full: bool = False,
    deep: bool = False,
    requested_by: str = "",
    background: bool = True,
) -> LibraryScan:
    """Create a scan, queued for the worker (`background`) or for the caller to run.

    Raises ScanAlreadyRunning naming the active scan: the database allows only one, so two
    requests racing each other cannot both get through.
    """
    root = scan_root(path)
    for _ in range(3):
        try:
            with transaction.atomic():
                scan = LibraryScan.objects.create(
                    path=root, full=full, deep=deep, requested_by=requested_by[:40]
                )
                if background:
                    transaction.on_commit(partial(enqueue, "library.tasks.run_scan", scan.pk))
            return scan
        except IntegrityError:
            running = LibraryScan.objects.active().first()
            if running is not None:
                raise ScanAlreadyRunning(running) from None
    raise ScanError("could not start a scan; please try again")


def run_scan(
    scan_id: int,
    *,
    slice_seconds: float | None = None,
    progress: engine.ProgressCallback | None = None,
) -> str:
    """Run (or resume) a scan here: "completed", "sliced" (time is up) or "skipped" (taken)."""
    return engine.execute(scan_id, slice_seconds=slice_seconds, progress=progress)


def cancel_scan(scan_id: int) -> LibraryScan:
    """Stop an active scan; the run notices at its next batch and writes nothing more."""
    updated = LibraryScan.objects.filter(pk=scan_id, is_active=True).update(
        status=ScanStatus.CANCELLED,
        is_active=False,
        finished_at=timezone.now(),
        lease_expires_at=None,
        error="cancelled by the user",
    )
    if updated != 1:
        raise ScanNotRunning(f"scan #{scan_id} is not running")
    return LibraryScan.objects.get(pk=scan_id)


def resume_interrupted_scans() -> list[int]:
    """Enqueue a run for each active scan nobody holds: its lease ran out, its task got lost, or
    the process holding it is gone (a killed worker; picked up at the next minute's run)."""
    now = timezone.now()
    active = LibraryScan.objects.active()
    orphaned = active.filter(
        Q(lease_expires_at__lt=now)
        | Q(lease_expires_at__isnull=True, created_at__lt=now - QUEUED_GRACE)
    )
    scan_ids = set(orphaned.values_list("pk", flat=True))
    held = active.filter(lease_expires_at__gte=now).exclude(runner="")
    scan_ids |= {pk for pk, runner in held.values_list("pk", "runner") if runner_is_dead(runner)}
    for scan_id in sorted(scan_ids):
        enqueue("library.tasks.run_scan", scan_id)
    return sorted(scan_ids)


def rescan_files(file_ids: list[int]) -> BatchCounts:
    """Re-read the given files now (admin "rescan"), then refresh duplicates and completeness."""
    paths = TrackFile.objects.filter(pk__in=file_ids).values_list("path", flat=True)
    results = [read_file(path) for path in paths]
    writer = BatchWriter(None)
    counts = config.retry_when_locked(lambda: writer.write(results), on_retry=writer.reset)
    duplicates.refresh_groups()
    completeness.recompute_owned()
    playlists.regenerate_for_files(TrackFile.objects.filter(pk__in=file_ids))
    return counts


# --- duplicates and broken files ----------------------------------------------------------------


def resolve_duplicate_group(group_id: int, keep_file_id: int | None = None) -> Resolution:
    """Keep one file (the proposed keeper unless given) and recycle the group's others."""
    return duplicates.resolve_group(group_id, keep_file_id)


def dismiss_duplicate_group(group_id: int) -> None:
    """Mark a group as "not duplicates"; it stays dismissed until its files change."""
    duplicates.dismiss_group(group_id)


def recycle_files(file_ids: list[int], reason: str) -> ActionResult:
    """Move present files to the recycle bin (never deleted), e.g. broken copies."""
    result = ActionResult()
    for file in TrackFile.objects.present().filter(pk__in=file_ids).order_by("pk"):
        try:
            result.moved.append({"item": file.path, "recycled_to": recycle(file, reason)})
        except OSError as exc:
            result.skipped.append(Skipped(file.path, exc.strerror or str(exc)))
    return result


# --- album completeness -------------------------------------------------------------------------


@transaction.atomic
def track_for_missing_entry(album: Album, expected: dict) -> Track:
    """The album's Track for a missing release track, created when the catalogue has none."""
    match = Q(title__iexact=expected["title"])
    if expected["recording_id"]:
        match |= Q(musicbrainz_recording_id=expected["recording_id"])
    if expected["isrc"]:
        match |= Q(isrc=expected["isrc"])
    track = album.tracks.filter(match).order_by("pk").first()
    if track is None:
        artist = catalog.artist_named(expected["artist"] or album.artist.name)
        track = Track.objects.create(
            artist=artist,
            album=album,
            title=expected["title"],
            disc_number=expected["disc"],
            track_number=expected["number"],
            duration_ms=expected["length_ms"],
            isrc=expected["isrc"],
            musicbrainz_recording_id=expected["recording_id"],
        )
    return track


# --- monitoring ---------------------------------------------------------------------------------

Monitorable = Track | Album | Artist
# Where a want comes from when a track is monitored through its album or its artist.
_CASCADE_SOURCE = {Track: WantSource.TYPED, Album: WantSource.ALBUM, Artist: WantSource.WATCHLIST}


@transaction.atomic
def set_monitored(target: Monitorable, monitored: bool) -> list[int]:
    """Monitor (the user wants it kept) or unmonitor a track, an album or an artist; returns
    the ids of the tracks whose flag changed, each recorded in the history.

    An album cascades to its tracks, an artist to its albums and tracks. A monitored track
    without a healthy file becomes wanted; an unmonitored wanted track becomes known again, so
    no search, upgrade or other automatic action picks it up. Files are never touched.
    """
    tracks = Track.objects.under(target)
    if not isinstance(target, Track):
        type(target).objects.filter(pk=target.pk).update(monitored=monitored)
        if isinstance(target, Artist):
            target.albums.update(monitored=monitored)
    changing = list(tracks.exclude(monitored=monitored).select_related("artist").order_by("pk"))
    now = timezone.now()
    tracks.exclude(monitored=monitored).update(monitored=monitored, updated_at=now)
    if monitored:
        _add_want_reasons(target, tracks)
        tracks.filter(want_source="").update(want_source=_CASCADE_SOURCE[type(target)])
        unowned = tracks.filter(status__in=[Track.Status.KNOWN, Track.Status.IGNORED])
        unowned.without_files(is_broken=False, is_missing=False).update(
            status=Track.Status.WANTED, wanted_at=now, updated_at=now
        )
    else:
        tracks.filter(status=Track.Status.WANTED).update(status=Track.Status.KNOWN, updated_at=now)
    _record_monitoring(target, changing, monitored)
    target.refresh_from_db()
    return [track.pk for track in changing]


def _add_want_reasons(target: Monitorable, tracks: models.QuerySet) -> None:
    # The user's own decision is a reason of its own, so no source's sync can unwant the track.
    key = "" if isinstance(target, Track) else f"{type(target).__name__.lower()}:{target.pk}"
    source = _CASCADE_SOURCE[type(target)]
    TrackWant.objects.bulk_create(
        [
            TrackWant(track_id=pk, source=source, key=key)
            for pk in tracks.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def _record_monitoring(target: Monitorable, tracks: list[Track], monitored: bool) -> None:
    verb = "Monitored" if monitored else "Unmonitored"
    kind = type(target).__name__.lower()
    via = "" if isinstance(target, Track) else f" with the {kind} {target}"
    scope = {"via": kind, "via_id": target.pk}
    history.record_many(
        history.Type.MONITORED if monitored else history.Type.UNMONITORED,
        [history.Event(f"{verb} {track}{via}", track.pk, detail=scope) for track in tracks],
    )


# --- tags ---------------------------------------------------------------------------------------


def retag_files(file_ids: list[int]) -> RetagResult:
    """Write tags from the catalogue into the files, then re-read them."""
    result = write_tags_from_catalogue(file_ids)
    if result.written:
        rescan_files(result.written)
    return result


# --- figures ------------------------------------------------------------------------------------


def library_stats() -> dict:
    """Tracks, albums, artists, size, formats, quality distribution, health figures."""
    return stats.library_stats()


def dashboard_tiles() -> dict:
    """The library figures the dashboard shows."""
    return stats.dashboard_tiles()


class ProfileError(SoulSpotError):
    """A quality profile that breaks a rule (unknown quality, cutoff not on the ladder: 400)."""


class ProfileNameTaken(ProfileError, Conflict):
    """Another profile already has this name (409)."""


def save_quality_profile(
    profile: QualityProfile | None, *, name: str, ladder: list[str], cutoff: str, is_default: bool
) -> QualityProfile:
    """Create or edit a profile; the ladder and cutoff are validated, one default at most."""
    problems = quality.validate_ladder(ladder, cutoff)
    if problems:
        raise ProfileError(" ".join(problems))
    if (
        QualityProfile.objects.filter(name=name)
        .exclude(pk=profile.pk if profile else None)
        .exists()
    ):
        raise ProfileNameTaken(f"a profile named {name!r} already exists")
    profile = profile or QualityProfile()
    profile.name, profile.ladder, profile.cutoff = name, ladder, cutoff
    profile.is_default = is_default
    for attempt in range(3):
        try:
            with transaction.atomic():
                if is_default:
                    # First: "one default profile" is a database constraint.
                    QualityProfile.objects.exclude(pk=profile.pk).update(is_default=False)
                profile.save()
            return profile
        except IntegrityError:
            # Another request made its profile the default at the same instant: ours wins on
            # the next try, which sees theirs. A duplicate name is refused above.
            if attempt == 2 or not is_default:
                raise
    return profile
