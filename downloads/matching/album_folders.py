"""Album wants: group search hits into remote folders and rank whole folders.

A folder is acceptable when it is by the wanted artist, names the wanted album, holds exactly
the wanted number of audio files (plus `ctx.extra_album_tracks` bonus tracks) and every audio
file is allowed by the quality ladder. Sidecars (.cue, .log, .jpg, .txt, .m3u, .nfo) travel
along but never count and are never required. Folders are scored by their *worst* file's
quality, so one stray MP3 makes a "FLAC" folder rank as MP3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from downloads.matching import scoring as s
from downloads.matching.analysis import Analyser
from downloads.matching.candidates import (
    MatchContext,
    SearchFile,
    Want,
    extension_of,
    is_audio,
)
from downloads.matching.rules import RuleSpec, rules_component
from downloads.matching.tracks import best
from downloads.matching.versions import first_excess
from downloads.matching.want_keys import prepare
from library.quality import QUALITIES

# "Album/CD1", "Album/Disc 2", "Album/Artwork": parts of the album folder above them.
_CHILD_FOLDER = re.compile(
    r"^(cd|disc|disk|side)\s*[\dab]{1,2}$|^(artwork|scans?|covers?|art)$", re.IGNORECASE
)
SIDECAR_EXTENSIONS = frozenset({"cue", "log", "jpg", "jpeg", "png", "txt", "m3u", "m3u8", "nfo"})
ALBUM_GATE = 0.5  # album value (token-set ratio 80) a folder name needs
W_ALBUM_FOLDER = 20.0  # in album mode the album name *is* the identity
W_TRACKS = 2.0  # exact track count beats a folder with bonus tracks
W_YEAR = 2.0


@dataclass(slots=True)
class AlbumFolder:
    """One peer's remote folder (disc subfolders folded in) and the hits found in it."""

    username: str
    path: str
    files: list[SearchFile] = field(default_factory=list)

    @property
    def audio_files(self) -> list[SearchFile]:
        """The files that count as tracks."""
        return [f for f in self.files if is_audio(f.filename)]

    @property
    def sidecars(self) -> list[SearchFile]:
        """Cue sheets, rip logs, covers...: welcome, never counted."""
        return [f for f in self.files if extension_of(f.filename) in SIDECAR_EXTENSIONS]

    @property
    def peer(self) -> SearchFile:
        """Any file of the folder: slot, queue and speed are the peer's, not the file's."""
        return self.files[0]


@dataclass(slots=True)
class ScoredFolder:
    """One folder's verdict; `quality` is the worst audio file's quality key."""

    folder: AlbumFolder
    accepted: bool
    rejection_reason: str | None
    score: float
    breakdown: dict[str, Any]
    quality: str | None


def group_album_folders(files: list[SearchFile]) -> list[AlbumFolder]:
    """Files grouped by (user, album folder), in order of first appearance."""
    folders: dict[tuple[str, str], AlbumFolder] = {}
    for file in files:
        path = album_path(file)
        key = (file.username, path)
        if key not in folders:
            folders[key] = AlbumFolder(file.username, path)
        folders[key].files.append(file)
    return list(folders.values())


def album_path(file: SearchFile) -> str:
    """The file's folder, or its parent when the folder is "CD1", "Disc 2" or "Artwork"."""
    sep = file.separator
    folder = file.folder
    parent, _, last = folder.rpartition(sep)
    return parent if parent and _CHILD_FOLDER.match(last.strip()) else folder


def rank_album_folders(
    want: Want, folders: list[AlbumFolder], ctx: MatchContext | None = None
) -> list[ScoredFolder]:
    """Every folder judged: accepted ones best first, then the rejected ones with reasons."""
    ctx = ctx or MatchContext()
    album_want = Want(
        artist=want.artist,
        title=want.album or want.title,
        album=want.album or want.title,
        kind="album",
        track_count=want.track_count,
        year=want.year,
    )
    analyser = Analyser(prepare(album_want, ctx))
    judged = [_judge_folder(folder, album_want, analyser, ctx) for folder in folders]
    accepted = sorted(
        (j for j in judged if j.accepted),
        key=lambda j: (-j.score, j.folder.username, j.folder.path),
    )
    return accepted + [j for j in judged if not j.accepted]


def match_track_in_folder(
    want_track: Want, folder: AlbumFolder, ctx: MatchContext | None = None
) -> SearchFile | None:
    """The file holding one track of an album in `folder`, e.g. to fail over to another peer.

    The folder was already judged as a whole, so by default every quality is allowed here.
    """
    ctx = ctx or MatchContext(ladder=list(QUALITIES))
    found = best(want_track, folder.audio_files, ctx)
    return found.file if found else None


def _judge_folder(
    folder: AlbumFolder, want: Want, analyser: Analyser, ctx: MatchContext
) -> ScoredFolder:
    audio = folder.audio_files
    qualities = [analyser.file_quality(f) for f in audio]
    checks = (
        lambda: _peer_reason(folder, ctx),
        lambda: _rule_reason(folder, ctx),
        lambda: _count_reason(len(audio), want, ctx),
        lambda: _quality_reason(qualities),
        lambda: _identity_reason(folder, want, analyser),
    )
    for check in checks:
        if rejection := check():
            gate, reason = rejection
            return ScoredFolder(folder, False, reason, 0.0, {"rejected_by": gate}, None)
    worst_quality, worst_rung = max(qualities, key=lambda q: q[1] or 0)
    assert worst_quality is not None and worst_rung is not None  # the quality gate passed
    breakdown = _folder_breakdown(
        folder, len(audio), worst_quality, worst_rung, want, analyser, ctx
    )
    if ctx.rules.prefers:
        breakdown["rules"] = rules_component(_folder_preferred(folder, ctx))
    total = round(sum(part["points"] for part in breakdown.values()), 4)
    return ScoredFolder(folder, True, None, total, breakdown, worst_quality)


