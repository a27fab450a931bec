"""Searching MusicBrainz for artists, albums (release groups) and editions (releases), and
listing the editions of one album."""

from __future__ import annotations

import musicbrainzngs

from metadata.providers.musicbrainz.parsing import (
    artist_hit,
    parse,
    release_group_hit,
    release_hit,
)
from metadata.providers.musicbrainz.shapes import ArtistHit, ReleaseGroupHit, ReleaseHit
from metadata.providers.musicbrainz.transport import call

# MusicBrainz answers at most this many entities per search or browse request.
PAGE_SIZE = 100
# A release group with more editions than this is listed only this far (a few requests).
MAX_GROUP_RELEASES = 500


def _limit(limit: int) -> int:
    return max(1, min(PAGE_SIZE, int(limit)))


def search_artists(q: str, limit: int = 10) -> list[ArtistHit]:
    """Artists whose name matches `q`, best first."""
    # A field query: musicbrainzngs escapes Lucene syntax in the user's text.
    data = call(musicbrainzngs.search_artists, artist=q, limit=_limit(limit))
    return parse(lambda: [artist_hit(a) for a in data.get("artist-list", [])])


def search_release_groups(
    q: str, limit: int = 10, artist_id: str | None = None
) -> list[ReleaseGroupHit]:
    """Albums, EPs, singles... titled like `q` (any title when empty), optionally only those
    of the artist `artist_id`, best first."""
    fields = {"releasegroup": q} if q.strip() else {}
    if artist_id:
        fields["arid"] = artist_id
    data = call(musicbrainzngs.search_release_groups, limit=_limit(limit), **fields)
    return parse(lambda: [release_group_hit(g) for g in data.get("release-group-list", [])])


def search_releases(q: str, limit: int = 10) -> list[ReleaseHit]:
    """Editions titled like `q`, best first, with their format and track count."""
    data = call(musicbrainzngs.search_releases, release=q, limit=_limit(limit))
    return parse(lambda: [release_hit(r) for r in data.get("release-list", [])])


def releases_of_group(release_group_id: str) -> list[ReleaseHit]:
    """Every edition of a release group with its media and track counts, in MB's order,
    paged until MB's count is reached (at most MAX_GROUP_RELEASES)."""
    releases: list[ReleaseHit] = []
    while len(releases) < MAX_GROUP_RELEASES:
        data = call(
            musicbrainzngs.browse_releases,
            release_group=release_group_id,
            includes=["media"],
            limit=PAGE_SIZE,
            offset=len(releases),
        )
        page = parse(lambda d=data: [release_hit(r, release_group_id) for r in d["release-list"]])
        releases.extend(page)
        total = parse(lambda d=data: int(d.get("release-count", len(releases))))
        if not page or len(releases) >= total:
            break
    return releases
