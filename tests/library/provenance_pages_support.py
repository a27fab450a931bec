"""What the metadata page tests share: conflicts made through the engine, and reading a
page's form back the way a browser would submit it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from library.models import Album, FieldConflict, Source, Track
from library.provenance import engine
from tests.factories import AlbumFactory, TrackFactory


def conflicted_track(
    album: Album | None = None, title: str = "Song Remix", musicbrainz: str = "Song", **fields
) -> tuple[Track, FieldConflict]:
    """A track whose file tags say `title` and MusicBrainz says other words: an open conflict."""
    album = album or AlbumFactory()
    track = TrackFactory(title=title, album=album, artist=album.artist, **fields)
    engine.record(track, Source.FILE_TAGS, {"title": title})
    engine.record(track, Source.MUSICBRAINZ, {"title": musicbrainz})
    conflict = FieldConflict.objects.open().get(kind="track", object_id=track.pk, field="title")
    return track, conflict


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and attributes.get("class") == "card":
            self.in_form = True
        typed = attributes.get("type") in ("text", "number", "hidden")
        if self.in_form and tag == "input" and typed:
            self.values[attributes["name"] or ""] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def form_values(html: str) -> dict[str, str]:
    """The edit form's fields as the page prefilled them (what an untouched form posts)."""
    parser = _Inputs()
    parser.feed(html)
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser.values


def row_of(html: str, element_id: str) -> str:
    """The HTML of the `<tr id=element_id>` row."""
    match = re.search(rf'<tr id="{element_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row {element_id}"
    return match[1]
