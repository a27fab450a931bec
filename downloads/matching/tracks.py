"""Ranking single files against a track want: hard gates first, then a weighted score.

The gates run cheapest first: blocked user and earlier rejection (set look-ups), extension and
stream quality, length, then the identity gates (title, artist, version), whose verdict is
cached per (folder, file name) because the same rip is shared by many peers. Most rejects cost
a few dictionary look-ups. Accepted files get a score; the breakdown is built on demand.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import NamedTuple

from downloads.matching import scoring as s
from downloads.matching.analysis import Analyser, FolderInfo, StemInfo
from downloads.matching.candidates import MatchContext, Scored, SearchFile, Want
from downloads.matching.rules import RuleSpec, bonus_of, rules_component
from downloads.matching.versions import first_excess
from downloads.matching.want_keys import WantKeys, prepare
from library.quality import AUDIO_EXTENSIONS, QUALITIES


def rank(want: Want, files: list[SearchFile], ctx: MatchContext | None = None) -> list[Scored]:
    """Every file judged: accepted ones best first, then the rejected ones with their reasons."""
    judge = TrackJudge(want, ctx or MatchContext())
    with _no_cyclic_gc():
        judged = [judge(file) for file in files]
    accepted = [scored for scored in judged if scored.accepted]
    rejected = [scored for scored in judged if not scored.accepted]
    # Ties are broken by user and path so the same results always rank the same way.
    accepted.sort(key=lambda x: (-x.score, x.file.username, x.file.filename))
    return accepted + rejected


def best(want: Want, files: list[SearchFile], ctx: MatchContext | None = None) -> Scored | None:
    """The top accepted candidate, or None when every file was rejected."""
    ranked = rank(want, files, ctx)
    return ranked[0] if ranked and ranked[0].accepted else None


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while judging.

    The loop allocates a few objects per file and no reference cycles, yet every ~700
    allocations the collector scans young objects and, as the result lists grow, the old ones
    too: at 100k files that doubled the ranking time. Reference counting still frees memory.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_REJECTED_BEFORE = "this file was rejected before for this want"


class _Identity(NamedTuple):
    """Verdict on "is this the wanted recording", shared by every file with the same
    folder (share root aside) and file name."""

    gate: str | None
    reason: str | None
    ratio: float = 0.0
    coverage: float | None = None
    title: float = 0.0
    artist: float = 0.0
    album: float | None = None
    points: float = 0.0  # title, artist and album points together


class TrackJudge:
    """Judges files for one want; caches what files of the same rip or peer have in common."""

    def __init__(self, want: Want, ctx: MatchContext) -> None:
        self.want = want
        self.ctx = ctx
        self.keys = prepare(want, ctx)
        self.analyser = Analyser(self.keys)
        self._quality_weight = s.quality_weight(self.keys.ladder_len)
        # Verdict caches; the values hold the rejection reason or the points contributed.
        self._identities: dict[tuple[str, str], _Identity] = {}
        self._streams: dict[tuple[object, ...], tuple[str | None, int, str | None, float]] = {}
        self._lengths: dict[int | None, tuple[float | None, str | None, float]] = {}
        self._peers: dict[str, float] = {}  # one response per user per search
        self._rule_gates = ctx.rules.gates
        self._rule_prefers = ctx.rules.prefers

    def __call__(self, file: SearchFile) -> Scored:
        """One file's verdict. Gates return a reason (a sentence) or None, cheapest first.

        This is the hot loop (100k calls for a big search), hence the inlined look-ups.
        """
        ctx = self.ctx
        filename = file.filename
        if ctx.blocked_users and file.username in ctx.blocked_users:
            return Scored(file, False, f"user {file.username!r} is blocked", 0.0, None, "user")
        if ctx.rejected and (file.username, filename) in ctx.rejected:
            return Scored(file, False, _REJECTED_BEFORE, 0.0, None, "rejected_before")
        # The user's own rules come before the matcher's: their reason is the one to show.
        if self._rule_gates and (refusal := ctx.rules.refusal(file)):
            return Scored(file, False, refusal, 0.0, None, "rule")
        sep = "\\" if "\\" in filename else "/"
        folder, _, name = filename.rpartition(sep)
        stem, dot, ext = name.rpartition(".")
        if not (dot and stem and len(ext) <= 5):
            stem, ext = name, (file.extension or "").lstrip(".")
        stream = (ext, file.bitrate, file.bit_depth, file.sample_rate, file.is_vbr)
        quality, rung, reason, quality_points = self._streams.get(stream) or self._stream(stream)
        if reason:
            return Scored(file, False, reason, 0.0, None, "format")
        delta, reason, length_points = self._lengths.get(file.length_s) or self._length(file)
        if reason:
            return Scored(file, False, reason, 0.0, None, "length")
        if folder.startswith("@@"):
            folder = folder.partition(sep)[2]
        identity = self._identities.get((folder, stem)) or self._identity(folder, sep, stem)
        if identity.reason:
            return Scored(file, False, identity.reason, 0.0, None, identity.gate)
        peer_points = self._peers.get(file.username)
        if peer_points is None:
            peer_points = self._peer_points(file)
        total = identity.points + length_points + quality_points + peer_points
        preferred = ctx.rules.preferred(file) if self._rule_prefers else ()
        if preferred:
            total += bonus_of(preferred)
        total = round(total, 4)
        # The explanation is only built if someone reads it (see Scored.breakdown).
        explain = partial(self._breakdown, file, identity, quality, rung, delta, preferred)
        return Scored(file, True, None, total, quality, None, explain)

    def _stream(self, stream: tuple[object, ...]) -> tuple[str | None, int, str | None, float]:
        """Quality verdict for one (extension, bitrate, depth, rate, vbr) combination."""
        ext = str(stream[0]).lower()
        quality, rung = None, None
        if ext in AUDIO_EXTENSIONS:
            quality, rung = self.analyser.quality(ext, *stream[1:])  # type: ignore[arg-type]
        if rung is None:
            found = (quality, -1, _format_reason(ext, quality), 0.0)
        elif self._not_an_upgrade(rung):
            owned = QUALITIES.get(self.ctx.upgrade_from or "", self.ctx.upgrade_from)
            found = (quality, rung, f"not better than the file you have ({owned})", 0.0)
        else:
            points = s.quality_value(rung, self.keys.ladder_len) * self._quality_weight
            found = (quality, rung, None, points)
        self._streams[stream] = found
        return found

    def _not_an_upgrade(self, rung: int) -> bool:
        owned = self.ctx.upgrade_from
        if owned is None:
            return False
        owned_rung = self.keys.ladder_index.get(owned)
        # An owned quality off the ladder cannot be ranked: nothing counts as better.
        return owned_rung is None or rung >= owned_rung

    def _length(self, file: SearchFile) -> tuple[float | None, str | None, float]:
        """Length verdict for one reported length (lengths repeat across rips)."""
        keys = self.keys
        delta, reason = _length_check(file.length_s, keys) if file.length_s else (None, None)
        points = 0.0
        if keys.duration_s is not None:
            points = s.length_value(delta, keys.tolerance_s) * s.W_LENGTH
        found = self._lengths[file.length_s] = (delta, reason, points)
        return found

    def _peer_points(self, file: SearchFile) -> float:
        peer, history, _ = _peer_values(file, self.ctx)
        points = self._peers[file.username] = peer * s.W_PEER + history * s.W_HISTORY
        return points

    def _identity(self, folder: str, sep: str, stem: str) -> _Identity:
        identity = self._identities[(folder, stem)] = self._check_identity(folder, sep, stem)
        return identity

    def _check_identity(self, folder_path: str, sep: str, stem_text: str) -> _Identity:
        keys = self.keys
        # The title needs only the (few, cached) file names; check it before the artist so
        # the many unique folders of non-matching files are never analysed.
        stem = self.analyser.stem(stem_text)
        if stem.ratio < s.TITLE_GATE:
            reason = f"title {stem_text!r} does not match wanted {self.want.title!r}"
            return _Identity("title", f"{reason} ({stem.ratio:.0f}%)")
        folder = self.analyser.folder(folder_path, sep, complete=False)
        if folder.artist == 0 and stem.artist == 0:
            return _Identity("artist", f"artist {self.want.artist!r} not found in the path")
        folder = self.analyser.folder(folder_path, sep)
        if reason := _version_reason(folder, stem, keys):
            return _Identity("version", reason)
        coverage = None
        if keys.qualifier_tokens:
            present = keys.qualifier_tokens & (stem.tokens | folder.tokens)
            coverage = len(present) / len(keys.qualifier_tokens)
        album = None
        if keys.album:
            album = max(folder.album or 0.0, 1.0 if f" {keys.album} " in stem.padded else 0.0)
        title = s.title_value(stem.ratio, coverage)
        artist = max(folder.artist, stem.artist)
        points = title * s.W_TITLE + artist * s.W_ARTIST + (album or 0.0) * s.W_ALBUM
        return _Identity(None, None, stem.ratio, coverage, title, artist, album, points)

    def _breakdown(
        self,
        file: SearchFile,
        ident: _Identity,
        quality: str,
        rung: int,
        delta: float | None,
        preferred: tuple[RuleSpec, ...] = (),
    ) -> dict[str, dict[str, object]]:
        """The explanation of one accepted file's score, for the UI and the job log."""
        keys = self.keys
        length = None if keys.duration_s is None else s.length_value(delta, keys.tolerance_s)
        peer, history, (successes, failures) = _peer_values(file, self.ctx)
        parts = {
            "title": s.component(
                ident.title,
                s.W_TITLE,
                ratio=round(ident.ratio, 1),
                qualifier_coverage=ident.coverage,
            ),
            "artist": s.component(ident.artist, s.W_ARTIST),
            "album": s.component(ident.album, s.W_ALBUM),
            "length": s.component(length, s.W_LENGTH, delta_s=delta, length_s=file.length_s),
            "quality": s.component(
                s.quality_value(rung, keys.ladder_len),
                self._quality_weight,
                key=quality,
                label=QUALITIES[quality],
                rung=rung + 1,
                rungs=keys.ladder_len,
            ),
            "peer": s.component(
                peer,
                s.W_PEER,
                free_slot=file.has_free_slot,
                queue_length=file.queue_length,
                upload_speed=file.upload_speed,
            ),
            "history": s.component(history, s.W_HISTORY, successes=successes, failures=failures),
        }
        if self._rule_prefers:
            parts["rules"] = rules_component(preferred)
        return parts


