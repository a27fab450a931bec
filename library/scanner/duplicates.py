"""Duplicate groups: identical files (same SHA-256) and the same recording in different files.

Two healthy, present files belong together when they have the same content, or their tracks
share a MusicBrainz recording id or an ISRC, or the same normalised artist and title with
durations within 2 s. Groups are the connected sets of these links. The proposed keeper is
the best file on the default quality ladder, then the one with the most complete tags.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from library.models import Album, DuplicateGroup, QualityProfile, TrackFile
from library.naming import UnsafePath
from library.naming.scheme import destination, templates
from library.quality import QUALITIES, rank_in_ladder
from library.scanner import sql
from library.scanner.failures import FailedFile
from library.scanner.identity import normalize_name
from library.scanner.recycle import recycle
from soulspot.lib.errors import Conflict

DURATION_TOLERANCE_MS = 2000
REASONS = {
    "sha256": "same content",
    "recording": "same MusicBrainz recording",
    "isrc": "same ISRC",
    "name": "same artist and title",
}
_FIELDS = (
    "pk",
    "path",
    "sha256",
    "duration_ms",
    "quality",
    "tag_score",
    "bitrate",
    "track__isrc",
    "track__musicbrainz_recording_id",
    "track__artist__name",
    "track__title",
    "track__album__release_type",
)
_QUALITY_ORDER = list(QUALITIES)


@dataclass(frozen=True)
class Candidate:
    pk: int
    path: str
    sha256: str
    duration_ms: int | None
    quality: str
    tag_score: int
    bitrate: int | None
    isrc: str | None
    recording_id: str | None
    artist: str | None
    title: str | None
    release_type: str | None


@dataclass
class FoundGroup:
    members: list[Candidate]
    reasons: set[str] = field(default_factory=set)

    @property
    def ids(self) -> list[int]:
        return sorted(c.pk for c in self.members)

    @property
    def key(self) -> str:
        return str(self.ids[0])

    @property
    def signature(self) -> str:
        return hashlib.sha1(",".join(map(str, self.ids)).encode()).hexdigest()

    @property
    def kind(self) -> str:
        hashes = {c.sha256 for c in self.members}
        exact = len(hashes) == 1 and "" not in hashes
        return DuplicateGroup.Kind.EXACT if exact else DuplicateGroup.Kind.RECORDING


def load_candidates() -> list[Candidate]:
    rows = TrackFile.objects.healthy().order_by("pk").values_list(*_FIELDS)
    return [Candidate(*row) for row in rows.iterator(chunk_size=10_000)]


def find_groups(candidates: list[Candidate]) -> list[FoundGroup]:
    """Connected groups of two or more candidates, largest reason set first per group."""
    links = _Links({c.pk for c in candidates})
    buckets: dict[tuple[str, object], list[Candidate]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for c in candidates:
        for reason, value in (
            ("sha256", c.sha256),
            ("recording", c.recording_id),
            ("isrc", c.isrc),
        ):
            if value:
                buckets[(reason, value)].append(c)
        if c.artist and c.title and c.duration_ms:
            by_name[(normalize_name(c.artist), normalize_name(c.title))].append(c)
    for (reason, _), members in buckets.items():
        for other in members[1:]:
            links.join(members[0].pk, other.pk, reason)
    for members in by_name.values():
        members.sort(key=lambda c: c.duration_ms)
        for a, b in pairwise(members):
            if b.duration_ms - a.duration_ms <= DURATION_TOLERANCE_MS:
                links.join(a.pk, b.pk, "name")
    return links.groups({c.pk: c for c in candidates})


class _Links:
    """Union-find over file ids, remembering why groups were joined."""

    def __init__(self, ids: set[int]) -> None:
        self.parent = {pk: pk for pk in ids}
        self.reasons: dict[int, set[str]] = defaultdict(set)

    def find(self, pk: int) -> int:
        while self.parent[pk] != pk:
            self.parent[pk] = self.parent[self.parent[pk]]
            pk = self.parent[pk]
        return pk

    def join(self, a: int, b: int, reason: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a
            self.reasons[root_a] |= self.reasons.pop(root_b, set())
        self.reasons[root_a].add(reason)

    def groups(self, by_id: dict[int, Candidate]) -> list[FoundGroup]:
        members: dict[int, list[Candidate]] = defaultdict(list)
        for pk in self.parent:
            members[self.find(pk)].append(by_id[pk])
        return [
            FoundGroup(sorted(m, key=lambda c: c.pk), self.reasons[root])
            for root, m in members.items()
            if len(m) > 1
        ]


def keep_order(
    candidate: Candidate, ladder: list[str], at_home: frozenset[int] = frozenset()
) -> tuple:
    """Sort key, best first: quality ladder, the file already at its templated library path
    (over a stray copy), complete tags, bitrate, album over single, then the shorter file
    name ("Song.flac" over "Song (1).flac" or "Song copy.flac"), oldest."""
    rank = rank_in_ladder(candidate.quality or None, ladder)
    if rank is None:  # not allowed by the profile: after every allowed quality
        known = candidate.quality in QUALITIES
        rank = len(ladder) + (_QUALITY_ORDER.index(candidate.quality) if known else len(QUALITIES))
    on_album = candidate.release_type in (None, Album.ReleaseType.ALBUM)
    name_length = len(os.path.basename(candidate.path))
    return (
        rank,
        candidate.pk not in at_home,
        -candidate.tag_score,
        -(candidate.bitrate or 0),
        not on_album,
        name_length,
        candidate.pk,
    )


def proposed_keeper(
    members: list[Candidate], ladder: list[str], at_home: frozenset[int] | None = None
) -> Candidate:
    if at_home is None:
        at_home = files_at_their_templated_path([member.pk for member in members])
    return min(members, key=lambda c: keep_order(c, ladder, at_home))


def files_at_their_templated_path(file_ids: list[int]) -> frozenset[int]:
    """The files that sit exactly where the naming scheme puts them (the organised copies)."""
    scheme = templates()
    rows = TrackFile.objects.with_track().select_related("track__album__artist")
    home = set()
    for row in rows.filter(pk__in=file_ids, track__isnull=False):
        path = Path(row.path)
        try:
            dest = destination(
                row.track,
                extension=path.suffix.lower(),
                quality_key=row.quality or None,
                original_filename=path.name,
                scheme=scheme,
            )
        except UnsafePath:
            continue
        if os.path.realpath(dest) == os.path.realpath(path):
            home.add(row.pk)
    return frozenset(home)


def default_ladder() -> list[str]:
    return list(QualityProfile.get_default().ladder)


@transaction.atomic
def refresh_groups() -> int:
    """Recompute every duplicate group and store what changed; returns how many are open."""
    ladder = default_ladder()
    found = {group.key: group for group in find_groups(load_candidates())}
    at_home = files_at_their_templated_path([pk for group in found.values() for pk in group.ids])
    live = [DuplicateGroup.Status.OPEN, DuplicateGroup.Status.DISMISSED]
    existing = {g.key: g for g in DuplicateGroup.objects.filter(status__in=live)}
    gone = [group.pk for key, group in existing.items() if key not in found]
    DuplicateGroup.objects.filter(pk__in=gone).delete()  # their files are no longer duplicates
    groups, changed = [], []
    for key, group in found.items():
        row = existing.get(key) or DuplicateGroup(key=key)
        if _apply(row, group, ladder, at_home) and row.pk is not None:
            changed.append(row)
        groups.append(row)
    DuplicateGroup.objects.bulk_create([group for group in groups if group.pk is None])
    fields = ["kind", "status", "reasons", "signature", "keeper", "updated_at"]
    DuplicateGroup.objects.bulk_update(changed, fields, batch_size=500)
    _sync_members({pk: g.pk for g, f in zip(groups, found.values(), strict=True) for pk in f.ids})
    return DuplicateGroup.objects.open().count()


def _apply(
    group: DuplicateGroup, found: FoundGroup, ladder: list[str], at_home: frozenset[int]
) -> bool:
    """Bring a stored group up to date with what was found; True if anything changed."""
    status = group.status
    if status == DuplicateGroup.Status.DISMISSED and group.signature != found.signature:
        status = DuplicateGroup.Status.OPEN  # its files changed: ask again
    values = {
        "status": status,
        "kind": found.kind,
        "signature": found.signature,
        "reasons": ", ".join(REASONS[r] for r in REASONS if r in found.reasons),
        "keeper_id": proposed_keeper(found.members, ladder, at_home).pk,
    }
    if all(getattr(group, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(group, name, value)
    group.updated_at = timezone.now()  # bulk_update does not apply auto_now
    return True


def _sync_members(wanted: dict[int, int]) -> None:
    """Point each file at its group; unlink files whose open/dismissed group they left."""
    live = [DuplicateGroup.Status.OPEN, DuplicateGroup.Status.DISMISSED]
    current = dict(
        TrackFile.objects.filter(duplicate_group__status__in=live).values_list(
            "pk", "duplicate_group_id"
        )
    )
    stale = [(None, pk) for pk in current if pk not in wanted]
    moved = [(group, pk) for pk, group in wanted.items() if current.get(pk) != group]
    sql.update_column(TrackFile, "duplicate_group_id", stale + moved)


def open_group_count() -> int:
    return DuplicateGroup.objects.open().count()


# --- resolving ----------------------------------------------------------------------------------


class DuplicateError(Conflict):
    """A duplicate group cannot be resolved or dismissed as asked (409); the message says why."""


@dataclass
class Resolution:
    group_id: int
    keeper_id: int
    moved: list[dict] = field(default_factory=list)  # {file_id, path, recycled_to}
    failed: list[FailedFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def resolve_group(group_id: int, keep_file_id: int | None = None) -> Resolution:
    """Keep one file of an open group and move the others to the recycle bin.

    The group is claimed first (open → resolved), so two clicks cannot both move files. A
    file that cannot be moved (full disk, permissions) stays where it is, is listed in
    `failed`, and the group goes back to open. Nothing is ever deleted.
    """
    Status = DuplicateGroup.Status
    now = timezone.now()
    claimed = DuplicateGroup.objects.filter(pk=group_id, status=Status.OPEN)
    if claimed.update(status=Status.RESOLVED, resolved_at=now, updated_at=now) != 1:
        raise DuplicateError(f"duplicate group #{group_id} is not open (resolved or dismissed)")
    try:
        group = DuplicateGroup.objects.with_files().get(pk=group_id)
        keeper = _choose_keeper(group, keep_file_id)
        result = _recycle_others(group, keeper)
    except BaseException:
        DuplicateGroup.objects.filter(pk=group_id).update(status=Status.OPEN, resolved_at=None)
        raise
    DuplicateGroup.objects.filter(pk=group_id).update(
        keeper=keeper,
        status=Status.RESOLVED if result.ok else Status.OPEN,
        resolved_at=now if result.ok else None,
        resolution=[*group.resolution, *result.moved, *(f.as_json() for f in result.failed)],
    )
    return result


def dismiss_group(group_id: int) -> None:
    """The user says these files differ: keep the group dismissed until its files change."""
    Status = DuplicateGroup.Status
    updated = DuplicateGroup.objects.filter(pk=group_id, status=Status.OPEN).update(
        status=Status.DISMISSED, updated_at=timezone.now()
    )
    if updated != 1:
        raise DuplicateError(f"duplicate group #{group_id} is not open")


def candidate_of(file: TrackFile) -> Candidate:
    track = file.track
    album = track.album if track else None
    return Candidate(
        file.pk,
        file.path,
        file.sha256,
        file.duration_ms,
        file.quality,
        file.tag_score,
        file.bitrate,
        track.isrc if track else None,
        track.musicbrainz_recording_id if track else None,
        track.artist.name if track else None,
        track.title if track else None,
        album.release_type if album else None,
    )


def _choose_keeper(group: DuplicateGroup, keep_file_id: int | None) -> TrackFile:
    present = {f.pk: f for f in group.files.all() if not f.is_missing}
    if keep_file_id is not None and keep_file_id not in present:
        raise DuplicateError(f"file #{keep_file_id} is not a present file of group #{group.pk}")
    if keep_file_id is None:
        ladder = default_ladder()
        keep_file_id = proposed_keeper([candidate_of(f) for f in present.values()], ladder).pk
    keeper = present[keep_file_id]
    if not os.path.isfile(keeper.path):
        raise DuplicateError(f"the file to keep is no longer on disk: {keeper.path}; scan first")
    return keeper


def _recycle_others(group: DuplicateGroup, keeper: TrackFile) -> Resolution:
    result = Resolution(group.pk, keeper.pk)
    reason = f"duplicate of {keeper.path} (SoulSpot duplicate group #{group.pk})"
    for file in group.files.all():
        if file.pk == keeper.pk or file.is_missing:
            continue
        try:
            recycled_to = recycle(file, reason)
        except OSError as exc:
            result.failed.append(FailedFile(file.pk, file.path, exc.strerror or str(exc)))
        else:
            result.moved.append({"file_id": file.pk, "path": file.path, "recycled_to": recycled_to})
    return result
