"""Discography completion: which of a library artist's release groups are missing or
incomplete, and wanting them (all, or the ones the user ticked) the way release checks do."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from automation.models import PRIMARY_TYPES, ReleaseGroup
from automation.watching import deciding
from automation.watching.errors import WatchError
from automation.watching.watches import PICK_FROM_SEARCH
from library.models import Album, Artist
from metadata.providers import musicbrainz

State = ReleaseGroup.State


@dataclass(frozen=True)
class Gap:
    """A release group the library lacks (`album_id` None) or holds only partly."""

    release_group_id: str
    title: str
    primary_type: str
    first_release_date: str
    album_id: int | None = None
    release_id: str = ""
    owned_tracks: int = 0
    total_tracks: int = 0

    @property
    def status(self) -> str:
        return "missing" if self.album_id is None else "incomplete"


@dataclass
class Completion:
    wanted: list[dict[str, object]] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)


def discography_gaps(artist: Artist, release_types: list[str] | None = None) -> list[Gap]:
    """The artist's release groups of `release_types` (its watch's, else album and EP) with no
    secondary type, that the library is missing or holds incomplete; one MusicBrainz browse."""
    if not artist.musicbrainz_id:
        raise WatchError(PICK_FROM_SEARCH)
    types = _types(artist, release_types)
    groups = [
        g
        for g in musicbrainz.release_groups_of_artist(artist.musicbrainz_id)
        if (g.primary_type or "other").lower() in types and not g.secondary_types
    ]
    albums = _albums_by_group([g.id for g in groups])
    gaps = []
    for group in groups:
        album = albums.get(group.id)
        if album is not None and album.owned_tracks >= _total(album) > 0:
            continue
        gaps.append(_gap(group, album))
    return gaps


def _types(artist: Artist, release_types: list[str] | None) -> list[str]:
    if release_types is None:
        watch = getattr(artist, "watch", None)
        return list(watch.release_types) if watch is not None else ["album", "ep"]
    types = [t.strip().lower() for t in release_types]
    unknown = [t for t in types if t not in PRIMARY_TYPES]
    if unknown or not types:
        allowed = ", ".join(PRIMARY_TYPES)
        raise WatchError(
            f"release_types: unknown {', '.join(unknown) or 'none'} (allowed: {allowed})"
        )
    return types


def _albums_by_group(group_ids: list[str]) -> dict[str, Album]:
    """The library album of each release group, with its owned and total track counts."""
    albums = (
        Album.objects.filter(musicbrainz_release_group_id__in=group_ids)
        .annotate(
            owned_tracks=Count("tracks", filter=Q(tracks__status="owned")),
            total_tracks=Count("tracks"),
        )
        .order_by("-owned_tracks", "pk")
    )
    found: dict[str, Album] = {}
    for album in albums:
        found.setdefault(album.musicbrainz_release_group_id, album)
    return found


def _total(album: Album) -> int:
    """The album's track count: MusicBrainz's when known, else the tracks the library lists."""
    return max(album.total_tracks, album.track_count or 0)


def _gap(group: musicbrainz.ReleaseGroupHit, album: Album | None) -> Gap:
    return Gap(
        release_group_id=group.id,
        title=group.title,
        primary_type=group.primary_type or "",
        first_release_date=group.first_release_date or "",
        album_id=album.pk if album else None,
        release_id=album.musicbrainz_release_id if album else "",
        owned_tracks=album.owned_tracks if album else 0,
        total_tracks=_total(album) if album else 0,
    )


def complete_discography(
    artist: Artist,
    release_group_ids: list[str] | None = None,
    release_types: list[str] | None = None,
) -> Completion:
    """Want the gaps (all, or those in `release_group_ids`): a missing one as release checks
    want a release group, an incomplete one by the edition the library already has."""
    gaps = discography_gaps(artist, release_types)
    if release_group_ids is not None:
        ticked = {i.strip().lower() for i in release_group_ids}
        gaps = [g for g in gaps if g.release_group_id in ticked]
    watch = getattr(artist, "watch", None)
    profile_id = watch.quality_profile_id if watch is not None else None
    completion = Completion()
    for gap in gaps:
        outcome = _want_gap(gap, profile_id)
        _record_on_watch(watch, gap, outcome)
        entry = {"release_group_id": gap.release_group_id, "title": gap.title}
        if outcome.state in (State.WANTED, State.OWNED) and outcome.release_id:
            completion.wanted.append(
                {**entry, "album_id": outcome.album_id, "state": outcome.state}
            )
        else:
            completion.skipped.append({**entry, "reason": outcome.reason})
    return completion


def _want_gap(gap: Gap, profile_id: int | None) -> deciding.Outcome:
    if gap.release_id:
        note = "completing the edition you have"
        return deciding.queue_release(gap.release_id, note, quality_profile_id=profile_id)
    return deciding.acquire(gap.release_group_id, gap.primary_type, quality_profile_id=profile_id)


def _record_on_watch(watch: object, gap: Gap, outcome: deciding.Outcome) -> None:
    if watch is None:
        return
    row = ReleaseGroup.objects.filter(watch=watch, musicbrainz_id=gap.release_group_id).first()
    if row is not None:
        deciding.record_outcome(row, outcome)
