"""Renaming library files to the naming scheme: a preview first, then safe moves.

Sidecars travel with their audio file (the `.lrc`), album folders keep their `cover.jpg`, and
folders a rename leaves empty are removed. Nothing is overwritten: a file whose new name is
taken stays where it is and the plan says why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from library import paths as library_paths
from library import playlists
from library.models import TrackFile
from library.naming import UnsafePath, scheme
from library.naming.scheme import COVER_NAME
from library.quality import AUDIO_EXTENSIONS, StreamInfo, classify, quality_extension
from library.safe_files import DestinationExists, move_to_recycle, prune_empty_dirs, safe_move

DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class RenamePlan:
    """Old and new absolute path of one file; `problem` explains a rename that cannot happen."""

    track_file_id: int
    old: str
    new: str
    problem: str = ""

    @property
    def changed(self) -> bool:
        return self.old != self.new and not self.problem


def plan(
    track_file_ids: list[int] | None = None,
    templates: dict[str, str] | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    only_changed: bool = False,
) -> list[RenamePlan]:
    """Where each chosen file (default: every file) would go under `templates`."""
    rows = (
        TrackFile.objects.present()
        .filter(track__isnull=False)
        .select_related("track", "track__artist", "track__album", "track__album__artist")
    )
    if track_file_ids is not None:
        rows = rows.filter(pk__in=track_file_ids)
    templates = templates if templates is not None else scheme.templates()
    plans: list[RenamePlan] = []
    claimed: set[str] = set()
    for row in rows.order_by("path").iterator(chunk_size=500):
        one = _plan_one(row, templates, claimed)
        if one.changed or one.problem or not only_changed:
            plans.append(one)
        if len(plans) >= limit:
            break
    return plans


def apply(plans: list[RenamePlan]) -> list[RenamePlan]:
    """Carry out the changed plans; returns each with its outcome (problem set on failure)."""
    done: list[RenamePlan] = []
    moved_tracks: list[int] = []
    old_folders: set[Path] = set()
    for item in plans:
        if not item.changed:
            done.append(item)
            continue
        outcome = _apply_one(item)
        done.append(outcome)
        if not outcome.problem:
            old_folders.add(Path(item.old).parent)
            moved_tracks.extend(
                TrackFile.objects.filter(pk=item.track_file_id).values_list("track_id", flat=True)
            )
    for folder in old_folders:
        tidy_folder(folder)
    playlists.regenerate_for_tracks(moved_tracks)
    return done


def move_file(old: Path, new: Path) -> None:
    """Move an audio file and its `.lrc`; the album cover is copied to a new album folder.

    Raises OutsideLibrary (an OSError) when either end leads outside the music folder.
    """
    library_paths.ensure_managed(old)
    library_paths.ensure_managed(new)
    safe_move(old, new)
    lrc = old.with_suffix(".lrc")
    lrc_new = new.with_suffix(".lrc")
    if lrc.is_file() and library_paths.is_managed(lrc) and not os.path.lexists(lrc_new):
        safe_move(lrc, lrc_new)
    cover = old.parent / COVER_NAME
    if (
        cover.is_file()
        and library_paths.is_managed(cover)
        and not os.path.lexists(new.parent / COVER_NAME)
    ):
        safe_move(cover, new.parent / COVER_NAME, keep_source=True)


def tidy_folder(folder: Path) -> None:
    """Remove a folder that no longer holds audio: its cover goes to the recycle bin."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    if any(Path(n).suffix[1:].lower() in AUDIO_EXTENSIONS for n in names):
        return
    root = library_paths.music_dir()
    if names == [COVER_NAME] and library_paths.is_managed(folder / COVER_NAME):
        reason = "album folder emptied by a rename"
        move_to_recycle(folder / COVER_NAME, library_paths.recycle_dir(), reason, library_root=root)
    prune_empty_dirs(folder, root)


def _plan_one(row: TrackFile, templates: dict[str, str], claimed: set[str]) -> RenamePlan:
    old = Path(row.path)
    try:
        new = scheme.destination(
            row.track,
            extension=true_extension(old),
            quality_key=_quality(row),
            original_filename=old.name,
            scheme=templates,
        )
    except UnsafePath as exc:
        return RenamePlan(row.pk, row.path, row.path, f"unsafe destination: {exc}")
    problem = ""
    if str(new) != row.path:
        if str(new) in claimed:
            problem = "another file would get the same name"
        elif os.path.lexists(new) and not _same_file(old, new):
            problem = "a file with the new name already exists"
    claimed.add(str(new))
    return RenamePlan(row.pk, row.path, str(new), problem)


def _apply_one(item: RenamePlan) -> RenamePlan:
    old, new = Path(item.old), Path(item.new)
    if not old.is_file():
        return RenamePlan(item.track_file_id, item.old, item.new, "the file is gone")
    try:
        move_file(old, new)
    except DestinationExists:
        return RenamePlan(item.track_file_id, item.old, item.new, "the new name was taken")
    except library_paths.OutsideLibrary as exc:
        return RenamePlan(item.track_file_id, item.old, item.new, str(exc))
    TrackFile.objects.filter(pk=item.track_file_id).update(path=item.new, updated_at=timezone.now())
    return item


def true_extension(path: Path) -> str:
    """`path`'s extension, lower-cased; ".aac" for a raw ADTS/ADIF AAC stream that claims to be
    MP4 (".m4a", as older imports named them): nothing can read it under that name."""
    suffix = path.suffix.lower()
    if suffix in {".m4a", ".mp4"} and is_raw_aac(path):
        return ".aac"
    return suffix


def is_raw_aac(path: Path) -> bool:
    """ADIF starts with "ADIF"; ADTS with a 12-bit sync word and layer 0 (0xFFF, bits 00)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    adts = len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0
    return head == b"ADIF" or adts


def _quality(row: TrackFile) -> str | None:
    return classify(
        StreamInfo(
            extension=quality_extension(row.format),
            bitrate=row.bitrate,
            bit_depth=row.bit_depth,
            sample_rate=row.sample_rate,
        )
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
