"""Which edition of an album to download when the user wants the album (a release group)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from metadata.providers.musicbrainz.search import releases_of_group
from metadata.providers.musicbrainz.shapes import ReleaseHit
from metadata.providers.musicbrainz.transport import MusicBrainzNotFound


@dataclass(frozen=True)
class GroupChoice:
    """The chosen release and why, in words for the user."""

    release: ReleaseHit
    reason: str

    @property
    def release_id(self) -> str:
        return self.release.id


def choose_release_for_group(group_id: str, *, country: str | None = None) -> GroupChoice:
    """Choose the edition of release group `group_id` to download (one browse request).

    `country` defaults to SOULSPOT_COUNTRY. Raises MusicBrainzNotFound when the group has no
    releases, MusicBrainzUnavailable when MusicBrainz cannot answer.
    """
    releases = releases_of_group(group_id)
    if not releases:
        raise MusicBrainzNotFound(f"MusicBrainz lists no release in the release group {group_id}")
    wanted_country = settings.SOULSPOT_COUNTRY if country is None else country
    return choose_among_releases(releases, country=wanted_country)


def choose_among_releases(releases: Sequence[ReleaseHit], *, country: str = "") -> GroupChoice:
    """Among official releases, the most common track count (the "normal" edition, not a
    deluxe or a bonus-track version); among those, and between equally common counts, one
    from `country`, then digital media, then the earliest. Bootlegs and promos count only
    when there is no official release at all."""
    official = [r for r in releases if r.is_official]
    pool = official or list(releases)
    counts = Counter(r.track_count for r in pool)
    top = max(counts.values())
    tied = [r for r in pool if counts[r.track_count] == top]
    country = country.strip().upper()

    def preference(release: ReleaseHit) -> tuple[bool, bool, str]:
        in_country = bool(country) and (release.country or "").upper() == country
        return (not in_country, not release.is_digital, release.date or "9999")

    chosen = min(tied, key=preference)
    return GroupChoice(chosen, _reason(chosen, pool, counts, official, country))


def _reason(
    chosen: ReleaseHit,
    pool: list[ReleaseHit],
    counts: Counter[int | None],
    official: list[ReleaseHit],
    country: str,
) -> str:
    kind = f"{len(pool)} official release" if official else f"{len(pool)} release"
    plural = "" if len(pool) == 1 else "s"
    tracks = f"{chosen.track_count} tracks" if chosen.track_count is not None else "unknown"
    parts = [
        f"chose {_describe(chosen)}: the most common track count ({tracks}, "
        f"{counts[chosen.track_count]} of {kind}{plural})"
    ]
    if not official:
        parts.append("no release of this album is official, so unofficial ones were considered")
    if country and (chosen.country or "").upper() == country:
        parts.append(f"released in your country ({country})")
    if chosen.is_digital:
        parts.append("digital media")
    return "; ".join(parts)


def _describe(release: ReleaseHit) -> str:
    details = [d for d in (release.format, release.country, release.date) if d]
    suffix = f" ({', '.join(details)})" if details else ""
    disambiguation = f" [{release.disambiguation}]" if release.disambiguation else ""
    return f"“{release.title}”{disambiguation}{suffix}"