def _peer_reason(folder: AlbumFolder, ctx: MatchContext) -> tuple[str, str] | None:
    if folder.username in ctx.blocked_users:
        return "user", f"user {folder.username!r} is blocked"
    if (folder.username, folder.path) in ctx.rejected or any(
        (folder.username, f.filename) in ctx.rejected for f in folder.files
    ):
        return "rejected_before", "this folder was rejected before for this want"
    return None


def _rule_reason(folder: AlbumFolder, ctx: MatchContext) -> tuple[str, str] | None:
    """A folder is refused when the rules refuse any of its audio files (or its sidecars: a
    deny on the user or the folder holds for every file alike)."""
    if not ctx.rules.gates:
        return None
    for file in folder.audio_files or folder.files:
        if refusal := ctx.rules.refusal(file):
            return "rule", refusal
    return None


def _folder_preferred(folder: AlbumFolder, ctx: MatchContext) -> tuple[RuleSpec, ...]:
    """The prefer rules every audio file matches: like quality, a folder is as good as its
    worst file, so one "web" file does not make the whole folder "web"."""
    audio = folder.audio_files
    if not audio:
        return ()
    shared = set(ctx.rules.preferred(audio[0]))
    for file in audio[1:]:
        shared &= set(ctx.rules.preferred(file))
    return tuple(spec for spec in ctx.rules.preferred(audio[0]) if spec in shared)


def _count_reason(count: int, want: Want, ctx: MatchContext) -> tuple[str, str] | None:
    if count == 0:
        return "track_count", "no audio files in the folder"
    wanted = want.track_count
    if wanted and not wanted <= count <= wanted + max(ctx.extra_album_tracks, 0):
        return "track_count", f"{count} audio files, wanted {wanted} tracks"
    return None


def _quality_reason(qualities: list[tuple[str | None, int | None]]) -> tuple[str, str] | None:
    bad = [q for q, rung in qualities if rung is None]
    if not bad:
        return None
    names = sorted({QUALITIES.get(q, "unknown format") if q else "unknown format" for q in bad})
    return "format", (
        f"{len(bad)} of {len(qualities)} audio files are not allowed by the profile "
        f"({', '.join(names)})"
    )


def _identity_reason(folder: AlbumFolder, want: Want, analyser: Analyser) -> tuple[str, str] | None:
    info = analyser.folder(folder.path, folder.peer.separator)
    if info.artist == 0 and _stem_artist_share(folder, analyser) < 0.5:
        return "artist", f"artist {want.artist!r} not found in the folder path"
    if (info.album or 0.0) < ALBUM_GATE:
        return "album", f"folder {info.name!r} does not match wanted album {want.album!r}"
    label = first_excess(info.markers, analyser.keys.allowed_folder)
    if label is not None:
        return "version", (
            f"version mismatch: folder {info.name!r} is {label!r}, not in wanted album"
        )
    return None


def _stem_artist_share(folder: AlbumFolder, analyser: Analyser) -> float:
    """Share of audio files naming the artist ("Pablo Honey/01 - Radiohead - You.flac")."""
    audio = folder.audio_files
    hits = sum(1 for f in audio if analyser.stem(f.basename.rpartition(".")[0]).artist > 0)
    return hits / len(audio) if audio else 0.0


def _folder_breakdown(
    folder: AlbumFolder,
    count: int,
    quality: str,
    rung: int,
    want: Want,
    analyser: Analyser,
    ctx: MatchContext,
) -> dict[str, dict[str, Any]]:
    keys = analyser.keys
    info = analyser.folder(folder.path, folder.peer.separator)
    peer = folder.peer
    successes, failures = ctx.peer_history.get(folder.username, (0, 0))
    exact = want.track_count is None or count == want.track_count
    year = None if want.year is None else float(f" {want.year} " in info.padded)
    return {
        "album": s.component(info.album, W_ALBUM_FOLDER),
        "artist": s.component(info.artist or 1.0, s.W_ARTIST),
        "tracks": s.component(
            1.0 if exact else 0.5, W_TRACKS, audio_files=count, sidecars=len(folder.sidecars)
        ),
        "year": s.component(year, W_YEAR),
        "quality": s.component(
            s.quality_value(rung, keys.ladder_len),
            s.quality_weight(keys.ladder_len),
            key=quality,
            label=QUALITIES[quality],
            rung=rung + 1,
            rungs=keys.ladder_len,
            worst_of=count,
        ),
        "peer": s.component(
            s.peer_value(peer.has_free_slot, peer.queue_length, peer.upload_speed),
            s.W_PEER,
            free_slot=peer.has_free_slot,
            queue_length=peer.queue_length,
            upload_speed=peer.upload_speed,
        ),
        "history": s.component(
            s.history_value(successes, failures),
            s.W_HISTORY,
            successes=successes,
            failures=failures,
        ),
    }