def _peer_values(file: SearchFile, ctx: MatchContext) -> tuple[float, float, tuple[int, int]]:
    record = ctx.peer_history.get(file.username, (0, 0))
    peer = s.peer_value(file.has_free_slot, file.queue_length, file.upload_speed)
    return peer, s.history_value(*record), record


def _format_reason(ext: str, quality: str | None) -> str:
    if ext not in AUDIO_EXTENSIONS:
        return f"not an audio file (.{ext})" if ext else "not an audio file (no extension)"
    if quality is None:
        return f"format .{ext} is not on any quality ladder"
    return f"quality {QUALITIES[quality]} is not allowed by the profile"


def _length_check(length: int, keys: WantKeys) -> tuple[float | None, str | None]:
    """(seconds off the wanted length, or None when unknown; rejection reason or None)."""
    wanted = keys.duration_s
    if wanted is None:
        if length <= s.CLIP_SECONDS:
            return None, f"length {length} s looks like a preview clip"
        return None, None
    delta = abs(length - wanted)
    # A 30-second preview never passes, even for a want short enough to be within tolerance.
    if delta > keys.tolerance_s or length <= s.CLIP_SECONDS < wanted:
        return delta, f"length {length} s vs wanted {wanted:.0f} s (±{keys.tolerance_s:g} s)"
    return delta, None


def _version_reason(folder: FolderInfo, stem: StemInfo, keys: WantKeys) -> str | None:
    label = first_excess(stem.markers, keys.allowed)
    if label is not None:
        return f"version mismatch: {label!r} not in wanted title"
    label = first_excess(folder.markers, keys.allowed_folder)
    if label is not None:
        return f"version mismatch: folder {folder.name!r} is {label!r}, not in wanted title"
    for label in keys.required:
        in_stem = stem.markers.get(label, 0) > keys.base_counts.get(label, 0)
        if not in_stem and label not in folder.markers:
            return f"version mismatch: wanted {label!r} but the file is not marked so"
    return None
