"""The matcher's plain input and output shapes, and the parser for slskd search responses.

No Django here: the matcher runs on these dataclasses so it stays fast and testable. The
service layer converts `Track`/`Album` rows into a `Want` and stores `Scored` results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from downloads.matching.rules import RuleSet
from library.quality import AUDIO_EXTENSIONS, default_ladder


@dataclass(frozen=True, slots=True)
class Want:
    """What we are looking for: one track, or one album (`kind="album"`, `title` = album)."""

    artist: str
    title: str
    album: str | None = None
    duration_ms: int | None = None
    isrc: str | None = None
    kind: Literal["track", "album"] = "track"
    track_count: int | None = None  # album wants: tracks on the wanted release
    year: int | None = None


@dataclass(frozen=True, slots=True)
class SearchFile:
    """One file from one peer's search response, with that peer's slot/queue/speed."""

    username: str
    filename: str  # full remote path exactly as slskd reported it; echo it when enqueueing
    size: int  # bytes; slskd needs it echoed exactly too
    extension: str = ""
    bitrate: int | None = None  # kbps
    sample_rate: int | None = None  # Hz
    bit_depth: int | None = None
    length_s: int | None = None
    is_vbr: bool | None = None
    has_free_slot: bool | None = None
    queue_length: int | None = None
    upload_speed: int | None = None  # bytes/s

    @property
    def separator(self) -> str:
        """The path separator the peer used: slskd reports Windows-style paths mostly."""
        return "\\" if "\\" in self.filename else "/"

    @property
    def folder(self) -> str:
        """The remote folder, in the peer's own spelling (used to fetch the whole album)."""
        return self.filename.rpartition(self.separator)[0]

    @property
    def basename(self) -> str:
        """The file name without its folder."""
        return self.filename.rpartition(self.separator)[2]


@dataclass
class MatchContext:
    """Everything about the situation (not the file) that decides acceptance and order."""

    ladder: list[str] = field(default_factory=default_ladder)  # quality keys, best first
    length_tolerance_s: float = 3.0
    blocked_users: set[str] | frozenset[str] = frozenset()
    rejected: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset()  # (user, path)
    peer_history: dict[str, tuple[int, int]] = field(default_factory=dict)  # user -> (ok, failed)
    extra_album_tracks: int = 0  # album wants: how many bonus tracks a folder may have
    # Upgrades: only files of a quality ranked strictly above this one (the owned file's) pass.
    upgrade_from: str | None = None
    # The user's filter rules (allow/deny/prefer), compiled once per search.
    rules: RuleSet = field(default_factory=RuleSet)


@dataclass(slots=True)
class Scored:
    """One candidate file with the verdict and, if accepted, how its score was made.

    `breakdown` is built on first access: a search returns thousands of acceptable files and
    only the few a person looks at (or the service stores) need their explanation.
    """

    file: SearchFile
    accepted: bool
    rejection_reason: str | None
    score: float
    quality: str | None = None
    gate: str | None = None  # the gate that rejected the file: "artist", "length", ...
    explain: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    _breakdown: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def breakdown(self) -> dict[str, Any]:
        """JSON-ready: per component its value (0-1), weight and points, plus raw details."""
        if self._breakdown is None:
            if self.explain is not None:
                self._breakdown = self.explain()
            else:
                self._breakdown = {"rejected_by": self.gate} if self.gate else {}
        return self._breakdown


def extension_of(filename: str) -> str:
    """Lower-case extension taken from the path itself ('' if the name has none)."""
    name = filename.rpartition("\\" if "\\" in filename else "/")[2]
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 5 or " " in ext:
        return ""
    return ext.lower()


def is_audio(filename: str) -> bool:
    """Whether the path names an audio file we know how to rank."""
    return extension_of(filename) in AUDIO_EXTENSIONS


def files_from_responses(responses: Any) -> list[SearchFile]:
    """SearchFiles from slskd's `/searches/{id}/responses` JSON; malformed entries are skipped.

    Locked files are left out: the peer shares them only with some users, so a download would
    almost certainly be refused.
    """
    files: list[SearchFile] = []
    if not isinstance(responses, list):
        return files
    for response in responses:
        if not isinstance(response, dict):
            continue
        username = response.get("username")
        entries = response.get("files")
        if not isinstance(username, str) or not username or not isinstance(entries, list):
            continue
        if "\x00" in username:
            continue  # no real Soulseek name has one, and no database column can hold it
        peer = {
            "has_free_slot": _as_bool(response.get("hasFreeUploadSlot")),
            "queue_length": _as_int(response.get("queueLength")),
            "upload_speed": _as_int(response.get("uploadSpeed")),
        }
        for entry in entries:
            parsed = _file_from_entry(username, entry, peer)
            if parsed is not None:
                files.append(parsed)
    return files


def _file_from_entry(username: str, entry: Any, peer: dict[str, Any]) -> SearchFile | None:
    if not isinstance(entry, dict):
        return None
    filename = entry.get("filename")
    size = _as_int(entry.get("size"))
    # Without the exact path and size slskd cannot enqueue the file, so it is no candidate.
    if not isinstance(filename, str) or not filename.strip() or size is None or size < 0:
        return None
    if "\x00" in filename:
        return None  # a NUL can be neither stored (PostgreSQL) nor a real file name
    reported = entry.get("extension")
    extension = extension_of(filename) or (
        reported.lower().lstrip(".") if isinstance(reported, str) else ""
    )
    return SearchFile(
        username=username,
        filename=filename,
        size=size,
        extension=extension,
        bitrate=_positive(entry.get("bitRate")),
        sample_rate=_positive(entry.get("sampleRate")),
        bit_depth=_positive(entry.get("bitDepth")),
        length_s=_positive(entry.get("length")),
        is_vbr=_as_bool(entry.get("isVariableBitRate")),
        **peer,
    )


def _as_int(value: Any) -> int | None:
    # `type(...) is int` also keeps bools out: a `true` where a number belongs is garbage, not 1.
    if type(value) is int:
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and value == value and abs(value) < 2**63:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _positive(value: Any) -> int | None:
    """Stream attributes: 0 or negative means "the peer did not say", like absent."""
    if type(value) is int:  # the common case, without the general conversion
        return value if value > 0 else None
    number = _as_int(value)
    return number if number is not None and number > 0 else None


def _as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
