"""Searches and browses of the fake MusicBrainz beyond recordings: artists, release groups,
releases, and the releases of one release group.

    GET /ws/2/artist/?query=artist:(x)                    search, with ext:score
    GET /ws/2/release-group/?query=releasegroup:(x) arid:(id)
    GET /ws/2/release/?query=release:(x)                  with media formats and track counts
    GET /ws/2/release/?release-group={mbid}&inc=media     browse, paged with limit/offset
    GET /ws/2/release-group/?artist={mbid}                  browse an artist's groups, paged

Every answer carries `count` and `offset` on its list, as MusicBrainz's do.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

# A module import: musicbrainz.py imports this module too, and its names are used only in calls.
from fakes.metadata_services import musicbrainz as mb
from fakes.metadata_services.catalog import Artist, Release, ReleaseGroup

if TYPE_CHECKING:
    from fakes.metadata_services.server import Request, Response

T = TypeVar("T")
MIN_SCORE = 50
# Lucene fields each entity's text is compared with; id fields filter exactly instead.
_TEXT_FIELDS = {
    "artist": {"", "artist", "artistname", "name"},
    "release-group": {"", "releasegroup", "release", "title"},
    "release": {"", "release", "title"},
}
_CREDIT_FIELDS = {"artist", "artistname", "creditname"}


class EntitySearch:
    """Answers the searches and browses above for one MusicBrainzApp (its catalogue and XML)."""

    def __init__(self, app: mb.MusicBrainzApp) -> None:
        self.app = app
        self.catalog = app.catalog

    def handles(self, entity: str, request: Request) -> bool:
        browse = (entity == "release" and request.arg("release-group") is not None) or (
            entity == "release-group" and request.arg("artist") is not None
        )
        return entity in _TEXT_FIELDS and (browse or request.arg("query") is not None)

    def answer(self, entity: str, request: Request) -> Response:
        paging = _paging(request)
        if paging is None:
            return mb._error(400, "Invalid limit or offset.")
        if entity == "release" and request.arg("release-group") is not None:
            return self._browse_releases(request.arg("release-group") or "", paging)
        if entity == "release-group" and request.arg("artist") is not None:
            return self._browse_groups(request.arg("artist") or "", paging)
        terms = mb.parse_query(request.arg("query") or "")
        if not terms:
            return mb._error(400, "Invalid query.")
        search = {
            "artist": (self.catalog.artists.values(), self._artist_el),
            "release-group": (self.catalog.release_groups.values(), self._group_el),
            "release": (self.catalog.releases.values(), self._release_el),
        }
        items, build = search[entity]
        hits = _ranked(items, lambda item: self._score(entity, item, terms))
        return self._list(entity, hits, paging, build)

    # -- scoring -----------------------------------------------------------------------------

    def _score(self, entity: str, item: object, terms: list[tuple[str, str]]) -> int | None:
        """Like the recording search: id fields filter, text fields score, the weakest decides."""
        ratios = []
        for field, value in terms:
            exact = self._exact(item, field, value.lower())
            if exact is False:
                return None
            if exact is not None:
                continue
            if field in _TEXT_FIELDS[entity]:
                ratios.append(mb._similar(value, _title(item)))
            elif field in _CREDIT_FIELDS and not isinstance(item, Artist):
                ratios.append(mb._similar(value, self.catalog.credit_name(item.artist_ids)))
        return round(100 * min(ratios)) if ratios else 100

    def _exact(self, item: object, field: str, value: str) -> bool | None:
        if field in ("arid", "aid") and isinstance(item, Artist):
            return item.id == value
        if field == "arid":
            return value in item.artist_ids
        if field == "rgid":
            group_id = item.release_group_id if isinstance(item, Release) else item.id
            return group_id == value
        if field == "reid" and isinstance(item, Release):
            return item.id == value
        if field == "status" and isinstance(item, Release):
            return item.status.lower() == value
        if field == "country" and isinstance(item, Release | Artist):
            return (getattr(item, "country", None) or "").lower() == value
        return None

    # -- answers -----------------------------------------------------------------------------

    def _list(
        self,
        entity: str,
        hits: list[tuple[int, T]],
        paging: tuple[int, int],
        build: Callable[[ET.Element, T, int | None], None],
    ) -> Response:
        limit, offset = paging
        root = mb._metadata(search=True)
        entity_list = mb._sub(root, f"{entity}-list", count=len(hits), offset=offset)
        for score, item in hits[offset : offset + limit]:
            build(entity_list, item, score)
        return mb._xml(root)

    def _browse_releases(self, group_id: str, paging: tuple[int, int]) -> Response:
        if not mb.MBID_RE.match(group_id):
            return mb._error(400, "Invalid mbid.")
        if group_id.lower() not in self.catalog.release_groups:
            return mb._error(404, "Not Found")
        limit, offset = paging
        releases = self.catalog.releases_in_group(group_id.lower())
        root = mb._metadata()
        release_list = mb._sub(root, "release-list", count=len(releases), offset=offset)
        for release in releases[offset : offset + limit]:
            self.app._release_el(release_list, release, {"media"})
        return mb._xml(root)

    def _browse_groups(self, artist_id: str, paging: tuple[int, int]) -> Response:
        """An artist's release groups in a stable order (as MusicBrainz's browse is), with
        their primary and secondary types and first release dates."""
        if not mb.MBID_RE.match(artist_id):
            return mb._error(400, "Invalid mbid.")
        if artist_id.lower() not in self.catalog.artists:
            return mb._error(404, "Not Found")
        limit, offset = paging
        groups = self.catalog.release_groups_of_artist(artist_id.lower())
        root = mb._metadata()
        group_list = mb._sub(root, "release-group-list", count=len(groups), offset=offset)
        for group in groups[offset : offset + limit]:
            self.app._release_group_el(group_list, group)
        return mb._xml(root)

    def _artist_el(self, parent: ET.Element, artist: Artist, score: int | None) -> None:
        artist_el = mb._sub(parent, "artist", id=artist.id, type="Group")
        artist_el.set("ext:score", str(score))
        mb._sub(artist_el, "name", artist.name)
        mb._sub(artist_el, "sort-name", artist.sort_name)

    def _group_el(self, parent: ET.Element, group: ReleaseGroup, score: int | None) -> None:
        group_el = self.app._release_group_el(parent, group, with_artists=True)
        group_el.set("ext:score", str(score))
        releases = self.catalog.releases_in_group(group.id)
        release_list = mb._sub(group_el, "release-list", count=len(releases))
        for release in releases:
            release_el = mb._sub(release_list, "release", id=release.id)
            mb._sub(release_el, "title", release.title)
            mb._sub(release_el, "status", release.status)

    def _release_el(self, parent: ET.Element, release: Release, score: int | None) -> None:
        release_el = self.app._release_el(
            parent, release, {"artist-credits", "release-groups"}, search=True
        )
        release_el.set("ext:score", str(score))
        medium_list = mb._sub(release_el, "medium-list", count=len(release.media))
        mb._sub(medium_list, "track-count", release.track_count)
        for medium in release.media:
            medium_el = mb._sub(medium_list, "medium")
            mb._sub(medium_el, "format", medium.format)
            mb._sub(medium_el, "track-list", count=len(medium.tracks))


def _paging(request: Request) -> tuple[int, int] | None:
    """(limit, offset) as MusicBrainz reads them: limit 1–100 (default 25), offset ≥ 0."""
    try:
        limit = int(request.arg("limit") or 25)
        offset = int(request.arg("offset") or 0)
    except ValueError:
        return None
    return max(1, min(100, limit)), max(0, offset)


def _ranked(items: Iterable[T], score: Callable[[T], int | None]) -> list[tuple[int, T]]:
    scored = [(score(item), item) for item in items]
    hits = [(s, item) for s, item in scored if s is not None and s >= MIN_SCORE]
    return sorted(hits, key=lambda pair: (-pair[0], _title(pair[1])))


def _title(item: object) -> str:
    return item.name if isinstance(item, Artist) else item.title
