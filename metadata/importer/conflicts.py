"""One file per track: when the library already has the track, the better file wins.

"Better" is the quality ladder of the job's profile (the default profile for adopted files);
a tie keeps the file already in the library, so re-importing never churns, unless the user
asked for a fresh copy (`replace_equal`: download again). A file of another
recording sitting at the destination is never touched: the new file gets "name (2).ext".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from library.audio import AudioInfo, UnreadableAudio, read_audio
from library.models import Track, TrackFile
from library.naming import scheme as naming_scheme
from library.quality import QUALITIES, StreamInfo, classify, quality_extension, rank_in_ladder
from metadata.importer import identify, paths


@dataclass(frozen=True)
class Rival:
    """A file of the same track already in the library."""

    path: Path
    rank: int
    label: str


@dataclass
class Decision:
    dest: Path
    keep: Rival | None = None  # an existing file at least as good: the new one is not needed
    rivals: list[Rival] = field(default_factory=list)  # worse files the new one replaces


def quality_of(info: AudioInfo) -> str | None:
    return classify(
        StreamInfo(
            extension=quality_extension(info.format),
            bitrate=info.bitrate,
            bit_depth=info.bit_depth,
            sample_rate=info.sample_rate,
            is_vbr=info.is_vbr,
        )
    )


def rank(quality: str | None, ladder: list[str]) -> int:
    """0 is the best rung; qualities the profile does not allow rank below every allowed one."""
    position = rank_in_ladder(quality, ladder)
    return len(ladder) + 1 if position is None else position


def label(quality: str | None) -> str:
    return QUALITIES.get(quality or "", "unknown quality")


def decide(
    track: Track,
    dest: Path,
    new_rank: int,
    ladder: list[str],
    source: Path,
    *,
    new_track: bool = False,
    replace_equal: bool = False,
) -> Decision:
    """Compare the new file with the track's files already in the library.

    A track created by this very import has no files yet: its query is skipped.
    """
    exclude = {str(paths.real(source)), str(dest)}
    rivals = [] if new_track else rivals_of(track, ladder, exclude=exclude)
    if os.path.lexists(dest) and not _same_path(dest, source):
        if _holds_same_track(dest, track):
            rivals.append(_rival(dest, ladder))
        else:
            dest = naming_scheme.free_variant(dest)
    best = min(rivals, key=lambda r: r.rank, default=None)
    if best is not None and (best.rank < new_rank or (best.rank == new_rank and not replace_equal)):
        return Decision(dest, keep=best)
    return Decision(dest, rivals=rivals)


def rivals_of(track: Track, ladder: list[str], exclude: set[str]) -> list[Rival]:
    """The track's other library files, with their quality."""
    return [
        _rival(Path(row.path), ladder, broken=row.is_broken) for row in other_files(track, exclude)
    ]


def other_files(track: Track, exclude: set[str]) -> list[TrackFile]:
    """The track's present library files except `exclude` (vanished ones are marked missing)."""
    rows = TrackFile.objects.filter(track=track, is_missing=False).exclude(path__in=exclude)
    found = []
    for row in rows.only("pk", "path", "is_broken"):
        if os.path.isfile(row.path):
            found.append(row)
        else:
            TrackFile.objects.filter(pk=row.pk).update(is_missing=True)
    return found


def _rival(path: Path, ladder: list[str], *, broken: bool = False) -> Rival:
    try:
        quality = quality_of(read_audio(path))
    except (UnreadableAudio, OSError):
        broken = True
    if broken:  # anything beats a broken file
        return Rival(path, len(ladder) + 2, "a broken file")
    return Rival(path, rank(quality, ladder), label(quality))


def _holds_same_track(path: Path, track: Track) -> bool:
    """Is the file at `path` (not one of the track's rows) this recording too?"""
    row = TrackFile.objects.filter(path=str(path)).only("track_id").first()
    if row is not None:
        return row.track_id == track.pk
    try:
        title = read_audio(path).tags.title
    except (UnreadableAudio, OSError):
        return False
    return identify.fold_title(title or "") == identify.fold_title(track.title)


def _same_path(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
