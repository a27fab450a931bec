"""List the audio files under a folder, turning every filesystem surprise into a Problem.

Pure Python (no Django), so benchmarks and tests can run it alone. The walk follows symlinked
folders and files only while they stay inside the music folder (`boundary`): one leading
elsewhere is a Problem, never a catalogued track, so no later move can reach a file outside the
library through it. It never enters the same folder twice (no loops), skips hidden folders,
SoulSpot's own temporary files and any folder it is told to skip (the recycle bin), and never
raises for a bad entry: unreadable folders, dangling symlinks, non-UTF-8 names and entries that
vanish while being listed each become a Problem and the walk goes on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from library.quality import AUDIO_EXTENSIONS
from library.safe_files import TEMP_PREFIX

# Files that are never audio: skipped without opening them, whatever their first bytes say.
NOT_AUDIO_EXTENSIONS = {
    "jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff",
    "txt", "cue", "log", "nfo", "md", "pdf", "m3u", "m3u8", "pls", "sfv", "md5", "ffp", "accurip",
    "db", "ini", "url", "html", "htm", "xml", "json", "lrc", "srt",
}  # fmt: skip
# What the first bytes of an audio file are, for files whose name does not say (no extension,
# ".oggflac", ".bin"…). Only SNIFF_BYTES are read, never the whole file.
SNIFF_BYTES = 16
_MAGIC = (
    b"ID3",  # an ID3v2 tag first: MP3, or raw AAC/TTA
    b"fLaC",
    b"OggS",  # Vorbis, Opus, Speex, Ogg FLAC
    b"RIFF",  # WAV
    b"FORM",  # AIFF
    b"MAC ",  # Monkey's Audio
    b"wvpk",  # WavPack
    b"MPCK",  # Musepack SV8
    b"MP+",  # Musepack SV7
    b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c",  # ASF (WMA)
    b"DSD ",  # DSF
    b"FRM8",  # DSDIFF
    b"tBaK",  # TAK
    b"OFR ",  # OptimFROG
    b"TTA1",  # True Audio
    b"ADIF",  # raw AAC
    b"\x0b\x77",  # AC-3 / E-AC-3 sync word
)


def looks_like_audio(head: bytes) -> bool:
    """True when these first bytes of a file start an audio format mutagen reads."""
    if head.startswith(_MAGIC) or head[4:8] == b"ftyp":  # MP4/M4A/M4B/3G2
        return True
    return _is_mpeg_frame(head)


def _is_mpeg_frame(head: bytes) -> bool:
    """An MPEG audio (MP3) or ADTS (AAC) frame header: 11 sync bits and no reserved values, so
    a random binary file starting with 0xFF is rarely mistaken for one."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    if layer == 0:  # ADTS: MPEG-4/2 AAC, version bit only; sampling index 13-15 is reserved
        return version in {2, 3} and (head[2] >> 2) & 0xF < 13
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and bitrate not in {0, 15} and rate != 3


def is_audio_file(name: str, path: str, is_file: Callable[[], bool]) -> bool:
    """Audio by its extension, or (unknown or no extension) by its first bytes.

    The scanner and the folder import both ask this, so a file one of them takes the other
    takes too (an MP3 without an extension included).
    """
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension in AUDIO_EXTENSIONS:
        return True
    if extension in NOT_AUDIO_EXTENSIONS or name.startswith("."):
        return False
    return is_file() and sniff_audio(path)


def sniff_audio(path: str) -> bool:
    """Read a file's first bytes to tell whether it is audio; False when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return looks_like_audio(f.read(SNIFF_BYTES))
    except OSError:
        return False


# How often (in entries) the walk calls its `tick` callback, so a long walk can keep its lease.
TICK_EVERY = 2000


@dataclass(frozen=True)
class FoundFile:
    path: str
    size: int
    mtime: float


@dataclass(frozen=True)
class Problem:
    kind: str  # a ScanProblem.Kind value
    path: str
    detail: str


@dataclass
class WalkResult:
    """Everything the walk saw: files, problems and folders whose content is unknown."""

    files: list[FoundFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Folders that could not be listed: files catalogued under them must not be marked missing.
    unreadable: list[str] = field(default_factory=list)
    # Nothing at all in the folder: what an unmounted drive's mount point looks like.
    root_empty: bool = False
    seconds: float = 0.0


def display_path(path: str) -> str:
    """A path that can be stored and shown even when its bytes are not valid UTF-8."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_valid_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # os.scandir keeps undecodable bytes as lone surrogates
        return False
    return True


