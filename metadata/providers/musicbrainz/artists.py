"""One artist and its whole discography: the lookups behind watched artists."""

from __future__ import annotations

import musicbrainzngs

from metadata.providers.musicbrainz.parsing import artist_hit, parse, release_group_hit
from metadata.providers.musicbrainz.search import PAGE_SIZE
from metadata.providers.musicbrainz.shapes import ArtistHit, ReleaseGroupHit
from metadata.providers.musicbrainz.transport import call

# An artist with more release groups than this is listed only this far (20 requests).
MAX_ARTIST_GROUPS = 2000


def get_artist(artist_id: str) -> ArtistHit:
    """The artist with MusicBrainz id `artist_id` (MusicBrainzNotFound when there is none)."""
    data = call(musicbrainzngs.get_artist_by_id, artist_id)
    return parse(lambda: artist_hit({**data["artist"], "ext:score": 100}))


def release_groups_of_artist(artist_id: str) -> list[ReleaseGroupHit]:
    """Every release group of the artist (all types), in MusicBrainz's order, browsed
    `PAGE_SIZE` at a time until MusicBrainz's count is reached."""
    groups: list[ReleaseGroupHit] = []
    while len(groups) < MAX_ARTIST_GROUPS:
        data = call(
            musicbrainzngs.browse_release_groups,
            artist=artist_id,
            limit=PAGE_SIZE,
            offset=len(groups),
        )
        page = parse(lambda d=data: [release_group_hit(g) for g in d["release-group-list"]])
        groups.extend(page)
        total = parse(lambda d=data: int(d.get("release-group-count", len(groups))))
        if not page or len(groups) >= total:
            break
    return groups
