"""Fake MusicBrainz WS/2 speaking the XML (mmd-2.0) that musicbrainzngs 0.7.1 parses.

Endpoints (lookups have no trailing slash, searches do, both are accepted):

    GET /ws/2/isrc/{isrc}?inc=artists+releases+isrcs        recording list for an ISRC
    GET /ws/2/recording/?query=recording:(x) artist:(y)      search, with ext:score
    GET /ws/2/recording/{mbid}?inc=releases+artists+isrcs+release-groups+media
    GET /ws/2/release/{mbid}?inc=recordings+artists+release-groups+media+isrcs+artist-credits
                             (+labels: label info with catalogue numbers)
    GET /ws/2/release-group/{mbid}?inc=artists+releases
    GET /ws/2/artist/{mbid}
    GET /ws/2/{artist,release-group,release}/?query=...    searches (see musicbrainz_search)
    GET /ws/2/release/?release-group={mbid}&inc=media        browse a group's releases

Unknown ids answer 404 and malformed ids 400, each with MusicBrainz's `<error>` body. With
`enforce_rate_limit=True` a request that comes sooner than `min_interval` after the previous one
gets the 503 MusicBrainz sends to clients over the limit.
"""

from __future__ import annotations

import re
import threading
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from difflib import SequenceMatcher

from fakes.metadata_services import musicbrainz_search
from fakes.metadata_services.catalog import (
    MetadataCatalog,
    Recording,
    Release,
    ReleaseGroup,
    normalize,
    stable_id,
)
from fakes.metadata_services.demo_catalog import default_catalog
from fakes.metadata_services.server import FakeApp, FakeServer, Request, Response

NS = "http://musicbrainz.org/ns/mmd-2.0#"
EXT_NS = "http://musicbrainz.org/ns/ext#-2.0"
MBID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$", re.I)
RATE_LIMIT_TEXT = (
    "Your requests are exceeding the allowable rate limit. Please see "
    "http://wiki.musicbrainz.org/XMLWebService for more information."
)
USAGE_TEXT = "For usage, please see: https://musicbrainz.org/development/mmd"
# Lucene `field:(value)` or `field:"value"` as musicbrainzngs writes them, or a bare term.
_QUERY_TERM = re.compile(r'(?:(\w+):)?(\((?:[^()\\]|\\.)*\)|"(?:[^"\\]|\\.)*"|[^\s()"]+)')
_MIN_SCORE = 50


def error_xml(*texts: str) -> bytes:
    root = ET.Element("error")
    for text in texts:
        ET.SubElement(root, "text").text = text
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


