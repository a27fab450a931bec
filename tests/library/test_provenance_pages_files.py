"""The metadata pages end to end on real files: an edit through the form and a conflict settled
on the conflicts page reach the file's tags once the re-tag task has run."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from library import services
from library.models import FieldConflict, Source, TrackFile
from library.provenance import engine, retag
from library.tagging import TagSet, read_tags
from tests.library.provenance_pages_support import form_values
from tests.library.support import audio_file, music_root

pytestmark = pytest.mark.django_db


def scanned_track(title: str) -> TrackFile:
    audio_file(
        music_root() / "Band" / "Record" / f"01 - {title}.flac",
        tags=TagSet(title=title, artist="Band", album="Record", track_number=1),
    )
    assert services.run_scan(services.start_scan(background=False).pk) == "completed"
    return TrackFile.objects.select_related("track").get()


def test_an_edit_through_the_form_is_written_into_the_file(logged_in_client: Client) -> None:
    file = scanned_track("Song")
    url = f"/library/tracks/{file.track_id}/edit/"
    html = logged_in_client.get(url).content.decode()
    assert "Saving re-tags 1 file" in html

    logged_in_client.post(url, {**form_values(html), "title": "Renamed Song", "genres": "Dub"})
    outcome = retag.retag_due()

    assert outcome.files_written == 1, outcome
    file.refresh_from_db()
    tags = read_tags(Path(file.path))
    assert (tags.title, tags.genre) == ("Renamed Song", "Dub")


def test_a_conflict_settled_on_the_page_is_written_into_the_file(logged_in_client: Client) -> None:
    file = scanned_track("Song Remix")
    engine.record(file.track, Source.MUSICBRAINZ, {"title": "Song"})
    conflict = FieldConflict.objects.open().get()

    logged_in_client.post(
        f"/library/conflicts/{conflict.pk}/resolve/",
        {"source": "musicbrainz"},
        HTTP_HX_REQUEST="true",
    )
    retag.retag_due()

    file.refresh_from_db()
    assert read_tags(Path(file.path)).title == "Song"