def walk(
    root: str,
    *,
    skip: tuple[str, ...] = (),
    tick: Callable[[], None] | None = None,
    boundary: str | None = None,
) -> WalkResult:
    """Every audio file under `root` (by extension, else by content) with its size and mtime.

    `boundary` (default: `root`) is the folder symlinks may not lead out of.
    """
    started = time.monotonic()
    result = WalkResult()
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        result.problems.append(Problem("not_mounted", root, _reason(exc)))
        result.unreadable.append(root)
        return result
    walker = _Walker(result, {os.path.normpath(s) for s in skip}, tick)
    walker.boundary = os.path.realpath(boundary or root)
    if not walker.inside(os.path.realpath(root)):
        # Scanning `music/linked` where linked leads elsewhere: nothing is listed, nothing
        # catalogued under it is marked missing either (its content is unknown).
        detail = f"leads to {display_path(os.path.realpath(root))}, outside the music folder"
        walker.problem("symlink_outside", root, detail)
        result.unreadable.append(root)
        return result
    walker.seen_dirs.add((root_stat.st_dev, root_stat.st_ino))
    for entry in walker.run(root):
        result.files.append(entry)
    result.root_empty = walker.count == 0 and not result.unreadable
    result.seconds = time.monotonic() - started
    return result


class _Walker:
    def __init__(self, result: WalkResult, skip: set[str], tick: Callable[[], None] | None) -> None:
        self.result = result
        self.skip = skip
        self.tick = tick or (lambda: None)
        self.seen_dirs: set[tuple[int, int]] = set()
        self.count = 0
        self.boundary = ""

    def problem(self, kind: str, path: str, detail: str) -> None:
        self.result.problems.append(Problem(kind, display_path(path), detail))

    def run(self, root: str) -> Iterator[FoundFile]:
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as entries:
                    # Listing can fail half-way (e.g. a network share going away).
                    children = list(entries)
            except OSError as exc:
                self.problem("unreadable_dir", folder, _reason(exc))
                self.result.unreadable.append(folder)
                continue
            folders: list[str] = []
            for entry in sorted(children, key=lambda e: e.name):
                self.count += 1
                if self.count % TICK_EVERY == 0:
                    self.tick()
                found = self.visit(entry, folders)
                if found is not None:
                    yield found
            stack.extend(reversed(folders))  # depth first, in name order

    def visit(self, entry: os.DirEntry, folders: list[str]) -> FoundFile | None:
        name = entry.name
        if name.startswith(TEMP_PREFIX):
            return None
        try:
            if entry.is_dir():  # follows symlinks
                self.enter(entry, folders)
                return None
            if not self.wanted(entry):
                return None
            if self.leads_outside(entry):
                return None
            stat = entry.stat()
        except FileNotFoundError:
            kind = "dangling_symlink" if entry.is_symlink() else "vanished"
            detail = "the link points to nothing" if kind == "dangling_symlink" else "gone"
            self.problem(kind, entry.path, detail)
            return None
        except OSError as exc:
            self.problem("unreadable_file", entry.path, _reason(exc))
            return None
        if not is_valid_utf8(entry.path):
            self.problem("bad_filename", entry.path, "rename the file to catalogue it")
            return None
        return FoundFile(entry.path, stat.st_size, stat.st_mtime)

    def wanted(self, entry: os.DirEntry) -> bool:
        return is_audio_file(entry.name, entry.path, entry.is_file)

    def enter(self, entry: os.DirEntry, folders: list[str]) -> None:
        if entry.name.startswith(".") or os.path.normpath(entry.path) in self.skip:
            return
        if not is_valid_utf8(entry.path):
            self.problem("bad_filename", entry.path, "folder name is not valid UTF-8; skipped")
            return
        if self.leads_outside(entry):
            return
        stat = entry.stat()
        key = (stat.st_dev, stat.st_ino)
        if key in self.seen_dirs:
            if entry.is_symlink():
                target = display_path(os.path.realpath(entry.path))
                self.problem("symlink_loop", entry.path, f"points back to {target}; skipped")
            return
        self.seen_dirs.add(key)
        folders.append(entry.path)

    def inside(self, real: str) -> bool:
        return real == self.boundary or real.startswith(self.boundary.rstrip(os.sep) + os.sep)

    def leads_outside(self, entry: os.DirEntry) -> bool:
        """A symlink to somewhere outside the music folder: reported, never followed."""
        if not entry.is_symlink():
            return False
        target = os.path.realpath(entry.path)
        if self.inside(target):
            return False
        if not os.path.exists(target):
            return False  # dangling: reported as such where it is stat-ed
        detail = f"points to {display_path(target)}, outside the music folder; not catalogued"
        self.problem("symlink_outside", entry.path, detail)
        return True


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