class MusicBrainzApp(FakeApp):
    name = "musicbrainz"

    def __init__(
        self,
        catalog: MetadataCatalog,
        *,
        enforce_rate_limit: bool = False,
        min_interval: float = 1.0,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.enforce_rate_limit = enforce_rate_limit
        self.min_interval = min_interval
        self._last_request_at: float | None = None
        self._rate_lock = threading.Lock()
        self.entity_search = musicbrainz_search.EntitySearch(self)

    def handles(self, path: str) -> bool:
        return path.startswith("/ws/2/")

    def unavailable(self, request: Request) -> Response:
        return Response(503, error_xml(RATE_LIMIT_TEXT, USAGE_TEXT), "application/xml")

    def malformed(self, request: Request) -> Response:
        body = f'<?xml version="1.0" encoding="UTF-8"?><metadata xmlns="{NS}"><recording id="x"><ti'
        return Response(200, body.encode(), "application/xml; charset=utf-8")

    # -- routing ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if self._over_rate_limit():
            return self.unavailable(request)
        if request.method != "GET":
            return _error(405, "Method not allowed.")
        entity, _, ident = request.path[len("/ws/2/") :].partition("/")
        ident = ident.strip("/")
        inc = set((request.arg("inc") or "").replace("+", " ").split())
        if entity == "recording" and not ident:
            return self._search_recordings(request)
        if not ident and self.entity_search.handles(entity, request):
            return self.entity_search.answer(entity, request)
        lookups = {
            "isrc": self._isrc,
            "recording": self._recording,
            "release": self._release,
            "release-group": self._release_group,
            "artist": self._artist,
        }
        if entity not in lookups or not ident:
            return _error(400, f"Invalid resource: {entity}.")
        if entity != "isrc" and not MBID_RE.match(ident):
            return _error(400, "Invalid mbid.")
        return lookups[entity](ident.lower() if entity != "isrc" else ident.upper(), inc)

    def _over_rate_limit(self) -> bool:
        if not self.enforce_rate_limit:
            return False
        with self._rate_lock:
            now = time.monotonic()
            too_soon = (
                self._last_request_at is not None
                and now - self._last_request_at < self.min_interval
            )
            self._last_request_at = now
            return too_soon

    # -- lookups ---------------------------------------------------------------------------

    def _isrc(self, isrc: str, inc: set[str]) -> Response:
        if not ISRC_RE.match(isrc):
            return _error(400, "Invalid isrc.")
        recordings = self.catalog.recordings_with_isrc(isrc)
        if not recordings:
            return _error(404, "Not Found")
        root = _metadata()
        isrc_el = _sub(root, "isrc", id=isrc)
        rec_list = _sub(isrc_el, "recording-list", count=len(recordings))
        for recording in recordings:
            self._recording_el(rec_list, recording, inc)
        return _xml(root)

    def _recording(self, mbid: str, inc: set[str]) -> Response:
        recording = self.catalog.recordings.get(mbid)
        if recording is None:
            return _error(404, "Not Found")
        root = _metadata()
        self._recording_el(root, recording, inc)
        return _xml(root)

    def _release(self, mbid: str, inc: set[str]) -> Response:
        release = self.catalog.releases.get(mbid)
        if release is None:
            return _error(404, "Not Found")
        root = _metadata()
        self._release_el(root, release, inc)
        return _xml(root)

    def _release_group(self, mbid: str, inc: set[str]) -> Response:
        group = self.catalog.release_groups.get(mbid)
        if group is None:
            return _error(404, "Not Found")
        root = _metadata()
        group_el = self._release_group_el(root, group, with_artists="artists" in inc)
        if "releases" in inc:
            releases = self.catalog.releases_in_group(group.id)
            rel_list = _sub(group_el, "release-list", count=len(releases))
            for release in releases:
                self._release_el(rel_list, release, set())
        return _xml(root)

    def _artist(self, mbid: str, inc: set[str]) -> Response:
        artist = self.catalog.artists.get(mbid)
        if artist is None:
            return _error(404, "Not Found")
        root = _metadata()
        artist_el = _sub(root, "artist", id=artist.id)
        _sub(artist_el, "name", artist.name)
        _sub(artist_el, "sort-name", artist.sort_name)
        return _xml(root)

    # -- search ----------------------------------------------------------------------------

    def _search_recordings(self, request: Request) -> Response:
        query = request.arg("query") or ""
        terms = parse_query(query)
        if not terms:
            return _error(400, "Invalid query.")
        limit = max(1, min(100, int(request.arg("limit") or 25)))
        offset = max(0, int(request.arg("offset") or 0))
        scored = [(self._score(rec, terms), rec) for rec in self.catalog.recordings.values()]
        hits = sorted(
            ((s, r) for s, r in scored if s is not None and s >= _MIN_SCORE),
            key=lambda pair: (-pair[0], pair[1].title),
        )
        root = _metadata(search=True)
        rec_list = _sub(root, "recording-list", count=len(hits), offset=offset)
        for score, recording in hits[offset : offset + limit]:
            self._recording_el(rec_list, recording, set(), score=score)
        return _xml(root)

    def _score(self, recording: Recording, terms: list[tuple[str, str]]) -> int | None:
        """Rough Lucene stand-in: id fields filter, text fields score by similarity."""
        ratios = []
        for field, value in terms:
            exact = self._exact_match(recording, field, value)
            if exact is False:
                return None
            if exact is None and field in ("", "recording"):
                ratios.append(_similar(value, recording.title))
            elif exact is None and field in ("artist", "artistname", "creditname"):
                ratios.append(_similar(value, self.catalog.credit_name(recording.artist_ids)))
            elif exact is None and field == "release":
                titles = [r.title for r, _, _ in self.catalog.releases_with_recording(recording.id)]
                ratios.append(max((_similar(value, t) for t in titles), default=0.0))
        # The weakest field decides, so other songs by the same artist score low as on MB.
        return round(100 * min(ratios)) if ratios else 100

    def _exact_match(self, recording: Recording, field: str, value: str) -> bool | None:
        """True/False for id-like fields; None when the field is not an exact one."""
        value = value.lower()
        if field == "rid":
            return recording.id == value
        if field == "isrc":
            return value.upper() in recording.isrcs
        if field == "arid":
            return value in recording.artist_ids
        if field == "reid":
            places = self.catalog.releases_with_recording(recording.id)
            return any(release.id == value for release, _, _ in places)
        return None

    # -- XML pieces ------------------------------------------------------------------------

    def _artist_credit(self, parent: ET.Element, artist_ids: list[str]) -> None:
        credit = _sub(parent, "artist-credit")
        for index, artist_id in enumerate(artist_ids):
            artist = self.catalog.artists[artist_id]
            attrs = {"joinphrase": " & "} if index < len(artist_ids) - 1 else {}
            name_credit = _sub(credit, "name-credit", **attrs)
            artist_el = _sub(name_credit, "artist", id=artist.id)
            _sub(artist_el, "name", artist.name)
            _sub(artist_el, "sort-name", artist.sort_name)

    def _release_group_el(
        self, parent: ET.Element, group: ReleaseGroup, *, with_artists: bool = False
    ) -> ET.Element:
        shown_type = group.secondary_types[0] if group.secondary_types else group.primary_type
        attrs = {"id": group.id, "type": shown_type} if shown_type else {"id": group.id}
        group_el = _sub(parent, "release-group", **attrs)
        _sub(group_el, "title", group.title)
        dates = [r.date for r in self.catalog.releases_in_group(group.id) if r.date]
        if dates:
            _sub(group_el, "first-release-date", min(dates))
        if group.primary_type:
            _sub(group_el, "primary-type", group.primary_type)
        if group.secondary_types:
            type_list = _sub(group_el, "secondary-type-list")
            for secondary in group.secondary_types:
                _sub(type_list, "secondary-type", secondary)
        if with_artists:
            self._artist_credit(group_el, group.artist_ids)
        return group_el

    def _recording_el(
        self, parent: ET.Element, recording: Recording, inc: set[str], score: int | None = None
    ) -> None:
        search = score is not None
        attrs = {"id": recording.id}
        if search:
            attrs["ext:score"] = str(score)
        rec_el = ET.SubElement(parent, "recording", attrs)
        _sub(rec_el, "title", recording.title)
        if recording.length_ms is not None:
            _sub(rec_el, "length", recording.length_ms)
        if search or inc & {"artists", "artist-credits"}:
            self._artist_credit(rec_el, recording.artist_ids)
        if search or "releases" in inc:
            places = self.catalog.releases_with_recording(recording.id)
            rel_list = _sub(rec_el, "release-list", count=len(places))
            for release, _medium, _track in places:
                release_inc = {"release-groups", "media"} if search else inc
                self._release_el(rel_list, release, release_inc, only=recording.id, search=search)
        if recording.isrcs and (search or "isrcs" in inc):
            isrc_list = _sub(rec_el, "isrc-list", count=len(recording.isrcs))
            for isrc in recording.isrcs:
                _sub(isrc_list, "isrc", id=isrc)

    def _release_el(
        self,
        parent: ET.Element,
        release: Release,
        inc: set[str],
        *,
        only: str | None = None,
        search: bool = False,
    ) -> ET.Element:
        """A <release>. With `only` (a recording id) the media list holds just that track,
        as in recording lookups and search results."""
        rel_el = _sub(parent, "release", id=release.id)
        _sub(rel_el, "title", release.title)
        _sub(rel_el, "status", release.status)
        if release.disambiguation:
            _sub(rel_el, "disambiguation", release.disambiguation)
        if not search:
            _sub(rel_el, "quality", "normal")
        # Releases nested in a recording carry their credit only with inc=artist-credits.
        if "artist-credits" in inc or (only is None and "artists" in inc):
            self._artist_credit(rel_el, release.artist_ids)
        if "release-groups" in inc:
            group = self.catalog.release_groups[release.release_group_id]
            self._release_group_el(rel_el, group)
        if release.date:
            _sub(rel_el, "date", release.date)
        if release.country:
            _sub(rel_el, "country", release.country)
        if release.barcode:
            _sub(rel_el, "barcode", release.barcode)
        if release.labels and "labels" in inc and only is None:
            self._label_info(rel_el, release)
        if only is not None and inc & {"media"}:
            self._media_with_track(rel_el, release, only, search=search)
        elif only is None and inc & {"media", "recordings"}:
            self._media(rel_el, release, inc)
        return rel_el

    def _label_info(self, parent: ET.Element, release: Release) -> None:
        info_list = _sub(parent, "label-info-list", count=len(release.labels))
        for name, number in release.labels:
            info = _sub(info_list, "label-info")
            if number:
                _sub(info, "catalog-number", number)
            if name:
                label_el = _sub(info, "label", id=stable_id("label", name))
                _sub(label_el, "name", name)
                _sub(label_el, "sort-name", name)

    def _media(self, parent: ET.Element, release: Release, inc: set[str]) -> None:
        medium_list = _sub(parent, "medium-list", count=len(release.media))
        for medium in release.media:
            medium_el = _sub(medium_list, "medium")
            _sub(medium_el, "position", medium.position)
            _sub(medium_el, "format", medium.format)
            track_list = _sub(medium_el, "track-list", count=len(medium.tracks), offset=0)
            if "recordings" not in inc:
                continue
            for track in medium.tracks:
                track_el = _sub(track_list, "track", id=track.id)
                _sub(track_el, "position", track.position)
                _sub(track_el, "number", track.number)
                _sub(track_el, "title", track.title)
                if track.length_ms is not None:
                    _sub(track_el, "length", track.length_ms)
                self._track_recording(track_el, track.recording_id, inc)

    def _track_recording(self, parent: ET.Element, recording_id: str, inc: set[str]) -> None:
        recording = self.catalog.recordings[recording_id]
        rec_el = _sub(parent, "recording", id=recording.id)
        _sub(rec_el, "title", recording.title)
        if recording.length_ms is not None:
            _sub(rec_el, "length", recording.length_ms)
        if "artist-credits" in inc:
            self._artist_credit(rec_el, recording.artist_ids)
        if recording.isrcs and "isrcs" in inc:
            isrc_list = _sub(rec_el, "isrc-list", count=len(recording.isrcs))
            for isrc in recording.isrcs:
                _sub(isrc_list, "isrc", id=isrc)

    def _media_with_track(
        self, parent: ET.Element, release: Release, recording_id: str, *, search: bool
    ) -> None:
        medium_list = _sub(parent, "medium-list", count=len(release.media))
        if search:
            _sub(medium_list, "track-count", sum(len(m.tracks) for m in release.media))
        for medium in release.media:
            for index, track in enumerate(medium.tracks):
                if track.recording_id != recording_id:
                    continue
                medium_el = _sub(medium_list, "medium")
                _sub(medium_el, "position", medium.position)
                _sub(medium_el, "format", medium.format)
                track_list = _sub(medium_el, "track-list", count=len(medium.tracks), offset=index)
                track_el = _sub(track_list, "track", id=track.id)
                if not search:
                    _sub(track_el, "position", track.position)
                _sub(track_el, "number", track.number)
                _sub(track_el, "title", track.title)
                if track.length_ms is not None:
                    _sub(track_el, "length", track.length_ms)


def parse_query(query: str) -> list[tuple[str, str]]:
    """Split a Lucene query into (field, value) pairs, undoing musicbrainzngs' escaping.

    Bare words form one free-text term with the field "", as Lucene's default field would.
    """
    terms, bare = [], []
    for field, raw in _QUERY_TERM.findall(query):
        if not field and raw.upper() in ("AND", "OR", "NOT"):
            continue
        value = raw[1:-1] if raw[:1] in '("' and len(raw) >= 2 else raw
        value = re.sub(r"\\(.)", r"\1", value)
        if field:
            terms.append((field.lower(), value))
        else:
            bare.append(value)
    return [("", " ".join(bare)), *terms] if bare else terms


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, normalize(a), normalize(b)).ratio()


def _metadata(*, search: bool = False) -> ET.Element:
    attrs = {"xmlns": NS}
    if search:
        attrs["xmlns:ext"] = EXT_NS
        attrs["created"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return ET.Element("metadata", attrs)


def _xml(root: ET.Element) -> Response:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode()
    )
    return Response(200, body, "application/xml; charset=utf-8")


def _error(status: int, text: str) -> Response:
    return Response(status, error_xml(text, USAGE_TEXT), "application/xml; charset=utf-8")


class FakeMusicBrainz(FakeServer):
    """Fake MusicBrainz on its own port: `with FakeMusicBrainz(catalog) as url: ...`."""

    def __init__(
        self,
        catalog: MetadataCatalog | None = None,
        *,
        enforce_rate_limit: bool = False,
        min_interval: float = 1.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.catalog = catalog if catalog is not None else default_catalog()
        self.app = MusicBrainzApp(
            self.catalog, enforce_rate_limit=enforce_rate_limit, min_interval=min_interval
        )
        super().__init__([self.app], host=host, port=port)
