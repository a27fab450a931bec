"""Per-folder and per-file-name analysis, cached for one ranking call.

Search results repeat themselves: one peer's album folder holds several hits, and the same rip
("02 - Creep.flac", "Radiohead/Pablo Honey") is shared by many peers. So folder paths and file
stems are analysed once each, and path segments are normalized once each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from downloads.matching.candidates import SearchFile, extension_of
from downloads.matching.scoring import ARTIST_FUZZY_GATE, SHORT_TITLE
from downloads.matching.text import (
    BRACKETS,
    NOISE_TOKENS,
    SEPARATORS,
    compact_window_match,
    cut_at_feat,
    is_number_token,
    normalize,
    remove_phrase,
    strip_the,
)
from downloads.matching.versions import MARKER_WORDS, TRIGGERS, count_markers, folder_markers
from downloads.matching.want_keys import WantKeys
from library.quality import StreamInfo, classify

# Markers (the version gate judges them) and noise ("remastered", "320kbps") are not title.
_IGNORED_WORDS = MARKER_WORDS | NOISE_TOKENS
_CENTURIES = ("19", "20")
_DISC_FOLDER = re.compile(r"^(cd|disc|disk|side|vol|volume)\s?\d{1,2}\b")


@dataclass(slots=True)
class FolderInfo:
    """What a remote folder says about every file in it.

    The artist is worked out at once (it rejects most folders); album, markers and tokens
    only when a file in the folder gets that far (`complete`).
    """

    name: str  # the album folder as the peer spelled it, for messages
    padded: str  # " normalized path segments " (share root left out)
    album_norm: str  # the album folder name, normalized
    artist: float  # 1.0 exact, fuzzy ratio / 100, or 0 when the artist is not in the folder
    album: float | None = None  # None when the want names no album
    markers: dict[str, int] = field(default_factory=dict)  # "Live at Wembley" -> live
    tokens: frozenset[str] = frozenset()  # words of the album folder name
    complete: bool = False


@dataclass(slots=True)
class StemInfo:
    """What a file name (without folder and extension) says."""

    ratio: float  # title closeness, 0-100
    padded: str
    tokens: frozenset[str]
    markers: dict[str, int]  # version markers outside the artist and album names
    artist: float


class Analyser:
    """Caches for one want: normalized segments, folders, stems and stream qualities."""

    def __init__(self, keys: WantKeys) -> None:
        self.keys = keys
        self._segments: dict[str, str] = {}
        self._folders: dict[str, FolderInfo] = {}
        self._stems: dict[str, StemInfo] = {}
        self._qualities: dict[tuple[object, ...], tuple[str | None, int | None]] = {}

    def quality(
        self,
        ext: str,
        bitrate: int | None = None,
        bit_depth: int | None = None,
        sample_rate: int | None = None,
        is_vbr: bool | None = None,
    ) -> tuple[str | None, int | None]:
        """(quality key, ladder rank); the rank is None when the ladder does not allow it."""
        key = (ext, bitrate, bit_depth, sample_rate, is_vbr)
        found = self._qualities.get(key)
        if found is None:
            quality = classify(StreamInfo(ext, bitrate, bit_depth, sample_rate, is_vbr))
            found = (quality, self.keys.ladder_index.get(quality) if quality else None)
            self._qualities[key] = found
        return found

    def file_quality(self, file: SearchFile) -> tuple[str | None, int | None]:
        """`quality` for a search result."""
        ext = extension_of(file.filename) or file.extension.lower().lstrip(".")
        return self.quality(ext, file.bitrate, file.bit_depth, file.sample_rate, file.is_vbr)

    def folder(self, folder: str, sep: str, complete: bool = True) -> FolderInfo:
        """Analysis of a remote folder; the share root ("@@abcde") does not matter."""
        if folder.startswith("@@"):
            folder = folder.partition(sep)[2]
        info = self._folders.get(folder)
        if info is None:
            info = self._folders[folder] = self._analyse_folder(folder, sep)
        if complete and not info.complete:
            self._complete_folder(info)
        return info

    def stem(self, stem: str) -> StemInfo:
        """Analysis of a file name without its extension."""
        info = self._stems.get(stem)
        if info is None:
            info = self._stems[stem] = self._analyse_stem(stem)
        return info

    def _normalized_segment(self, segment: str) -> str:
        norm = self._segments.get(segment)
        if norm is None:
            norm = self._segments[segment] = normalize(segment)
        return norm

    def _analyse_folder(self, folder: str, sep: str) -> FolderInfo:
        raw = [s for s in folder.split(sep) if s and not s.startswith("@@")]
        known = self._segments
        norms = [known.get(s) or self._normalized_segment(s) for s in raw]
        # "Album/CD1": the album's name is the parent folder's.
        depth = 2 if len(norms) > 1 and _DISC_FOLDER.match(norms[-1]) else 1
        album_norm = " ".join(norms[-depth:])
        padded = f" {' '.join(norms)} "
        return FolderInfo(
            name=" / ".join(raw[-depth:]),
            padded=padded,
            album_norm=album_norm,
            artist=artist_score(padded, self.keys),
        )

    def _complete_folder(self, info: FolderInfo) -> None:
        keys = self.keys
        if keys.album:
            info.album = _album_score(info.padded, info.album_norm, keys.album)
        tokens = info.album_norm.split()
        if not TRIGGERS.isdisjoint(tokens) or "concert" in tokens:
            text = remove_phrase(remove_phrase(f" {info.album_norm} ", keys.album), keys.artist)
            info.markers = folder_markers(text.split())
        if keys.qualifier_tokens:
            info.tokens = frozenset(tokens)
        info.complete = True

    def _analyse_stem(self, stem: str) -> StemInfo:
        keys = self.keys
        norm = normalize(stem)
        padded = f" {norm} "
        tokens = norm.split()
        markers: dict[str, int] = {}
        if not TRIGGERS.isdisjoint(tokens):
            # Markers inside the artist or album name ("Live", "Live Through This") don't count.
            stripped = remove_phrase(remove_phrase(padded, keys.album), keys.artist)
            markers = count_markers(stripped.split())
        return StemInfo(
            ratio=title_ratio(stem, keys),
            padded=padded,
            tokens=frozenset(tokens),
            markers=markers,
            artist=artist_score(padded, keys),
        )


def artist_score(padded: str, keys: WantKeys) -> float:
    """1.0 when the artist is in the text on word boundaries; a fuzzy ratio >= 0.9; else 0."""
    if not keys.artist:
        return 1.0  # nothing to check ("!!!" normalizes to nothing)
    for variant in keys.artist_variants:
        if variant in padded:
            return 1.0
    compact = keys.artist_compact
    # Substring screen first (C speed); the token-window check keeps word boundaries.
    if (
        compact
        and compact in padded.replace(" ", "")
        and compact_window_match(padded.split(), compact)
    ):
        return 1.0
    if len(keys.artist) < 5:
        return 0.0  # short names are too easy to hit by accident
    # Cheap C-level screen first; the word-aligned check below is the one that decides.
    if fuzz.partial_ratio(keys.artist, padded, score_cutoff=ARTIST_FUZZY_GATE - 5) == 0:
        return 0.0
    return _aligned_ratio(padded.split(), keys) / 100


def _aligned_ratio(tokens: list[str], keys: WantKeys) -> float:
    """Best ratio of the artist against word windows of its own length.

    Aligning on words is what keeps "prince" from matching "princess".
    """
    width = len(keys.artist_tokens)
    best = 0.0
    for start in range(max(len(tokens) - width + 1, 1)):
        window = " ".join(tokens[start : start + width])
        best = max(best, fuzz.ratio(keys.artist, window, score_cutoff=ARTIST_FUZZY_GATE))
    return best


def _album_score(padded: str, album_norm: str, album: str) -> float:
    if f" {album} " in padded:
        return 1.0
    ratio = fuzz.token_set_ratio(album, album_norm)
    return min(max((ratio - 60) / 40, 0.0), 1.0)


def title_ratio(stem: str, keys: WantKeys) -> float:
    """How well a file stem matches the wanted title, 0-100, after taking the stem apart.

    "01 - Radiohead - Pablo Honey - Creep (Remastered)" is split on " - ", and the number,
    artist, album and noise segments are dropped before comparing what is left with the title.
    """
    if not keys.title_base:
        return 100.0
    candidate = " ".join(_title_segments(stem, keys))
    targets = {keys.title_base, keys.title_full}
    if len(keys.title_base) < SHORT_TITLE:
        return 100.0 if candidate in targets else 0.0
    return max(fuzz.ratio(target, candidate) for target in targets)


def _title_segments(stem: str, keys: WantKeys) -> list[str]:
    if "(" in stem or "[" in stem or "{" in stem:
        stem = BRACKETS.sub(" ", stem)
    kept: list[str] = []
    for segment in SEPARATORS.split(stem):
        tokens = _strip_numbers(normalize(segment).split(), keys.title_lead_numbers)
        # "Creep Remastered", "Creep RMX", "One_More_Time-WEB-2001": the title plus words that
        # name no title.
        tokens = [t for t in tokens if t in keys.title_tokens or not _ignored(t)]
        text = " ".join(tokens)
        if not tokens or text in kept:
            continue
        droppable = text in keys.skip_segments or strip_the(text) in keys.skip_segments
        if text != keys.title_base and (droppable or text.replace(" ", "").isdigit()):
            continue
        if not keys.title_has_artist:
            tokens = _strip_artist(tokens, keys.artist_tokens)
        kept.append(" ".join(cut_at_feat(tokens)))
    return kept


def _ignored(token: str) -> bool:
    """A word that is never part of a title: a marker, noise, or a year."""
    return token in _IGNORED_WORDS or (
        len(token) == 4 and token[:2] in _CENTURIES and token.isdigit()
    )


def _strip_numbers(tokens: list[str], keep: int) -> list[str]:
    """Drop leading track numbers but keep the title's own ("05 1979" -> "1979")."""
    run = 0
    while run < len(tokens) and is_number_token(tokens[run]):
        run += 1
    return tokens[run - min(keep, run) :] if run else tokens


def _strip_artist(tokens: list[str], artist: tuple[str, ...]) -> list[str]:
    """ "radiohead creep" -> "creep" (underscore names carry no " - " to split on)."""
    if tokens[:1] == ["the"] and tuple(tokens[1 : len(artist) + 1]) == artist:
        tokens = tokens[1:]
    width = len(artist)
    if width and len(tokens) > width:
        if tuple(tokens[:width]) == artist:
            return tokens[width:]
        if tuple(tokens[-width:]) == artist:
            return tokens[:-width]
    return tokens
