"""Importing a list as a library Playlist of wants, importing it again, deleting it.

Each list is a Playlist with source IMPORT; its tracks are wanted with the reason
`WantSource.LIST`/`list:<playlist id>`, so deleting the list (or dropping a line from it and
importing again) releases only the tracks nothing else wants. Tracks are found or created one
row at a time (`library.catalog.track_for`, each its own short transaction) and the wants are
written in chunks: a 10,000-row list never holds the database for long, so the worker carries on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from automation.lists.parse import ListError, ParsedList, RejectedLine, parse_list
from automation.wanting import stop_wanting_all_but, want_and_search
from library.catalog import TrackFacts, track_for
from library.models import Playlist, Track, WantSource
from library.playlists import MAX_NAME, create_playlist, delete_playlist, set_playlist_entries

DEFAULT_NAME = "Imported list"


@dataclass
class ListImport:
    playlist: Playlist
    understood: int
    rejected: list[RejectedLine]
    newly_wanted: int
    searches_queued: int


def preview_list(data: bytes | str, *, filename: str = "") -> ParsedList:
    """What importing `data` would understand and reject; writes nothing."""
    return parse_list(data, filename=filename)


def import_list(name: str, data: bytes | str, *, filename: str = "") -> ListImport:
    """Make (or, for an imported list of the same name, replace) a Playlist of the list's
    tracks in its order and want them; tracks the list no longer names are released.

    Refuses (ListError, nothing written) a list that is not text, too large, or of which no
    line is understood.
    """
    parsed = parse_list(data, filename=filename)
    if not parsed.rows:
        raise ListError(_nothing_understood(parsed))
    track_ids = _track_ids(parsed)
    playlist = _playlist_named(list_name(name, filename))
    set_playlist_entries(playlist, track_ids)
    why = f"list {playlist.name}"
    outcome = want_and_search(track_ids, source=WantSource.LIST, key=list_key(playlist), why=why)
    stop_wanting_all_but(track_ids, source=WantSource.LIST, key=list_key(playlist), why=why)
    return ListImport(
        playlist=playlist,
        understood=len(parsed.rows),
        rejected=parsed.rejected,
        newly_wanted=len(outcome.newly_wanted),
        searches_queued=outcome.searches_queued,
    )


def delete_list(playlist: Playlist) -> None:
    """Stop wanting what only this list wanted, then delete the playlist and its file; the
    tracks stay in the library."""
    why = f"list {playlist.name} deleted"
    stop_wanting_all_but([], source=WantSource.LIST, key=list_key(playlist), why=why)
    delete_playlist(playlist)


def imported_lists() -> QuerySet[Playlist]:
    """Imported lists, newest first, each with `entry_count`, `owned_count`, `wanted_count`
    (entries whose track is owned / wanted) in the same query."""
    owned = Q(entries__track__status=Track.Status.OWNED)
    wanted = Q(entries__track__status=Track.Status.WANTED, entries__track__monitored=True)
    return (
        Playlist.objects.filter(source=Playlist.Source.IMPORT)
        .annotate(
            entry_count=Count("entries"),
            owned_count=Count("entries", filter=owned),
            wanted_count=Count("entries", filter=wanted),
        )
        .order_by("-created_at", "-pk")
    )


def list_key(playlist: Playlist) -> str:
    return f"list:{playlist.pk}"


def list_name(name: str, filename: str = "") -> str:
    """The name given, else the file's name without its extension, else "Imported list"."""
    name = " ".join(name.replace("\x00", "").split())
    name = name or " ".join(PurePath(filename.replace("\x00", "")).stem.split())
    return (name or DEFAULT_NAME)[:MAX_NAME]


def _track_ids(parsed: ParsedList) -> list[int]:
    """The track of each row, in order; a row repeated in the list is looked up once."""
    known: dict[TrackFacts, int] = {}
    for row in parsed.rows:
        if row.facts not in known:
            known[row.facts] = track_for(row.facts).pk
    return [known[row.facts] for row in parsed.rows]


@transaction.atomic
def _playlist_named(name: str) -> Playlist:
    """The imported list of this name (importing again replaces it), else a new one; a name
    another kind of playlist has (a Spotify one) gets a number so the two stay apart."""
    playlists = Playlist.objects.filter(name__iexact=name)
    existing = playlists.filter(source=Playlist.Source.IMPORT).order_by("pk").first()
    if existing is not None:
        return existing
    unique, number = name, 2
    while Playlist.objects.filter(name__iexact=unique).exists():
        suffix = f" ({number})"
        unique, number = name[: MAX_NAME - len(suffix)] + suffix, number + 1
    return create_playlist(unique, [], source=Playlist.Source.IMPORT)


def _nothing_understood(parsed: ParsedList) -> str:
    if not parsed.rejected:
        return "the list is empty"
    first = parsed.rejected[0]
    return (
        f"no line of the list was understood ({len(parsed.rejected)} rejected; "
        f"line {first.line}: {first.reason})"
    )
