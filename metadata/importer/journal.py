"""The request an import works on, its outcome, and the `ImportItem` journal it keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from library.models import Track
from library.quality import default_ladder
from library.safe_files import CrashHook
from metadata.importer.identify import Lookup
from metadata.models import ImportItem

State = ImportItem.State


@dataclass
class Request:
    """One file to import, and how."""

    source: Path
    item: ImportItem
    track: Track | None = None  # the want; None: identify the file by its tags and name
    keep_source: bool = False
    root: Path | None = None  # the folder being adopted (file-name guesses, tidying up)
    ladder: list[str] = field(default_factory=default_ladder)
    expected_duration_ms: int | None = None
    expected_size: int | None = None
    quarantine_bad: bool = False  # downloads: a bad file goes to quarantine
    deep: bool = False  # decode the whole file (ffmpeg / flac -t) before it may enter the library
    # A fresh copy the user asked for ("download again", a broken file): it replaces a library
    # file of the same quality too. Otherwise only a strictly better file replaces one.
    replace_equal: bool = False
    crash_hook: CrashHook | None = None
    lookup: Lookup | None = None  # a batch shares its memory of wants, artists and albums
    scheme: dict[str, str] | None = None  # naming templates, read once per batch

    def step(self, name: str) -> None:
        if self.crash_hook is not None:
            self.crash_hook(name)


@dataclass(frozen=True)
class Outcome:
    state: str
    reason: str = ""
    library_path: str = ""


def save(item: ImportItem, **fields: object) -> None:
    """Update the journal row (and the instance) with exactly these fields.

    A batch creates its rows lazily (one INSERT instead of INSERT + UPDATE per file), so an
    item without a primary key is inserted here.
    """
    for name, value in fields.items():
        setattr(item, name, value)
    if item.pk is None:
        item.save()
        return
    ImportItem.objects.filter(pk=item.pk).update(**fields, updated_at=timezone.now())


def conclude(
    req: Request,
    state: str,
    reason: str,
    *,
    library_path: str = "",
    track: Track | None = None,
    set_aside_path: str = "",
) -> Outcome:
    """Record the final state of the file's import and return it as an Outcome."""
    fields: dict[str, object] = {"state": state, "reason": reason[:1000]}
    if library_path:
        fields["library_path"] = library_path
    if track is not None:
        fields["track"] = track
    if set_aside_path:
        fields["set_aside_path"] = set_aside_path
    save(req.item, **fields)
    return Outcome(state, reason, library_path)


def give_up(item: ImportItem, reason: str) -> Outcome:
    """Record that a file could not be imported (it stays where it is)."""
    save(item, state=State.FAILED, reason=reason[:1000])
    return Outcome(State.FAILED, reason)
