"""Read one file completely: stream info, tags, integrity, SHA-256 — in worker processes.

`read_file` is pure (no Django, no database) and returns a `FileReading`, a plain dataclass that
pickles cheaply across the process boundary. `read_many` runs it on all cores and yields results
in input order, keeping only a bounded number of files in flight.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from library.audio import (
    AudioToolMissing,
    UnreadableAudio,
    check_integrity,
    deep_check,
    explain_unreadable,
    read_audio,
)
from library.quality import StreamInfo, classify
from library.tagging import TagSet

logger = logging.getLogger(__name__)

# Files per task sent to a worker: enough to amortise the inter-process round trip.
CHUNK = 8
# Tags that identify a file; a duplicate with more of them set is the better keeper.
SCORED_TAGS = (
    "title",
    "artist",
    "album",
    "album_artist",
    "track_number",
    "date",
    "isrc",
    "musicbrainz_recording_id",
    "musicbrainz_release_id",
    "genre",
)
# TrackFile.format -> the extension library.quality.classify understands.
_QUALITY_EXTENSION = {
    "flac": "flac",
    "alac": "alac",
    "wav": "wav",
    "aiff": "aiff",
    "mp3": "mp3",
    "aac": "aac",
    "ogg": "ogg",
    "opus": "opus",
    **{lossless: lossless for lossless in ("ape", "wv", "dsd", "tak", "ofr", "tta")},
}


@dataclass(slots=True)
class FileReading:
    """Everything the scanner stores about one file, as read by `read_file`.

    A file that is gone has `vanished` set; one that cannot be read at all (e.g. permission
    denied) has `error`. Otherwise the rest is filled in: `broken_reason` is empty when the
    audio is fine, `changed` says its size or mtime moved while it was read, and `tool_missing`
    names the decoder a deep check could not run. Stream facts stay None when unparseable.
    """

    path: str
    vanished: bool = False
    error: str = ""
    size: int = 0
    mtime: float = 0.0
    sha256: str = ""
    format: str = "other"
    quality: str = ""
    bitrate: int | None = None
    sample_rate: int | None = None
    bit_depth: int | None = None
    duration_ms: int | None = None
    tags: TagSet = field(default_factory=TagSet)
    tag_score: int = 0
    broken_reason: str = ""
    changed: bool = False
    tool_missing: str = ""


def read_file(path: str, deep: bool = False) -> FileReading:
    """Everything the scanner stores about `path` (see `FileReading`)."""
    try:
        before = os.stat(path)
        sha256 = hash_file(path) if before.st_size else ""
    except FileNotFoundError:
        return FileReading(path, vanished=True)
    except OSError as exc:
        return FileReading(path, error=f"cannot read file: {exc.strerror or exc}")
    result = FileReading(path, size=before.st_size, mtime=before.st_mtime, sha256=sha256)
    _read_audio_facts(result, deep)
    try:
        after = os.stat(path)
    except FileNotFoundError:
        return FileReading(path, vanished=True)
    result.changed = (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
    return result


def _read_audio_facts(result: FileReading, deep: bool) -> None:
    """Fill in the audio facts; a file that fails to parse keeps what was read before."""
    try:
        _parse(result, deep)
    except UnreadableAudio as exc:
        result.broken_reason = explain_unreadable(Path(result.path), exc.reason)
    except FileNotFoundError:
        result.broken_reason = "file vanished while being read"
    except Exception as exc:  # a hostile file must not stop a library scan
        logger.warning("unexpected error parsing %r", result.path, exc_info=True)
        result.broken_reason = f"cannot parse: {type(exc).__name__}: {exc}"[:500]


def _parse(result: FileReading, deep: bool) -> None:
    path = Path(result.path)
    # One open file for the header parse and the tail check, rather than each of them
    # stat'ing and opening the file again.
    with _open(path) as f:
        info = read_audio(path, f)
        result.broken_reason = check_integrity(path, info, f) or ""
    # Both computed before any field is set: a file they fail on keeps none of its facts.
    score = tag_score(info.tags)
    quality = quality_of(info.format, info.bitrate, info.bit_depth, info.sample_rate, info.is_vbr)
    result.format = info.format
    result.quality = quality
    result.bitrate = info.bitrate
    result.sample_rate = info.sample_rate
    result.bit_depth = info.bit_depth
    result.duration_ms = info.duration_ms
    result.tags = info.tags
    result.tag_score = score
    if deep and not result.broken_reason:
        try:
            result.broken_reason = deep_check(path, info.duration_ms) or ""
        except AudioToolMissing as exc:
            result.tool_missing = str(exc)


def _open(path: Path) -> BinaryIO:
    """`path` opened for reading; failures other than "gone" make the file unreadable audio."""
    try:
        return open(os.fspath(path), "rb")  # a str name, so mutagen's messages name the file
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnreadableAudio(path, f"cannot read file: {exc.strerror or exc}") from exc


def tag_score(tags: TagSet) -> int:
    """How many identifying tags a TagSet has (TrackFile.tag_score; the importer may use it)."""
    return sum(1 for name in SCORED_TAGS if getattr(tags, name))


def hash_file(path: str) -> str:
    """Hex SHA-256 of a file.

    hashlib.file_digest reads into one reused buffer: about a quarter faster than chunked
    reads, and hashing is most of a scan's work.
    """
    with open(path, "rb", buffering=0) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def quality_of(
    fmt: str, bitrate: int | None, bit_depth: int | None, sample_rate: int | None, is_vbr: bool
) -> str:
    """The library.quality key of a file ("" when the format has none)."""
    extension = _QUALITY_EXTENSION.get(fmt)
    if extension is None:
        return ""
    info = StreamInfo(extension, bitrate, bit_depth, sample_rate, is_vbr)
    return classify(info) or ""


def _read_chunk(paths: list[str], deep: bool) -> list[FileReading]:
    return [read_file(path, deep) for path in paths]


def read_many(
    paths: Sequence[str], *, deep: bool = False, workers: int = 1, ahead: int = 512
) -> Iterator[FileReading]:
    """`read_file` over `paths` on `workers` processes; results come back in input order.

    Up to `ahead` files are read in advance, so the workers keep going while the caller
    writes a batch to the database. A handful of files is read here: starting worker
    processes would cost more than it saves. Closing the generator early (a cancelled or
    time-sliced scan) drops the queued work.
    """
    if workers <= 1 or len(paths) < 2 * CHUNK:
        for path in paths:
            yield read_file(path, deep)
        return
    pool = _pool(workers)
    try:
        yield from _pipeline(pool, paths, deep, in_flight=max(workers * 2, ahead // CHUNK))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pipeline(
    pool: Executor, paths: Iterable[str], deep: bool, in_flight: int
) -> Iterator[FileReading]:
    chunks = _chunked(paths, CHUNK)
    pending: deque[Future] = deque()
    for chunk in chunks:
        pending.append(pool.submit(_read_chunk, chunk, deep))
        if len(pending) >= in_flight:
            break
    while pending:
        results = pending.popleft().result()
        next_chunk = next(chunks, None)
        if next_chunk is not None:
            pending.append(pool.submit(_read_chunk, next_chunk, deep))
        yield from results


def _chunked(paths: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for path in paths:
        chunk.append(path)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pool(workers: int) -> Executor:
    """Processes where allowed; threads inside a daemonic process (which may not fork children).

    django-q runs tasks in daemonic processes unless `daemonize_workers` is off. Threads still
    hash in parallel (hashlib releases the GIL), but tag parsing then shares one core.
    """
    if multiprocessing.current_process().daemon:
        logger.warning("scanner runs in a daemonic process: reading files with threads")
        return ThreadPoolExecutor(max_workers=workers)
    return ProcessPoolExecutor(max_workers=workers, mp_context=_start_method())


def _start_method() -> multiprocessing.context.BaseContext:
    """ "fork" (workers start at once) when only this thread runs, as in `manage.py scan`.

    Forking a process with other threads can copy a lock some thread holds; then the
    slower forkserver (or spawn) starts clean workers instead.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
