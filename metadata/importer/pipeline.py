"""One file into the library: verify, identify, enrich, name, stage + tag, place, record.

Shared by downloads (`downloads.engine.handoff`) and files the user already has (`adopt`).
Disk steps are ordered so that a crash anywhere leaves the source or a verified library file,
never neither, and the `ImportItem` row is the journal a re-run resumes from:

    started --(tagged copy sealed, destination chosen)--> staged --(linked into place,
    source removed, records written: see `landing`)--> imported

The download is never modified: tags go into a private copy (staged next to the library so
the final step is an atomic hard link), which is fsynced before the source may be deleted.
Fault-injection steps passed to `crash_hook`: see `landing`.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from library import paths as library_paths
from library.audio import AudioInfo, AudioToolMissing, deep_check, verify_download
from library.models import Track
from library.naming import UnsafePath
from library.naming import scheme as naming_scheme
from library.provenance.tags import catalogue_tags
from library.tagging import TaggingError, read_cover
from metadata.importer import (
    conflicts,
    enrich,
    identify,
    landing,
    library_records,
    paths,
    placement,
)
from metadata.importer.enrich import Enrichment
from metadata.importer.journal import Outcome, Request, State, conclude, give_up, save
from metadata.models import AlbumCover

__all__ = ["Outcome", "Request", "give_up", "import_file", "prepare"]


def import_file(req: Request) -> Outcome:
    """Import one file now (resuming a previous attempt recorded on `req.item`)."""
    prepared = prepare(req)
    if isinstance(prepared, Outcome):
        return prepared
    return landing.land([prepared])[0]


def prepare(req: Request) -> landing.Prepared | Outcome:
    """Everything up to a tagged private copy; an Outcome when the file goes no further."""
    if req.item.state == State.STAGED:
        resumed = landing.resume(req)
        if resumed is not None:
            return resumed
    if not req.source.is_file():
        return conclude(req, State.FAILED, f"file not found: {req.source}")
    info = _verify(req)
    if isinstance(info, Outcome):
        return info
    new = False
    track = req.track
    if track is None:
        found = identify.identify(info, req.source, req.root, req.lookup)
        track, new = found.track, found.created
    result = Enrichment()
    enrich.lookup_musicbrainz(track, result)
    enrich.lookup_genres(track)
    return _prepare_verified(req, track, info, result, new=new)


def duration_tolerance_s() -> float:
    return float(settings.SOULSPOT_IMPORT_DURATION_TOLERANCE_S)


def _verify(req: Request) -> AudioInfo | Outcome:
    verdict = verify_download(req.source, req.expected_duration_ms, duration_tolerance_s())
    problem = verdict.reason
    if verdict.ok and req.expected_size and verdict.info.size < req.expected_size:
        problem = f"file is truncated: {verdict.info.size} of {req.expected_size} bytes"
    if not problem and req.deep:
        problem = _decode_problem(req.source)
    if not problem:
        return verdict.info
    if req.quarantine_bad:
        return quarantine(req, problem)
    return conclude(req, State.FAILED, problem)


def _decode_problem(source: Path) -> str:
    """Why the audio does not decode ("" when it does). Broken audio never enters the library
    as healthy: without the decoder the file is not imported either (the command checks for
    the tools before it starts, so this is a tool removed mid-batch)."""
    try:
        problem = deep_check(source)
    except AudioToolMissing as exc:
        return str(exc)
    return f"audio does not decode: {problem}" if problem else ""


def quarantine(req: Request, problem: str) -> Outcome:
    """Set a bad download aside with its reason; the verdict is saved first so a re-run that
    finds the file already moved still knows why."""
    save(req.item, state=State.QUARANTINED, reason=problem[:1000])
    if req.source.is_file():
        moved = placement.quarantine(req.source, problem)
        save(req.item, set_aside_path=str(moved))
    return Outcome(State.QUARANTINED, problem)


def _prepare_verified(
    req: Request, track: Track, info: AudioInfo, result: Enrichment, *, new: bool
) -> landing.Prepared | Outcome:
    quality = conflicts.quality_of(info)
    extension = paths.extension_for(info.format, req.source)
    try:
        dest = naming_scheme.destination(
            track,
            extension=extension,
            quality_key=quality,
            original_filename=req.source.name,
            scheme=req.scheme,
        )
    except UnsafePath as exc:  # the library's own layout (a symlink) points outside it
        return conclude(req, State.FAILED, f"unsafe library path: {exc}", track=track)
    rank = conflicts.rank(quality, req.ladder)
    decision = conflicts.decide(
        track, dest, rank, req.ladder, req.source, new_track=new, replace_equal=req.replace_equal
    )
    if decision.keep is not None:
        return _keep_existing(req, track, decision.keep, conflicts.label(quality))
    dest = decision.dest
    _gather_extras(track, dest, result, req)
    guessed = _folder_guesses(req) if new and not result.meta else set()
    tags = catalogue_tags(track, info.tags, guessed=guessed)
    previous = paths.real(req.source) if _in_library(req.source) else None
    staged: Path | None = None
    if landing.same_file(req.source, dest):  # adopting a library file already in its place
        sha256, problem = placement.rewrite(dest, tags, result.cover, result.plain_lyrics)
    else:
        staged = placement.stage(req.source, extension)
        problem = placement.write_file_tags(staged, tags, result.cover, result.plain_lyrics)
        sha256 = placement.digest(staged)
    _write_sidecars(track, dest, result)
    return landing.Prepared(
        req=req,
        track=track,
        info=info,
        dest=dest,
        sha256=sha256,
        staged=staged,
        problem=problem,
        new_track=new,
        rivals=decision.rivals,
        previous=previous,
        enrichment=result,
        written=None if problem else tags,
    )


def _gather_extras(track: Track, dest: Path, result: Enrichment, req: Request) -> None:
    album_id = track.album_id
    tried = req.lookup.tried_embedded_cover if req.lookup else set()
    if album_id in tried:  # one file per album is enough to find an embedded cover
        embedded = None
    else:
        tried.add(album_id)
        embedded = lambda: _cover(req.source)  # noqa: E731 - read only when nothing else has one
    enrich.find_cover(track, dest.parent, result, source=req.source, embedded=embedded)
    enrich.find_lyrics(track, result)


def _write_sidecars(track: Track, dest: Path, result: Enrichment) -> None:
    new_cover = result.cover and result.cover_source != AlbumCover.Source.LIBRARY
    if new_cover and placement.write_sidecar(dest.parent / enrich.COVER_NAME, result.cover):
        enrich.remember_cover_source(track, result.cover_source)
    if result.synced_lyrics:
        placement.write_sidecar(dest.with_suffix(".lrc"), result.synced_lyrics.encode("utf-8"))


def _keep_existing(req: Request, track: Track, keep: conflicts.Rival, new_label: str) -> Outcome:
    reason = (
        f"the library already has this track as {keep.label} "
        f"({naming_scheme.relative(keep.path)}); this file is {new_label}"
    )
    library_records.mark_owned(track)
    set_aside = ""
    if not req.keep_source and req.source.exists():
        set_aside = str(placement.recycle(req.source, reason))
        library_records.forget_file(paths.real(req.source))
    return conclude(
        req,
        State.SKIPPED,
        reason,
        library_path=str(keep.path),
        track=track,
        set_aside_path=set_aside,
    )


def _folder_guesses(req: Request) -> set[str]:
    """Artist and album names the source's folders suggest ("beets/x.mp3" -> album "beets"):
    fine for the library's folder names, never written as tags (a name in the file's own name,
    "Artist - Title.flac", is the file's word and may be)."""
    guess = identify.guess_from_path(req.source.with_name(f"_{req.source.suffix}"), req.root)
    return {name for name in (guess.artist, guess.album) if name}


def _in_library(path: Path) -> bool:
    return paths.real(path).is_relative_to(library_paths.music_dir())


def _cover(source: Path) -> bytes | None:
    try:
        return read_cover(source)
    except TaggingError:
        return None
